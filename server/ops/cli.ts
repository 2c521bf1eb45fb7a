/**
 * `npm run backup [-- --out FILE]` and `npm run restore -- FILE [--force]` for the embedded
 * installation (FUWUTAI_DATA_DIR, default ./data; `--data-dir DIR` overrides).
 *
 * backup: while a server runs on the folder it asks that server (POST /api/admin/backup with the
 * admin API token in FUWUTAI_TOKEN), since only it may open the database; otherwise it opens the
 * folder itself, holding the folder's lock so no server starts meanwhile.
 * restore: refuses while any process holds the folder, and refuses a folder with data unless --force.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { VERSION } from '../app';
import { openDatabase } from '../db/client';
import { loadConfig } from '../platform/config';
import { restoreBackup, RestoreRefused, takeSnapshot, writeBackupArchive } from './backup';
import { claimDataDir, readLiveLock } from './data-dir-lock';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) throw new RestoreRefused(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

const defaultName = (now: Date) => `fuwutai-backup-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.tar.gz`;

async function backup(args: string[]) {
  const config = loadConfig();
  const dataDir = path.resolve(option(args, '--data-dir') ?? config.dataDir);
  const now = new Date();
  const out = path.resolve(option(args, '--out') ?? path.join(dataDir, 'backups', defaultName(now)));
  if (config.databaseUrl) {
    throw new RestoreRefused(
      'DATABASE_URL is set: back up PostgreSQL with `pg_dump --format=custom` and copy FUWUTAI_DATA_DIR/attachments (docs/OPERATIONS.md)',
    );
  }
  await fs.promises.mkdir(path.dirname(out), { recursive: true });
  const partial = `${out}.part`;
  const live = readLiveLock(dataDir);
  try {
    if (live) {
      if (!live.port) throw new RestoreRefused(`${dataDir} is in use by process ${live.pid} (not a server); try again when it has finished`);
      const token = process.env.FUWUTAI_TOKEN;
      if (!token) {
        throw new RestoreRefused(
          `A server (pid ${live.pid}) is running on ${dataDir}: set FUWUTAI_TOKEN to an API token with the admin scope (个人设置 → API 令牌) so it can write the backup`,
        );
      }
      const response = await fetch(`http://127.0.0.1:${live.port}/api/admin/backup`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => '');
        throw new RestoreRefused(`The server refused the backup (HTTP ${response.status}): ${text.slice(0, 500)}`);
      }
      await pipeline(Readable.fromWeb(response.body as never), fs.createWriteStream(partial));
    } else {
      if (!fs.existsSync(path.join(dataDir, 'pgdata', 'PG_VERSION'))) throw new RestoreRefused(`${dataDir} holds no database to back up`);
      const release = claimDataDir(dataDir);
      try {
        const database = await openDatabase({ dataDir });
        try {
          const snapshot = await takeSnapshot(database, dataDir, { appVersion: VERSION, now });
          await writeBackupArchive(snapshot, fs.createWriteStream(partial));
        } finally {
          await database.close();
        }
      } finally {
        release();
      }
    }
    await fs.promises.rename(partial, out);
  } catch (error) {
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
  const bytes = (await fs.promises.stat(out)).size;
  console.log(`Backup written: ${out} (${(bytes / 1048576).toFixed(1)} MB${live ? `, by the running server pid ${live.pid}` : ''})`);
}

async function restore(args: string[]) {
  const config = loadConfig();
  const dataDir = path.resolve(option(args, '--data-dir') ?? config.dataDir);
  const force = args.includes('--force');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) throw new RestoreRefused('Usage: npm run restore -- FILE [--force] [--data-dir DIR]');
  const archive = path.resolve(files[0]!);
  if (!fs.existsSync(archive)) throw new RestoreRefused(`${archive} does not exist`);
  if (config.databaseUrl) throw new RestoreRefused('DATABASE_URL is set: restore PostgreSQL with pg_restore (docs/OPERATIONS.md); this restores the embedded database');
  // Holding the lock while restoring keeps a server from starting on a half-restored folder.
  const live = readLiveLock(dataDir);
  if (live) throw new RestoreRefused(`A Fuwutai process (pid ${live.pid}) is using ${dataDir}; stop it before restoring`);
  const release = claimDataDir(dataDir);
  let result: Awaited<ReturnType<typeof restoreBackup>>;
  try {
    result = await restoreBackup(archive, dataDir, { force });
  } finally {
    release();
  }
  const { manifest } = result;
  console.log(
    `Restored the backup of ${manifest.createdAt} (schema ${manifest.schemaVersion}, ${manifest.attachments.count} attachments) into ${dataDir}.` +
      (result.previousMovedTo ? `\nThe previous database and attachments were moved to ${result.previousMovedTo}.` : '') +
      '\nStart the server (npm start): it applies any newer migrations.',
  );
}

const [command, ...args] = process.argv.slice(2);
const run = command === 'backup' ? backup : command === 'restore' ? restore : null;
if (!run) {
  console.error('Usage: tsx server/ops/cli.ts backup|restore …');
  process.exit(2);
}
run(args).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof RestoreRefused ? `✗ ${error.message}` : error);
    process.exit(1);
  },
);
