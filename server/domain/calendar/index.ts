/**
 * Business calendars (工作日历): the public face of the pure calendar domain. Other modules
 * import from here only; the year tables, zone resolution and feed heuristics stay internal.
 */
export type { CalendarDefinition, CalendarException, IsoWeekday, WorkingInterval } from './types';
export { CalendarDefinitionError, CompiledCalendar, FIRST_YEAR, LAST_YEAR, compileCalendar } from './compile';
export {
  addWorkingTime,
  addWorkingTimeMs,
  isWorkingAt,
  nextWorkingInstant,
  nextWorkingInstantMs,
  workingMinutesBetween,
  type Instant,
} from './working-time';
export {
  CALENDAR_KEYS,
  CHINA_TIME_ZONE,
  builtInCalendars,
  chineseDaysCoverage,
  type BuiltInCalendar,
  type BuiltInCalendarKey,
} from './china';
export { IcalImportError, exportExceptionsToIcal, importExceptionsFromIcal, type IcalImportResult } from './ical';
