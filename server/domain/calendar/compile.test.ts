import { describe, expect, it } from 'vitest';
import { CalendarDefinitionError, compileCalendar } from './compile';
import { berlinDefinition, lunchBreakDefinition } from './test-fixtures';
import type { CalendarDefinition, CalendarException } from './types';

function withChanges(changes: Partial<CalendarDefinition>): CalendarDefinition {
  return { ...lunchBreakDefinition, ...changes };
}

function errorOf(def: CalendarDefinition): CalendarDefinitionError {
  try {
    compileCalendar(def);
  } catch (error) {
    if (error instanceof CalendarDefinitionError) return error;
    throw error;
  }
  throw new Error('expected a CalendarDefinitionError');
}

describe('compileCalendar validation', () => {
  it('rejects an unknown time zone', () => {
    const error = errorOf(withChanges({ timeZone: 'Asia/Shanghia' }));
    expect(error.path).toBe('timeZone');
    expect(error.message).toMatch(/"Asia\/Shanghia" is not a known IANA time zone/);
  });

  it.each([
    ['8:30', 'start', /"8:30" is not a time of day in HH:MM/],
    ['25:00', 'start', /"25:00"/],
    ['24:00', 'start', /"24:00" is not a time of day in HH:MM \(00:00–23:59\)/],
    ['12:60', 'end', /"12:60"/],
    ['noon', 'end', /"noon"/],
  ])('rejects the clock %s as an interval %s', (text, field, message) => {
    const interval = { start: '08:00', end: '12:00', [field]: text };
    const error = errorOf(withChanges({ weekly: { 2: [interval] } }));
    expect(error.path).toBe(`weekly.2[0].${field}`);
    expect(error.message).toMatch(message);
  });

  it('rejects an interval that ends before or when it starts', () => {
    const error = errorOf(withChanges({ weekly: { 1: [{ start: '13:00', end: '12:00' }] } }));
    expect(error.message).toBe('weekly.1[0]: end 12:00 must be after start 13:00 (intervals cannot cross midnight; split them at 24:00)');
    expect(() => compileCalendar(withChanges({ weekly: { 1: [{ start: '09:00', end: '09:00' }] } }))).toThrow(CalendarDefinitionError);
  });

  it('rejects overlapping intervals within a day, but accepts touching ones', () => {
    const error = errorOf(withChanges({ weekly: { 3: [{ start: '13:00', end: '17:00' }, { start: '08:30', end: '13:30' }] } }));
    expect(error.message).toBe('weekly.3: intervals 08:30–13:30 and 13:00–17:00 overlap');
    expect(() => compileCalendar(withChanges({ weekly: { 3: [{ start: '08:00', end: '12:00' }, { start: '12:00', end: '24:00' }] } }))).not.toThrow();
  });

  it('rejects a weekday outside 1–7', () => {
    const weekly = { 8: [{ start: '08:00', end: '12:00' }] } as unknown as CalendarDefinition['weekly'];
    expect(errorOf(withChanges({ weekly })).message).toMatch(/weekly\.8: weekdays are numbered 1 \(Monday\) to 7 \(Sunday\)/);
  });

  it.each(['2026-02-30', '2026/10/01', '2026-13-01', '26-10-01', ''])('rejects the exception date %j', (date) => {
    const error = errorOf(withChanges({ exceptions: [{ date, kind: 'holiday' }] }));
    expect(error.path).toBe('exceptions[0].date');
    expect(error.message).toMatch(/is not a valid date in YYYY-MM-DD/);
  });

  it('rejects a date listed twice', () => {
    const error = errorOf(
      withChanges({
        exceptions: [
          { date: '2026-10-01', kind: 'holiday' },
          { date: '2026-10-02', kind: 'holiday' },
          { date: '2026-10-01', kind: 'workday' },
        ],
      }),
    );
    expect(error.message).toBe('exceptions[2].date: 2026-10-01 is already listed at exceptions[0]; keep one entry per date');
  });

  it('rejects contradictory exceptions', () => {
    expect(errorOf(withChanges({ exceptions: [{ date: '2026-10-01', kind: 'holiday', intervals: [] }] })).path).toBe('exceptions[0].intervals');
    expect(errorOf(withChanges({ exceptions: [{ date: '2026-10-10', kind: 'workday', intervals: [] }] })).message).toMatch(/needs at least one interval/);
    expect(errorOf(withChanges({ defaultWorkday: [], exceptions: [{ date: '2026-10-10', kind: 'workday' }] })).message).toMatch(/defaultWorkday, which is empty/);
    const kind = 'closed' as CalendarException['kind'];
    expect(errorOf(withChanges({ exceptions: [{ date: '2026-10-10', kind }] })).message).toMatch(/must be "holiday" or "workday"/);
  });

  it('rejects a business-hours calendar without any weekly hours, but not a 24×7 one', () => {
    expect(errorOf(withChanges({ weekly: {} })).message).toMatch(/needs at least one weekly working interval/);
    expect(compileCalendar(withChanges({ always: true, weekly: {} })).always).toBe(true);
  });
});

describe('year blocks', () => {
  it('holds sorted, disjoint intervals in UTC with running totals', () => {
    const cal = compileCalendar(lunchBreakDefinition);
    const block = cal.block(2026);
    // 2026-01-01 is a Thursday; local 08:30 in Shanghai is 00:30Z.
    expect(block.starts[0]).toBe(Date.parse('2026-01-01T00:30Z'));
    expect(block.ends[0]).toBe(Date.parse('2026-01-01T04:00Z'));
    expect(block.startMs).toBe(Date.parse('2025-12-31T16:00Z'));
    expect(block.endMs).toBe(Date.parse('2026-12-31T16:00Z'));
    for (let i = 1; i < block.starts.length; i++) expect(block.starts[i]).toBeGreaterThan(block.ends[i - 1]!);
    expect(block.cum[block.starts.length]).toBe(block.total);
  });

  it('merges touching intervals into one', () => {
    const cal = compileCalendar(berlinDefinition);
    const block = cal.block(2026);
    // Mon 2026-01-05: 08:00–16:00 and 16:00–24:00 CET are one interval 07:00Z–23:00Z.
    const i = block.starts.indexOf(Date.parse('2026-01-05T07:00Z'));
    expect(i).toBeGreaterThan(-1);
    expect(block.ends[i]).toBe(Date.parse('2026-01-05T23:00Z'));
  });

  it('builds each year once and only when asked', () => {
    const cal = compileCalendar(lunchBreakDefinition);
    expect(cal.block(2030)).toBe(cal.block(2030));
    expect(() => cal.block(1969)).toThrow(RangeError);
    expect(() => cal.block(2201)).toThrow(RangeError);
  });
});
