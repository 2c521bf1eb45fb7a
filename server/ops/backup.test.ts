/**
 * Backups that restore: a desk with a ticket and an attachment on an embedded (file) database is
 * backed up through POST /api/admin/backup, restored into a fresh folder, opened again, and the
 * same ticket and attachment bytes come back. Restore refuses a folder in use or with data; the
 * command line works without a server. On the harness's own database (PostgreSQL when
 * DATABASE_URL is set) the endpoint answers as that database allows.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client';
import { createTestApp, type Client, type TestApp } from '../test/harness';
import { restoreBackup, RestoreRefused } from './backup';
import { lockPath } from './data-dir-lock';
import { readTar, tarHeader } from './tar';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const LOG = Buffer.from(Array.from({ length: 6000 }, (_, i) => `2026-03-0${(i % 9) + 1} ATM-${i} 读卡器故障 code=${i * 7}\n`).join(''));

async function entriesOf(archive: Buffer): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  await readTar(Readable.from([zlib.gunzipSync(archive)]), () => 'buffer', (entry, data) => found.set(entry.name, data));
  return found;
}

/** An app on a PGlite database kept in `dataDir` (the production layout), not in memory. */
async function fileBackedApp(dataDir: string): Promise<{ t: TestApp; database: Database; close(): Promise<void> }> {
  const database = await openDatabase({ dataDir });
  await database.migrate();
  const t = await createTestApp({ config: { dataDir }, deps: { database } });
  return {
    t,
    database,
    async close() {
      await t.close();
      await database.close();
    },
  };
}

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-backup-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore of the embedded database', () => {
  const source = tempDir();
  const target = tempDir();
  const archive = path.join(tempDir(), 'backup.tar.gz');
  let ticket: { id: string; number: string; title: string };
  let attachmentId: string;

  beforeAll(async () => {
    const desk = await fileBackedApp(source);
    try {
      const admin = await desk.t.as('admin');
      ticket = await desk.t.factory.ticket({ title: '备份恢复测试：ATM 吞卡' });
      const up = await admin.upload(`/api/tickets/${ticket.id}/attachments`, { name: 'atm-log.log', content: LOG }, { public: 'true' });
      expect(up.status, JSON.stringify(up.body)).toBe(201);
      attachmentId = up.body.id;

      const engineer = await desk.t.as('engineer');
      const refused = await desk.t.app.inject({ method: 'POST', url: '/api/admin/backup', headers: { cookie: engineer.cookie! } });
      expect(refused.statusCode).toBe(403);

      const res = await desk.t.app.inject({ method: 'POST', url: '/api/admin/backup', headers: { cookie: admin.cookie! } });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.headers['content-type']).toBe('application/gzip');
      expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="fuwutai-backup-\d{8}T\d{6}Z\.tar\.gz"$/);
      fs.writeFileSync(archive, res.rawPayload);
    } finally {
      await desk.close();
    }
  });

  it('writes one archive: manifest, database image, attachment files', async () => {
    const entries = await entriesOf(fs.readFileSync(archive));
    const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8'));
    expect(manifest).toMatchObject({ format: 'fuwutai-backup', formatVersion: 1, attachments: { count: 1, bytes: LOG.length } });
    expect(manifest.schemaVersion).toMatch(/^\d{4}_/);
    expect(entries.get('database/pgdata.tar')!.length).toBe(manifest.database.bytes);
    const files = [...entries.keys()].filter((name) => name.startsWith('attachments/'));
    expect(files).toHaveLength(1);
    expect(entries.get(files[0]!)!.equals(LOG)).toBe(true);
  });

  it('restores into a fresh folder with the same ticket and attachment bytes', async () => {
    const result = await restoreBackup(archive, target);
    expect(result.previousMovedTo).toBeNull();
    const desk = await fileBackedApp(target);
    try {
      const admin: Client = await desk.t.as('admin');
      const got = await admin.get(`/api/tickets/${ticket.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ id: ticket.id, number: ticket.number, title: '备份恢复测试：ATM 吞卡' });
      const file = await desk.t.app.inject({ method: 'GET', url: `/api/attachments/${attachmentId}`, headers: { cookie: admin.cookie! } });
      expect(file.statusCode).toBe(200);
      expect(file.rawPayload.equals(LOG)).toBe(true);
    } finally {
      await desk.close();
    }
  });

  it('refuses a folder that already has data unless forced, and then moves the old data aside', async () => {
    await expect(restoreBackup(archive, target)).rejects.toThrow(/already holds pgdata and attachments.*--force/);
    const marker = path.join(target, 'attachments', 'marker.txt');
    fs.writeFileSync(marker, 'old');
    const result = await restoreBackup(archive, target, { force: true });
    expect(result.previousMovedTo).toMatch(/pre-restore-/);
    expect(fs.readFileSync(path.join(result.previousMovedTo!, 'attachments', 'marker.txt'), 'utf8')).toBe('old');
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync(path.join(target, 'pgdata', 'PG_VERSION'))).toBe(true);
  });

  it('refuses while another live process holds the folder', async () => {
    fs.writeFileSync(lockPath(target), JSON.stringify({ pid: process.ppid, port: 3000, startedAt: new Date().toISOString() }));
    try {
      await expect(restoreBackup(archive, target, { force: true })).rejects.toThrow(RestoreRefused);
      await expect(restoreBackup(archive, target, { force: true })).rejects.toThrow(`pid ${process.ppid}`);
    } finally {
      fs.rmSync(lockPath(target));
    }
  });

  it('refuses a damaged archive and leaves the folder as it was', async () => {
    const bytes = zlib.gunzipSync(fs.readFileSync(archive));
    bytes[2048 + 600] = bytes[2048 + 600]! ^ 0xff; // inside the database image
    const damaged = path.join(path.dirname(archive), 'damaged.tar.gz');
    fs.writeFileSync(damaged, zlib.gzipSync(bytes));
    const empty = tempDir();
    await expect(restoreBackup(damaged, empty)).rejects.toThrow(/damaged/);
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  it('command line: backs up a folder no server is using, and restore refuses a folder in use', () => {
    const out = path.join(tempDir(), 'cli.tar.gz');
    const env = { ...process.env, DATABASE_URL: '', FUWUTAI_DATA_DIR: target };
    const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
    const backup = spawnSync(tsx, ['server/ops/cli.ts', 'backup', '--out', out], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 });
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`Backup written: ${out}`);
    expect(fs.existsSync(`${out}.part`)).toBe(false);
    expect(fs.existsSync(lockPath(target))).toBe(false);

    fs.writeFileSync(lockPath(target), JSON.stringify({ pid: process.pid, port: 3000, startedAt: new Date().toISOString() }));
    try {
      const restore = spawnSync(tsx, ['server/ops/cli.ts', 'restore', out, '--force'], { cwd: repoRoot, env, encoding: 'utf8', timeout: 120_000 });
      expect(restore.status).toBe(1);
      expect(restore.stderr).toContain(`pid ${process.pid}`);
    } finally {
      fs.rmSync(lockPath(target));
    }
  }, 240_000);
});

describe('POST /api/admin/backup on the test database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('streams a backup on PGlite, and on PostgreSQL says to use pg_dump', async () => {
    const admin = await t.as('admin');
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/backup', headers: { cookie: admin.cookie! } });
    if (t.database.kind === 'postgresql') {
      expect(res.statusCode).toBe(409);
      expect(res.json().error).toMatchObject({ key: 'backup.use_pg_dump' });
    } else {
      expect(res.statusCode).toBe(200);
      const entries = await entriesOf(res.rawPayload);
      expect(JSON.parse(entries.get('manifest.json')!.toString()).attachments.count).toBe(0);
    }
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/admin/backup' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('tar reader', () => {
  it('refuses entries that would escape the restore folder', async () => {
    const evil = Buffer.concat([tarHeader('../outside.txt', 1, new Date()), Buffer.alloc(512), Buffer.alloc(1024)]);
    await expect(readTar(Readable.from([evil]), () => null, () => {})).rejects.toThrow(/should not/);
  });
});
