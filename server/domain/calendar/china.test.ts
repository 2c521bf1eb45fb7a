import { describe, expect, it } from 'vitest';
import { builtInCalendars, CALENDAR_KEYS, chineseDaysCoverage } from './china';
import { compileCalendar } from './compile';

describe('built-in calendars', () => {
  const calendars = builtInCalendars();

  it('ships 7×24 and 5×8-China under stable keys', () => {
    expect(calendars.map((c) => c.key)).toEqual(['7x24', '5x8-china']);
    expect(CALENDAR_KEYS).toEqual({ always: '7x24', china5x8: '5x8-china' });
    for (const c of calendars) {
      expect(c.name.zh).not.toBe('');
      expect(c.name.en).not.toBe('');
      expect(() => compileCalendar(c.definition)).not.toThrow();
    }
  });

  it('defines 5×8 as Monday–Friday 08:30–17:30 in Asia/Shanghai', () => {
    const def = calendars[1]!.definition;
    expect(def.timeZone).toBe('Asia/Shanghai');
    expect(def.always).toBe(false);
    for (const day of [1, 2, 3, 4, 5] as const) expect(def.weekly[day]).toEqual([{ start: '08:30', end: '17:30' }]);
    expect(def.weekly[6]).toBeUndefined();
    expect(def.weekly[7]).toBeUndefined();
    expect(def.defaultWorkday).toEqual([{ start: '08:30', end: '17:30' }]);
  });

  it('lists the 2026 National Day arrangement by name', () => {
    const oct = calendars[1]!.definition.exceptions.filter((e) => e.date >= '2026-09-20' && e.date <= '2026-10-10');
    expect(oct.filter((e) => e.kind === 'workday')).toEqual([
      { date: '2026-09-20', kind: 'workday', name: '国庆节' },
      { date: '2026-10-10', kind: 'workday', name: '国庆节' },
    ]);
    const holidays = oct.filter((e) => e.name === '国庆节' && e.kind === 'holiday').map((e) => e.date);
    expect(holidays).toEqual(['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07']);
    expect(oct.filter((e) => e.name === '中秋').map((e) => e.date)).toEqual(['2026-09-25', '2026-09-26', '2026-09-27']);
  });

  it('has one entry per date, sorted', () => {
    const dates = calendars[1]!.definition.exceptions.map((e) => e.date);
    expect(new Set(dates).size).toBe(dates.length);
    expect([...dates].sort()).toEqual(dates);
  });

  it('hands out independent copies', () => {
    const a = builtInCalendars()[1]!.definition;
    a.weekly[1]![0]!.start = '09:00';
    a.exceptions.length = 0;
    const b = builtInCalendars()[1]!.definition;
    expect(b.weekly[1]![0]!.start).toBe('08:30');
    expect(b.exceptions.length).toBeGreaterThan(0);
  });

  it('reports the years chinese-days covers', () => {
    const { firstYear, lastYear } = chineseDaysCoverage();
    expect(firstYear).toBe(2004);
    expect(lastYear).toBeGreaterThanOrEqual(2026);
    const years = new Set(calendars[1]!.definition.exceptions.map((e) => Number(e.date.slice(0, 4))));
    expect(Math.min(...years)).toBe(firstYear);
    expect(Math.max(...years)).toBe(lastYear);
  });
});
