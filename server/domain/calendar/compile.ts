/**
 * Compiling a `CalendarDefinition` into lookup tables. Owns the year blocks: for each local
 * calendar year, the working intervals of that year as sorted, non-overlapping UTC epoch
 * millisecond ranges in typed arrays, plus the cumulative working time before each interval, so
 * that every question the arithmetic in `working-time.ts` asks is a binary search.
 *
 * Blocks are built on first use and kept, because a calendar is compiled once and then asked
 * millions of questions about the same few years. A 24×7 calendar needs no tables at all.
 */
import type { CalendarDefinition } from './types';
import { DAY_MS, MINUTE_MS, isoWeekdayOfDay, normalizeDefinition, type NormalizedCalendar } from './validate';
import { ZoneClock } from './zone-time';

export { CalendarDefinitionError } from './validate';

/** First and last local calendar year the arithmetic supports. */
export const FIRST_YEAR = 1970;
export const LAST_YEAR = 2200;

const HOUR_MS = 3_600_000;
/** Gregorian average; only a first guess at the year of an instant, corrected afterwards. */
const AVERAGE_YEAR_MS = 365.2425 * DAY_MS;

/** The working intervals of one local calendar year. */
export interface YearBlock {
  readonly year: number;
  /** First instant of local 1 January (inclusive). */
  readonly startMs: number;
  /** First instant of the next local 1 January (exclusive). */
  readonly endMs: number;
  /** Interval starts/ends, sorted; intervals never overlap or touch (touching ones are merged). */
  readonly starts: Float64Array;
  readonly ends: Float64Array;
  /** `cum[i]` = working ms in this block before interval i; `cum[n]` = `total`. */
  readonly cum: Float64Array;
  readonly total: number;
}

function emptyBlock(year: number, startMs: number, endMs: number): YearBlock {
  const none = new Float64Array(0);
  return { year, startMs, endMs, starts: none, ends: none, cum: new Float64Array(1), total: 0 };
}

/** Raised for instants the tables do not cover; carries the supported range in its message. */
function outOfRange(detail: string): RangeError {
  return new RangeError(`${detail} is outside the supported calendar years ${FIRST_YEAR}–${LAST_YEAR}`);
}

export class CompiledCalendar {
  readonly definition: CalendarDefinition;
  readonly timeZone: string;
  /** 24×7: working time equals elapsed time; no tables are built. */
  readonly always: boolean;

  private readonly normalized: NormalizedCalendar;
  private readonly clock: ZoneClock;
  private readonly blocks: Array<YearBlock | undefined> = [];
  /** Local midnight of 1 January per year, index `year - FIRST_YEAR`; NaN until computed. */
  private readonly yearStarts = new Float64Array(LAST_YEAR - FIRST_YEAR + 2).fill(Number.NaN);
  /** Most requests hit the same year as the one before; checking it first skips the lookup. */
  private lastBlock: YearBlock = emptyBlock(0, Number.NaN, Number.NaN);

  /** Use `compileCalendar`, which validates first. */
  constructor(definition: CalendarDefinition, normalized: NormalizedCalendar) {
    this.definition = definition;
    this.normalized = normalized;
    this.timeZone = normalized.timeZone;
    this.always = normalized.always;
    this.clock = new ZoneClock(normalized.timeZone);
  }

  /** The block whose local year contains instant `t`. Throws RangeError outside 1970–2200. */
  blockAt(t: number): YearBlock {
    const last = this.lastBlock;
    if (t >= last.startMs && t < last.endMs) return last;
    const block = this.block(this.yearOf(t));
    this.lastBlock = block;
    return block;
  }

  /** The block after `block`; throws RangeError past the last supported year. */
  blockAfter(block: YearBlock): YearBlock {
    if (block.year >= LAST_YEAR) throw outOfRange(`Working time after ${LAST_YEAR}`);
    return this.block(block.year + 1);
  }

  block(year: number): YearBlock {
    if (!(year >= FIRST_YEAR && year <= LAST_YEAR)) throw outOfRange(`Year ${year}`);
    let block = this.blocks[year - FIRST_YEAR];
    if (block === undefined) {
      block = this.buildBlock(year);
      this.blocks[year - FIRST_YEAR] = block;
    }
    return block;
  }

