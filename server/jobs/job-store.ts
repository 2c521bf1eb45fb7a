/**
 * The scheduler's SQL on `scheduled_jobs` and `job_runs`: declaring recurring jobs, scheduling
 * one-off jobs, claiming due slots, keeping a lease alive and recording a finished run.
 *
 * How a slot runs exactly once across processes and restarts:
 * - A claim locks due job rows with FOR UPDATE SKIP LOCKED (processes never wait on each other),
 *   records the slot in `job_runs` under UNIQUE (job_name, slot) and leases the job to its process
 *   (`lease_until`, `lease_owner`), all in one short transaction. The handler runs after commit.
 * - While the lease is held nobody else claims the job. A live process renews its lease; a process
 *   that died stops renewing, its lease runs out and whoever claims the job next re-runs the SAME
 *   slot (its `job_runs` row is still `running`; `lease_owner` still names the dead process).
 * - Finishing writes the run's result and the job's next slot in one transaction, and only if the
 *   run is still ours: a process that lost its lease cannot overwrite what the next one recorded.
 * So a slot is completed once; a handler may be STARTED twice for one slot when a process dies
 * mid-run (or stalls past its lease), which is why handlers must be idempotent per slot.
 */
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../db/client';
import { scheduledJobs } from '../db/schema';
import { dueSlot, firstSlot, nextSlotAfter, scheduleOf, type JobSchedule } from './schedule';

export interface RecurringJobRow {
  name: string;
  handler: string;
  schedule: Exclude<JobSchedule, { kind: 'once' }>;
  payload: Record<string, unknown>;
}

/** A slot this process has claimed and must run, then finish. */
export interface ClaimedRun {
  runId: number;
  name: string;
  handler: string;
  schedule: JobSchedule;
  payload: Record<string, unknown>;
  slot: Date;
  manual: boolean;
  /** A slot a dead process had started, run again. */
  resumed: boolean;
  startedAt: Date;
}

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const isoOrNull = (d: Date | null) => (d ? iso(d) : sql`null::timestamptz`);
const list = (values: readonly string[]) => sql.join(values.map((v) => sql`${v}`), sql`, `);

/**
 * Upserts the recurring jobs declared in code. An admin's enable/disable is kept; the next slot is
 * recomputed only for a new job or a changed schedule (and never under a running lease).
 */
export async function declareRecurringJobs(db: Db, jobs: readonly RecurringJobRow[], now: Date): Promise<void> {
  for (const job of jobs) {
    const cron = job.schedule.kind === 'cron' ? job.schedule.cron : null;
    const interval = job.schedule.kind === 'interval' ? job.schedule.intervalSeconds : null;
    const timeZone = job.schedule.kind === 'cron' ? job.schedule.timeZone : 'UTC';
    await db.execute(sql`
      insert into scheduled_jobs (name, handler, cron, interval_seconds, time_zone, payload, next_run_at)
      values (${job.name}, ${job.handler}, ${cron}, ${interval}, ${timeZone}, ${JSON.stringify(job.payload)}::jsonb, ${isoOrNull(firstSlot(job.schedule, now))})
      on conflict (name) do update set
        handler = excluded.handler, cron = excluded.cron, interval_seconds = excluded.interval_seconds,
        time_zone = excluded.time_zone, payload = excluded.payload,
        next_run_at = case
          when scheduled_jobs.lease_owner is null and (scheduled_jobs.next_run_at is null
            or scheduled_jobs.cron is distinct from excluded.cron
            or scheduled_jobs.interval_seconds is distinct from excluded.interval_seconds
            or scheduled_jobs.time_zone is distinct from excluded.time_zone)
          then excluded.next_run_at else scheduled_jobs.next_run_at end`);
  }
}

export interface OneOffJob {
  /** Unique: scheduling the same name again does nothing (idempotent). */
  name: string;
  /** A handler registered by name in every server process. */
  handler: string;
  runAt: Date;
  payload?: Record<string, unknown>;
}

/**
 * Schedules a delayed job that runs once at `runAt` (or as soon as a process is up after it).
 * Idempotent by name: returns false, changing nothing, if a job of that name exists. Pass the
 * transaction (`tx`) of the change that calls for it, so the job exists exactly when the change does.
 */
export async function scheduleOnce(db: Db, job: OneOffJob): Promise<boolean> {
  if (!job.name.trim()) throw new Error('A scheduled job needs a name');
  if (Number.isNaN(job.runAt.getTime())) throw new Error(`Job "${job.name}": runAt is not a valid date`);
  const created = await db
    .insert(scheduledJobs)
    .values({ name: job.name, handler: job.handler, payload: job.payload ?? {}, nextRunAt: job.runAt })
    .onConflictDoNothing()
    .returning({ name: scheduledJobs.name });
  return created.length > 0;
}

/**
 * On PGlite the data folder belongs to this one process, so a lease left in it is a dead
 * process's: let it go at start-up (the owner stays, so the unfinished slot is re-run at once).
 */
export async function releaseDeadLeases(db: Db): Promise<number> {
  const released = await rows<{ name: string }>(db, sql`update scheduled_jobs set lease_until = null where lease_until is not null returning name`);
  return released.length;
}

