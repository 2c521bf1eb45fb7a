/**
 * Several server processes started at the same moment on an empty PostgreSQL database: one
 * migrates and seeds (advisory locks), the others wait and find it done; all of them serve.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchPostgres, startServer, type ServerProcess } from './processes';

const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) console.warn('startup.postgres.process.test.ts: skipped, set DATABASE_URL to a PostgreSQL server');

const servers: ServerProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

describe.skipIf(!adminUrl)('start-up on PostgreSQL', () => {
  it('three processes starting together on an empty database all come up, with one set of defaults', { timeout: 120_000 }, async () => {
    const scratch = await createScratchPostgres(adminUrl!, 'fw_start');
    cleanups.push(() => scratch.drop());
    const started = await Promise.all([0, 1, 2].map(() => startServer({ databaseUrl: scratch.url })));
    servers.push(...started);
    for (const server of started) {
      const health = await (await fetch(`${server.url}/api/health`)).json();
      expect(health).toMatchObject({ status: 'ok', database: 'postgresql' });
    }
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: scratch.url });
    await client.connect();
    try {
      const { rows } = await client.query("select key, count(*)::int as n from calendars group by key order by key");
      expect(rows).toEqual([
        { key: '5x8-china', n: 1 },
        { key: '7x24', n: 1 },
      ]);
      const admins = await client.query("select count(*)::int as n from users where username = 'admin'");
      expect(admins.rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });
});
