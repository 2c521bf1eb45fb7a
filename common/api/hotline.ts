/**
 * The hotline form's context: the caller's open and recent tickets (with likely duplicates), and
 * the due times a severity would give a new ticket. Staff only (caller identification).
 */
import { z } from 'zod';
import { SEVERITIES, TICKET_STATUSES } from '../domain';
import { Phone } from './customers';
import { Entitlement, IdList, POLICY_SOURCES } from './installed-base';
import { Id, Instant } from './shared';

/**
 * A calling number as the agent typed it: the lookup's characters (digits, spaces, + - ( ), an
 * extension), full-width digits and brackets turned into ASCII and runs of spaces folded, so the
 * ticket shows what was dialled and compares digits the way caller lookup does.
 */
export const CallerNumber = Phone.transform((value) =>
  value
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/－/g, '-')
    .replace(/\s+/g, ' '),
);

export const HotlineTicketsQuery = z.object({
  customerId: Id,
  /** The caller picked in the lookup: their own tickets come first, and theirs of the last 24 h are likely duplicates. */
  contactId: Id.optional(),
  /** With a site chosen, only that site's open tickets count as title duplicates. */
  siteId: Id.optional(),
  /** The number typed in the lookup (same caller within 24 h). */
  callerNumber: z.string().trim().max(50).optional(),
  /** The title being typed, compared by words and Chinese character pairs. */
  title: z.string().trim().max(200).optional(),
});
export type HotlineTicketsQuery = z.infer<typeof HotlineTicketsQuery>;

export const HotlineTicket = z.object({
  id: Id,
  number: z.string(),
  title: z.string(),
  status: z.enum(TICKET_STATUSES),
  severity: z.enum(SEVERITIES),
  reportedAt: Instant,
  contact: z.object({ id: Id, name: z.string() }).nullable(),
  site: z.object({ id: Id, name: z.string() }).nullable(),
  open: z.boolean(),
  /** Reported by the contact picked (or from the number typed). */
  sameCaller: z.boolean(),
  /**
   * Why this looks like the call being logged: `title` — an open ticket (of the site chosen, when it names one) whose
   * title shares most of its words / character pairs with the one typed; `caller` — the same caller
   * reported it within the last 24 h. Null: not a likely duplicate.
   */
  duplicate: z.enum(['title', 'caller']).nullable(),
});
export type HotlineTicket = z.infer<typeof HotlineTicket>;

export const HotlineTickets = z.object({
  /** Open tickets, then those reported in the last 30 days; the caller's own first, newest first. */
  items: z.array(HotlineTicket),
  /** Start of the "recent" window (30 days back). */
  since: Instant,
  /** True when more tickets matched than are listed (50 open, 50 recent). */
  truncated: z.boolean(),
});
export type HotlineTickets = z.infer<typeof HotlineTickets>;

export const DuePreviewQuery = z.object({
  customerId: Id,
  /** The site and devices chosen so far: they decide the entitlement and the policy chain's contract and product links. */
  siteId: Id.optional(),
  deviceIds: IdList.optional(),
  severity: z.enum(SEVERITIES),
  /** When the customer reported; defaults to now. */
  reportedAt: Instant.optional(),
});
export type DuePreviewQuery = z.infer<typeof DuePreviewQuery>;

const LocalizedName = z.object({ zh: z.string(), en: z.string() });

export const DuePreview = z.object({
  /** The severity these times belong to (the form may already show another one while this loads). */
  severity: z.enum(SEVERITIES),
  /** The policy the ticket would get and the link of the chain that chose it (contract → product → customer → default). */
  policy: z.object({ id: Id, name: z.string(), nameEn: z.string().nullable(), source: z.enum(POLICY_SOURCES) }).nullable(),
  /** What would cover the ticket if reported at `reportedAt`. */
  entitlement: Entitlement,
  reportedAt: Instant,
  milestones: z.array(
    z.object({
      milestone: z.string(),
      name: LocalizedName,
      targetMinutes: z.number(),
      calendar: z.string(),
      /** What the clock counts from: the report, or another milestone being met (then dueAt is null until it is). */
      anchor: z.union([z.literal('reported'), z.object({ milestone: z.string() })]),
      dueAt: Instant.nullable(),
    }),
  ),
});
export type DuePreview = z.infer<typeof DuePreview>;
