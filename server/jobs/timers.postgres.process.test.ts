/**
 * The due-time sweep in real server processes on PostgreSQL (DATABASE_URL, a scratch database
 * per test): many due tickets fire each step once; with two processes on one database the sweep
 * is one scheduled job whose slots either process takes (each slot once, job_runs) and each step
 * still fires once (SKIP LOCKED, the unique key); a process killed with SIGKILL in the middle of a
 * batch loses exactly that batch, which the next process fires, late, once the dead process's
 * lease on the sweep job has run out.
 * The test reads the database while the processes run, which PostgreSQL allows.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database } from '../db/client';
import { createScratchPostgres, createSeeder, startServer, timerReport, waitFor, type ScratchDatabase, type ServerProcess } from '../test/processes';

const HOUR = 3_600_000;
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) console.warn('timers.postgres.process.test.ts: skipped, set DATABASE_URL to a PostgreSQL server where scratch databases may be created');

const servers: ServerProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** A scratch database with the schema, opened in this process for seeding and checking. */
async function scratch(): Promise<{ db: ScratchDatabase; database: Database }> {
  const db = await createScratchPostgres(adminUrl!, 'fw_timers');
  cleanups.push(() => db.drop());
  const database = await openDatabase({ url: db.url, poolSize: 4 });
  cleanups.push(() => database.close());
  await database.migrate();
  return { db, database };
}

async function start(url: string, options: { sweepIntervalMs?: number; logLevel?: string } = {}) {
  const server = await startServer({ databaseUrl: url, sweepIntervalMs: options.sweepIntervalMs ?? 200, logLevel: options.logLevel });
  servers.push(server);
  return server;
}

const count = async (database: Database, query: ReturnType<typeof sql>) => (await rows<{ n: number }>(database.db, query))[0]!.n;

const stepsBySeverity = (report: Awaited<ReturnType<typeof timerReport>>) => {
  const by: Record<string, Set<string>> = {};
  for (const s of report.steps) (by[s.severity] ??= new Set()).add(JSON.stringify(s.hours));
  return Object.fromEntries(Object.entries(by).map(([k, v]) => [k, [...v].sort()]));
};

/** What one process reported: the sum of its "sweep fired timers" lines. */
const firedBy = (server: ServerProcess) =>
  server
    .logs()
    .filter((l) => l.msg === 'sweep fired timers')
    .reduce((sum, l) => sum + (l.fired as number), 0);

