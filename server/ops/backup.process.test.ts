/**
 * `npm run backup` while a real server process runs on an embedded data folder: the command asks
 * that server (API token with the admin scope) instead of opening the folder, the archive
 * restores with the ticket written through the server, restore refuses the folder in use, and a
 * second server refuses to start on it. Always PGlite (PostgreSQL is backed up with pg_dump).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../db/client';
import { ADMIN_PASSWORD, login, startServer, type ServerProcess } from '../test/processes';
import { restoreBackup } from './backup';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-backup-live-'));
  dirs.push(dir);
  return dir;
};

describe('npm run backup against a running server', () => {
  const dataDir = tempDir();
  let server: ServerProcess;
  let token: string;
  let ticketId: string;

  beforeAll(async () => {
    server = await startServer({ dataDir });
    const admin = await login(server.url, 'admin', ADMIN_PASSWORD);
    const customer = await admin.post('/api/customers', { name: '在线备份测试客户' });
    expect(customer.status, JSON.stringify(customer.body)).toBe(201);
    const ticket = await admin.post('/api/tickets', {
      title: '在线备份：POS 无法联网',
      description: '门店 POS 终端掉线',
      severity: 'P2',
      channel: 'phone',
      customerId: customer.body.id,
    });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    ticketId = ticket.body.id;
    const created = await admin.post('/api/tokens', { name: 'backup', scopes: ['admin'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    token = created.body.secret;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(tsx, ['server/ops/cli.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: '', FUWUTAI_DATA_DIR: dataDir, FUWUTAI_TOKEN: '', ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('asks for an admin token instead of opening the folder the server holds', () => {
    const run = cli(['backup', '--out', path.join(tempDir(), 'x.tar.gz')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`A server (pid ${server.pid}) is running`);
    expect(run.stderr).toContain('FUWUTAI_TOKEN');
  }, 120_000);

  it('has the running server write the backup, which restores with the ticket', async () => {
    const out = path.join(tempDir(), 'live.tar.gz');
    const run = cli(['backup', '--out', out], { FUWUTAI_TOKEN: token });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`by the running server pid ${server.pid}`);

    const restore = cli(['restore', out, '--force']);
    expect(restore.status).toBe(1);
    expect(restore.stderr).toContain(`pid ${server.pid}`);

    const fresh = tempDir();
    await restoreBackup(out, fresh);
    const database = await openDatabase({ dataDir: fresh });
    try {
      const found = await rows<{ title: string }>(database.db, sql`select title from tickets where id = ${ticketId}`);
      expect(found).toEqual([{ title: '在线备份：POS 无法联网' }]);
    } finally {
      await database.close();
    }
  }, 120_000);

  it('a second server refuses to start on the same folder', () => {
    const second = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: '', FUWUTAI_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`is in use by process ${server.pid}`);
  }, 120_000);
});
