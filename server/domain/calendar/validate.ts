/**
 * Validation and normalisation of a `CalendarDefinition`: clock strings become minutes of the
 * day, dates become day numbers (days since 1970-01-01), and every mistake an administrator can
 * make becomes a `CalendarDefinitionError` whose message names the field and the fix. The
 * compiler (`compile.ts`) and the iCalendar import (`ical.ts`) share these parsers so that an
 * imported file can never hold an interval the compiler would later reject.
 */
import { IANAZone } from 'luxon';
import type { CalendarDefinition, CalendarException, IsoWeekday, WorkingInterval } from './types';

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

export class CalendarDefinitionError extends Error {
  override readonly name = 'CalendarDefinitionError';
  /** Where in the definition the problem is, e.g. `weekly.1[0].end` or `exceptions[4].date`. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.path = path;
  }
}

/** Half-open `[start, end)` in minutes after local midnight; `end` may be 1440 (24:00). */
export interface MinuteInterval {
  start: number;
  end: number;
}

/** The definition after validation, in the units the compiler works in. */
export interface NormalizedCalendar {
  timeZone: string;
  always: boolean;
  /** Index 1..7 = ISO weekday; index 0 unused. Empty list = day not worked. */
  weekly: MinuteInterval[][];
  /** Day number → intervals worked that day; an empty list is a holiday. */
  exceptions: Map<number, MinuteInterval[]>;
}

const CLOCK = /^(\d{2}):(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `HH:MM` → minutes, or `null` when malformed. `24:00` only when `allowEndOfDay`. */
export function parseClock(text: unknown, allowEndOfDay: boolean): number | null {
  if (typeof text !== 'string') return null;
  const m = CLOCK.exec(text);
  if (!m) return null;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours === 24 && minutes === 0) return allowEndOfDay ? 1440 : null;
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/** `YYYY-MM-DD` → days since 1970-01-01, or `null` when malformed or not a real date. */
export function parseDay(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = DATE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  // Date.UTC maps years 0..99 to 19xx; no calendar needs dates that old anyway.
  if (year < 1000 || month < 1 || month > 12 || day < 1) return null;
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2026-02-30 over into March; a round trip catches it.
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms / DAY_MS;
}

/** Day number → `YYYY-MM-DD`. */
export function formatDay(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day number (1970-01-01 was a Thursday). */
export function isoWeekdayOfDay(dayNumber: number): IsoWeekday {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1 as IsoWeekday;
}

export function formatClock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/**
 * Validates one day's intervals and returns them sorted. Touching intervals (12:00–13:00 then
 * 13:00–14:00) are allowed; the compiler merges them. Overlaps are rejected because they almost
 * always mean a typing mistake, and silently taking the union would hide it.
 */
export function parseIntervals(list: unknown, path: string): MinuteInterval[] {
  if (!Array.isArray(list)) throw new CalendarDefinitionError(path, 'must be a list of {start, end} intervals');
  const parsed = list.map((item: unknown, i) => {
    const at = `${path}[${i}]`;
    const raw = (item ?? {}) as Partial<WorkingInterval>;
    const start = parseClock(raw.start, false);
    if (start === null) {
      throw new CalendarDefinitionError(`${at}.start`, `${JSON.stringify(raw.start)} is not a time of day in HH:MM (00:00–23:59)`);
    }
    const end = parseClock(raw.end, true);
    if (end === null) {
      throw new CalendarDefinitionError(`${at}.end`, `${JSON.stringify(raw.end)} is not a time of day in HH:MM (00:00–24:00)`);
    }
    if (end <= start) {
      throw new CalendarDefinitionError(at, `end ${raw.end} must be after start ${raw.start} (intervals cannot cross midnight; split them at 24:00)`);
    }
    return { start, end };
  });
  parsed.sort((x, y) => x.start - y.start);
  for (let i = 1; i < parsed.length; i++) {
    const prev = parsed[i - 1]!;
    const cur = parsed[i]!;
    if (cur.start < prev.end) {
      throw new CalendarDefinitionError(
        path,
        `intervals ${formatClock(prev.start)}–${formatClock(prev.end)} and ${formatClock(cur.start)}–${formatClock(cur.end)} overlap`,
      );
    }
  }
  return parsed;
}

/** Parses `08:30-12:00,13:00-17:30` (the `X-FUWUTAI-INTERVALS` form) into intervals, validated. */
export function parseIntervalList(text: string, path: string): WorkingInterval[] {
  const intervals = text.split(',').map((part) => {
    const [start = '', end = ''] = part.trim().split('-');
    return { start: start.trim(), end: end.trim() };
  });
  parseIntervals(intervals, path);
  return intervals;
}

export function formatIntervalList(intervals: readonly WorkingInterval[]): string {
  return intervals.map((iv) => `${iv.start}-${iv.end}`).join(',');
}

function validateException(
  exception: CalendarException,
  path: string,
  defaultWorkday: MinuteInterval[],
): { day: number; intervals: MinuteInterval[] } {
  const day = parseDay(exception?.date);
  if (day === null) {
    throw new CalendarDefinitionError(`${path}.date`, `${JSON.stringify(exception?.date)} is not a valid date in YYYY-MM-DD`);
  }
  if (exception.kind === 'holiday') {
    if (exception.intervals !== undefined) {
      throw new CalendarDefinitionError(`${path}.intervals`, 'a holiday has no working intervals; use kind "workday" for a shortened day');
    }
    return { day, intervals: [] };
  }
  if (exception.kind !== 'workday') {
    throw new CalendarDefinitionError(`${path}.kind`, `must be "holiday" or "workday", not ${JSON.stringify(exception.kind)}`);
  }
  if (exception.intervals === undefined) {
    if (defaultWorkday.length === 0) {
      throw new CalendarDefinitionError(path, 'a workday without its own intervals uses defaultWorkday, which is empty');
    }
    return { day, intervals: defaultWorkday };
  }
  const intervals = parseIntervals(exception.intervals, `${path}.intervals`);
  if (intervals.length === 0) {
    throw new CalendarDefinitionError(`${path}.intervals`, 'a workday needs at least one interval; omit intervals to use defaultWorkday, or make it a holiday');
  }
  return { day, intervals };
}

export function normalizeDefinition(def: CalendarDefinition): NormalizedCalendar {
  if (def === null || typeof def !== 'object') throw new CalendarDefinitionError('', 'a calendar definition must be an object');
  if (typeof def.timeZone !== 'string' || !IANAZone.isValidZone(def.timeZone)) {
    throw new CalendarDefinitionError('timeZone', `${JSON.stringify(def.timeZone)} is not a known IANA time zone such as "Asia/Shanghai"`);
  }
  if (typeof def.always !== 'boolean') throw new CalendarDefinitionError('always', 'must be true or false');

  const weekly: MinuteInterval[][] = [[], [], [], [], [], [], [], []];
  const weeklyInput = def.weekly ?? {};
  if (typeof weeklyInput !== 'object') throw new CalendarDefinitionError('weekly', 'must map ISO weekdays 1–7 to interval lists');
  for (const [key, list] of Object.entries(weeklyInput)) {
    const weekday = Number(key);
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
      throw new CalendarDefinitionError(`weekly.${key}`, 'weekdays are numbered 1 (Monday) to 7 (Sunday)');
    }
    if (list !== undefined) weekly[weekday] = parseIntervals(list, `weekly.${key}`);
  }
  const defaultWorkday = parseIntervals(def.defaultWorkday ?? [], 'defaultWorkday');

  const exceptions = new Map<number, MinuteInterval[]>();
  const firstIndex = new Map<number, number>();
  if (!Array.isArray(def.exceptions)) throw new CalendarDefinitionError('exceptions', 'must be a list');
  def.exceptions.forEach((exception, i) => {
    const { day, intervals } = validateException(exception, `exceptions[${i}]`, defaultWorkday);
    const earlier = firstIndex.get(day);
    if (earlier !== undefined) {
      throw new CalendarDefinitionError(`exceptions[${i}].date`, `${exception.date} is already listed at exceptions[${earlier}]; keep one entry per date`);
    }
    firstIndex.set(day, i);
    exceptions.set(day, intervals);
  });

  // Without any weekly working time, adding working time would walk every year up to 2200
  // looking for hours that do not exist; such a calendar is a configuration mistake.
  if (!def.always && weekly.every((day) => day.length === 0)) {
    throw new CalendarDefinitionError('weekly', 'a calendar that is not 24×7 needs at least one weekly working interval');
  }
  return { timeZone: def.timeZone, always: def.always, weekly, exceptions };
}
