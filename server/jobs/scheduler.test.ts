/**
 * The scheduler against a real database (PGlite, or PostgreSQL with DATABASE_URL) on a fake
 * clock: declaring jobs, claiming, exactly-once slots under racing pollers, a crashed run's slot
 * re-run after its lease, catch-up, one-off jobs, failures, manual runs and the housekeeping purge.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows, type Db } from '../db/client';
import { createTestApp, FakeClock, type TestApp } from '../test/harness';
import { claimDueJobs, finishRun } from './job-store';
import { purgeExpired } from './purge';
import { createJobRegistry, declareJobs, runDueJobs, scheduleOnce, type JobContext, type JobRegistry } from './scheduler';

const clock = new FakeClock('2026-03-02T10:00:00.000Z');
let t: TestApp;
let db: Db;
const LEASE_MS = 30_000;

beforeAll(async () => {
  t = await createTestApp({ clock });
  db = t.services.db;
});
afterAll(async () => t?.close());

const tick = (registry: JobRegistry, owner = 'test-process') => runDueJobs({ db, registry, clock, log: t.app.log, leaseMs: LEASE_MS, owner });
const job = async (name: string) =>
  (await rows<{ enabled: boolean; next_run_at: Date | string | null; lease_owner: string | null; last_status: string | null; last_error: string | null; run_count: number; run_requested_at: string | null }>(
    db,
    sql`select enabled, next_run_at, lease_owner, last_status, last_error, run_count::int as run_count, run_requested_at from scheduled_jobs where name = ${name}`,
  ))[0];
const runsOf = async (name: string) =>
  (await rows<{ slot: Date | string; status: string; owner: string; manual: boolean; error: string | null }>(db, sql`select slot, status, owner, manual, error from job_runs where job_name = ${name} order by slot, id`)).map((r) => ({
    ...r,
    slot: new Date(r.slot).toISOString(),
  }));
const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

/** A registry with one recurring job whose handler records what it was called with. */
function recording(name: string, schedule: { everySeconds: number } | { cron: string }, behaviour?: (ctx: JobContext) => Promise<void>) {
  const calls: JobContext[] = [];
  const registry = createJobRegistry({ timeZone: 'Asia/Shanghai' });
  registry.registerJob({
    name,
    ...schedule,
    run: async (ctx) => {
      calls.push(ctx);
      await behaviour?.(ctx);
    },
  });
  return { registry, calls };
}

describe('declaring recurring jobs', () => {
  it('starts an interval job at once and a cron job at its next slot in the desk time zone', async () => {
    clock.set('2026-03-02T10:00:07.000Z');
    const registry = createJobRegistry({ timeZone: 'Asia/Shanghai' });
    registry.registerJob({ name: 'decl.interval', everySeconds: 60, run: async () => {} });
    registry.registerJob({ name: 'decl.cron', cron: '30 3 * * *', run: async () => {} });
    await declareJobs(db, registry, clock.now());
    expect(iso((await job('decl.interval'))!.next_run_at)).toBe('2026-03-02T10:00:00.000Z');
    // 03:30 in Beijing on the 3rd is 19:30 UTC on the 2nd.
    expect(iso((await job('decl.cron'))!.next_run_at)).toBe('2026-03-02T19:30:00.000Z');
  });

  it("keeps an admin's disable across restarts and re-plans only a changed schedule", async () => {
    await db.execute(sql`update scheduled_jobs set enabled = false where name = 'decl.cron'`);
    const again = createJobRegistry({ timeZone: 'Asia/Shanghai' });
    again.registerJob({ name: 'decl.cron', cron: '30 3 * * *', run: async () => {} });
    clock.set('2026-03-02T12:00:00.000Z');
    await declareJobs(db, again, clock.now());
    expect(await job('decl.cron')).toMatchObject({ enabled: false });
    expect(iso((await job('decl.cron'))!.next_run_at)).toBe('2026-03-02T19:30:00.000Z');

    const changed = createJobRegistry({ timeZone: 'Asia/Shanghai' });
    changed.registerJob({ name: 'decl.cron', cron: '0 4 * * *', run: async () => {} });
    await declareJobs(db, changed, clock.now());
    expect(await job('decl.cron')).toMatchObject({ enabled: false });
    expect(iso((await job('decl.cron'))!.next_run_at)).toBe('2026-03-02T20:00:00.000Z');
  });

  it('refuses a job with two schedules, none, or a bad cron, and a handler registered twice', () => {
    const registry = createJobRegistry({ timeZone: 'Asia/Shanghai' });
    expect(() => registry.registerJob({ name: 'x', run: async () => {} })).toThrow(/exactly one/);
    expect(() => registry.registerJob({ name: 'x', everySeconds: 5, cron: '* * * * *', run: async () => {} })).toThrow(/exactly one/);
    expect(() => registry.registerJob({ name: 'x', cron: 'nightly', run: async () => {} })).toThrow();
    registry.registerHandler('h', async () => {});
    expect(() => registry.registerHandler('h', async () => {})).toThrow(/twice/);
  });
});

