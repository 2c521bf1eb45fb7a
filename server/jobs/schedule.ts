/**
 * When a scheduled job runs: pure functions of a job's schedule and `now`, no I/O, no clock reads.
 *
 * - A cron job's slots are the instants its expression names in its time zone (croner, 5 or 6
 *   fields, seconds optional).
 * - An interval job's slots are the multiples of its interval since the Unix epoch, so every
 *   process computes the same slots whatever moment it started at.
 * - A one-off job has one slot: the moment it was scheduled for.
 *
 * Catch-up: a job that is due runs the LATEST slot that has come, once. After downtime (or a run
 * longer than the interval) the slots missed in between are not run one by one.
 */
import { Cron } from 'croner';

export type JobSchedule =
  | { kind: 'cron'; cron: string; timeZone: string }
  | { kind: 'interval'; intervalSeconds: number }
  | { kind: 'once' };

/** The schedule stored in a `scheduled_jobs` row (cron | interval_seconds | neither). */
export function scheduleOf(row: { cron: string | null; intervalSeconds: number | null; timeZone: string }): JobSchedule {
  if (row.cron) return { kind: 'cron', cron: row.cron, timeZone: row.timeZone };
  if (row.intervalSeconds) return { kind: 'interval', intervalSeconds: row.intervalSeconds };
  return { kind: 'once' };
}

const crons = new Map<string, Cron>();
function cronOf(cron: string, timeZone: string): Cron {
  const key = `${timeZone} ${cron}`;
  let compiled = crons.get(key);
  if (!compiled) {
    compiled = new Cron(cron, { timezone: timeZone, paused: true });
    crons.set(key, compiled);
  }
  return compiled;
}

/** Throws a readable error for a cron expression or time zone croner does not accept. */
export function validateSchedule(schedule: JobSchedule): void {
  if (schedule.kind === 'cron') {
    try {
      new Intl.DateTimeFormat('en', { timeZone: schedule.timeZone });
    } catch {
      throw new Error(`Unknown time zone "${schedule.timeZone}"`);
    }
    cronOf(schedule.cron, schedule.timeZone);
  }
  if (schedule.kind === 'interval' && (!Number.isInteger(schedule.intervalSeconds) || schedule.intervalSeconds < 1)) {
    throw new Error(`An interval must be a whole number of seconds, at least 1 (got ${schedule.intervalSeconds})`);
  }
}

/** The first slot strictly after `after`; null for a one-off job (its only slot is stored). */
export function nextSlotAfter(schedule: JobSchedule, after: Date): Date | null {
  switch (schedule.kind) {
    case 'cron':
      return cronOf(schedule.cron, schedule.timeZone).nextRun(after);
    case 'interval': {
      const step = schedule.intervalSeconds * 1000;
      return new Date((Math.floor(after.getTime() / step) + 1) * step);
    }
    case 'once':
      return null;
  }
}

/** The latest slot at or before `now`; null when there is none (a one-off job, a cron that never ran yet). */
export function latestSlotAtOrBefore(schedule: JobSchedule, now: Date): Date | null {
  switch (schedule.kind) {
    case 'cron':
      return cronOf(schedule.cron, schedule.timeZone).previousRuns(1, new Date(now.getTime() + 1))[0] ?? null;
    case 'interval': {
      const step = schedule.intervalSeconds * 1000;
      return new Date(Math.floor(now.getTime() / step) * step);
    }
    case 'once':
      return null;
  }
}

/**
 * `next_run_at` of a recurring job when it is first declared (or its schedule changes): an
 * interval job is due at once (the latest slot that has come), so the sweep and the outbox start
 * with the process; a cron job waits for its next slot.
 */
export function firstSlot(schedule: JobSchedule, now: Date): Date | null {
  if (schedule.kind === 'interval') return latestSlotAtOrBefore(schedule, now);
  return nextSlotAfter(schedule, now);
}

/**
 * The slot a due job runs now. `nextRunAt` (≤ now) is the earliest slot it owes; for a recurring
 * job every later slot that has also come is folded into the latest one (catch-up runs once).
 */
export function dueSlot(schedule: JobSchedule, nextRunAt: Date, now: Date): Date {
  const latest = latestSlotAtOrBefore(schedule, now);
  return latest && latest.getTime() > nextRunAt.getTime() ? latest : nextRunAt;
}
