/**
 * Local wall-clock time → UTC instant in one IANA zone, with an explicit rule for the two DST
 * edge cases. Used only while compiling year tables, never on the arithmetic hot path.
 *
 * "Wall" values are the local date and time written as if they were UTC epoch milliseconds
 * (2026-10-01 08:30 local → Date.UTC(2026, 9, 1, 8, 30)), which keeps all of this integer math.
 *
 * The rule treats a working interval as "the instants whose wall clock reads inside it":
 * - a start or end that falls in a spring-forward gap (Berlin 02:30 on the last Sunday of March)
 *   maps to the transition instant itself, so 01:00–04:00 that day is 2 h of working time and
 *   02:15–02:45 is none;
 * - an ambiguous start (fall-back, the hour that happens twice) takes the first occurrence and an
 *   ambiguous end the second, so 01:00–04:00 on that day is 4 h of working time.
 * Luxon's `DateTime.fromObject` would shift a gap time forward by the gap's length (02:30 →
 * 03:30) and pick one side of an ambiguous time, which loses working time, so we ask luxon's zone
 * for offsets and apply the rule ourselves.
 */
import { IANAZone } from 'luxon';
import { MINUTE_MS } from './validate';

const HOUR_MS = 3_600_000;

export class ZoneClock {
  private readonly zone: IANAZone;

  constructor(timeZone: string) {
    this.zone = IANAZone.create(timeZone);
  }

  /** UTC offset in minutes at an instant. */
  offsetAt(instant: number): number {
    return this.zone.offset(instant);
  }

  /**
   * Instant for a wall time. `earliest` picks the first occurrence of an ambiguous wall time (for
   * interval starts), otherwise the last (for interval ends). `before`/`after` are offsets known
   * to be in force shortly before and after the wall time, when the caller has them.
   */
  toInstant(wall: number, earliest: boolean, before?: number, after?: number): number {
    // An instant 26 h before the wall time reads at least 12 h earlier on any clock (offsets are
    // within −12 h … +14 h), so `oBefore` is the offset before any transition near `wall`.
    const oBefore = before ?? this.zone.offset(wall - 26 * HOUR_MS);
    const oAfter = after ?? this.zone.offset(wall + 26 * HOUR_MS);
    const first = wall - oBefore * MINUTE_MS;
    const second = wall - oAfter * MINUTE_MS;
    const firstValid = this.zone.offset(first) === oBefore;
    const secondValid = oAfter !== oBefore && this.zone.offset(second) === oAfter;
    if (firstValid && secondValid) return earliest ? Math.min(first, second) : Math.max(first, second);
    if (firstValid) return first;
    if (secondValid) return second;
    if (oAfter <= oBefore) return first;
    return this.gapTransition(second, first, oAfter);
  }

  /**
   * The wall time lies in a gap: the clock jumped from `oBefore` to `oAfter` somewhere in
   * (lo, hi]. Bisect for the first instant on the new offset; gaps happen at most a few times a
   * year, so ~22 offset lookups each is negligible.
   */
  private gapTransition(lo: number, hi: number, oAfter: number): number {
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.zone.offset(mid) === oAfter) hi = mid;
      else lo = mid;
    }
    return hi;
  }
}
