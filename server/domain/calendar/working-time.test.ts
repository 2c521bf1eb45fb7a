import { describe, expect, it } from 'vitest';
import { CALENDAR_KEYS } from './china';
import { compileCalendar } from './compile';
import { at, berlinDefinition, definitionOf, lunchBreakDefinition, newYorkDefinition } from './test-fixtures';
import {
  addWorkingTime,
  addWorkingTimeMs,
  isWorkingAt,
  nextWorkingInstant,
  workingMinutesBetween,
} from './working-time';

// 5×8 China: Monday–Friday 08:30–17:30 Asia/Shanghai = 540 working minutes a day, no lunch break.
const china = compileCalendar(definitionOf(CALENDAR_KEYS.china5x8));

describe('5×8 China around National Day 2026', () => {
  // 10-01 (Thu) … 10-07 (Wed) off; Sunday 09-20 and Saturday 10-10 are make-up working days.

  it('carries a P-level clock over the holiday week', () => {
    // Wed 09-30 17:00 → 30 min left that day (17:00–17:30); 10-01…10-07 are off;
    // Thu 10-08 08:30 + the remaining 30 min = 09:00.
    expect(addWorkingTime(china, at('2026-09-30T17:00+08:00'), 60)).toEqual(at('2026-10-08T09:00+08:00'));
    expect(workingMinutesBetween(china, at('2026-09-30T17:00+08:00'), at('2026-10-08T09:00+08:00'))).toBe(60);
  });

  it('lands on the make-up Saturday 10-10', () => {
    // Fri 10-09 17:00 → 30 min that day; Sat 10-10 is worked: 08:30 + 30 min = 09:00.
    expect(addWorkingTime(china, at('2026-10-09T17:00+08:00'), 60)).toEqual(at('2026-10-10T09:00+08:00'));
    expect(isWorkingAt(china, at('2026-10-10T12:00+08:00'))).toBe(true);
    // Sunday 10-11 is an ordinary weekend day again.
    expect(isWorkingAt(china, at('2026-10-11T12:00+08:00'))).toBe(false);
  });

  it('ends exactly at 17:30 on 10-10 when three full days are used up', () => {
    // From Thu 10-08 08:30: Thu 540 + Fri 540 + Sat 540 = 1620 → Sat 17:30, not Mon 08:30.
    expect(addWorkingTime(china, at('2026-10-08T08:30+08:00'), 1620)).toEqual(at('2026-10-10T17:30+08:00'));
    // One more minute skips Sunday 10-11: Mon 10-12 08:31.
    expect(addWorkingTime(china, at('2026-10-08T08:30+08:00'), 1621)).toEqual(at('2026-10-12T08:31+08:00'));
  });

  it('works the make-up Sunday 09-20', () => {
    // Sat 09-19 is an ordinary day off; Sun 09-20 08:30 + 60 = 09:30.
    expect(addWorkingTime(china, at('2026-09-19T10:00+08:00'), 60)).toEqual(at('2026-09-20T09:30+08:00'));
  });

  it('counts the week of 09-28 … 10-11 correctly', () => {
    // Mon 09-28, Tue 09-29, Wed 09-30 (3 days), holidays 10-01…10-07, Thu 10-08, Fri 10-09,
    // Sat 10-10 (3 days) = 6 × 540.
    expect(workingMinutesBetween(china, at('2026-09-28T00:00+08:00'), at('2026-10-12T00:00+08:00'))).toBe(6 * 540);
  });
});

describe('5×8 China around Spring Festival 2026', () => {
  // Sat 02-14 worked, 02-15 (Sun) … 02-23 (Mon) off, Sat 02-28 worked.

  it('skips the whole festival', () => {
    // Fri 02-13 17:00: 30 min; Sat 02-14: 540 (570 so far); 02-15…02-23 off;
    // Tue 02-24 08:30 + the remaining 30 = 09:00.
    expect(addWorkingTime(china, at('2026-02-13T17:00+08:00'), 600)).toEqual(at('2026-02-24T09:00+08:00'));
  });

  it('counts both make-up Saturdays', () => {
    // Sat 02-14 (540) + Tue–Fri 02-24…02-27 (4 × 540) + Sat 02-28 (540) = 3240.
    expect(workingMinutesBetween(china, at('2026-02-14T08:30+08:00'), at('2026-03-01T00:00+08:00'))).toBe(3240);
    expect(isWorkingAt(china, at('2026-02-16T10:00+08:00'))).toBe(false);
    expect(isWorkingAt(china, at('2026-02-28T10:00+08:00'))).toBe(true);
  });
});

