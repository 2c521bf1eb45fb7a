import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { builtInCalendars, CALENDAR_KEYS } from './china';
import { compileCalendar } from './compile';
import { exportExceptionsToIcal, IcalImportError, importExceptionsFromIcal } from './ical';
import { definitionOf } from './test-fixtures';
import type { CalendarException } from './types';
import { workingMinutesBetween } from './working-time';

const require = createRequire(import.meta.url);
const chineseDaysIcs = (file: string) => readFileSync(require.resolve(`chinese-days/dist/${file}`), 'utf8');

/** A minimal feed in the style of other public holiday calendars. */
function feed(...events: string[]): string {
  const body = events.map((e) => `BEGIN:VEVENT\r\nUID:${Math.abs(hash(e))}@test\r\n${e.trim().split('\n').map((l) => l.trim()).join('\r\n')}\r\nEND:VEVENT`);
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', ...body, 'END:VCALENDAR', ''].join('\r\n');
}
function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

const sample: CalendarException[] = [
  { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
  { date: '2026-10-10', kind: 'workday', name: '国庆节', intervals: [{ start: '08:30', end: '12:00' }, { start: '13:00', end: '17:30' }] },
  { date: '2026-09-20', kind: 'workday', name: '国庆节' },
  { date: '2026-12-24', kind: 'holiday' },
  { date: '2026-12-26', kind: 'workday' },
  { date: '2027-01-01', kind: 'holiday', name: 'Company day; "A, B" \\ C — 公司成立纪念日（全体休息，一个很长的名字用于测试折行）' },
];

describe('exportExceptionsToIcal', () => {
  const text = exportExceptionsToIcal('华东 5×8', sample);

  it('writes one all-day VEVENT per exception with categories and our interval notation', () => {
    expect(text.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.match(/BEGIN:VEVENT/g)).toHaveLength(sample.length);
    expect(text).toContain('DTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261002\r\n');
    expect(text).toContain('SUMMARY:国庆节（休）\r\nCATEGORIES:HOLIDAY\r\n');
    expect(text).toContain('SUMMARY:国庆节（补班）\r\nCATEGORIES:WORKDAY\r\n');
    expect(text).toContain('X-FUWUTAI-INTERVALS:08:30-12:00,13:00-17:30\r\n');
    expect(text.match(/X-FUWUTAI-INTERVALS/g)).toHaveLength(1);
    expect(text).toContain('X-WR-CALNAME:华东 5×8\r\n');
    // ical.js escapes text and folds lines at 75 octets (RFC 5545 §3.1), counting UTF-8 bytes.
    expect(text).toContain('SUMMARY:Company day\\; "A\\, B" \\\\ C');
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
  });

  it('is deterministic and keeps UIDs stable per date and calendar', () => {
    expect(exportExceptionsToIcal('华东 5×8', [...sample].reverse())).toBe(text);
    const uid = /UID:(20261001-[0-9a-f]{8}@fuwutai)/.exec(text)?.[1];
    expect(uid).toBeDefined();
    expect(exportExceptionsToIcal('华东 5×8', [sample[0]!])).toContain(`UID:${uid}`);
    expect(exportExceptionsToIcal('华南 5×8', [sample[0]!])).not.toContain(`UID:${uid}`);
    expect(text).toContain('DTSTAMP:19700101T000000Z');
    expect(exportExceptionsToIcal('x', [sample[0]!], { stampedAt: Date.parse('2026-03-01T08:00Z') })).toContain('DTSTAMP:20260301T080000Z');
  });

  it('round-trips through import unchanged', () => {
    const { exceptions, warnings } = importExceptionsFromIcal(text);
    expect(warnings).toEqual([]);
    expect(exceptions).toEqual([...sample].sort((a, b) => a.date.localeCompare(b.date)));
    // Importing twice gives the same list: idempotent.
    expect(importExceptionsFromIcal(exportExceptionsToIcal('华东 5×8', exceptions)).exceptions).toEqual(exceptions);
  });

  it('round-trips the whole shipped China calendar', () => {
    const exceptions = definitionOf(CALENDAR_KEYS.china5x8).exceptions;
    expect(importExceptionsFromIcal(exportExceptionsToIcal('5×8', exceptions)).exceptions).toEqual(exceptions);
  });
});

describe('importExceptionsFromIcal: chinese-days feeds', () => {
  const shipped2026 = builtInCalendars()[1]!.definition.exceptions.filter((e) => e.date.startsWith('2026'));

  it('reads holidays.ics into the same 2026 exceptions as the built-in calendar', () => {
    const { exceptions, warnings } = importExceptionsFromIcal(chineseDaysIcs('holidays.ics'));
    expect(warnings).toEqual([]);
    expect(exceptions.filter((e) => e.date.startsWith('2026'))).toEqual(shipped2026);
  });

  it('gives the same 2026 working time as the built-in calendar', () => {
    const imported = importExceptionsFromIcal(chineseDaysIcs('holidays.ics')).exceptions;
    const fromFeed = compileCalendar({ ...definitionOf(CALENDAR_KEYS.china5x8), exceptions: imported });
    const shipped = compileCalendar(definitionOf(CALENDAR_KEYS.china5x8));
    const year = [Date.parse('2025-12-31T16:00Z'), Date.parse('2026-12-31T16:00Z')] as const;
    expect(workingMinutesBetween(fromFeed, ...year)).toBe(workingMinutesBetween(shipped, ...year));
  });

  it('reads the English feed to the same dates and kinds', () => {
    const { exceptions } = importExceptionsFromIcal(chineseDaysIcs('holidays.en.ics'));
    const strip = (list: CalendarException[]) => list.filter((e) => e.date.startsWith('2026')).map(({ date, kind }) => ({ date, kind }));
    expect(strip(exceptions)).toEqual(strip(shipped2026));
    expect(exceptions.find((e) => e.date === '2026-10-10')).toEqual({ date: '2026-10-10', kind: 'workday', name: 'National Day' });
  });
});

describe('importExceptionsFromIcal: other feeds', () => {
  it('expands multi-day events with an exclusive DTEND, a DURATION, or neither', () => {
    const { exceptions } = importExceptionsFromIcal(
      feed(
        'DTSTART;VALUE=DATE:20261001\nDTEND;VALUE=DATE:20261004\nSUMMARY:[放假]国庆节',
        'DTSTART;VALUE=DATE:20261231\nDURATION:P2D\nSUMMARY:元旦假期',
        'DTSTART;VALUE=DATE:20261010\nSUMMARY:[加班]',
      ),
    );
    expect(exceptions).toEqual([
      { date: '2026-10-01', kind: 'holiday', name: '国庆节' },
      { date: '2026-10-02', kind: 'holiday', name: '国庆节' },
      { date: '2026-10-03', kind: 'holiday', name: '国庆节' },
      { date: '2026-10-10', kind: 'workday' },
      { date: '2026-12-31', kind: 'holiday', name: '元旦' },
      { date: '2027-01-01', kind: 'holiday', name: '元旦' },
    ]);
  });

  it('reads Apple-style markers and make-up days titled 补班 or 上班', () => {
    const { exceptions } = importExceptionsFromIcal(
      feed(
        'DTSTART;VALUE=DATE:20260214\nSUMMARY:春节\nX-APPLE-SPECIAL-DAY:ALTERNATE-WORKDAY',
        'DTSTART;VALUE=DATE:20260215\nSUMMARY:春节\nX-APPLE-SPECIAL-DAY:WORK-HOLIDAY',
        'DTSTART;VALUE=DATE:20260228\nSUMMARY:春节补班',
        'DTSTART;VALUE=DATE:20260509\nSUMMARY:劳动节调休\nCATEGORIES:上班',
      ),
    );
    expect(exceptions.map(({ date, kind, name }) => `${date} ${kind} ${name}`)).toEqual([
      '2026-02-14 workday 春节',
      '2026-02-15 holiday 春节',
      '2026-02-28 workday 春节',
      '2026-05-09 workday 劳动节调休',
    ]);
  });

  it('skips observances in a feed that marks its days off, with a warning', () => {
    const { exceptions, warnings } = importExceptionsFromIcal(
      feed('DTSTART;VALUE=DATE:20261001\nSUMMARY:国庆节\nDESCRIPTION:公众假期', 'DTSTART;VALUE=DATE:20260303\nSUMMARY:元宵节\nDESCRIPTION:纪念日'),
    );
    expect(exceptions).toEqual([{ date: '2026-10-01', kind: 'holiday', name: '国庆节' }]);
    expect(warnings).toEqual(['Event “元宵节” on 2026-03-03 is not marked as a day off (休/假/holiday) or a working day (班/workday); skipped.']);
  });

  it('reads a plain list without markers as holidays, and says so', () => {
    const { exceptions, warnings } = importExceptionsFromIcal(feed('DTSTART;VALUE=DATE:20250101\nDTEND;VALUE=DATE:20250102\nSUMMARY:一月一日'));
    expect(exceptions).toEqual([{ date: '2025-01-01', kind: 'holiday', name: '一月一日' }]);
    expect(warnings).toHaveLength(1);
  });

  it('skips timed events and reports conflicting dates', () => {
    const { exceptions, warnings } = importExceptionsFromIcal(
      feed(
        'DTSTART:20261001T090000Z\nDTEND:20261001T100000Z\nSUMMARY:会议（休）',
        'DTSTART;VALUE=DATE:20261002\nSUMMARY:国庆节(休)',
        'DTSTART;VALUE=DATE:20261002\nSUMMARY:国庆节(班)',
        'DTSTART;VALUE=DATE:20261002\nSUMMARY:国庆(休)',
      ),
    );
    expect(exceptions).toEqual([{ date: '2026-10-02', kind: 'holiday', name: '国庆节' }]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/“会议（休）” on 2026-10-01 has a time of day/);
    expect(warnings[1]).toMatch(/2026-10-02 is given by event “国庆节\(休\)” .* and again by event “国庆节\(班\)”/);
  });

  it('skips cancelled events and tolerates a byte-order mark', () => {
    const text = feed('DTSTART;VALUE=DATE:20261001\nSUMMARY:国庆节(休)', 'DTSTART;VALUE=DATE:20261002\nSUMMARY:国庆节(休)\nSTATUS:CANCELLED');
    const { exceptions, warnings } = importExceptionsFromIcal(`\uFEFF${text}`);
    expect(exceptions).toEqual([{ date: '2026-10-01', kind: 'holiday', name: '国庆节' }]);
    expect(warnings).toEqual(['Event “国庆节(休)” on 2026-10-02 is cancelled; skipped.']);
  });

  it('expands yearly recurring holidays up to 2200', () => {
    const { exceptions } = importExceptionsFromIcal(feed('DTSTART;VALUE=DATE:20251225\nRRULE:FREQ=YEARLY\nSUMMARY:Christmas Holiday'));
    expect(exceptions).toHaveLength(2200 - 2025 + 1);
    expect(exceptions[0]).toEqual({ date: '2025-12-25', kind: 'holiday', name: 'Christmas Holiday' });
    expect(exceptions.at(-1)!.date).toBe('2200-12-25');
  });
});

describe('importExceptionsFromIcal: garbage', () => {
  it.each([
    ['', /empty/],
    ['   \n', /empty/],
    ['name,date\n国庆节,2026-10-01\n', /not an iCalendar \(\.ics\) file/],
    ['BEGIN:VCALENDAR\r\nthis is not a property\r\nEND:VCALENDAR\r\n', /cannot be read: invalid line/],
    ['BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n', /cannot be read/],
    ['BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\nBEGIN:VCALENDAR\r\n', /cannot be read/],
  ])('rejects %j', (text, message) => {
    expect(() => importExceptionsFromIcal(text)).toThrow(IcalImportError);
    expect(() => importExceptionsFromIcal(text)).toThrow(message);
  });

  it('rejects corrupt working hours in our own notation', () => {
    const text = exportExceptionsToIcal('x', [sample[1]!]).replace('08:30-12:00', '12:00-08:30');
    expect(() => importExceptionsFromIcal(text)).toThrow(/unreadable working hours .*end 08:30 must be after start 12:00/);
  });

  it('accepts an empty calendar with a warning', () => {
    expect(importExceptionsFromIcal('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n')).toEqual({
      exceptions: [],
      warnings: ['The calendar holds no events.'],
    });
  });
});
