/**
 * The scheduler in two real server processes on one PostgreSQL database (DATABASE_URL; a scratch
 * database). The test-only job `test.tick` runs every second and inserts one row per slot, with
 * no unique key and no ON CONFLICT, so a slot run twice would show as two rows. One process is
 * killed with SIGKILL in the middle of a run: the other re-runs that same slot once the lease has
 * run out, and every slot of the window is run exactly once or was folded into a catch-up run
 * while the job was held.
 */
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database } from '../db/client';
import { ensureTimeRuleDefaults } from '../modules/time-rules/seed';
import { createScratchPostgres, startServer, waitFor, type ServerProcess } from '../test/processes';
import { TEST_TICK_JOB } from './test-jobs';

const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) console.warn('jobs.postgres.process.test.ts: skipped, set DATABASE_URL to a PostgreSQL server where scratch databases may be created');

const LEASE_MS = 3000;
const servers: ServerProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

interface Run {
  slot: Date;
  status: string;
  owner: string;
  started_at: Date;
  finished_at: Date | null;
}

const runs = async (database: Database) =>
  (await rows<Run>(database.db, sql`select slot, status, owner, started_at, finished_at from job_runs where job_name = ${TEST_TICK_JOB} order by slot`)).map((r) => ({
    ...r,
    slot: new Date(r.slot),
    started_at: new Date(r.started_at),
    finished_at: r.finished_at && new Date(r.finished_at),
  }));
const pidOf = (owner: string) => Number(owner.split(':').at(-2));

describe.skipIf(!adminUrl)('scheduled jobs in two server processes on PostgreSQL', () => {
  it('runs each slot of an every-second job exactly once, also when one process is killed mid-run', { timeout: 120_000 }, async () => {
    const scratch = await createScratchPostgres(adminUrl!, 'fw_jobs');
    cleanups.push(() => scratch.drop());
    const database = await openDatabase({ url: scratch.url, poolSize: 4 });
    cleanups.push(() => database.close());
    await database.migrate();
    // Seeded here: two processes starting at once on an empty database race to seed the defaults.
    await ensureTimeRuleDefaults(database.db, new Date());
    await database.db.execute(sql`create table job_test_ticks (slot timestamptz not null, owner text not null, ran_at timestamptz not null default clock_timestamp())`);

    const env = { FUWUTAI_TEST_JOBS: '1', FUWUTAI_JOB_LEASE_MS: String(LEASE_MS), FUWUTAI_JOB_POLL_MS: '200' };
    const [a, b] = await Promise.all([startServer({ databaseUrl: scratch.url, env }), startServer({ databaseUrl: scratch.url, env })]);
    servers.push(a!, b!);
    const windowStart = new Date();

    // Both processes take slots (who polls first after a slot's moment wins it).
    await waitFor(
      'both processes to have run slots',
      async () => {
        const pids = new Set((await runs(database)).filter((r) => r.status === 'ok' && r.slot >= windowStart).map((r) => pidOf(r.owner)));
        return pids.has(a!.pid) && pids.has(b!.pid);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );

    // Kill whichever process is in the middle of a run, while its handler waits before inserting.
    const victimRun = await waitFor('a run in progress', async () => (await runs(database)).find((r) => r.status === 'running'), { timeoutMs: 10_000, intervalMs: 20 });
    const victim = [a!, b!].find((s) => s.pid === pidOf(victimRun.owner))!;
    const survivor = victim === a ? b! : a!;
    await victim.kill();
    const killedAt = new Date();

    // The survivor takes the same slot over once the lease has run out, then carries on.
    const rerun = await waitFor(
      'the killed slot to be run again by the survivor',
      async () => (await runs(database)).find((r) => r.slot.getTime() === victimRun.slot.getTime() && r.status === 'ok'),
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(pidOf(rerun.owner)).toBe(survivor.pid);
    await waitFor('three more slots after the re-run', async () => (await runs(database)).filter((r) => r.status === 'ok' && r.slot > victimRun.slot).length >= 3, {
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    await survivor.stop();
    expect(survivor.output()).not.toMatch(/"level":50/);

    const all = await runs(database);
    const ticks = await rows<{ slot: Date | string; owner: string; ran_at: Date | string }>(database.db, sql`select slot, owner, ran_at from job_test_ticks order by slot`);
    // No slot ran twice: one row per slot, and every finished run wrote exactly its row.
    const tickSlots = ticks.map((t) => new Date(t.slot).toISOString());
    expect(new Set(tickSlots).size).toBe(tickSlots.length);
    expect(all.filter((r) => r.status !== 'ok')).toEqual([]);
    expect(tickSlots).toEqual(all.map((r) => r.slot.toISOString()));

    // The killed slot: written once, by the survivor, only after the victim's lease had run out.
    const killedTick = ticks.find((t) => new Date(t.slot).getTime() === victimRun.slot.getTime())!;
    expect(pidOf(killedTick.owner)).toBe(survivor.pid);
    expect(new Date(killedTick.ran_at).getTime() - killedAt.getTime()).toBeGreaterThan(LEASE_MS - 1000);

    // Missed slots only while the job was held (a run, or the dead run's lease): a slot between
    // two consecutive runs came before the first of them finished (plus one poll's allowance).
    const window = all.filter((r) => r.slot >= windowStart);
    expect(window.length).toBeGreaterThanOrEqual(6);
    const skipped: string[] = [];
    for (let i = 0; i + 1 < window.length; i++) {
      const run = window[i]!;
      for (let p = run.slot.getTime() + 1000; p < window[i + 1]!.slot.getTime(); p += 1000) {
        if (p >= run.finished_at!.getTime() + 1000) skipped.push(`${new Date(p).toISOString()} (previous run finished ${run.finished_at!.toISOString()})`);
      }
    }
    expect(skipped).toEqual([]);
    // The lease kept the job from running at all between the kill and the re-run, and the
    // re-run's catch-up folded the slots of that gap into one run.
    const afterRerun = window.find((r) => r.slot > victimRun.slot)!;
    expect(afterRerun.slot.getTime() - victimRun.slot.getTime()).toBeGreaterThan(1000);
  });
});