describe('running due slots', () => {
  it('runs a slot once however many pollers race for it, and waits for the next slot', async () => {
    clock.set('2026-03-02T11:00:00.500Z');
    const { registry, calls } = recording('race.job', { everySeconds: 60 }, () => new Promise((resolve) => setTimeout(resolve, 50)));
    await declareJobs(db, registry, clock.now());
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((owner) => tick(registry, owner)));
    expect(results.flat()).toHaveLength(1);
    expect(calls.map((c) => c.slot.toISOString())).toEqual(['2026-03-02T11:00:00.000Z']);
    expect(await runsOf('race.job')).toMatchObject([{ slot: '2026-03-02T11:00:00.000Z', status: 'ok', manual: false }]);
    expect(await job('race.job')).toMatchObject({ lease_owner: null, last_status: 'ok', run_count: 1 });
    expect(iso((await job('race.job'))!.next_run_at)).toBe('2026-03-02T11:01:00.000Z');

    // Nothing is due until the next slot comes.
    clock.set('2026-03-02T11:00:59.999Z');
    expect(await tick(registry)).toEqual([]);
    clock.set('2026-03-02T11:01:00.000Z');
    expect((await tick(registry)).map((r) => r.slot.toISOString())).toEqual(['2026-03-02T11:01:00.000Z']);
  });

  it('after downtime runs the latest missed slot once, then keeps to the schedule', async () => {
    clock.set('2026-03-02T11:08:30.000Z'); // seven slots missed since 11:01
    const { registry, calls } = recording('race.job', { everySeconds: 60 });
    expect((await tick(registry)).map((r) => r.slot.toISOString())).toEqual(['2026-03-02T11:08:00.000Z']);
    expect(await tick(registry)).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(iso((await job('race.job'))!.next_run_at)).toBe('2026-03-02T11:09:00.000Z');
  });

  it("re-runs the slot of a process that died mid-run once its lease has run out, and the dead run's late finish changes nothing", async () => {
    clock.set('2026-03-02T12:00:00.000Z');
    const { registry, calls } = recording('crash.job', { everySeconds: 3600 });
    await declareJobs(db, registry, clock.now());
    // Process "dead" claims the 12:00 slot and dies before finishing.
    const [claimed] = await claimDueJobs(db, { handlers: ['crash.job'], owner: 'dead', now: clock.now(), leaseMs: LEASE_MS, exclude: [], limit: 10 });
    expect(claimed).toMatchObject({ name: 'crash.job', resumed: false });
    expect(await runsOf('crash.job')).toMatchObject([{ status: 'running', owner: 'dead' }]);

    clock.set(new Date(clock.now().getTime() + LEASE_MS - 1));
    expect(await tick(registry, 'alive')).toEqual([]);
    clock.set(new Date(clock.now().getTime() + 1));
    const [rerun] = await tick(registry, 'alive');
    expect(rerun).toMatchObject({ resumed: true, status: 'ok' });
    expect(rerun!.slot.toISOString()).toBe('2026-03-02T12:00:00.000Z');
    expect(calls.map((c) => c.slot.toISOString())).toEqual(['2026-03-02T12:00:00.000Z']);
    expect(await runsOf('crash.job')).toMatchObject([{ slot: '2026-03-02T12:00:00.000Z', status: 'ok', owner: 'alive' }]);

    // The "dead" process was only stalled; its finish comes in now and must not count.
    expect(await finishRun(db, claimed!, 'dead', { status: 'error', error: 'late', finishedAt: clock.now() })).toBe(false);
    expect(await runsOf('crash.job')).toMatchObject([{ status: 'ok', owner: 'alive', error: null }]);
    expect(await job('crash.job')).toMatchObject({ last_status: 'ok', run_count: 1 });
    expect(iso((await job('crash.job'))!.next_run_at)).toBe('2026-03-02T13:00:00.000Z');
  });

  it('records a failing handler and moves on to the next slot', async () => {
    clock.set('2026-03-02T13:00:00.000Z');
    const { registry } = recording('failing.job', { everySeconds: 3600 }, async () => {
      throw new Error('mailbox unreachable');
    });
    await declareJobs(db, registry, clock.now());
    expect((await tick(registry)).map((r) => r.status)).toEqual(['error']);
    expect(await runsOf('failing.job')).toMatchObject([{ status: 'error', error: 'mailbox unreachable' }]);
    expect(await job('failing.job')).toMatchObject({ last_status: 'error', last_error: 'mailbox unreachable', lease_owner: null });
    expect(iso((await job('failing.job'))!.next_run_at)).toBe('2026-03-02T14:00:00.000Z');
  });

  it('leaves jobs whose handler this process does not have to the processes that do', async () => {
    clock.set('2026-03-02T13:30:00.000Z');
    expect(await scheduleOnce(db, { name: 'unknown.handler.once', handler: 'not.registered.here', runAt: clock.now() })).toBe(true);
    const { registry } = recording('other.job', { everySeconds: 3600 });
    await tick(registry);
    expect(await runsOf('unknown.handler.once')).toEqual([]);
  });
});

