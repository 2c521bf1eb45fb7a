/**
 * What an all-day iCalendar event means for a business calendar: a day off, a make-up working
 * day, or neither (an observance such as 元宵节 that a feed lists but nobody gets off), and the
 * name of the occasion once the feed's markers (`(休)`, `(班)`, `[放假]`, `假期`…) are removed.
 * Kept apart from `ical.ts` because these are heuristics about other people's feeds, and they
 * are what will need adjusting when a new feed turns up.
 */
import type ICAL from 'ical.js';

export type EventKind = 'holiday' | 'workday' | 'unmarked';

// Workday markers are checked first: make-up days are often labelled with both, e.g. a
// "春节调休" title (调休 contains 休) under a "上班" category, or chinese-days' English feed
// putting "Holidays" in CATEGORIES of every event, including "National Day(Workday)".
const WORKDAY_TEXT = /班|workday|working day|work day|make-?up day|alternate workday/i;
const HOLIDAY_TEXT = /休|假|holiday|day off|vacation|closed|closure/i;

/** Our export writes exactly one of these tokens; a foreign feed may too. */
const OWN_CATEGORIES: Record<string, EventKind> = { WORKDAY: 'workday', HOLIDAY: 'holiday' };

function textValues(component: ICAL.Component, property: string): string[] {
  return component
    .getAllProperties(property)
    .flatMap((p) => p.getValues())
    .map((value) => String(value).trim())
    .filter((value) => value !== '');
}

export function classifyEvent(component: ICAL.Component): EventKind {
  // Apple's Chinese holiday calendar, also written by chinese-days: the most explicit signal.
  const apple = String(component.getFirstPropertyValue('x-apple-special-day') ?? '').toUpperCase();
  if (apple === 'ALTERNATE-WORKDAY') return 'workday';
  if (apple === 'WORK-HOLIDAY') return 'holiday';

  const categories = textValues(component, 'categories');
  for (const category of categories) {
    const kind = OWN_CATEGORIES[category.toUpperCase()];
    if (kind !== undefined) return kind;
  }

  const text = [...textValues(component, 'summary'), ...textValues(component, 'description'), ...categories].join(' ');
  if (WORKDAY_TEXT.test(text)) return 'workday';
  if (HOLIDAY_TEXT.test(text)) return 'holiday';
  return 'unmarked';
}

/** Titles that are nothing but a marker: the event has no occasion name. */
const BARE_MARKER = /^[\s[【（(]*(休|班|补班|上班|加班|放假|休息|假期|holiday|workday|working day)[\s\]】）)]*$/i;
/** `国庆节(休)`, `国庆节（补班）`, `National Day(Workday)`: one bracketed marker at the end. */
const TRAILING_BRACKET = /^(.*?)\s*[（(]\s*(休|班|补班|上班|加班|放假|休息|假期|holiday|workday|working day)\s*[）)]\s*$/i;
/** `[放假]中秋节`, `【补班】国庆节`: one bracketed marker at the start. */
const LEADING_BRACKET = /^\s*[[【]\s*(休|班|补班|上班|加班|放假|休息|假期)\s*[\]】]\s*(.*)$/;
/** `元旦假期`, `国庆节补班`, `春节 放假`: a marker word at the end. */
const TRAILING_WORD = /^(.*?)\s*(补班|上班|放假|假期)$/;

/**
 * The occasion's name from an event title, without the feed's day-off/working-day marker.
 * Only one marker is removed, so a name that itself ends in a marker survives our own round trip
 * (exported as `国庆节补班（补班）`, read back as `国庆节补班`).
 */
export function eventName(summary: string): string | undefined {
  const title = summary.trim();
  if (title === '' || BARE_MARKER.test(title)) return undefined;
  const cleaned =
    TRAILING_BRACKET.exec(title)?.[1] ?? LEADING_BRACKET.exec(title)?.[2] ?? TRAILING_WORD.exec(title)?.[1] ?? title;
  return cleaned.trim() || undefined;
}

/** Title of an exported holiday: `国庆节（休）`, or `休` when unnamed. */
export function holidaySummary(name: string | undefined): string {
  return name ? `${name}（休）` : '休';
}

/** Title of an exported make-up working day: `国庆节（补班）`, or `补班` when unnamed. */
export function workdaySummary(name: string | undefined): string {
  return name ? `${name}（补班）` : '补班';
}
