/**
 * Threading rules of the email channel: which ticket a message answers, and the headers our own
 * mail carries so the customer's client threads it. Message-IDs are handled bare (no angle
 * brackets), as `ParsedMail` stores them; nodemailer adds the brackets to Message-ID,
 * In-Reply-To and References when it writes the headers.
 */
import { randomBytes } from 'node:crypto';
import { ticketNumberInSearch } from '../ticket-number';

/**
 * `[FW-2026-000123]` in a subject. Tolerated: any case, full-width brackets and characters
 * (【FW－2026－000123】, ［…］ after NFKC), spaces inside the brackets and around the dashes.
 */
const TOKEN = /[[【]\s*(FW\s*[-‐-―−ー]?\s*\d{4}\s*[-‐-―−ー]?\s*\d{6,})\s*[\]】]/i;

/** The canonical ticket number ('FW-2026-000123') a subject's token names, or null. */
export function ticketNumberFromSubject(subject: string): string | null {
  const m = TOKEN.exec(subject.normalize('NFKC'));
  return m?.[1] ? ticketNumberInSearch(m[1]) : null;
}

/** The subject without its `[FW-…]` token (a ticket title made from a mail). */
export function withoutTicketToken(subject: string): string {
  return subject.replace(new RegExp(TOKEN.source, 'gi'), ' ').replace(/\s+/g, ' ').trim();
}

/** The Message-IDs to look up, most telling first: In-Reply-To, then References newest-first; no duplicates. */
export function threadCandidates(mail: { inReplyTo: string | null; references: string[] }): string[] {
  const ids = [mail.inReplyTo, ...[...mail.references].reverse()].filter((id): id is string => !!id);
  return [...new Set(ids)];
}

/** Reply and forward prefixes clients stack: "Re:", "RE：", "回复:", "答复:", "转发:", "Fwd:", "AW:", "WG:", "Antw:". */
const PREFIX = /^\s*(re|fwd?|aw|wg|antw|sv|vs|回复|回覆|答复|转发|轉寄)\s*(\[\d+\])?\s*[:：]\s*/i;
const ANY_TOKEN = new RegExp(TOKEN.source, 'gi');

/** "Re: <subject> [FW-2026-000123]": one "Re:", one token, whatever the customer's client did to the subject. */
export function replySubject(ticketNumber: string, subject: string): string {
  let rest = subject.normalize('NFKC').replace(ANY_TOKEN, ' ');
  while (PREFIX.test(rest)) rest = rest.replace(PREFIX, '');
  rest = rest.replace(/\s+/g, ' ').trim();
  return rest ? `Re: ${rest} [${ticketNumber}]` : `Re: [${ticketNumber}]`;
}

/** The subject of our first mail on a ticket (the acknowledgement): the customer's subject with the token. */
export function ticketSubject(ticketNumber: string, subject: string): string {
  const rest = subject.normalize('NFKC').replace(ANY_TOKEN, ' ').replace(/\s+/g, ' ').trim();
  return rest ? `${rest} [${ticketNumber}]` : `[${ticketNumber}]`;
}

/**
 * A new Message-ID for our own mail, bare: `fw.fw-2026-000123.<random>@domain`, or `fw.<random>@domain`
 * without a ticket. The ticket in the id lets a reply find its ticket even when only the id survives.
 */
export function makeMessageId(ticketNumber: string | null, domain: string, random: () => string = randomId): string {
  const local = ticketNumber ? `fw.${ticketNumber.toLowerCase()}.${random()}` : `fw.${random()}`;
  return `${local}@${domain.trim().toLowerCase()}`;
}

/** The ticket number a Message-ID made by makeMessageId carries, or null. */
export function ticketNumberFromMessageId(messageId: string): string | null {
  const m = /^fw\.(fw-\d{4}-\d{6,})\./i.exec(messageId);
  return m?.[1] ? m[1].toUpperCase() : null;
}

function randomId(): string {
  return randomBytes(12).toString('hex');
}

/**
 * The References of a reply to `parentMessageId`: the parent's References plus the parent, deduped.
 * Long chains keep the first id (the thread root) and the newest ones, as RFC 5322 §3.6.4
 * suggests, so headers stay short and clients still find the root.
 */
export function referencesFor(parentMessageId: string, parentReferences: string[], max = 20): string[] {
  const chain = [...new Set([...parentReferences, parentMessageId].map(bareMessageId).filter(Boolean))];
  if (chain.length <= max) return chain;
  return [...chain.slice(0, 1), ...chain.slice(chain.length - (max - 1))];
}

/** A Message-ID as stored: angle brackets and whitespace removed. */
export function bareMessageId(value: string): string {
  return value.trim().replace(/^<+|>+$/g, '').trim();
}

/** All ids in a References/In-Reply-To header value, in order, bare. */
export function messageIdList(value: string | string[] | null | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  const bracketed = text.match(/<[^<>]+>/g);
  const ids = bracketed ? bracketed.map(bareMessageId) : text.split(/[\s,]+/).map(bareMessageId);
  return [...new Set(ids.filter(Boolean))];
}
