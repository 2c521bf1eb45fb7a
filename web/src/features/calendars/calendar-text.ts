/** Calendar wording shared by the calendar pages: weekday names, weekly-hours summaries, the holiday-year check. */
import type { TFunction } from 'i18next';
import type { Calendar } from '../../api/types';

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type Interval = { start: string; end: string };

export const weekdayName = (day: number, t: TFunction) => t(`calendars.weekday.${day}` as 'calendars.weekday.1');

export const intervalsText = (list: readonly Interval[] | null | undefined) => (list ?? []).map((i) => `${i.start}–${i.end}`).join(', ');

/** "周一至周五 08:30–17:30；周六 09:00–12:00", runs of equal days joined; "7×24" for an always-open calendar. */
export function weeklySummary(calendar: Pick<Calendar, 'always' | 'weekly'>, t: TFunction): string {
  if (calendar.always) return t('calendars.always');
  const parts: string[] = [];
  let runStart: number | null = null;
  let runText = '';
  const flush = (end: number) => {
    if (runStart === null || !runText) return;
    const days = runStart === end ? weekdayName(runStart, t) : t('calendars.dayRange', { from: weekdayName(runStart, t), to: weekdayName(end, t) });
    parts.push(`${days} ${runText}`);
  };
  WEEKDAYS.forEach((day, i) => {
    const text = intervalsText(calendar.weekly[String(day)]);
    if (text !== runText || runStart === null) {
      if (i > 0) flush(day - 1);
      runStart = day;
      runText = text;
    }
  });
  flush(7);
  return parts.length ? parts.join(t('calendars.summarySeparator')) : t('calendars.noHours');
}

/**
 * Whether next year's holidays and make-up days are missing. China publishes the next year's
 * schedule late in the year; until someone enters it, next year's due times count its statutory
 * holidays as working days.
 */
export function missingHolidayYear(calendar: Pick<Calendar, 'always' | 'lastExceptionYear'>, today = new Date()): number | null {
  if (calendar.always) return null;
  const next = today.getFullYear() + 1;
  return (calendar.lastExceptionYear ?? 0) < next ? next : null;
}

/** A plain-text calendar name in the current language. */
export const calendarName = (calendar: Pick<Calendar, 'name' | 'nameEn'>, lang: 'zh' | 'en') => (lang === 'en' && calendar.nameEn ? calendar.nameEn : calendar.name);
