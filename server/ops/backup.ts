/**
 * Backups of the embedded installation: the PGlite database and the attachments, as one
 * `.tar.gz` (manifest.json, database/pgdata.tar, attachments/<storage key>…), and their restore.
 *
 * Consistency: PGlite is one connection, so the snapshot is taken inside a transaction of our own
 * (no other transaction can be open: PGlite runs them one at a time) after a CHECKPOINT; the
 * attachment files are listed *after* that. An attachment file is renamed into place before its
 * row commits and files are never changed or deleted afterwards, so every row in the snapshot has
 * its file in the list; a file whose row committed after the snapshot is an orphan the restored
 * desk never reads. PostgreSQL installations use pg_dump instead (docs/OPERATIONS.md).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '../db/client';
import { AppError } from '../platform/errors';
import { readLiveLock } from './data-dir-lock';
import { endOfArchive, readTar, writeEntry } from './tar';

export const BACKUP_FORMAT = 'fuwutai-backup';
export const BACKUP_FORMAT_VERSION = 1;
const DATABASE_ENTRY = 'database/pgdata.tar';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  appVersion: string;
  schemaVersion: string;
  database: { file: string; bytes: number; sha256: string };
  attachments: { count: number; bytes: number };
}

interface AttachmentFile {
  key: string;
  file: string;
  size: number;
}

export interface BackupSnapshot {
  manifest: BackupManifest;
  database: Buffer;
  attachments: AttachmentFile[];
}

/** Takes the consistent snapshot (database image, then the attachment list); nothing is written yet. */
export async function takeSnapshot(database: Database, dataDir: string, meta: { appVersion: string; now: Date }): Promise<BackupSnapshot> {
  if (database.kind !== 'pglite') {
    throw new AppError('backup.use_pg_dump', 'This desk runs on PostgreSQL: back it up with pg_dump and copy the attachments folder (docs/OPERATIONS.md)');
  }
  const client = (database.db as unknown as { $client: PGlite }).$client;
  const image = await client.transaction(async (tx) => {
    await tx.query('checkpoint');
    return client.dumpDataDir('none');
  });
  const databaseTar = Buffer.from(await image.arrayBuffer());
  const attachments = await listAttachmentFiles(path.join(dataDir, 'attachments'));
  return {
    database: databaseTar,
    attachments,
    manifest: {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: meta.now.toISOString(),
      appVersion: meta.appVersion,
      schemaVersion: await database.schemaVersion(),
      database: { file: DATABASE_ENTRY, bytes: databaseTar.length, sha256: crypto.createHash('sha256').update(databaseTar).digest('hex') },
      attachments: { count: attachments.length, bytes: attachments.reduce((sum, a) => sum + a.size, 0) },
    },
  };
}

/** Every stored attachment file (not the upload staging folder `tmp/`), with its size now. */
async function listAttachmentFiles(root: string): Promise<AttachmentFile[]> {
  const found: AttachmentFile[] = [];
  const walk = async (dir: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const key = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!prefix && entry.name === 'tmp') continue;
        await walk(full, key);
      } else if (entry.isFile()) {
        found.push({ key, file: full, size: (await fs.promises.stat(full)).size });
      }
    }
  };
  await walk(root, '');
  return found;
}

/** Streams the snapshot as a gzipped tar archive into `out` (a file, an HTTP response). */
export async function writeBackupArchive(snapshot: BackupSnapshot, out: Writable): Promise<void> {
  const tar = new PassThrough();
  const done = pipeline(tar, zlib.createGzip(), out);
  try {
    await writeEntry(tar, 'manifest.json', Buffer.from(`${JSON.stringify(snapshot.manifest, null, 2)}\n`));
    await writeEntry(tar, DATABASE_ENTRY, snapshot.database);
    for (const attachment of snapshot.attachments) {
      await writeEntry(tar, `attachments/${attachment.key}`, { file: attachment.file, size: attachment.size });
    }
    await endOfArchive(tar);
    tar.end();
  } catch (error) {
    tar.destroy(error as Error);
  }
  await done;
}