describe('interval boundaries', () => {
  it('treats 08:30 as working and 17:30 as not', () => {
    expect(isWorkingAt(china, at('2026-03-10T08:30+08:00'))).toBe(true);
    expect(isWorkingAt(china, at('2026-03-10T08:29:59.999+08:00'))).toBe(false);
    expect(isWorkingAt(china, at('2026-03-10T17:29:59.999+08:00'))).toBe(true);
    expect(isWorkingAt(china, at('2026-03-10T17:30+08:00'))).toBe(false);
  });

  it('starts counting at 08:30 and stops at 17:30', () => {
    // A full day from 08:30 ends at 17:30 the same day.
    expect(addWorkingTime(china, at('2026-03-10T08:30+08:00'), 540)).toEqual(at('2026-03-10T17:30+08:00'));
    // From 17:30 nothing is left that day: Wed 08:30 + 1.
    expect(addWorkingTime(china, at('2026-03-10T17:30+08:00'), 1)).toEqual(at('2026-03-11T08:31+08:00'));
    // From 07:00 the clock starts at 08:30.
    expect(addWorkingTime(china, at('2026-03-10T07:00+08:00'), 30)).toEqual(at('2026-03-10T09:00+08:00'));
  });

  it('adds zero minutes without moving, even outside working hours', () => {
    expect(addWorkingTime(china, at('2026-03-10T20:00+08:00'), 0)).toEqual(at('2026-03-10T20:00+08:00'));
    expect(addWorkingTime(china, at('2026-03-10T17:30+08:00'), 0)).toEqual(at('2026-03-10T17:30+08:00'));
  });

  it('finds the next working instant', () => {
    expect(nextWorkingInstant(china, at('2026-03-10T17:30+08:00'))).toEqual(at('2026-03-11T08:30+08:00'));
    expect(nextWorkingInstant(china, at('2026-03-11T10:00+08:00'))).toEqual(at('2026-03-11T10:00+08:00'));
    expect(nextWorkingInstant(china, at('2026-09-30T18:00+08:00'))).toEqual(at('2026-10-08T08:30+08:00'));
  });

  it('measures exact fractions of a minute and signs reversed spans', () => {
    expect(workingMinutesBetween(china, at('2026-03-10T08:30:30+08:00'), at('2026-03-10T08:31+08:00'))).toBe(0.5);
    expect(workingMinutesBetween(china, at('2026-03-10T18:00+08:00'), at('2026-03-10T09:00+08:00'))).toBe(-510);
    expect(workingMinutesBetween(china, at('2026-03-10T20:00+08:00'), at('2026-03-10T20:00+08:00'))).toBe(0);
  });

  it('accepts epoch milliseconds as well as Dates', () => {
    const start = at('2026-09-30T17:00+08:00');
    expect(addWorkingTimeMs(china, start.getTime(), 60)).toBe(at('2026-10-08T09:00+08:00').getTime());
    expect(isWorkingAt(china, start.getTime())).toBe(true);
    expect(workingMinutesBetween(china, start.getTime(), start)).toBe(0);
  });
});

describe('lunch break', () => {
  const lunch = compileCalendar(lunchBreakDefinition);

  it('pauses over lunch and ends at 12:00 on an exact fit', () => {
    // 11:30 + 30 min uses the morning exactly: 12:00, not 13:00.
    expect(addWorkingTime(lunch, at('2026-03-10T11:30+08:00'), 30)).toEqual(at('2026-03-10T12:00+08:00'));
    // 11:30 + 60: 30 before lunch, 30 after → 13:30.
    expect(addWorkingTime(lunch, at('2026-03-10T11:30+08:00'), 60)).toEqual(at('2026-03-10T13:30+08:00'));
    expect(isWorkingAt(lunch, at('2026-03-10T12:30+08:00'))).toBe(false);
    expect(workingMinutesBetween(lunch, at('2026-03-10T00:00+08:00'), at('2026-03-11T00:00+08:00'))).toBe(480);
  });

  it('uses defaultWorkday for a make-up day without its own hours, and a day its own hours', () => {
    // 2026-10-10 (Sat) takes defaultWorkday 09:00–12:00 (180 min); 2026-10-11 (Sun) 10:00–11:00.
    expect(workingMinutesBetween(lunch, at('2026-10-10T00:00+08:00'), at('2026-10-12T00:00+08:00'))).toBe(240);
    expect(workingMinutesBetween(lunch, at('2026-10-01T00:00+08:00'), at('2026-10-02T00:00+08:00'))).toBe(0);
  });
});