describe('one-off jobs (scheduleOnce)', () => {
  it('run once at their moment, are idempotent by name, and can be scheduled inside a transaction', async () => {
    clock.set('2026-03-02T14:00:00.000Z');
    const registry = createJobRegistry({ timeZone: 'Asia/Shanghai' });
    const seen: Array<{ name: string; payload: unknown; slot: string }> = [];
    registry.registerHandler('contract.remind', async (ctx) => void seen.push({ name: ctx.name, payload: ctx.payload, slot: ctx.slot.toISOString() }));
    const runAt = new Date('2026-03-02T14:05:00.000Z');
    const created = await db.transaction((tx) => scheduleOnce(tx, { name: 'contract.remind:42', handler: 'contract.remind', runAt, payload: { contractId: 42 } }));
    expect(created).toBe(true);
    // Again (a retried request, another process): nothing changes.
    expect(await scheduleOnce(db, { name: 'contract.remind:42', handler: 'contract.remind', runAt: new Date('2026-03-09T00:00:00Z'), payload: { contractId: 0 } })).toBe(false);
    // A transaction that rolls back leaves no job behind.
    await expect(
      db.transaction(async (tx) => {
        await scheduleOnce(tx, { name: 'contract.remind:43', handler: 'contract.remind', runAt });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');

    expect(await tick(registry)).toEqual([]);
    clock.set('2026-03-02T14:06:00.000Z');
    await tick(registry);
    clock.set('2026-03-03T14:06:00.000Z');
    await tick(registry);
    expect(seen).toEqual([{ name: 'contract.remind:42', payload: { contractId: 42 }, slot: '2026-03-02T14:05:00.000Z' }]);
    expect(await job('contract.remind:42')).toMatchObject({ next_run_at: null, last_status: 'ok', run_count: 1 });
    expect(await job('contract.remind:43')).toBeUndefined();
    await expect(scheduleOnce(db, { name: ' ', handler: 'contract.remind', runAt })).rejects.toThrow(/needs a name/);
  });
});

describe('manual runs', () => {
  it('run a requested moment as a manual slot, even for a disabled job, then return to the schedule', async () => {
    clock.set('2026-03-02T15:00:00.000Z');
    const { registry, calls } = recording('manual.job', { cron: '0 4 * * *' });
    await declareJobs(db, registry, clock.now());
    await db.execute(sql`update scheduled_jobs set enabled = false where name = 'manual.job'`);
    const requested = new Date('2026-03-02T15:00:01.234Z');
    await db.execute(sql`update scheduled_jobs set run_requested_at = ${requested.toISOString()}::timestamptz, next_run_at = ${requested.toISOString()}::timestamptz where name = 'manual.job'`);
    clock.set('2026-03-02T15:00:02.000Z');
    const [run] = await tick(registry);
    expect(run).toMatchObject({ manual: true, status: 'ok' });
    expect(calls.map((c) => [c.slot.toISOString(), c.manual])).toEqual([['2026-03-02T15:00:01.234Z', true]]);
    expect(await runsOf('manual.job')).toMatchObject([{ slot: '2026-03-02T15:00:01.234Z', manual: true, status: 'ok' }]);
    // Back on the 04:00 Beijing schedule (20:00 UTC), and disabled: not run by the schedule.
    expect(await job('manual.job')).toMatchObject({ enabled: false, run_requested_at: null });
    expect(iso((await job('manual.job'))!.next_run_at)).toBe('2026-03-02T20:00:00.000Z');
    clock.set('2026-03-03T20:00:00.000Z');
    expect(await tick(registry)).toEqual([]);
  });
});

describe('housekeeping purge', () => {
  it('deletes expired sessions, day-old login attempts and push messages, and job history beyond 200 per job', async () => {
    const now = new Date('2026-03-10T03:30:00Z');
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
    const user = await t.factory.user({ role: 'engineer' });
    await db.execute(sql`insert into sessions (token_hash, user_id, expires_at) values
      ('purge-expired', ${user.id}, ${hoursAgo(1)}::timestamptz), ('purge-live', ${user.id}, ${hoursAgo(-1)}::timestamptz)`);
    await db.execute(sql`insert into login_attempts (username, ip, succeeded, at) values
      ('purge.old', '10.0.0.1', false, ${hoursAgo(25)}::timestamptz), ('purge.new', '10.0.0.1', false, ${hoursAgo(23)}::timestamptz)`);
    await db.execute(sql`insert into push_messages (type, data, created_at) values
      ('purge.old', '{}', ${hoursAgo(25)}::timestamptz), ('purge.new', '{}', ${hoursAgo(23)}::timestamptz)`);
    // 230 finished runs of one job (the oldest 30 must go), one old run of another (older than 30 days), and an old one still running.
    await db.execute(sql`insert into job_runs (job_name, slot, started_at, finished_at, status)
      select 'purge.many', ${now.toISOString()}::timestamptz - make_interval(mins => g), ${now.toISOString()}::timestamptz - make_interval(mins => g), ${now.toISOString()}::timestamptz - make_interval(mins => g), 'ok'
      from generate_series(1, 230) g`);
    await db.execute(sql`insert into job_runs (job_name, slot, started_at, status) values
      ('purge.old', ${hoursAgo(24 * 31)}::timestamptz, ${hoursAgo(24 * 31)}::timestamptz, 'ok'),
      ('purge.stuck', ${hoursAgo(24 * 40)}::timestamptz, ${hoursAgo(24 * 40)}::timestamptz, 'running')`);

    const purged = await purgeExpired(db, now);
    expect(purged.sessions).toBeGreaterThanOrEqual(1);
    expect(purged).toMatchObject({ loginAttempts: 1, pushMessages: 1 });
    const left = async (query: ReturnType<typeof sql>) => (await rows<{ v: string }>(db, query)).map((r) => r.v).sort();
    expect(await left(sql`select token_hash as v from sessions where token_hash like 'purge-%'`)).toEqual(['purge-live']);
    expect(await left(sql`select username as v from login_attempts where username like 'purge.%'`)).toEqual(['purge.new']);
    expect(await left(sql`select type as v from push_messages where type like 'purge.%'`)).toEqual(['purge.new']);
    const [many] = await rows<{ n: number; oldest: Date | string }>(db, sql`select count(*)::int as n, min(slot) as oldest from job_runs where job_name = 'purge.many'`);
    expect(many!.n).toBe(200);
    expect(iso(many!.oldest)).toBe(new Date(now.getTime() - 200 * 60_000).toISOString());
    expect(await left(sql`select job_name as v from job_runs where job_name in ('purge.old', 'purge.stuck')`)).toEqual(['purge.stuck']);
    // Run twice (a slot re-run after a crash): nothing more to delete.
    expect(await purgeExpired(db, now)).toEqual({ sessions: 0, loginAttempts: 0, pushMessages: 0, idempotencyKeys: 0, jobRuns: 0 });
  });
});
