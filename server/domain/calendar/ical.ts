/**
 * Calendar exceptions as iCalendar (RFC 5545), both ways. Export writes one all-day VEVENT per
 * exception that any calendar client can subscribe to and that imports back unchanged. Import
 * reads that export and the common public Chinese holiday feeds (chinese-days, Apple's
 * X-APPLE-SPECIAL-DAY, feeds that tag days 休/班 or 放假/补班 in the title), and turns anything
 * that is not iCalendar into an `IcalImportError` a person can act on. Parsing and serialising
 * (escaping, line folding, CRLF) are ical.js's; the rules for what an event means live in
 * `ical-classify.ts`.
 */
import ICAL from 'ical.js';
import { classifyEvent, eventName, holidaySummary, workdaySummary } from './ical-classify';
import type { CalendarException } from './types';
import { CalendarDefinitionError, DAY_MS, formatDay, formatIntervalList, parseDay, parseIntervalList } from './validate';

export class IcalImportError extends Error {
  override readonly name = 'IcalImportError';
}

export interface IcalImportResult {
  exceptions: CalendarException[];
  /** Events skipped or adjusted, one readable sentence each. */
  warnings: string[];
}

/** A multi-day event longer than this is not a holiday list entry but a mistake or a season. */
const MAX_EVENT_DAYS = 366;
/** Recurring events are expanded up to this many occurrences or the year 2200, whichever first. */
const MAX_OCCURRENCES = 500;
const LAST_YEAR = 2200;

function dateValue(dayNumber: number): ICAL.Time {
  const [year, month, day] = formatDay(dayNumber).split('-').map(Number);
  return ICAL.Time.fromData({ year: year!, month: month!, day: day!, isDate: true });
}

function dayNumberOf(time: ICAL.Time): number {
  // Date.UTC normalises an overflowing day (ical.js leaves `day` at 32 after `day += 1`).
  return Date.UTC(time.year, time.month - 1, time.day) / DAY_MS;
}

/** FNV-1a, so that UIDs depend on the calendar name without any I/O or crypto. */
function hashName(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * One VCALENDAR with an all-day VEVENT per exception, sorted by date. UIDs depend only on the
 * date and the calendar name, so a subscribed client updates an event in place when a day
 * changes. DTSTAMP is `stampedAt` (default 1970-01-01T00:00Z) rather than the clock, which keeps
 * this pure and the output byte-identical for identical input (stable ETags).
 */
export function exportExceptionsToIcal(
  calendarName: string,
  exceptions: readonly CalendarException[],
  options: { stampedAt?: Date | number } = {},
): string {
  const stamp = ICAL.Time.fromJSDate(new Date(options.stampedAt ?? 0), true);
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.updatePropertyWithValue('version', '2.0');
  calendar.updatePropertyWithValue('prodid', '-//Fuwutai//Business calendar//ZH');
  calendar.updatePropertyWithValue('calscale', 'GREGORIAN');
  calendar.updatePropertyWithValue('method', 'PUBLISH');
  calendar.updatePropertyWithValue('name', calendarName);
  calendar.updatePropertyWithValue('x-wr-calname', calendarName);
  const uidSuffix = `${hashName(calendarName)}@fuwutai`;

  const sorted = [...exceptions].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  sorted.forEach((exception, i) => {
    const day = parseDay(exception.date);
    if (day === null) throw new CalendarDefinitionError(`exceptions[${i}].date`, `${JSON.stringify(exception.date)} is not a valid date in YYYY-MM-DD`);
    const event = new ICAL.Component('vevent');
    event.updatePropertyWithValue('uid', `${exception.date.replaceAll('-', '')}-${uidSuffix}`);
    event.updatePropertyWithValue('dtstamp', stamp);
    event.updatePropertyWithValue('dtstart', dateValue(day));
    event.updatePropertyWithValue('dtend', dateValue(day + 1));
    const isWorkday = exception.kind === 'workday';
    event.updatePropertyWithValue('summary', isWorkday ? workdaySummary(exception.name) : holidaySummary(exception.name));
    event.updatePropertyWithValue('categories', isWorkday ? 'WORKDAY' : 'HOLIDAY');
    event.updatePropertyWithValue('transp', 'TRANSPARENT');
    if (isWorkday && exception.intervals !== undefined) {
      event.updatePropertyWithValue('x-fuwutai-intervals', formatIntervalList(exception.intervals));
    }
    calendar.addSubcomponent(event);
  });
  return `${calendar.toString()}\r\n`;
}

function parseCalendars(input: string): Array<ICAL.Component> {
  if (typeof input !== 'string' || input.trim() === '') throw new IcalImportError('The file is empty.');
  // Windows tools often save UTF-8 with a byte-order mark, which ical.js would read as content.
  const text = input.replace(/^\uFEFF/, '');
  if (!/^BEGIN:VCALENDAR/im.test(text)) {
    throw new IcalImportError('This is not an iCalendar (.ics) file: it has no BEGIN:VCALENDAR line.');
  }
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new IcalImportError(`The iCalendar file cannot be read: ${reason}.`);
  }
  // ical.js returns one jCal component, or a list of them when the file holds several.
  const roots = (Array.isArray(parsed) && Array.isArray(parsed[0]) ? parsed : [parsed]) as unknown[];
  const calendars = roots
    .map((jcal) => new ICAL.Component(jcal as [string, unknown[], unknown[]]))
    .filter((component) => component.name === 'vcalendar');
  if (calendars.length === 0) throw new IcalImportError('The file holds no VCALENDAR.');
  return calendars;
}

