/**
 * Scheduled jobs for administrators: the list with each job's schedule, state and recent runs;
 * "run now" (a request the next poll of any process picks up, recorded as a manual run); and
 * enable/disable. The scheduler itself lives in server/jobs/.
 */
import { sql } from 'drizzle-orm';
import { scheduleInEnglish, type JobList, type JobRunView, type JobView } from '../../../common/api/jobs';
import { rows, type Db } from '../../db/client';
import { MAIL_JOBS } from '../../jobs/mail-poll';
import { firstSlot, scheduleOf } from '../../jobs/schedule';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';

/** Runs shown per job. */
export const RECENT_RUNS = 10;

interface JobRow {
  name: string;
  handler: string;
  cron: string | null;
  interval_seconds: number | null;
  time_zone: string;
  enabled: boolean;
  next_run_at: Date | string | null;
  run_requested_at: Date | string | null;
  lease_until: Date | string | null;
  lease_owner: string | null;
  last_started_at: Date | string | null;
  last_finished_at: Date | string | null;
  last_status: 'ok' | 'error' | null;
  last_error: string | null;
  last_duration_ms: number | null;
  run_count: number;
  /** A mailbox poll job's mailbox, while it exists. */
  mailbox_id: string | null;
  mailbox_name: string | null;
}

interface RunRow {
  id: number;
  job_name: string;
  slot: Date | string;
  started_at: Date | string;
  finished_at: Date | string | null;
  status: 'running' | 'ok' | 'error';
  error: string | null;
  owner: string | null;
  manual: boolean;
}

// PGlite hands raw instants back as text, node-postgres as Date.
const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

const JOB_COLUMNS = sql`name, handler, cron, interval_seconds, time_zone, enabled, next_run_at, run_requested_at, lease_until, lease_owner,
  last_started_at, last_finished_at, last_status, last_error, last_duration_ms, run_count::int as run_count`;

/**
 * What a per-object job works on, named in its payload, for the page to name the job by (scalar
 * subqueries: the job columns stay unqualified): a mailbox poll job's mailbox, while it exists.
 */
const mailboxOfJob = sql`from mailboxes m where scheduled_jobs.handler = ${MAIL_JOBS.poll} and m.id::text = scheduled_jobs.payload->>'mailboxId'`;
const TARGET_COLUMNS = sql`(select m.id ${mailboxOfJob}) as mailbox_id, (select m.name ${mailboxOfJob}) as mailbox_name`;

export function createJobService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  function view(job: JobRow, runs: RunRow[], now: Date): JobView {
    const schedule = scheduleOf({ cron: job.cron, intervalSeconds: job.interval_seconds, timeZone: job.time_zone });
    const running = job.lease_until !== null && new Date(job.lease_until).getTime() > now.getTime();
    return {
      name: job.name,
      handler: job.handler,
      schedule: schedule.kind === 'cron' ? { kind: 'cron', cron: schedule.cron, timeZone: schedule.timeZone } : schedule,
      description: scheduleInEnglish(schedule),
      enabled: job.enabled,
      running,
      runningOn: running ? job.lease_owner : null,
      nextRunAt: iso(job.next_run_at),
      runRequestedAt: iso(job.run_requested_at),
      lastStartedAt: iso(job.last_started_at),
      lastFinishedAt: iso(job.last_finished_at),
      lastStatus: job.last_status,
      lastError: job.last_error,
      lastDurationMs: job.last_duration_ms,
      runCount: job.run_count,
      target: job.mailbox_id && job.mailbox_name !== null ? { kind: 'mailbox', id: job.mailbox_id, name: job.mailbox_name } : null,
      recentRuns: runs.map(
        (r): JobRunView => ({
          id: Number(r.id),
          slot: iso(r.slot)!,
          startedAt: iso(r.started_at)!,
          finishedAt: iso(r.finished_at),
          durationMs: r.finished_at === null ? null : Math.max(0, new Date(r.finished_at).getTime() - new Date(r.started_at).getTime()),
          status: r.status,
          error: r.error,
          owner: r.owner,
          manual: r.manual,
        }),
      ),
    };
  }

  async function recentRuns(names: string[] | null): Promise<Map<string, RunRow[]>> {
    const only = names ? sql`where jr.job_name in (${sql.join(names.map((n) => sql`${n}`), sql`, `)})` : sql``;
    const runs = await rows<RunRow>(
      db,
      sql`select r.id, r.job_name, r.slot, r.started_at, r.finished_at, r.status, r.error, r.owner, r.manual from (
            select jr.*, row_number() over (partition by jr.job_name order by jr.started_at desc, jr.id desc) as newest
            from job_runs jr ${only}) r
          where r.newest <= ${RECENT_RUNS}
          order by r.job_name, r.started_at desc, r.id desc`,
    );
    const byJob = new Map<string, RunRow[]>();
    for (const run of runs) byJob.set(run.job_name, [...(byJob.get(run.job_name) ?? []), run]);
    return byJob;
  }

  async function get(name: string): Promise<JobView> {
    const [job] = await rows<JobRow>(db, sql`select ${JOB_COLUMNS}, ${TARGET_COLUMNS} from scheduled_jobs where name = ${name}`);
    if (!job) throw new AppError('job.not_found', `No scheduled job "${name}"`, { name });
    return view(job, (await recentRuns([name])).get(name) ?? [], clock.now());
  }

  return {
    async list(): Promise<JobList> {
      const now = clock.now();
      const jobs = await rows<JobRow>(db, sql`select ${JOB_COLUMNS}, ${TARGET_COLUMNS} from scheduled_jobs order by name`);
      const runs = await recentRuns(null);
      return { now: now.toISOString(), items: jobs.map((job) => view(job, runs.get(job.name) ?? [], now)) };
    },

    get,

    /**
     * Asks for a run as soon as a process polls (within a second or so), recorded as manual. A run
     * in progress finishes first; the requested one follows. Works on a disabled job too.
     */
    async runNow(name: string): Promise<JobView> {
      const now = clock.now().toISOString();
      const updated = await rows<{ name: string }>(
        db,
        sql`update scheduled_jobs set run_requested_at = coalesce(run_requested_at, ${now}::timestamptz),
              next_run_at = least(coalesce(next_run_at, ${now}::timestamptz), ${now}::timestamptz)
            where name = ${name} returning name`,
      );
      if (!updated.length) throw new AppError('job.not_found', `No scheduled job "${name}"`, { name });
      return get(name);
    },

    /**
     * Enables or disables a job. A recurring job switched back on starts from its schedule as it
     * is now (an interval job at once, a cron job at its next slot), not with the runs it missed.
     */
    async setEnabled(name: string, enabled: boolean): Promise<JobView> {
      const now = clock.now();
      await db.transaction(async (tx) => {
        const [job] = await rows<JobRow>(tx, sql`select ${JOB_COLUMNS} from scheduled_jobs where name = ${name} for update`);
        if (!job) throw new AppError('job.not_found', `No scheduled job "${name}"`, { name });
        if (job.enabled === enabled) return;
        const schedule = scheduleOf({ cron: job.cron, intervalSeconds: job.interval_seconds, timeZone: job.time_zone });
        const replan = enabled && schedule.kind !== 'once' && job.lease_owner === null && job.run_requested_at === null;
        const next = replan ? firstSlot(schedule, now) : null;
        await tx.execute(sql`update scheduled_jobs set enabled = ${enabled}
          ${replan && next ? sql`, next_run_at = ${next.toISOString()}::timestamptz` : sql``}
          where name = ${name}`);
      });
      return get(name);
    },
  };
}

export type JobService = ReturnType<typeof createJobService>;
