/**
 * Working-time arithmetic on a compiled calendar: is an instant working time, what instant is N
 * working minutes after a start, how many working minutes lie between two instants, and when
 * working time next begins. Pure and allocation-free on the `*Ms` paths: no Date, no luxon, only
 * binary searches over the year blocks built by `compile.ts`.
 *
 * Semantics, all on half-open working intervals [start, end):
 * - an interval's start instant is working time, its end instant is not;
 * - `addWorkingTime` returns the earliest instant by which the minutes have been worked, so a
 *   result that exhausts an interval exactly is that interval's end (17:30), never the next
 *   interval's start (08:30 the next working day);
 * - `workingMinutesBetween(a, b)` counts working time in [a, b), exactly (fractions of a minute
 *   included), and is antisymmetric.
 */
import type { CompiledCalendar, YearBlock } from './compile';
import { MINUTE_MS } from './validate';

export type Instant = Date | number;

function toMs(t: Instant, what: string): number {
  const ms = typeof t === 'number' ? t : t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a valid instant, got ${String(t)}`);
  return ms;
}

function checkMinutes(minutes: number): void {
  // `!(x >= 0)` also rejects NaN.
  if (!(minutes >= 0) || minutes === Infinity) {
    throw new RangeError(`Working minutes must be a finite number ≥ 0, got ${minutes}`);
  }
}

/** Index of the first interval whose end is after `t` (n when none). */
function firstEndAfter(ends: Float64Array, t: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid]! > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Working ms in `block` before instant `t` (t inside the block). */
function workedBefore(block: YearBlock, t: number): number {
  const i = firstEndAfter(block.ends, t);
  if (i === block.ends.length) return block.total;
  const start = block.starts[i]!;
  return block.cum[i]! + (t > start ? t - start : 0);
}

export function isWorkingAtMs(cal: CompiledCalendar, t: number): boolean {
  if (cal.always) return true;
  const block = cal.blockAt(t);
  const i = firstEndAfter(block.ends, t);
  return i < block.ends.length && block.starts[i]! <= t;
}

/** Whether instant `t` is working time (an interval's start is, its end is not). */
export function isWorkingAt(cal: CompiledCalendar, t: Instant): boolean {
  return isWorkingAtMs(cal, toMs(t, 't'));
}

/**
 * Hot path of `addWorkingTime`: epoch ms in, epoch ms out. Throws RangeError for negative or
 * non-finite minutes and for instants outside 1970–2200.
 */
export function addWorkingTimeMs(cal: CompiledCalendar, startMs: number, minutes: number): number {
  checkMinutes(minutes);
  if (!Number.isFinite(startMs)) throw new RangeError(`start must be finite epoch milliseconds, got ${startMs}`);
  if (cal.always) return startMs + minutes * MINUTE_MS;
  if (minutes === 0) return startMs;
  let block = cal.blockAt(startMs);
  // `target` = working ms from the block's start to the answer; walk forward whole years while
  // the block cannot hold it.
  let target = workedBefore(block, startMs) + minutes * MINUTE_MS;
  while (target > block.total) {
    target -= block.total;
    block = cal.blockAfter(block);
  }
  // Smallest j with cum[j] ≥ target: interval j − 1 is where the minutes run out. Taking the
  // smallest j is what makes an exact fit end at that interval's end.
  const cum = block.cum;
  let lo = 1;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! >= target) hi = mid;
    else lo = mid + 1;
  }
  return block.starts[lo - 1]! + (target - cum[lo - 1]!);
}

/**
 * The earliest instant by which `minutes` working minutes have passed since `start`.
 * 0 minutes → `start` itself, even outside working hours.
 */
export function addWorkingTime(cal: CompiledCalendar, start: Instant, minutes: number): Date {
  return new Date(addWorkingTimeMs(cal, toMs(start, 'start'), minutes));
}

/** Working ms in [a, b) for a ≤ b. */
function workingMsForward(cal: CompiledCalendar, a: number, b: number): number {
  const first = cal.blockAt(a);
  const workedA = workedBefore(first, a);
  if (b < first.endMs) return workedBefore(first, b) - workedA;
  let sum = first.total - workedA;
  let block = first;
  for (;;) {
    block = cal.blockAfter(block);
    if (b < block.endMs) return sum + workedBefore(block, b);
    sum += block.total;
  }
}

export function workingMsBetweenMs(cal: CompiledCalendar, a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError('Instants must be finite epoch milliseconds');
  if (cal.always) return b - a;
  // `0 - x` rather than `-x`: an empty span is +0 either way round, never -0.
  return b >= a ? workingMsForward(cal, a, b) : 0 - workingMsForward(cal, b, a);
}

/**
 * Working minutes in [a, b). Exact: instants with seconds give fractional minutes. When b < a the
 * result is the negative of the working minutes in [b, a).
 */
export function workingMinutesBetween(cal: CompiledCalendar, a: Instant, b: Instant): number {
  return workingMsBetweenMs(cal, toMs(a, 'a'), toMs(b, 'b')) / MINUTE_MS;
}

export function nextWorkingInstantMs(cal: CompiledCalendar, t: number): number {
  if (cal.always) return t;
  let block = cal.blockAt(t);
  const i = firstEndAfter(block.ends, t);
  if (i < block.ends.length) {
    const start = block.starts[i]!;
    return Math.max(start, t);
  }
  do block = cal.blockAfter(block);
  while (block.starts.length === 0);
  return block.starts[0]!;
}

/** `t` itself when it is working time, otherwise the start of the next working interval. */
export function nextWorkingInstant(cal: CompiledCalendar, t: Instant): Date {
  return new Date(nextWorkingInstantMs(cal, toMs(t, 't')));
}