export class RestoreRefused extends Error {}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the previous database and attachments were moved (with --force), if there were any. */
  previousMovedTo: string | null;
}

/**
 * Restores an archive into `dataDir`: refuses while a server holds the folder, and refuses a
 * folder that already has a database or attachments unless `force` (then they are moved aside to
 * `pre-restore-<time>/`, never deleted). Everything is unpacked and opened in a staging folder
 * first, so a damaged archive leaves the data folder as it was.
 */
export async function restoreBackup(archive: string, dataDir: string, options: { force?: boolean; now?: Date } = {}): Promise<RestoreResult> {
  const live = readLiveLock(dataDir);
  if (live) throw new RestoreRefused(`A Fuwutai process (pid ${live.pid}) is using ${dataDir}; stop it before restoring`);
  const existing = ['pgdata', 'attachments'].filter((name) => isNonEmptyDir(path.join(dataDir, name)));
  if (existing.length && !options.force) {
    throw new RestoreRefused(`${dataDir} already holds ${existing.join(' and ')}; restore into an empty folder, or add --force to move them aside`);
  }
  await fs.promises.mkdir(dataDir, { recursive: true });
  const staging = await fs.promises.mkdtemp(path.join(dataDir, '.restore-'));
  try {
    let manifest: BackupManifest | null = null;
    await readTar(
      fs.createReadStream(archive).pipe(zlib.createGunzip()),
      (entry) => {
        if (entry.name === 'manifest.json') return 'buffer';
        if (entry.name === DATABASE_ENTRY) return path.join(staging, 'pgdata.tar');
        if (entry.name.startsWith('attachments/')) return path.join(staging, entry.name);
        return null;
      },
      (_entry, data) => {
        manifest = JSON.parse(data.toString('utf8')) as BackupManifest;
      },
    );
    const found = manifest as BackupManifest | null;
    if (!found || found.format !== BACKUP_FORMAT) throw new RestoreRefused(`${archive} is not a Fuwutai backup (no manifest)`);
    if (found.formatVersion > BACKUP_FORMAT_VERSION) {
      throw new RestoreRefused(`${archive} was written by a newer Fuwutai (backup format ${found.formatVersion}); upgrade first`);
    }
    const databaseTar = await fs.promises.readFile(path.join(staging, 'pgdata.tar')).catch(() => null);
    if (!databaseTar) throw new RestoreRefused(`${archive} holds no database`);
    const sha256 = crypto.createHash('sha256').update(databaseTar).digest('hex');
    if (sha256 !== found.database.sha256) throw new RestoreRefused(`${archive} is damaged: the database image does not match its checksum`);

    // Let PGlite unpack its own image, then open and close it once so a bad image fails here.
    const pgdata = path.join(staging, 'pgdata');
    await fs.promises.mkdir(pgdata, { recursive: true });
    const client = new PGlite(pgdata, { loadDataDir: new Blob([databaseTar]) });
    await client.waitReady;
    await client.query('select 1');
    await client.close();
    await fs.promises.rm(path.join(staging, 'pgdata.tar'));
    await fs.promises.mkdir(path.join(staging, 'attachments'), { recursive: true });

    let previousMovedTo: string | null = null;
    if (existing.length) {
      const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
      previousMovedTo = path.join(dataDir, `pre-restore-${stamp}`);
      await fs.promises.mkdir(previousMovedTo, { recursive: true });
      for (const name of existing) await fs.promises.rename(path.join(dataDir, name), path.join(previousMovedTo, name));
    }
    for (const name of ['pgdata', 'attachments']) {
      await fs.promises.rm(path.join(dataDir, name), { recursive: true, force: true }); // empty leftovers only
      await fs.promises.rename(path.join(staging, name), path.join(dataDir, name));
    }
    return { manifest: found, previousMovedTo };
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
}

function isNonEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}