interface Candidate {
  exception: CalendarException;
  source: string;
}

function expandEvent(component: ICAL.Component, warnings: string[]): { days: number[]; label: string } | null {
  const summary = String(component.getFirstPropertyValue('summary') ?? '').trim();
  if (!component.hasProperty('dtstart')) {
    warnings.push(`Event “${summary || '(untitled)'}” has no DTSTART; skipped.`);
    return null;
  }
  const event = new ICAL.Event(component);
  const start = event.startDate;
  const label = `“${summary || '(untitled)'}” on ${formatDay(dayNumberOf(start))}`;
  if (String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') {
    warnings.push(`Event ${label} is cancelled; skipped.`);
    return null;
  }
  if (!start.isDate) {
    warnings.push(`Event ${label} has a time of day, not a whole day; only all-day events become holidays or workdays, so it was skipped.`);
    return null;
  }
  let length = dayNumberOf(event.endDate) - dayNumberOf(start);
  if (length < 1) {
    warnings.push(`Event ${label} ends before it starts; read as a single day.`);
    length = 1;
  }
  if (length > MAX_EVENT_DAYS) {
    warnings.push(`Event ${label} lasts ${length} days; events longer than ${MAX_EVENT_DAYS} days were skipped.`);
    return null;
  }
  const firstDays: number[] = [];
  if (event.isRecurring()) {
    const occurrences = event.iterator();
    for (let next = occurrences.next(); next && next.year <= LAST_YEAR; next = occurrences.next()) {
      if (firstDays.length === MAX_OCCURRENCES) {
        warnings.push(`Recurring event ${label} was expanded to its first ${MAX_OCCURRENCES} occurrences only.`);
        break;
      }
      firstDays.push(dayNumberOf(next));
    }
  } else {
    firstDays.push(dayNumberOf(start));
  }
  const days: number[] = [];
  for (const first of firstDays) for (let d = 0; d < length; d++) days.push(first + d);
  return { days, label };
}

/**
 * Reads holidays and make-up working days from an iCalendar file. All-day events only; DTEND is
 * exclusive, so DTSTART 20261001 / DTEND 20261008 is 1–7 October. When events disagree about a
 * date the first one wins and a warning says so. Throws `IcalImportError` for anything that is
 * not an iCalendar file, and for our own interval notation when it is corrupt.
 */
export function importExceptionsFromIcal(text: string): IcalImportResult {
  const warnings: string[] = [];
  const marked: Candidate[] = [];
  const unmarked: Candidate[] = [];

  for (const calendar of parseCalendars(text)) {
    for (const component of calendar.getAllSubcomponents('vevent')) {
      const expanded = expandEvent(component, warnings);
      if (expanded === null) continue;
      const kind = classifyEvent(component);
      const name = eventName(String(component.getFirstPropertyValue('summary') ?? ''));
      let intervals: CalendarException['intervals'];
      const ownIntervals = component.getFirstPropertyValue('x-fuwutai-intervals');
      if (ownIntervals !== null && kind === 'workday') {
        try {
          intervals = parseIntervalList(String(ownIntervals), 'X-FUWUTAI-INTERVALS');
        } catch (error) {
          const reason = error instanceof CalendarDefinitionError ? error.message : String(error);
          throw new IcalImportError(`Event ${expanded.label} has unreadable working hours (${reason}).`);
        }
      } else if (ownIntervals !== null) {
        warnings.push(`Event ${expanded.label} is a holiday, so its X-FUWUTAI-INTERVALS were ignored.`);
      }
      for (const day of expanded.days) {
        const exception: CalendarException = { date: formatDay(day), kind: kind === 'workday' ? 'workday' : 'holiday' };
        if (name !== undefined) exception.name = name;
        if (intervals !== undefined) exception.intervals = intervals.map((iv) => ({ ...iv }));
        (kind === 'unmarked' ? unmarked : marked).push({ exception, source: expanded.label });
      }
    }
  }

  // A feed that marks some days 休/班 uses unmarked events for observances that are not days off
  // (元宵节, 教师节): skip those. A feed that marks nothing is a plain list of holidays.
  let candidates = marked;
  if (marked.length > 0) {
    for (const source of new Set(unmarked.map((c) => c.source))) {
      warnings.push(`Event ${source} is not marked as a day off (休/假/holiday) or a working day (班/workday); skipped.`);
    }
  } else if (unmarked.length > 0) {
    warnings.push('No event is marked as a day off or a working day; every all-day event was read as a holiday.');
    candidates = unmarked;
  }

  const byDate = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const { date } = candidate.exception;
    const earlier = byDate.get(date);
    if (earlier === undefined) byDate.set(date, candidate);
    else if (!sameMeaning(earlier.exception, candidate.exception)) {
      warnings.push(`${date} is given by event ${earlier.source} and again by event ${candidate.source}; kept the first.`);
    }
  }
  if (marked.length === 0 && unmarked.length === 0 && warnings.length === 0) {
    warnings.push('The calendar holds no events.');
  }
  const exceptions = [...byDate.values()].map((c) => c.exception).sort((a, b) => (a.date < b.date ? -1 : 1));
  return { exceptions, warnings };
}

function sameMeaning(a: CalendarException, b: CalendarException): boolean {
  const hours = (e: CalendarException) => (e.intervals ? formatIntervalList(e.intervals) : '');
  return a.kind === b.kind && hours(a) === hours(b);
}
