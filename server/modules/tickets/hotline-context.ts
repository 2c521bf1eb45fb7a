/**
 * What the agent needs around a call: the ticket's contact card (phones to tap, e-mail, the
 * site's address, the number the caller rang from), and on the hotline form the customer's open
 * and recent tickets with the likely duplicates of the call being logged.
 *
 * Duplicates: an open ticket of the same customer (of the site chosen, if any and if it names one) whose title shares
 * most of its words and Chinese character pairs with the title typed — the tokens of
 * `fw_search_tokens` (migration 0004), single Chinese characters left out as too common — or any
 * ticket the same caller (the contact picked, or the number typed) reported in the last 24 hours.
 */
import { and, desc, eq, gte, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import type { HotlineTicket, HotlineTickets, HotlineTicketsQuery, TicketContactCard } from '../../../common/api';
import { rows, type Db } from '../../db/client';
import { contacts, sites, tickets } from '../../db/schema';
import { normalizePhone } from '../../domain/phone';
import { OPEN_STATUSES } from '../../domain/ticket-lifecycle';
import { isCustomer, type Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { visibleTo, type TicketRow } from './repository';

const DAY_MS = 24 * 3600_000;
/** How far back "recent" reaches. */
export const RECENT_DAYS = 30;
/** How many open and how many recent tickets the form lists at most. */
const LIST_LIMIT = 50;

/** A Chinese character on its own: too common to say two titles are about the same thing. */
const SINGLE_HAN = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/;

/** The tokens that carry meaning for a comparison of titles. */
export function meaningfulTokens(tokens: readonly string[]): Set<string> {
  return new Set(tokens.filter((token) => !SINGLE_HAN.test(token)));
}

/**
 * Two titles are alike when they share at least two tokens and those make up at least half of the
 * shorter title's tokens ("ATM 读卡器故障" ~ "3号ATM读卡器无法读卡": atm, 读卡, 卡器).
 */
export function titlesAlike(typed: ReadonlySet<string>, other: ReadonlySet<string>): boolean {
  if (typed.size === 0 || other.size === 0) return false;
  let shared = 0;
  for (const token of typed) if (other.has(token)) shared++;
  return shared >= 2 && shared / Math.min(typed.size, other.size) >= 0.5;
}

/**
 * The ticket's contact (with phones and e-mail) and site (with address), what the page's card
 * shows: two json columns of the ticket page's one select (findVisibleTicketPage).
 */
export const contactCardColumns = {
  contactCard: sql<TicketContactCard['contact']>`(select json_build_object('id', c.id, 'name', c.name, 'title', c.title, 'email', c.email,
      'phones', coalesce((select json_agg(p.number order by p.number) from contact_phones p where p.contact_id = c.id), '[]'::json))
    from contacts c where c.id = ${tickets.contactId})`,
  siteCard: sql<TicketContactCard['site']>`(select json_build_object('id', s.id, 'name', s.name, 'address', s.address, 'region', s.region)
    from sites s where s.id = ${tickets.siteId})`,
};

/** The card from those columns; the hotline's intake record (the number rung from) is the desk's, not the customer's. */
export function toContactCard(
  actor: Actor,
  row: TicketRow,
  columns: { contactCard: TicketContactCard['contact']; siteCard: TicketContactCard['site'] },
): { callerNumber: string | null; contactCard: TicketContactCard } {
  return { callerNumber: isCustomer(actor) ? null : row.callerNumber, contactCard: { contact: columns.contactCard, site: columns.siteCard } };
}

export function createHotlineContext(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  /** One of the two indexed reads (customer_id, reported_at): open ones, or recent non-open ones. */
  function candidates(actor: Actor, where: SQL) {
    return db
      .select({
        id: tickets.id,
        number: tickets.number,
        title: tickets.title,
        status: tickets.status,
        severity: tickets.severity,
        reportedAt: tickets.reportedAt,
        siteId: tickets.siteId,
        callerNumber: tickets.callerNumber,
        contactId: contacts.id,
        contactName: contacts.name,
        siteName: sites.name,
        tokens: sql<string[]>`fw_search_tokens(${tickets.title})`,
      })
      .from(tickets)
      .leftJoin(contacts, eq(contacts.id, tickets.contactId))
      .leftJoin(sites, eq(sites.id, tickets.siteId))
      .where(and(where, visibleTo(actor)))
      .orderBy(desc(tickets.reportedAt), desc(tickets.id))
      .limit(LIST_LIMIT + 1);
  }

  return {
    async customerTickets(actor: Actor, query: HotlineTicketsQuery): Promise<HotlineTickets> {
      const now = clock.now();
      const since = new Date(now.getTime() - RECENT_DAYS * DAY_MS);
      const [open, recent] = await Promise.all([
        candidates(actor, and(eq(tickets.customerId, query.customerId), inArray(tickets.status, [...OPEN_STATUSES]))!),
        candidates(
          actor,
          and(eq(tickets.customerId, query.customerId), gte(tickets.reportedAt, since), notInArray(tickets.status, [...OPEN_STATUSES]))!,
        ),
      ]);
      const typed = query.title
        ? meaningfulTokens((await rows<{ tokens: string[] }>(db, sql`select fw_search_tokens(${query.title}) as tokens`))[0]?.tokens ?? [])
        : new Set<string>();
      const callerDigits = query.callerNumber ? normalizePhone(query.callerNumber) : '';
      const dayAgo = now.getTime() - DAY_MS;

      const items: HotlineTicket[] = [...open.slice(0, LIST_LIMIT), ...recent.slice(0, LIST_LIMIT)].map((row) => {
        const isOpen = (OPEN_STATUSES as readonly string[]).includes(row.status);
        const byContact = Boolean(query.contactId) && row.contactId === query.contactId;
        const byNumber = callerDigits.length >= 4 && row.callerNumber !== null && normalizePhone(row.callerNumber) === callerDigits;
        const sameCaller = byContact || byNumber;
        // A ticket without a site may be about any of them.
        const sameSite = !query.siteId || row.siteId === null || row.siteId === query.siteId;
        const duplicate =
          isOpen && sameSite && titlesAlike(typed, meaningfulTokens(row.tokens ?? []))
            ? ('title' as const)
            : sameCaller && row.reportedAt.getTime() >= dayAgo
              ? ('caller' as const)
              : null;
        return {
          id: row.id,
          number: row.number,
          title: row.title,
          status: row.status,
          severity: row.severity,
          reportedAt: row.reportedAt.toISOString(),
          contact: row.contactId ? { id: row.contactId, name: row.contactName! } : null,
          site: row.siteId ? { id: row.siteId, name: row.siteName! } : null,
          open: isOpen,
          sameCaller,
          duplicate,
        };
      });
      // Open before closed, the caller's own first, then newest first (the order each read has).
      const rank = (item: HotlineTicket) => (item.open ? 0 : 2) + (item.sameCaller ? 0 : 1);
      const ordered = items.map((item, index) => ({ item, index })).sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index);
      return {
        items: ordered.map((o) => o.item),
        since: since.toISOString(),
        truncated: open.length > LIST_LIMIT || recent.length > LIST_LIMIT,
      };
    },
  };
}

export type HotlineContext = ReturnType<typeof createHotlineContext>;
