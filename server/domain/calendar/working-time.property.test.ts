import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addWorkingTimeMs,
  isWorkingAt,
  nextWorkingInstantMs,
  workingMinutesBetween,
} from './working-time';
import { testCalendars } from './test-fixtures';
import type { CompiledCalendar } from './compile';

const FROM = Date.UTC(2024, 11, 25); // a few days before 2025, so year crossings are exercised
const TO = Date.UTC(2027, 0, 10);
const RUNS = { numRuns: 400 };

/**
 * Starts: arbitrary milliseconds, whole minutes, and exact interval boundaries (where off-by-one
 * mistakes live), all in 2025–2026, which chinese-days covers.
 */
function startArb(cal: CompiledCalendar): fc.Arbitrary<number> {
  const anyMs = fc.integer({ min: FROM, max: TO });
  const wholeMinute = anyMs.map((t) => t - (t % 60_000));
  if (cal.always) return fc.oneof(anyMs, wholeMinute);
  const boundary = fc.tuple(fc.integer({ min: 2025, max: 2026 }), fc.nat(), fc.boolean(), fc.constantFrom(-1, 0, 0, 1)).map(
    ([year, i, isEnd, nudge]) => {
      const block = cal.block(year);
      const list = isEnd ? block.ends : block.starts;
      return list[i % list.length]! + nudge;
    },
  );
  return fc.oneof(anyMs, wholeMinute, boundary);
}

/** Up to 240 working hours, with zero and small values over-represented. */
const minutesArb = fc.oneof(fc.integer({ min: 0, max: 14_400 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 600 }));

describe.each(testCalendars())('working-time properties: $name', ({ cal }) => {
  const starts = startArb(cal);

  it('adding m working minutes then measuring gives back exactly m', () => {
    fc.assert(
      fc.property(starts, minutesArb, (s, m) => {
        expect(workingMinutesBetween(cal, s, addWorkingTimeMs(cal, s, m))).toBe(m);
      }),
      RUNS,
    );
  });

  it('the result is the earliest such instant: the millisecond before it is working time', () => {
    fc.assert(
      fc.property(starts, fc.integer({ min: 1, max: 14_400 }), (s, m) => {
        const end = addWorkingTimeMs(cal, s, m);
        expect(isWorkingAt(cal, end - 1)).toBe(true);
        expect(workingMinutesBetween(cal, s, end - 1)).toBeLessThan(m);
      }),
      RUNS,
    );
  });

  it('is monotonic in the minutes', () => {
    fc.assert(
      fc.property(starts, minutesArb, minutesArb, (s, m1, m2) => {
        const [lo, hi] = m1 <= m2 ? [m1, m2] : [m2, m1];
        expect(addWorkingTimeMs(cal, s, lo)).toBeLessThanOrEqual(addWorkingTimeMs(cal, s, hi));
      }),
      RUNS,
    );
  });

  it('is monotonic in the start', () => {
    fc.assert(
      fc.property(starts, starts, minutesArb, (s1, s2, m) => {
        const [lo, hi] = s1 <= s2 ? [s1, s2] : [s2, s1];
        expect(addWorkingTimeMs(cal, lo, m)).toBeLessThanOrEqual(addWorkingTimeMs(cal, hi, m));
      }),
      RUNS,
    );
  });

  it('is additive: add(add(s, a), b) = add(s, a + b)', () => {
    fc.assert(
      fc.property(starts, minutesArb, minutesArb, (s, a, b) => {
        expect(addWorkingTimeMs(cal, addWorkingTimeMs(cal, s, a), b)).toBe(addWorkingTimeMs(cal, s, a + b));
      }),
      RUNS,
    );
  });

  it('measures additively and antisymmetrically', () => {
    fc.assert(
      fc.property(starts, starts, starts, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        const sum = workingMinutesBetween(cal, a, b) + workingMinutesBetween(cal, b, c);
        expect(Math.abs(sum - workingMinutesBetween(cal, a, c))).toBeLessThan(1e-9);
        expect(workingMinutesBetween(cal, c, a) + workingMinutesBetween(cal, a, c)).toBe(0);
        expect(workingMinutesBetween(cal, a, b)).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('isWorkingAt agrees with the arithmetic', () => {
    fc.assert(
      fc.property(starts, (t) => {
        const working = isWorkingAt(cal, t);
        // Interval bounds are whole milliseconds, so [t, t + 1 ms) is working iff t is.
        expect(workingMinutesBetween(cal, t, t + 1) > 0).toBe(working);
        const next = nextWorkingInstantMs(cal, t);
        expect(next === t).toBe(working);
        expect(isWorkingAt(cal, next)).toBe(true);
        expect(workingMinutesBetween(cal, t, next)).toBe(0);
        // The first working minute from t is the minute after `next`, when that interval is long enough.
        if (next + 60_000 <= intervalEnd(cal, next)) expect(addWorkingTimeMs(cal, t, 1)).toBe(next + 60_000);
      }),
      RUNS,
    );
  });

  it('accepts fractional minutes to within float precision', () => {
    fc.assert(
      fc.property(starts, fc.double({ min: 0, max: 14_400, noNaN: true }), (s, m) => {
        const end = addWorkingTimeMs(cal, s, m);
        expect(Math.abs(workingMinutesBetween(cal, s, end) - m)).toBeLessThan(1e-6);
      }),
      RUNS,
    );
  });
});

/** End of the working interval that contains `t` (t must be working time). */
function intervalEnd(cal: CompiledCalendar, t: number): number {
  if (cal.always) return Number.POSITIVE_INFINITY;
  const block = cal.blockAt(t);
  for (let i = 0; i < block.ends.length; i++) if (block.ends[i]! > t) return block.ends[i]!;
  return block.endMs;
}

describe('7×24 is plain elapsed time', () => {
  const always = testCalendars().find((c) => c.cal.always)!.cal;
  it('adds and measures like a stopwatch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8.64e15 / 2 }), fc.integer({ min: 0, max: 10_000_000 }), (s, m) => {
        expect(addWorkingTimeMs(always, s, m)).toBe(s + m * 60_000);
        expect(workingMinutesBetween(always, s, s + m * 60_000)).toBe(m);
        expect(isWorkingAt(always, s)).toBe(true);
      }),
      RUNS,
    );
  });
});
