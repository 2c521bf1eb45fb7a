/**
 * Scheduled jobs as administrators see them (GET /api/admin/jobs), and the words for a schedule:
 * `scheduleWords` turns a schedule into a phrase key with params, which the web translates
 * (zh-CN, en) and the server renders in English for API users.
 */
import { z } from 'zod';
import { Id, Instant } from './shared';

export const JobScheduleView = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cron'), cron: z.string(), timeZone: z.string() }),
  z.object({ kind: z.literal('interval'), intervalSeconds: z.number().int() }),
  z.object({ kind: z.literal('once') }),
]);
export type JobScheduleView = z.infer<typeof JobScheduleView>;

export const JobRunStatus = z.enum(['running', 'ok', 'error']);
export type JobRunStatus = z.infer<typeof JobRunStatus>;

export const JobRunView = z.object({
  id: z.number().int(),
  /** The scheduled moment the run stands for (the request moment for a manual run). */
  slot: Instant,
  startedAt: Instant,
  finishedAt: Instant.nullable(),
  durationMs: z.number().int().nullable(),
  status: JobRunStatus,
  error: z.string().nullable(),
  /** The process that ran it: host:pid:tag. */
  owner: z.string().nullable(),
  manual: z.boolean(),
});
export type JobRunView = z.infer<typeof JobRunView>;

export const JobView = z.object({
  name: z.string(),
  handler: z.string(),
  schedule: JobScheduleView,
  /** The schedule in English words, e.g. "daily at 03:30 (Asia/Shanghai)". */
  description: z.string(),
  enabled: z.boolean(),
  /** A process holds it right now. */
  running: z.boolean(),
  runningOn: z.string().nullable(),
  nextRunAt: Instant.nullable(),
  /** An admin asked to run it now and no process has picked that up yet. */
  runRequestedAt: Instant.nullable(),
  lastStartedAt: Instant.nullable(),
  lastFinishedAt: Instant.nullable(),
  lastStatus: z.enum(['ok', 'error']).nullable(),
  lastError: z.string().nullable(),
  lastDurationMs: z.number().int().nullable(),
  runCount: z.number().int(),
  recentRuns: z.array(JobRunView),
  /**
   * The object a per-object job works on, for a name in words (a mailbox's `mail.poll:<id>` job:
   * "收取邮件：<mailbox name>"); null for the platform's own jobs, or when the object is gone.
   */
  target: z.object({ kind: z.literal('mailbox'), id: Id, name: z.string() }).nullable(),
});
export type JobView = z.infer<typeof JobView>;

export const JobList = z.object({
  /** The server's clock when it answered, for relative times. */
  now: Instant,
  items: z.array(JobView),
});
export type JobList = z.infer<typeof JobList>;

export const JobNameParams = z.object({ name: z.string().min(1).max(200) });

/** PATCH /api/admin/jobs/:name (no defaults: what is not sent is kept). */
/** What an admin may change of a job; what is not sent is kept (an empty body changes nothing). */
export const JobUpdate = z.object({ enabled: z.boolean().optional() }).strict();
export type JobUpdate = z.infer<typeof JobUpdate>;

export type ScheduleWords =
  | { key: 'once' }
  | { key: 'every_seconds' | 'every_minutes' | 'every_hours'; params: { n: number } }
  | { key: 'hourly'; params: { minute: string } }
  | { key: 'daily'; params: { time: string; timeZone: string } }
  | { key: 'weekly'; params: { weekday: number; time: string; timeZone: string } }
  | { key: 'monthly'; params: { day: number; time: string; timeZone: string } }
  | { key: 'cron'; params: { cron: string; timeZone: string } };

const number = (field: string, max: number) => (/^\d+$/.test(field) && Number(field) <= max ? Number(field) : null);

/** The common shapes of cron in words (5 fields, single numbers); anything else as the expression. */
export function scheduleWords(schedule: JobScheduleView): ScheduleWords {
  if (schedule.kind === 'once') return { key: 'once' };
  if (schedule.kind === 'interval') {
    const s = schedule.intervalSeconds;
    if (s % 3600 === 0) return { key: 'every_hours', params: { n: s / 3600 } };
    if (s % 60 === 0) return { key: 'every_minutes', params: { n: s / 60 } };
    return { key: 'every_seconds', params: { n: s } };
  }
  const { cron, timeZone } = schedule;
  const fields = cron.trim().split(/\s+/);
  if (fields.length === 5) {
    const [mi, h, dom, mon, dow] = fields as [string, string, string, string, string];
    const minute = number(mi, 59);
    const hour = number(h, 23);
    const time = minute !== null && hour !== null ? `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` : null;
    if (minute !== null && h === '*' && dom === '*' && mon === '*' && dow === '*') return { key: 'hourly', params: { minute: String(minute).padStart(2, '0') } };
    if (time && mon === '*') {
      if (dom === '*' && dow === '*') return { key: 'daily', params: { time, timeZone } };
      const weekday = number(dow, 7);
      if (dom === '*' && weekday !== null) return { key: 'weekly', params: { weekday: weekday % 7, time, timeZone } };
      const day = number(dom, 31);
      if (day !== null && day >= 1 && dow === '*') return { key: 'monthly', params: { day, time, timeZone } };
    }
  }
  return { key: 'cron', params: { cron, timeZone } };
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function scheduleInEnglish(schedule: JobScheduleView): string {
  const words = scheduleWords(schedule);
  const plural = (n: number, unit: string) => (n === 1 ? `every ${unit}` : `every ${n} ${unit}s`);
  switch (words.key) {
    case 'once':
      return 'once';
    case 'every_seconds':
      return plural(words.params.n, 'second');
    case 'every_minutes':
      return plural(words.params.n, 'minute');
    case 'every_hours':
      return plural(words.params.n, 'hour');
    case 'hourly':
      return `hourly at minute ${words.params.minute}`;
    case 'daily':
      return `daily at ${words.params.time} (${words.params.timeZone})`;
    case 'weekly':
      return `every ${WEEKDAYS[words.params.weekday]} at ${words.params.time} (${words.params.timeZone})`;
    case 'monthly':
      return `monthly on day ${words.params.day} at ${words.params.time} (${words.params.timeZone})`;
    case 'cron':
      return `cron "${words.params.cron}" (${words.params.timeZone})`;
  }
}