describe('crossing into the next year', () => {
  it('runs 240 working hours from 20 December into late January', () => {
    // Sat 2025-12-20 is off. 14,400 min / 540 = 26 full days + 360 min.
    // Working days: Dec 22–26 (5), Dec 29–31 (3) = 8; Jan 1–3 are 元旦 holidays; Sun Jan 4 is a
    // make-up day (9); Jan 5–9 (14); Jan 12–16 (19); Jan 19–23 (24); Jan 26, 27 (26 full days).
    // The 27th day is Wed Jan 28: 08:30 + 360 min = 14:30.
    const start = at('2025-12-20T10:00+08:00');
    const end = at('2026-01-28T14:30+08:00');
    expect(addWorkingTime(china, start, 14_400)).toEqual(end);
    expect(workingMinutesBetween(china, start, end)).toBe(14_400);
  });

  it('measures over New Year', () => {
    // Wed 12-31 17:00–17:30 (30) + make-up Sun 01-04 08:30–09:00 (30).
    expect(workingMinutesBetween(china, at('2025-12-31T17:00+08:00'), at('2026-01-04T09:00+08:00'))).toBe(60);
  });

  it('keeps going past the years chinese-days covers, on weekdays only', () => {
    // 2027-01-01 is a Friday with no holiday data: it is an ordinary working day.
    expect(addWorkingTime(china, at('2026-12-31T17:00+08:00'), 60)).toEqual(at('2027-01-01T09:00+08:00'));
  });
});

