/**
 * Durations in words for countdowns and targets: "1 小时 20 分" / "1 h 20 min". Targets on a
 * working-time calendar that are whole working days read as working days ("2 个工作日").
 */
import type { TFunction } from 'i18next';
import type { Calendar } from '../api/types';

const HOUR = 60;
const DAY = 24 * HOUR;

/** Minutes as at most two units: "45 分", "3 小时 5 分", "2 天 4 小时". */
export function formatMinutes(minutes: number, t: TFunction): string {
  const m = Math.max(0, Math.round(minutes));
  const days = Math.floor(m / DAY);
  const hours = Math.floor((m % DAY) / HOUR);
  const rest = m % HOUR;
  const parts: string[] = [];
  if (days) parts.push(t('duration.days', { n: days }));
  if (hours) parts.push(t('duration.hours', { n: hours }));
  if (rest && !days) parts.push(t('duration.minutes', { n: rest }));
  if (!parts.length) parts.push(t('duration.minutes', { n: 0 }));
  return parts.join(' ');
}

/** A countdown: seconds under a minute, then minutes (rounded up while counting down). */
export function formatCountdown(ms: number, t: TFunction, roundUp: boolean): string {
  const abs = Math.abs(ms);
  if (abs < 60_000) return t('duration.seconds', { n: Math.max(roundUp ? 1 : 0, Math.floor(abs / 1000)) });
  const minutes = roundUp ? Math.ceil(abs / 60_000) : Math.floor(abs / 60_000);
  return formatMinutes(minutes, t);
}

/** The length of one working day on a calendar: its longest weekday (540 min for 5×8 China); 24 h for 7×24. */
export function workingDayMinutes(calendar: Pick<Calendar, 'always' | 'weekly'> | undefined): number {
  if (!calendar || calendar.always) return DAY;
  let longest = 0;
  for (const intervals of Object.values(calendar.weekly)) {
    const total = intervals.reduce((sum, i) => sum + clockMinutes(i.end) - clockMinutes(i.start), 0);
    longest = Math.max(longest, total);
  }
  return longest || DAY;
}

export const clockMinutes = (hhmm: string) => {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

/** A target as its author would say it: "30 分钟", "2 小时", "2 个工作日", "立即". */
export function formatTarget(minutes: number, t: TFunction, calendar?: Pick<Calendar, 'always' | 'weekly'>): string {
  if (minutes === 0) return t('duration.atOnce');
  const day = workingDayMinutes(calendar);
  if (calendar && !calendar.always && minutes % day === 0) {
    const n = minutes / day;
    return n === 1 ? t('duration.oneWorkingDay') : t('duration.workingDays', { n });
  }
  if (minutes % DAY === 0) return t('duration.days', { n: minutes / DAY });
  if (minutes % HOUR === 0) return t('duration.hoursLong', { n: minutes / HOUR });
  if (minutes < HOUR) return t('duration.minutesLong', { n: minutes });
  return formatMinutes(minutes, t);
}
