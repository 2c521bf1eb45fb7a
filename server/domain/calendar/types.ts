/**
 * Business calendar model. Pure data: what a calendar *is*. The arithmetic lives in
 * `working-time.ts`; compiling a definition into fast lookup tables lives in `compile.ts`.
 */

/** A working interval inside one local day, `HH:MM` to `HH:MM` (end may be `24:00`), end > start. */
export interface WorkingInterval {
  start: string;
  end: string;
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * A dated exception to the weekly pattern, on a local date `YYYY-MM-DD`.
 * - `holiday`: nothing is worked that day (statutory holiday, company closure).
 * - `workday`: the day is worked with `intervals` (a make-up working day, 调休补班), or with the
 *   calendar's `defaultWorkday` intervals when `intervals` is omitted.
 */
export interface CalendarException {
  date: string;
  kind: 'holiday' | 'workday';
  name?: string;
  intervals?: WorkingInterval[];
}

export interface CalendarDefinition {
  /** IANA time zone, e.g. `Asia/Shanghai`, `America/New_York`. */
  timeZone: string;
  /** 24×7: every instant is working time; `weekly` and `exceptions` are ignored. */
  always: boolean;
  /** Working intervals per ISO weekday; a missing or empty day is not worked. */
  weekly: Partial<Record<IsoWeekday, WorkingInterval[]>>;
  /** Hours of a make-up working day that names no intervals of its own. */
  defaultWorkday: WorkingInterval[];
  exceptions: CalendarException[];
}