describe.skipIf(!adminUrl)('timers in server processes on PostgreSQL', () => {
  it('fires each due escalation step of 140 tickets exactly once', { timeout: 60_000 }, async () => {
    const { db, database } = await scratch();
    const seeder = await createSeeder(database);
    const fiveHoursAgo = new Date(Date.now() - 5 * HOUR);
    const severities = [...Array(60).fill('P1'), ...Array(60).fill('P2'), ...Array(20).fill('P4')];
    await seeder.tickets(severities.map((severity) => ({ severity, reportedAt: fiveHoursAgo })), 4);
    expect(await count(database, sql`select count(*)::int as n from ticket_firings`)).toBe(0);

    const server = await start(db.url);
    await waitFor('the sweep to reach every ticket', async () => (await timerReport(database.db)).stillDue === 0, { timeoutMs: 40_000, intervalMs: 100 });
    await server.stop();
    expect(server.output()).not.toMatch(/sweep failed|"level":50/);

    const report = await timerReport(database.db);
    expect(report.steps).toHaveLength(140);
    expect(stepsBySeverity(report)).toEqual({ P1: ['[1,4]'], P2: ['[4]'], P4: ['[]'] });
    expect(report.escalations).toBe(180);
    expect(report.escalatedEvents).toBe(180);
    expect(report.duplicateMessages).toBe(0);
    expect(report.late).toBe(report.firings);
    expect(report.lateMismatch).toBe(0);
  });

  it('two processes on one database take turns at the sweep job and fire each step once', { timeout: 60_000 }, async () => {
    const { db, database } = await scratch();
    const seeder = await createSeeder(database);
    const N = 400;
    await seeder.bulkTickets(N, (i) => (i % 2 ? 'P2' : 'P1'), (i) => 5 * HOUR + i * 1000);
    // Hidden from the sweep until both processes run, then due all at once (as after a rule change).
    await database.db.execute(sql`update tickets set next_due_at = null`);

    const [a, b] = await Promise.all([start(db.url, { sweepIntervalMs: 100, logLevel: 'info' }), start(db.url, { sweepIntervalMs: 100, logLevel: 'info' })]);
    await database.db.execute(sql`update tickets set next_due_at = now()`);
    await waitFor('both processes to sweep everything', async () => (await timerReport(database.db)).stillDue === 0, { timeoutMs: 40_000, intervalMs: 100 });
    // Who wins a slot is whoever polls first after its moment (polls are jittered): give both a turn.
    await waitFor(
      'both processes to have run sweep slots',
      async () => (await rows<{ n: number }>(database.db, sql`select count(distinct owner)::int as n from job_runs where job_name = 'sla.sweep' and status = 'ok'`))[0]!.n >= 2,
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    await Promise.all([a.stop(), b.stop()]);

    const report = await timerReport(database.db);
    expect(stepsBySeverity(report)).toEqual({ P1: ['[1,4]'], P2: ['[4]'] });
    expect(report.escalations).toBe((N / 2) * 2 + N / 2);
    expect(report.escalatedEvents).toBe(report.escalations);
    expect(report.duplicateMessages).toBe(0);
    expect(report.lateMismatch).toBe(0);
    for (const server of [a, b]) expect(server.output()).not.toMatch(/sweep failed|"level":50/);
    // Each firing was claimed by exactly one of them.
    expect(firedBy(a) + firedBy(b)).toBe(report.firings);
    // The sweep is one job: each of its slots ran once, in one of the two processes, and both
    // processes took slots (so either carries on alone when the other stops).
    const sweeps = await rows<{ slot: string; owner: string; status: string }>(database.db, sql`select slot::text, owner, status from job_runs where job_name = 'sla.sweep'`);
    expect(new Set(sweeps.map((r) => r.slot)).size).toBe(sweeps.length);
    expect(sweeps.every((r) => r.status === 'ok')).toBe(true);
    const pids = new Set(sweeps.map((r) => Number(r.owner.split(':').at(-2))));
    expect([...pids].every((pid) => pid === a.pid || pid === b.pid)).toBe(true);
    expect(pids.size).toBe(2);
  });

  it('a process killed in the middle of a batch loses that batch only; the next one fires it, each step once, late', { timeout: 60_000 }, async () => {
    const { db, database } = await scratch();
    const seeder = await createSeeder(database);
    const N = 300;
    // Ticket i falls due i seconds after ticket i-1: the sweep takes them in this order, 50 at a time.
    await seeder.bulkTickets(N, () => 'P1', (i) => 5 * HOUR + (N - i) * 1000);
    const ordered = await rows<{ id: string }>(database.db, sql`select id from tickets order by next_due_at`);
    const [rule] = await rows<{ id: string }>(database.db, sql`select id from escalation_rules where severity = 'P1' and after_minutes = 60`);

    // Hold ticket 120's first escalation in an open transaction: the sweep's third batch
    // (tickets 100–149) waits on it with tickets 100–119 fired but not committed. The foreign-key
    // check is switched off for this one insert (superuser only): its share lock on the ticket row
    // would make the sweep skip ticket 120 (SKIP LOCKED) instead of waiting on it.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    cleanups.push(() => blocker.end());
    await blocker.query('begin');
    await blocker.query(`set local session_replication_role = replica`);
    await blocker.query(`insert into ticket_firings (ticket_id, key, kind, due_at, fired_at) values ($1, $2, 'escalation', now(), now())`, [ordered[120]!.id, `esc:${rule!.id}`]);

    // Named sessions, so the test can tell the doomed process's from everyone else's.
    const first = await start(`${db.url}?application_name=fw_killed`);
    const sessions = (where: ReturnType<typeof sql>) =>
      count(database, sql`select count(*)::int as n from pg_stat_activity where datname = ${db.name} and application_name = 'fw_killed' and ${where}`);
    await waitFor('the sweep to wait on the held firing', async () => (await sessions(sql`wait_event_type = 'Lock'`)) > 0, { timeoutMs: 40_000, intervalMs: 50 });
    expect(await count(database, sql`select count(*)::int as n from ticket_firings where kind = 'escalation'`)).toBe(100 * 2);
    await first.kill();
    await blocker.query('rollback');
    // The killed process's sessions end, rolling back the open batch, once PostgreSQL notices the client is gone.
    await waitFor('the killed process’s sessions to end', async () => (await sessions(sql`true`)) === 0, { timeoutMs: 20_000, intervalMs: 100 });

    const afterKill = await timerReport(database.db);
    expect(afterKill.escalations).toBe(100 * 2);
    const done = new Set(afterKill.steps.filter((s) => s.hours.length > 0).map((s) => s.ticket_id));
    expect(new Set(ordered.slice(0, 100).map((t) => t.id))).toEqual(done);

    const second = await start(db.url);
    await waitFor('the next process to fire the rest', async () => (await timerReport(database.db)).stillDue === 0, { timeoutMs: 40_000, intervalMs: 100 });
    await second.stop();

    const report = await timerReport(database.db);
    expect(stepsBySeverity(report)).toEqual({ P1: ['[1,4]'] });
    expect(report.escalations).toBe(2 * N);
    expect(report.escalatedEvents).toBe(2 * N);
    expect(report.duplicateMessages).toBe(0);
    expect(report.late).toBe(report.firings);
    expect(report.lateMismatch).toBe(0);
  });
});
