/**
 * Ticket numbers: `FW-<year>-<6 digits>`, a sequence per calendar year in the service desk's
 * time zone. The counter itself lives in the database (one row per year, incremented in its own
 * statement just before the creating transaction), so numbers are unique and increasing under
 * concurrency; a create that fails after taking its number leaves a gap.
 */

export function formatTicketNumber(year: number, sequence: number): string {
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`bad year ${year}`);
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`bad sequence ${sequence}`);
  // Past 999,999 in one year the number simply grows a digit rather than failing.
  return `FW-${year}-${String(sequence).padStart(6, '0')}`;
}

const NUMBER_PATTERN = /^FW-(\d{4})-(\d{6,})$/;

export function parseTicketNumber(value: string): { year: number; sequence: number } | null {
  const m = NUMBER_PATTERN.exec(value.trim().toUpperCase());
  if (!m) return null;
  return { year: Number(m[1]), sequence: Number(m[2]) };
}

/** Dashes people type between the parts of a number (after NFKC, which already maps the full-width ＿/－). */
const DASHES = /[\u2010-\u2015\u2212\u30fc\uff70_]/g;
const SEARCH_NUMBER = /^(?:FW-?)?(\d{4})-?(\d{6,})$/;

/**
 * The ticket number a search text denotes, written as stored (`FW-2026-000123`), or null when the
 * text is not a whole number. Accepted: any case, with or without the `FW-` prefix, full-width
 * characters (NFKC), spaces anywhere and other dashes (– — ー) between the parts, the dashes
 * themselves optional (`fw2026000123`). The digits are kept as typed (a 7-digit tail stays 7).
 * Not a number: the tail alone (`000123` is ambiguous across years and a plain word in a title),
 * or a shorter tail (`FW-2026-0001` is a prefix people search for): those stay text searches.
 */
export function ticketNumberInSearch(text: string): string | null {
  const compact = text.normalize('NFKC').replace(/\s+/g, '').replace(DASHES, '-').toUpperCase();
  const m = SEARCH_NUMBER.exec(compact);
  return m ? `FW-${m[1]}-${m[2]}` : null;
}

/** The year an instant falls in, in the given IANA time zone (2026-12-31 20:00Z is 2027 in Shanghai). */
export function yearIn(instant: Date, timeZone: string): number {
  // Building a formatter costs far more than using one; every ticket creation asks.
  let format = yearFormats.get(timeZone);
  if (!format) yearFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' })));
  return Number(format.format(instant));
}

const yearFormats = new Map<string, Intl.DateTimeFormat>();
