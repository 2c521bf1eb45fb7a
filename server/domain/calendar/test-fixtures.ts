/**
 * Calendars shared by the calendar tests: the shipped ones plus a lunch-break calendar and two
 * DST zones whose working hours straddle the 02:00–03:00 transition hour.
 */
import { builtInCalendars, CALENDAR_KEYS } from './china';
import { compileCalendar, type CompiledCalendar } from './compile';
import type { CalendarDefinition, IsoWeekday, WorkingInterval } from './types';

export function definitionOf(key: string): CalendarDefinition {
  const found = builtInCalendars().find((c) => c.key === key);
  if (!found) throw new Error(`no built-in calendar ${key}`);
  return found.definition;
}

function week(days: IsoWeekday[], intervals: WorkingInterval[]): CalendarDefinition['weekly'] {
  return Object.fromEntries(days.map((d) => [d, intervals.map((i) => ({ ...i }))]));
}

const ALL_DAYS: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS: IsoWeekday[] = [1, 2, 3, 4, 5];

/** Shanghai, Monday–Friday with a lunch break. */
export const lunchBreakDefinition: CalendarDefinition = {
  timeZone: 'Asia/Shanghai',
  always: false,
  weekly: week(WEEKDAYS, [
    { start: '08:30', end: '12:00' },
    { start: '13:00', end: '17:30' },
  ]),
  defaultWorkday: [{ start: '09:00', end: '12:00' }],
  exceptions: [
    { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
    { date: '2026-10-10', kind: 'workday', name: '国庆节' },
    { date: '2026-10-11', kind: 'workday', intervals: [{ start: '10:00', end: '11:00' }] },
  ],
};

/** Every day 00:30–03:30 (crosses New York's 02:00 transitions, which fall on Sundays). */
export const newYorkDefinition: CalendarDefinition = {
  timeZone: 'America/New_York',
  always: false,
  weekly: {
    ...week(ALL_DAYS, [{ start: '00:30', end: '03:30' }]),
    ...week(WEEKDAYS, [
      { start: '00:30', end: '03:30' },
      { start: '09:00', end: '17:00' },
    ]),
  },
  defaultWorkday: [{ start: '09:00', end: '17:00' }],
  exceptions: [{ date: '2026-07-03', kind: 'holiday', name: 'Independence Day (observed)' }],
};

/** Every day 01:00–04:00 (crosses Berlin's transitions: 02:00→03:00 in March, 03:00→02:00 in October). */
export const berlinDefinition: CalendarDefinition = {
  timeZone: 'Europe/Berlin',
  always: false,
  weekly: {
    ...week(ALL_DAYS, [{ start: '01:00', end: '04:00' }]),
    ...week(WEEKDAYS, [
      { start: '01:00', end: '04:00' },
      { start: '08:00', end: '16:00' },
      { start: '16:00', end: '24:00' },
    ]),
  },
  defaultWorkday: [{ start: '08:00', end: '16:00' }],
  exceptions: [{ date: '2026-12-25', kind: 'holiday', name: 'Weihnachten' }],
};

export interface NamedCalendar {
  name: string;
  cal: CompiledCalendar;
}

export function testCalendars(): NamedCalendar[] {
  return [
    { name: CALENDAR_KEYS.china5x8, cal: compileCalendar(definitionOf(CALENDAR_KEYS.china5x8)) },
    { name: 'lunch break', cal: compileCalendar(lunchBreakDefinition) },
    { name: 'America/New_York', cal: compileCalendar(newYorkDefinition) },
    { name: 'Europe/Berlin', cal: compileCalendar(berlinDefinition) },
    { name: CALENDAR_KEYS.always, cal: compileCalendar(definitionOf(CALENDAR_KEYS.always)) },
  ];
}

/** An instant written as local time with an explicit offset, e.g. `at('2026-09-30T17:00+08:00')`. */
export function at(iso: string): Date {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`bad test instant ${iso}`);
  return d;
}