describe('daylight saving time', () => {
  const berlin = compileCalendar(berlinDefinition);
  const newYork = compileCalendar(newYorkDefinition);

  it('shortens an interval across a spring-forward gap', () => {
    // Berlin, Sun 2026-03-29: 02:00 CET jumps to 03:00 CEST. 01:00–04:00 is 01:00 CET (00:00Z)
    // to 04:00 CEST (02:00Z) = 120 min.
    expect(workingMinutesBetween(berlin, at('2026-03-29T00:00+01:00'), at('2026-03-30T00:00+02:00'))).toBe(120);
    expect(addWorkingTime(berlin, at('2026-03-29T00:00Z'), 90)).toEqual(at('2026-03-29T01:30Z'));
    // New York, Sun 2026-03-08: 00:30 EST (05:30Z) to 03:30 EDT (07:30Z) = 120 min.
    expect(workingMinutesBetween(newYork, at('2026-03-08T00:00-05:00'), at('2026-03-09T00:00-04:00'))).toBe(120);
  });

  it('lengthens an interval across a fall-back overlap', () => {
    // Berlin, Sun 2026-10-25: 03:00 CEST falls back to 02:00 CET. 01:00 CEST (23:00Z the day
    // before) to 04:00 CET (03:00Z) = 240 min.
    expect(workingMinutesBetween(berlin, at('2026-10-25T00:00+02:00'), at('2026-10-26T00:00+01:00'))).toBe(240);
    expect(addWorkingTime(berlin, at('2026-10-24T23:00Z'), 240)).toEqual(at('2026-10-25T03:00Z'));
    // New York, Sun 2026-11-01: 00:30 EDT (04:30Z) to 03:30 EST (08:30Z) = 240 min.
    expect(workingMinutesBetween(newYork, at('2026-11-01T00:00-04:00'), at('2026-11-02T00:00-05:00'))).toBe(240);
  });

  it('keeps ordinary days at their wall-clock length on both sides of a change', () => {
    expect(workingMinutesBetween(newYork, at('2026-03-07T00:00-05:00'), at('2026-03-08T00:00-05:00'))).toBe(180);
    expect(workingMinutesBetween(newYork, at('2026-03-14T00:00-04:00'), at('2026-03-15T00:00-04:00'))).toBe(180);
    // A weekday after the change: 00:30–03:30 and 09:00–17:00 EDT.
    expect(isWorkingAt(newYork, at('2026-03-09T09:00-04:00'))).toBe(true);
    expect(isWorkingAt(newYork, at('2026-03-09T08:59-04:00'))).toBe(false);
  });

  it('drops an interval that lies entirely inside the gap', () => {
    const gap = compileCalendar({
      timeZone: 'Europe/Berlin',
      always: false,
      weekly: { 7: [{ start: '02:15', end: '02:45' }] },
      defaultWorkday: [],
      exceptions: [],
    });
    expect(workingMinutesBetween(gap, at('2026-03-29T00:00+01:00'), at('2026-03-30T00:00+02:00'))).toBe(0);
    expect(workingMinutesBetween(gap, at('2026-03-22T00:00+01:00'), at('2026-03-23T00:00+01:00'))).toBe(30);
  });

  function sundays(intervals: { start: string; end: string }[]) {
    return compileCalendar({ timeZone: 'Europe/Berlin', always: false, weekly: { 7: intervals }, defaultWorkday: [], exceptions: [] });
  }

  it('starts an interval whose start is in the gap at the transition itself', () => {
    // 2026-03-29 02:30–04:00: 02:30 does not exist; the clock reads ≥ 02:30 from 03:00 CEST
    // (01:00Z), so 01:00Z–02:00Z = 60 min (not 30, as shifting 02:30 to 03:30 would give).
    const cal = sundays([{ start: '02:30', end: '04:00' }]);
    expect(workingMinutesBetween(cal, at('2026-03-29T00:00+01:00'), at('2026-03-30T00:00+02:00'))).toBe(60);
    expect(nextWorkingInstant(cal, at('2026-03-29T00:00Z'))).toEqual(at('2026-03-29T01:00Z'));
  });

  it('takes the first occurrence of an ambiguous start and the last of an ambiguous end', () => {
    // 2026-10-25 02:00–02:59 happens twice (CEST 00:00Z–01:00Z, then CET 01:00Z–02:00Z).
    // 02:30–04:00: from 02:30 CEST (00:30Z) to 04:00 CET (03:00Z) = 150 min.
    const lateStart = sundays([{ start: '02:30', end: '04:00' }]);
    expect(workingMinutesBetween(lateStart, at('2026-10-25T00:00+02:00'), at('2026-10-26T00:00+01:00'))).toBe(150);
    expect(nextWorkingInstant(lateStart, at('2026-10-24T22:00Z'))).toEqual(at('2026-10-25T00:30Z'));
    // 01:00–02:30: from 01:00 CEST (23:00Z) to 02:30 CET (01:30Z) = 150 min.
    const earlyEnd = sundays([{ start: '01:00', end: '02:30' }]);
    expect(workingMinutesBetween(earlyEnd, at('2026-10-25T00:00+02:00'), at('2026-10-26T00:00+01:00'))).toBe(150);
    expect(addWorkingTime(earlyEnd, at('2026-10-24T23:00Z'), 150)).toEqual(at('2026-10-25T01:30Z'));
  });
});

describe('rejected input', () => {
  it('refuses negative or non-finite minutes', () => {
    const start = at('2026-03-10T09:00+08:00');
    expect(() => addWorkingTime(china, start, -1)).toThrow(RangeError);
    expect(() => addWorkingTime(china, start, Number.NaN)).toThrow(RangeError);
    expect(() => addWorkingTime(china, start, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('refuses invalid instants and years outside 1970–2200', () => {
    expect(() => isWorkingAt(china, new Date('nonsense'))).toThrow(RangeError);
    expect(() => addWorkingTime(china, at('1969-12-31T12:00+08:00'), 1)).toThrow(/1970–2200/);
    expect(() => addWorkingTime(china, at('2200-12-31T17:00+08:00'), 60)).toThrow(/after 2200/);
    expect(addWorkingTime(china, at('2200-12-31T12:00+08:00'), 60)).toEqual(at('2200-12-31T13:00+08:00'));
  });
});
