/** Words for a job: its name, its schedule, its status and how long a run took (zh-CN, en). */
import type { TFunction } from 'i18next';
import { scheduleWords, type JobView } from '../../../../common/api/jobs';

/**
 * The platform's jobs have names in words, a per-object job (a mailbox's `mail.poll:<id>`) the
 * object's name; others (one-off jobs of later features) show their key.
 */
export function jobLabel(job: Pick<JobView, 'name' | 'target'>, t: TFunction): string | null {
  if (job.target?.kind === 'mailbox') return t('jobs.targets.mailbox', { name: job.target.name });
  const key = job.name.replace(/\./g, '_');
  const label = t(`jobs.names.${key}` as 'jobs.names.sla_sweep', { defaultValue: '' });
  return label || null;
}

export function scheduleText(schedule: JobView['schedule'], t: TFunction): string {
  const words = scheduleWords(schedule);
  switch (words.key) {
    case 'once':
      return t('jobs.scheduleWords.once');
    case 'every_seconds':
    case 'every_minutes':
    case 'every_hours':
      return t(`jobs.scheduleWords.${words.key}`, words.params);
    case 'hourly':
      return t('jobs.scheduleWords.hourly', words.params);
    case 'daily':
      return t('jobs.scheduleWords.daily', words.params);
    case 'weekly':
      return t('jobs.scheduleWords.weekly', { ...words.params, weekday: t(`jobs.weekdays.${words.params.weekday}` as 'jobs.weekdays.0') });
    case 'monthly':
      return t('jobs.scheduleWords.monthly', words.params);
    case 'cron':
      return t('jobs.scheduleWords.cron', words.params);
  }
}

export type JobState = 'running' | 'requested' | 'ok' | 'error' | 'never';

export function jobState(job: JobView): JobState {
  if (job.running) return 'running';
  if (job.runRequestedAt) return 'requested';
  return job.lastStatus ?? 'never';
}

export const STATE_COLORS: Record<JobState, string> = { running: 'processing', requested: 'processing', ok: 'success', error: 'error', never: 'default' };
export const RUN_COLORS = { running: 'processing', ok: 'success', error: 'error' } as const;

/** "120 毫秒", "3.2 秒", "2 分 5 秒". */
export function formatDuration(ms: number, t: TFunction): string {
  if (ms < 1000) return t('jobs.durationMs', { n: ms });
  if (ms < 60_000) return t('jobs.durationS', { n: Math.round(ms / 100) / 10 });
  return t('jobs.durationMin', { m: Math.floor(ms / 60_000), s: Math.round((ms % 60_000) / 1000) });
}
