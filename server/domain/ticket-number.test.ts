import { describe, expect, it } from 'vitest';
import { formatTicketNumber, parseTicketNumber, yearIn } from './ticket-number';

describe('ticket numbers', () => {
  it('formats FW-<year>-<6 digits>', () => {
    expect(formatTicketNumber(2026, 1)).toBe('FW-2026-000001');
    expect(formatTicketNumber(2026, 123456)).toBe('FW-2026-123456');
  });

  it('grows a digit rather than failing past 999,999', () => {
    expect(formatTicketNumber(2026, 1_000_000)).toBe('FW-2026-1000000');
  });

  it('refuses nonsense', () => {
    expect(() => formatTicketNumber(2026, 0)).toThrow(RangeError);
    expect(() => formatTicketNumber(99, 1)).toThrow(RangeError);
    expect(() => formatTicketNumber(2026, 1.5)).toThrow(RangeError);
  });

  it('parses what it formats, case-insensitively', () => {
    expect(parseTicketNumber('fw-2026-000042')).toEqual({ year: 2026, sequence: 42 });
    expect(parseTicketNumber(formatTicketNumber(2031, 999_999))).toEqual({ year: 2031, sequence: 999_999 });
    expect(parseTicketNumber('FW-26-1')).toBeNull();
    expect(parseTicketNumber('hello')).toBeNull();
  });

  it('takes the year in the desk time zone, not UTC', () => {
    const newYearsEveUtc = new Date('2026-12-31T20:00:00Z');
    expect(yearIn(newYearsEveUtc, 'UTC')).toBe(2026);
    expect(yearIn(newYearsEveUtc, 'Asia/Shanghai')).toBe(2027);
  });
});
