/**
 * The calendars Fuwutai ships: 7×24 and the Chinese 5×8 working week with every statutory
 * holiday and make-up working day (调休补班) published in the `chinese-days` package. The data
 * is the package's own JSON file (a documented artefact of the package; the package declares no
 * `exports` map, so the deep import is allowed); its runtime API only answers per-date
 * questions, and we need the whole list to turn into calendar exceptions.
 */
import chineseDaysData from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { CalendarDefinition, CalendarException, WorkingInterval } from './types';

export const CALENDAR_KEYS = { always: '7x24', china5x8: '5x8-china' } as const;
export type BuiltInCalendarKey = (typeof CALENDAR_KEYS)[keyof typeof CALENDAR_KEYS];

export interface BuiltInCalendar {
  key: BuiltInCalendarKey;
  name: { zh: string; en: string };
  definition: CalendarDefinition;
}

/** Date → `"English name,中文名,n"`, as published by chinese-days. */
type DayMap = Record<string, string>;
const data = chineseDaysData as { holidays: DayMap; workdays: DayMap; inLieuDays: DayMap };

export const CHINA_TIME_ZONE = 'Asia/Shanghai';
/** Seed 003: on-site service Monday–Friday 08:30–17:30, no lunch break. */
const CHINA_WORKDAY: readonly WorkingInterval[] = [{ start: '08:30', end: '17:30' }];

function workdayHours(): WorkingInterval[] {
  return CHINA_WORKDAY.map((interval) => ({ ...interval }));
}

/** The Chinese name of the occasion (`国庆节`), falling back to the English one. */
function occasionName(entry: string): string {
  const [english = '', chinese] = entry.split(',');
  return (chinese ?? english).trim() || english.trim();
}

/**
 * Every holiday and make-up working day chinese-days knows, sorted by date. Days off in lieu
 * (`inLieuDays`) are already listed among `holidays`, so they need no entries of their own.
 * Make-up days carry no intervals of their own: they are worked with the calendar's default hours.
 */
export function chinaStatutoryExceptions(): CalendarException[] {
  const exceptions: CalendarException[] = [];
  for (const [date, entry] of Object.entries(data.holidays)) {
    exceptions.push({ date, kind: 'holiday', name: occasionName(entry) });
  }
  for (const [date, entry] of Object.entries(data.workdays)) {
    exceptions.push({ date, kind: 'workday', name: occasionName(entry) });
  }
  return exceptions.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * The years chinese-days covers. The State Council publishes each year's arrangement in
 * November or December, so years after `lastYear` have weekends only until an administrator
 * enters (or imports) them; the product uses this to warn.
 */
export function chineseDaysCoverage(): { firstYear: number; lastYear: number } {
  let firstYear = Number.POSITIVE_INFINITY;
  let lastYear = Number.NEGATIVE_INFINITY;
  for (const date of [...Object.keys(data.holidays), ...Object.keys(data.workdays)]) {
    const year = Number(date.slice(0, 4));
    if (year < firstYear) firstYear = year;
    if (year > lastYear) lastYear = year;
  }
  return { firstYear, lastYear };
}

/** Fresh definitions on every call, so a caller may edit its copy without touching others'. */
export function builtInCalendars(): BuiltInCalendar[] {
  const china5x8: CalendarDefinition = {
    timeZone: CHINA_TIME_ZONE,
    always: false,
    weekly: {
      1: workdayHours(),
      2: workdayHours(),
      3: workdayHours(),
      4: workdayHours(),
      5: workdayHours(),
    },
    defaultWorkday: workdayHours(),
    exceptions: chinaStatutoryExceptions(),
  };
  return [
    {
      key: CALENDAR_KEYS.always,
      name: { zh: '7×24 小时', en: '24×7' },
      definition: { timeZone: CHINA_TIME_ZONE, always: true, weekly: {}, defaultWorkday: [], exceptions: [] },
    },
    {
      key: CALENDAR_KEYS.china5x8,
      name: { zh: '5×8 工作日（含法定节假日与调休）', en: '5×8 China working days (statutory holidays and make-up days)' },
      definition: china5x8,
    },
  ];
}
