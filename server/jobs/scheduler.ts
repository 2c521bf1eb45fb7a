/**
 * The one home of recurring and delayed work. Handlers are registered by name in code; recurring
 * jobs declared here are upserted into `scheduled_jobs` at start, one-off jobs are added by any
 * module with `scheduleOnce(tx, …)`. Every process polls (every `pollMs`, never two polls at once),
 * claims due slots (job-store.ts says how each slot runs exactly once), runs the handlers outside
 * any transaction, each job at most once at a time in a process, and records the result.
 *
 * Handlers must be idempotent per slot: a process that dies mid-run leaves its slot to be run
 * again, from the start, by whoever claims it after the lease has run out.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client';
import type { Clock } from '../platform/clock';
import { claimDueJobs, declareRecurringJobs, finishRun, releaseDeadLeases, renewLease, type ClaimedRun, type RecurringJobRow } from './job-store';
import { validateSchedule } from './schedule';

export { scheduleOnce, type OneOffJob } from './job-store';

export interface JobContext {
  /** The job's name (one-off jobs sharing a handler tell themselves apart by it). */
  name: string;
  /** The scheduled moment this run stands for; the key to make a handler idempotent. */
  slot: Date;
  /** Asked for by an admin's "run now". */
  manual: boolean;
  payload: Record<string, unknown>;
  /** The process running it (`lease_owner`, `job_runs.owner`). */
  owner: string;
  db: Db;
  now(): Date;
  log: FastifyBaseLogger;
}

export type JobHandler = (context: JobContext) => Promise<void>;

export interface RecurringJob {
  name: string;
  /** Every so many seconds (slots are multiples of it since the epoch) … */
  everySeconds?: number;
  /** … or a cron expression (5 or 6 fields) in `timeZone` (the desk's by default). */
  cron?: string;
  timeZone?: string;
  payload?: Record<string, unknown>;
  run: JobHandler;
}

export function createJobRegistry(options: { timeZone: string }) {
  const handlers = new Map<string, JobHandler>();
  const recurring = new Map<string, RecurringJobRow>();
  const registerHandler = (name: string, run: JobHandler) => {
    if (handlers.has(name)) throw new Error(`Job handler "${name}" is registered twice`);
    handlers.set(name, run);
  };
  return {
    /** A handler for one-off jobs (`scheduleOnce(db, { handler: name, … })`). */
    registerHandler,
    /** A recurring job, with a handler of the same name. */
    registerJob(job: RecurringJob) {
      if ((job.everySeconds === undefined) === (job.cron === undefined)) throw new Error(`Job "${job.name}" needs exactly one of everySeconds and cron`);
      const schedule =
        job.cron !== undefined
          ? { kind: 'cron' as const, cron: job.cron, timeZone: job.timeZone ?? options.timeZone }
          : { kind: 'interval' as const, intervalSeconds: job.everySeconds! };
      validateSchedule(schedule);
      registerHandler(job.name, job.run);
      recurring.set(job.name, { name: job.name, handler: job.name, schedule, payload: job.payload ?? {} });
    },
    handlers: handlers as ReadonlyMap<string, JobHandler>,
    recurring: recurring as ReadonlyMap<string, RecurringJobRow>,
  };
}

export type JobRegistry = ReturnType<typeof createJobRegistry>;

export interface SchedulerOptions {
  db: Db;
  registry: JobRegistry;
  clock: Clock;
  log: FastifyBaseLogger;
  /** How long a claimed job stays ours without renewal; renewed every third of it while running. */
  leaseMs: number;
  /** Names this process in `lease_owner` and `job_runs.owner`: host, pid and a random tag. */
  owner?: string;
}

