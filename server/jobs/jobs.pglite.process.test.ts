/**
 * The scheduler in a server process on the embedded PGlite database (a data folder): the process
 * is killed with SIGKILL in the middle of a run of the test-only every-second job; on restart the
 * folder's lease is released at once (only one process can use a PGlite folder) and the killed
 * slot runs again, once, followed by the next slots, each once. While the server runs, the test
 * watches through the admin API (a PGlite folder cannot be opened twice).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobList, JobView } from '../../common/api/jobs';
import { openDatabase, rows, type Db } from '../db/client';
import { ADMIN_PASSWORD, login, startServer, waitFor, type HttpClient, type ServerProcess } from '../test/processes';
import { TEST_TICK_JOB } from './test-jobs';

const dirs: string[] = [];
const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function withFolder<T>(dir: string, use: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase({ dataDir: dir });
  try {
    await database.migrate();
    return await use(database.db);
  } finally {
    await database.close();
  }
}

async function start(dir: string) {
  const server = await startServer({ dataDir: dir, env: { FUWUTAI_TEST_JOBS: '1', FUWUTAI_JOB_POLL_MS: '200' } });
  servers.push(server);
  return server;
}

const tickJob = async (admin: HttpClient): Promise<JobView> => {
  const res = await admin.get<JobList>('/api/admin/jobs');
  if (res.status !== 200) throw new Error(`job list: ${res.status}`);
  return res.body.items.find((j) => j.name === TEST_TICK_JOB)!;
};
const pidOf = (owner: string) => Number(owner.split(':').at(-2));

describe('scheduled jobs in a server process on PGlite', () => {
  it('re-runs the slot a killed process was running, once, right after restart, then the next slots once each', { timeout: 120_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-jobs-'));
    dirs.push(dir);
    await withFolder(dir, (db) => db.execute(sql`create table job_test_ticks (slot timestamptz not null, owner text not null, ran_at timestamptz not null default clock_timestamp())`));

    const first = await start(dir);
    const admin1 = await login(first.url, 'admin', ADMIN_PASSWORD);
    await waitFor('two finished slots', async () => (await tickJob(admin1)).recentRuns.filter((r) => r.status === 'ok').length >= 2, { timeoutMs: 30_000, intervalMs: 200 });
    const killedSlot = await waitFor(
      'a run in progress',
      async () => {
        const job = await tickJob(admin1);
        return job.running && job.recentRuns.find((r) => r.status === 'running')?.slot;
      },
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    await first.kill();

    const second = await start(dir);
    const admin2 = await login(second.url, 'admin', ADMIN_PASSWORD);
    await waitFor(
      'the killed slot and two more to finish',
      async () => {
        const runs = (await tickJob(admin2)).recentRuns;
        return runs.some((r) => r.slot === killedSlot && r.status === 'ok') && runs.filter((r) => r.status === 'ok' && r.slot > killedSlot).length >= 2;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await second.stop();
    expect(second.output()).toContain('released the leases of a process that stopped mid-run');
    expect(second.output()).not.toMatch(/"level":50/);

    await withFolder(dir, async (db) => {
      const ticks = await rows<{ slot: string; owner: string }>(db, sql`select slot, owner from job_test_ticks order by slot`);
      const runs = await rows<{ slot: string; status: string; owner: string }>(db, sql`select slot, status, owner from job_runs where job_name = ${TEST_TICK_JOB} order by slot`);
      const tickSlots = ticks.map((t) => new Date(t.slot).toISOString());
      // Every slot once: one row per slot, one per finished run, nothing left running.
      expect(new Set(tickSlots).size).toBe(tickSlots.length);
      expect(runs.filter((r) => r.status !== 'ok')).toEqual([]);
      expect(tickSlots).toEqual(runs.map((r) => new Date(r.slot).toISOString()));
      // The killed slot was written by the second process only: the first died before its insert.
      const killed = ticks.filter((t) => new Date(t.slot).toISOString() === killedSlot);
      expect(killed).toHaveLength(1);
      expect(pidOf(killed[0]!.owner)).toBe(second.pid);
      // Slots before it were the first process's, after it the second's.
      expect(ticks.filter((t) => new Date(t.slot).toISOString() < killedSlot).every((t) => pidOf(t.owner) === first.pid)).toBe(true);
      expect(ticks.filter((t) => new Date(t.slot).toISOString() > killedSlot).every((t) => pidOf(t.owner) === second.pid)).toBe(true);
    });
  });
});
