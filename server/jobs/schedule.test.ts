/** Next-run computation: cron slots in the desk's time zone, interval slots, one-off jobs, catch-up. */
import { describe, expect, it } from 'vitest';
import { dueSlot, firstSlot, latestSlotAtOrBefore, nextSlotAfter, scheduleOf, validateSchedule, type JobSchedule } from './schedule';

const at = (s: string) => new Date(s);
const shanghai = (cron: string): JobSchedule => ({ kind: 'cron', cron, timeZone: 'Asia/Shanghai' });

describe('cron slots in Asia/Shanghai', () => {
  it('runs a daily 03:30 job at 03:30 Beijing time, which is 19:30 UTC the day before', () => {
    const daily = shanghai('30 3 * * *');
    expect(nextSlotAfter(daily, at('2026-03-02T10:00:00+08:00'))).toEqual(at('2026-03-03T03:30:00+08:00'));
    expect(nextSlotAfter(daily, at('2026-03-02T10:00:00+08:00'))!.toISOString()).toBe('2026-03-02T19:30:00.000Z');
    // A moment before the slot: that same night; exactly on it: the next night.
    expect(nextSlotAfter(daily, at('2026-03-03T03:29:59+08:00'))).toEqual(at('2026-03-03T03:30:00+08:00'));
    expect(nextSlotAfter(daily, at('2026-03-03T03:30:00+08:00'))).toEqual(at('2026-03-04T03:30:00+08:00'));
  });

  it('crosses a month boundary in local time, not in UTC', () => {
    // 07:30 on the 1st in Beijing is 23:30 UTC on the last day of the month before.
    const monthly = shanghai('30 7 1 * *');
    expect(nextSlotAfter(monthly, at('2026-02-15T12:00:00+08:00'))!.toISOString()).toBe('2026-02-28T23:30:00.000Z');
    // Just after the UTC date turned (Feb 28 23:45 UTC = Mar 1 07:45 Beijing): the next is April 1st.
    expect(nextSlotAfter(monthly, at('2026-02-28T23:45:00Z'))).toEqual(at('2026-04-01T07:30:00+08:00'));
    // The daily job on the last evening of January runs in the small hours of February 1st.
    expect(nextSlotAfter(shanghai('30 3 * * *'), at('2026-01-31T23:00:00+08:00'))).toEqual(at('2026-02-01T03:30:00+08:00'));
    // A leap year's February has a 29th; 2026's does not.
    expect(nextSlotAfter(shanghai('0 9 29 2 *'), at('2026-01-01T00:00:00+08:00'))).toEqual(at('2028-02-29T09:00:00+08:00'));
  });

  it('finds the latest slot at or before a moment', () => {
    const daily = shanghai('30 3 * * *');
    expect(latestSlotAtOrBefore(daily, at('2026-03-03T03:30:00+08:00'))).toEqual(at('2026-03-03T03:30:00+08:00'));
    expect(latestSlotAtOrBefore(daily, at('2026-03-03T03:29:59.999+08:00'))).toEqual(at('2026-03-02T03:30:00+08:00'));
  });

  it('gives the same instants whatever time zone the server process runs in', () => {
    // The slot depends on the job's zone only: UTC and New York schedules differ from Beijing's.
    expect(nextSlotAfter({ kind: 'cron', cron: '30 3 * * *', timeZone: 'UTC' }, at('2026-03-02T10:00:00Z'))).toEqual(at('2026-03-03T03:30:00Z'));
    expect(nextSlotAfter({ kind: 'cron', cron: '30 3 * * *', timeZone: 'America/New_York' }, at('2026-03-02T10:00:00Z'))).toEqual(at('2026-03-03T03:30:00-05:00'));
  });
});

describe('interval slots', () => {
  const every15 = { kind: 'interval', intervalSeconds: 15 } as const;
  it('are multiples of the interval since the epoch, the same in every process', () => {
    expect(nextSlotAfter(every15, at('2026-03-02T10:00:07.500Z'))).toEqual(at('2026-03-02T10:00:15Z'));
    expect(nextSlotAfter(every15, at('2026-03-02T10:00:15Z'))).toEqual(at('2026-03-02T10:00:30Z'));
    expect(latestSlotAtOrBefore(every15, at('2026-03-02T10:00:15Z'))).toEqual(at('2026-03-02T10:00:15Z'));
    expect(latestSlotAtOrBefore(every15, at('2026-03-02T10:00:29.999Z'))).toEqual(at('2026-03-02T10:00:15Z'));
  });

  it('starts a newly declared interval job at once and a cron job at its next slot', () => {
    expect(firstSlot(every15, at('2026-03-02T10:00:07Z'))).toEqual(at('2026-03-02T10:00:00Z'));
    expect(firstSlot(shanghai('30 3 * * *'), at('2026-03-02T10:00:00+08:00'))).toEqual(at('2026-03-03T03:30:00+08:00'));
  });
});

describe('one-off jobs', () => {
  it('have one slot, the moment they were scheduled for, and nothing after it', () => {
    const once = scheduleOf({ cron: null, intervalSeconds: null, timeZone: 'Asia/Shanghai' });
    expect(once).toEqual({ kind: 'once' });
    expect(nextSlotAfter(once, at('2026-03-02T10:00:00Z'))).toBeNull();
    expect(latestSlotAtOrBefore(once, at('2026-03-02T10:00:00Z'))).toBeNull();
    // Run late (the server was down): still its own slot.
    expect(dueSlot(once, at('2026-03-01T08:00:00Z'), at('2026-03-02T10:00:00Z'))).toEqual(at('2026-03-01T08:00:00Z'));
  });
});

describe('catch-up after downtime', () => {
  it('runs the latest missed slot once, not once per missed slot', () => {
    const daily = shanghai('30 3 * * *');
    // Down from Friday evening to Monday noon: it owes Saturday's, Sunday's and Monday's run; runs Monday's.
    const owed = at('2026-03-07T03:30:00+08:00');
    const now = at('2026-03-09T12:00:00+08:00');
    const slot = dueSlot(daily, owed, now);
    expect(slot).toEqual(at('2026-03-09T03:30:00+08:00'));
    // After that run the next one is Tuesday's: nothing else is owed.
    expect(nextSlotAfter(daily, slot)).toEqual(at('2026-03-10T03:30:00+08:00'));

    const minutely = { kind: 'interval', intervalSeconds: 60 } as const;
    expect(dueSlot(minutely, at('2026-03-02T10:00:00Z'), at('2026-03-02T10:07:30Z'))).toEqual(at('2026-03-02T10:07:00Z'));
    // Not late at all: the owed slot itself.
    expect(dueSlot(minutely, at('2026-03-02T10:00:00Z'), at('2026-03-02T10:00:00.200Z'))).toEqual(at('2026-03-02T10:00:00Z'));
  });
});

describe('validation', () => {
  it('refuses a malformed cron, an unknown time zone and a non-whole interval', () => {
    expect(() => validateSchedule(shanghai('every night'))).toThrow(/five, six, or seven/);
    expect(() => validateSchedule({ kind: 'cron', cron: '30 3 * * *', timeZone: 'Mars/Olympus' })).toThrow(/Unknown time zone/);
    expect(() => validateSchedule({ kind: 'interval', intervalSeconds: 0.5 })).toThrow(/whole number/);
    expect(() => validateSchedule(shanghai('30 3 * * *'))).not.toThrow();
  });
});