export const processOwner = () => `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;

export interface RunOutcome {
  name: string;
  slot: Date;
  manual: boolean;
  resumed: boolean;
  status: 'ok' | 'error' | 'lost';
}

/** Runs one claimed slot: the handler with its lease kept alive, then the result recorded. */
async function runClaimed(options: SchedulerOptions & { owner: string }, run: ClaimedRun): Promise<RunOutcome> {
  const { db, clock, log, owner, leaseMs } = options;
  const handler = options.registry.handlers.get(run.handler)!;
  const renew = setInterval(() => {
    renewLease(db, run.name, owner, new Date(clock.now().getTime() + leaseMs))
      .then((ours) => ours || log.warn({ job: run.name, slot: run.slot }, 'job lease lost: another process may run this slot again'))
      .catch((error) => log.warn({ err: error, job: run.name }, 'job lease renewal failed'));
  }, Math.max(100, Math.floor(leaseMs / 3)));
  renew.unref();
  let status: 'ok' | 'error' = 'ok';
  let error: string | null = null;
  try {
    await handler({ name: run.name, slot: run.slot, manual: run.manual, payload: run.payload, owner, db, now: () => clock.now(), log });
  } catch (caught) {
    status = 'error';
    error = caught instanceof Error ? caught.message : String(caught);
    log.error({ err: caught, job: run.name, slot: run.slot.toISOString() }, 'job failed');
  } finally {
    clearInterval(renew);
  }
  const recorded = await finishRun(db, run, owner, { status, error, finishedAt: clock.now() });
  if (!recorded) log.warn({ job: run.name, slot: run.slot.toISOString() }, 'job finished after another process took its slot over; result not recorded');
  return { name: run.name, slot: run.slot, manual: run.manual, resumed: run.resumed, status: recorded ? status : 'lost' };
}

/** Upserts the declared recurring jobs. */
export async function declareJobs(db: Db, registry: JobRegistry, now: Date): Promise<void> {
  await declareRecurringJobs(db, [...registry.recurring.values()], now);
}

/** One poll, run to the end: claims every due job and runs them. Tests and one-shot tools. */
export async function runDueJobs(options: SchedulerOptions): Promise<RunOutcome[]> {
  const owner = options.owner ?? processOwner();
  const claimed = await claimDueJobs(options.db, {
    handlers: [...options.registry.handlers.keys()],
    owner,
    now: options.clock.now(),
    leaseMs: options.leaseMs,
    exclude: [],
    limit: 100,
  });
  return Promise.all(claimed.map((run) => runClaimed({ ...options, owner }, run)));
}

export interface Scheduler {
  owner: string;
  /** Stops polling and waits for the runs in progress to finish and be recorded. */
  stop(): Promise<void>;
}

/**
 * Declares the recurring jobs, then polls every `pollMs` (±20 %, so processes do not poll in
 * step) until stopped. Runs in progress do not hold up the next poll; a job already running in
 * this process is not claimed again by it.
 */
export async function startScheduler(
  options: SchedulerOptions & {
    pollMs: number;
    /** At most this many jobs running at once in this process. */
    concurrency?: number;
    /** PGlite: the data folder is this process's alone, so any lease in it is a dead process's. */
    releaseLeasesAtStart?: boolean;
  },
): Promise<Scheduler> {
  const { db, clock, log } = options;
  const owner = options.owner ?? processOwner();
  const concurrency = options.concurrency ?? 8;
  await declareJobs(db, options.registry, clock.now());
  if (options.releaseLeasesAtStart) {
    const released = await releaseDeadLeases(db);
    if (released) log.warn({ jobs: released }, 'released the leases of a process that stopped mid-run; their slots run again');
  }

  const running = new Map<string, Promise<unknown>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;

  async function poll() {
    const claimed = await claimDueJobs(db, {
      handlers: [...options.registry.handlers.keys()],
      owner,
      now: clock.now(),
      leaseMs: options.leaseMs,
      exclude: [...running.keys()],
      limit: concurrency - running.size,
    });
    for (const run of claimed) {
      const done = runClaimed({ ...options, owner }, run)
        .catch((error) => log.error({ err: error, job: run.name }, 'recording a job run failed; its lease will run out and the slot run again'))
        .finally(() => running.delete(run.name));
      running.set(run.name, done);
    }
  }

  const loop = () => {
    polling = poll()
      .catch((error) => log.error({ err: error }, 'job poll failed'))
      .finally(() => {
        polling = undefined;
        if (!stopped) timer = setTimeout(loop, Math.round(options.pollMs * (0.8 + 0.4 * Math.random())));
      });
  };
  timer = setTimeout(loop, 0);

  return {
    owner,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await polling;
      await Promise.allSettled(running.values());
    },
  };
}
