/** Calendar wording shared by the calendar pages: weekday names, weekly-hours summaries, the holiday-year checks. */
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

/** Fewer holiday days than this in a year (China has 25–35 with the weekends inside the breaks) looks half entered. */
export const HOLIDAY_FLOOR = 10;

/** A year, from the current one on, whose holidays and make-up days look missing or half entered. */
export interface YearIssue {
  year: number;
  /** Nothing entered at all. */
  missing: boolean;
  /** Fewer than HOLIDAY_FLOOR holiday days (or, for a calendar that always has fewer, fewer than the year before). */
  fewHolidays: boolean;
  /** No make-up working days although the year before had some. */
  noWorkdays: boolean;
  holidays: number;
  workdays: number;
  previousWorkdays: number;
}

/**
 * The years from this one on that need an administrator's attention. China publishes the next
 * year's schedule late in the year; until someone enters it, next year's due times count its
 * statutory holidays as working days — and a year with one holiday typed in is hardly better.
 * Checked: every year from the current one to next year or the last one entered, whichever is later.
 */
export function holidayYearIssues(calendar: Pick<Calendar, 'always' | 'years'>, today = new Date()): YearIssue[] {
  if (calendar.always) return [];
  const current = today.getFullYear();
  const byYear = new Map(calendar.years.map((y) => [y.year, y]));
  const last = Math.max(current + 1, ...calendar.years.map((y) => y.year));
  const issues: YearIssue[] = [];
  for (let year = current; year <= last; year++) {
    const holidays = byYear.get(year)?.holidays ?? 0;
    const workdays = byYear.get(year)?.workdays ?? 0;
    const previous = byYear.get(year - 1);
    const previousWorkdays = previous?.workdays ?? 0;
    const missing = holidays + workdays === 0;
    const floor = previous && previous.holidays > 0 && previous.holidays < HOLIDAY_FLOOR ? previous.holidays : HOLIDAY_FLOOR;
    const fewHolidays = !missing && holidays < floor;
    const noWorkdays = !missing && workdays === 0 && previousWorkdays > 0;
    if (missing || fewHolidays || noWorkdays) issues.push({ year, missing, fewHolidays, noWorkdays, holidays, workdays, previousWorkdays });
  }
  return issues;
}

/** "2027 年只录入了 1 天假期，可能不完整" — one issue in the admin's words. */
export function yearIssueText(issue: YearIssue, t: TFunction): string {
  const values = { year: issue.year, holidays: issue.holidays, previous: issue.year - 1, previousWorkdays: issue.previousWorkdays };
  if (issue.missing) return t('calendars.issue.missing', values);
  if (issue.fewHolidays && issue.noWorkdays) return t('calendars.issue.fewHolidaysNoWorkdays', values);
  if (issue.fewHolidays) return t('calendars.issue.fewHolidays', values);
  return t('calendars.issue.noWorkdays', values);
}

/** A plain-text calendar name in the current language. */
export const calendarName = (calendar: Pick<Calendar, 'name' | 'nameEn'>, lang: 'zh' | 'en') => (lang === 'en' && calendar.nameEn ? calendar.nameEn : calendar.name);