  private yearOf(t: number): number {
    if (!Number.isFinite(t)) throw new RangeError(`Instant ${t} is not a finite epoch millisecond value`);
    if (t < this.yearStart(FIRST_YEAR) || t >= this.yearStart(LAST_YEAR + 1)) {
      throw outOfRange(`Instant ${Math.abs(t) <= 8.64e15 ? new Date(t).toISOString() : t}`);
    }
    let year = FIRST_YEAR + Math.floor(t / AVERAGE_YEAR_MS);
    if (year > LAST_YEAR) year = LAST_YEAR;
    while (t < this.yearStart(year)) year--;
    while (t >= this.yearStart(year + 1)) year++;
    return year;
  }

  private yearStart(year: number): number {
    const i = year - FIRST_YEAR;
    let start = this.yearStarts[i]!;
    if (Number.isNaN(start)) {
      start = this.clock.toInstant(Date.UTC(year, 0, 1), true);
      this.yearStarts[i] = start;
    }
    return start;
  }

  private buildBlock(year: number): YearBlock {
    const startMs = this.yearStart(year);
    const endMs = this.yearStart(year + 1);
    if (this.always) return emptyBlock(year, startMs, endMs);

    const firstDay = Date.UTC(year, 0, 1) / DAY_MS;
    const dayCount = Date.UTC(year + 1, 0, 1) / DAY_MS - firstDay;
    const { weekly, exceptions } = this.normalized;

    // One offset probe per day, taken 14 h before each local midnight (before it in every zone).
    // Day i lies between probe i and probe i + 3; when both give the same offset the day has no
    // transition and wall → instant is a subtraction. Only DST days pay for `toInstant`.
    const probes = new Float64Array(dayCount + 3);
    for (let k = 0; k < probes.length; k++) {
      probes[k] = this.clock.offsetAt((firstDay + k) * DAY_MS - 14 * HOUR_MS);
    }

    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < dayCount; i++) {
      const day = firstDay + i;
      const intervals = exceptions.get(day) ?? weekly[isoWeekdayOfDay(day)]!;
      if (intervals.length === 0) continue;
      const before = probes[i]!;
      const after = probes[i + 3]!;
      const midnight = day * DAY_MS;
      for (const interval of intervals) {
        const wallStart = midnight + interval.start * MINUTE_MS;
        const wallEnd = midnight + interval.end * MINUTE_MS;
        let s: number;
        let e: number;
        if (before === after) {
          s = wallStart - before * MINUTE_MS;
          e = wallEnd - before * MINUTE_MS;
        } else {
          s = this.clock.toInstant(wallStart, true, before, after);
          e = this.clock.toInstant(wallEnd, false, before, after);
        }
        // Clamp to the block so years never share an instant, even when local New Year's
        // midnight is itself ambiguous.
        if (s < startMs) s = startMs;
        if (e > endMs) e = endMs;
        if (e <= s) continue; // the whole interval fell into a spring-forward gap
        const n = ends.length;
        // Merge touching intervals (24:00 then 00:00, or 12:00–13:00 then 13:00–14:00) and the
        // overlap a fall-back day can create between an end taken late and a start taken early.
        if (n > 0 && s <= ends[n - 1]!) {
          if (e > ends[n - 1]!) ends[n - 1] = e;
        } else {
          starts.push(s);
          ends.push(e);
        }
      }
    }

    const cum = new Float64Array(starts.length + 1);
    for (let i = 0; i < starts.length; i++) cum[i + 1] = cum[i]! + (ends[i]! - starts[i]!);
    return {
      year,
      startMs,
      endMs,
      starts: Float64Array.from(starts),
      ends: Float64Array.from(ends),
      cum,
      total: cum[starts.length]!,
    };
  }
}

/**
 * Validates a definition (throws `CalendarDefinitionError` naming the field at fault) and returns
 * a calendar ready for the arithmetic in `working-time.ts`. Cheap: tables are built per year on
 * first use.
 */
export function compileCalendar(def: CalendarDefinition): CompiledCalendar {
  return new CompiledCalendar(def, normalizeDefinition(def));
}