interface DueRow {
  name: string;
  handler: string;
  cron: string | null;
  interval_seconds: number | null;
  time_zone: string;
  payload: Record<string, unknown>;
  next_run_at: Date | string;
  run_requested_at: Date | string | null;
  lease_owner: string | null;
}

/** The slot that follows a run of `slot`: the schedule's next one, none for a one-off job. */
export const slotAfterRun = (schedule: JobSchedule, slot: Date) => nextSlotAfter(schedule, slot);

/**
 * Claims up to `limit` due jobs whose handler this process has, skipping jobs it is running and
 * jobs another process holds. Returns the claimed slots, committed, ready to run.
 */
export async function claimDueJobs(
  db: Db,
  options: { handlers: readonly string[]; owner: string; now: Date; leaseMs: number; exclude: readonly string[]; limit: number },
): Promise<ClaimedRun[]> {
  const { owner, now } = options;
  if (!options.handlers.length || options.limit <= 0) return [];
  const notRunningHere: SQL = options.exclude.length ? sql`and name not in (${list(options.exclude)})` : sql``;
  return db.transaction(async (tx) => {
    const due = await rows<DueRow>(
      tx,
      sql`select name, handler, cron, interval_seconds, time_zone, payload, next_run_at, run_requested_at, lease_owner
          from scheduled_jobs
          where next_run_at <= ${iso(now)} and (enabled or run_requested_at is not null)
            and (lease_until is null or lease_until <= ${iso(now)})
            and handler in (${list(options.handlers)}) ${notRunningHere}
          order by next_run_at, name limit ${options.limit} for update skip locked`,
    );
    const claimed: ClaimedRun[] = [];
    for (const job of due) {
      const schedule = scheduleOf({ cron: job.cron, intervalSeconds: job.interval_seconds, timeZone: job.time_zone });
      const nextRunAt = new Date(job.next_run_at);
      const requested = job.run_requested_at === null ? null : new Date(job.run_requested_at);
      // A lease owner on a claimable row means its process died during the slot in next_run_at.
      const resumed = job.lease_owner !== null;
      const manual = !resumed && requested !== null;
      const slot = resumed ? nextRunAt : manual ? requested! : dueSlot(schedule, nextRunAt, now);
      const keepRequest = manual ? sql`null::timestamptz` : sql`run_requested_at`;
      const [run] = await rows<{ id: number; manual: boolean }>(
        tx,
        sql`insert into job_runs (job_name, slot, started_at, status, owner, manual)
            values (${job.name}, ${iso(slot)}, ${iso(now)}, 'running', ${owner}, ${manual})
            on conflict (job_name, slot) do update set owner = excluded.owner, started_at = excluded.started_at
              where job_runs.status = 'running'
            returning id, manual`,
      );
      if (!run) {
        // That slot has already run to the end (a clock stepped back, a request landed on it): move on.
        await tx.execute(sql`
          update scheduled_jobs set next_run_at = ${isoOrNull(slotAfterRun(schedule, slot))}, run_requested_at = ${keepRequest},
            lease_until = null, lease_owner = null
          where name = ${job.name}`);
        continue;
      }
      await tx.execute(sql`
        update scheduled_jobs set next_run_at = ${iso(slot)}, run_requested_at = ${keepRequest},
          lease_until = ${iso(new Date(now.getTime() + options.leaseMs))}, lease_owner = ${owner}, last_started_at = ${iso(now)}
        where name = ${job.name}`);
      claimed.push({ runId: Number(run.id), name: job.name, handler: job.handler, schedule, payload: job.payload ?? {}, slot, manual: run.manual, resumed, startedAt: now });
    }
    return claimed;
  });
}

/** Extends the lease of a job this process is running; false when it is no longer ours. */
export async function renewLease(db: Db, name: string, owner: string, until: Date): Promise<boolean> {
  const renewed = await rows<{ name: string }>(
    db,
    sql`update scheduled_jobs set lease_until = ${iso(until)} where name = ${name} and lease_owner = ${owner} returning name`,
  );
  return renewed.length > 0;
}

/**
 * Records how a run ended and moves the job to its next slot (an admin's pending "run now" first).
 * Returns false, writing nothing, when another process has taken the slot over.
 */
export async function finishRun(
  db: Db,
  run: ClaimedRun,
  owner: string,
  outcome: { status: 'ok' | 'error'; error: string | null; finishedAt: Date },
): Promise<boolean> {
  const durationMs = Math.max(0, outcome.finishedAt.getTime() - run.startedAt.getTime());
  const error = outcome.error?.slice(0, 2000) ?? null;
  return db.transaction(async (tx) => {
    const mine = await rows<{ id: number }>(
      tx,
      sql`update job_runs set finished_at = ${iso(outcome.finishedAt)}, status = ${outcome.status}, error = ${error}
          where id = ${run.runId} and owner = ${owner} and status = 'running' returning id`,
    );
    if (!mine.length) return false;
    await tx.execute(sql`
      update scheduled_jobs set
        next_run_at = coalesce(run_requested_at, ${isoOrNull(slotAfterRun(run.schedule, run.slot))}),
        lease_until = null, lease_owner = null,
        last_finished_at = ${iso(outcome.finishedAt)}, last_status = ${outcome.status}, last_error = ${error},
        last_duration_ms = ${durationMs}, run_count = run_count + 1
      where name = ${run.name} and lease_owner = ${owner}`);
    return true;
  });
}
