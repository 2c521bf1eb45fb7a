/**
 * Ticket relations: links (duplicate of, caused by, related), merging a duplicate into the ticket
 * that survives, and parent/child tickets for an outage that hits many sites of one customer.
 *
 * A link is stored once, from the ticket that "is a duplicate of" / "is caused by" the other; each
 * side reads it in its own words: A duplicate_of B shows on B as has_duplicate A, caused_by as
 * causes, related as related (stored once whichever way it was added).
 */
import { z } from 'zod';
import { SEVERITIES, TICKET_LINK_KINDS, TICKET_STATUSES } from '../domain';
import { Id } from './shared';

/** How a link reads from one ticket's side. */
export const TICKET_LINK_VIEWS = ['duplicate_of', 'has_duplicate', 'caused_by', 'causes', 'related'] as const;
export type TicketLinkView = (typeof TICKET_LINK_VIEWS)[number];

const NUMBER = /^FW-\d{4}-\d{6,}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Another ticket, by id or by its number (FW-2026-000123, any letter case). */
export const TicketReference = z
  .string()
  .trim()
  .max(60)
  .refine((value) => NUMBER.test(value) || UUID.test(value), 'a ticket id or number (FW-2026-000123)');

export const TicketLinkCreate = z.object({
  kind: z.enum(TICKET_LINK_KINDS),
  /** The other ticket: this ticket is a duplicate of / is caused by / is related to it. */
  ticket: TicketReference,
});
export type TicketLinkCreate = z.infer<typeof TicketLinkCreate>;

export const TicketLinkParams = z.object({ id: Id, linkId: Id });

/** A ticket as a relation shows it. */
export const RelatedTicket = z.object({
  id: Id,
  number: z.string(),
  title: z.string(),
  status: z.enum(TICKET_STATUSES),
  severity: z.enum(SEVERITIES),
  customer: z.object({ id: Id, name: z.string() }),
});
export type RelatedTicket = z.infer<typeof RelatedTicket>;

export const TicketLink = z.object({
  id: Id,
  /** In this ticket's words: `has_duplicate` when the other ticket is the duplicate, and so on. */
  kind: z.enum(TICKET_LINK_VIEWS),
  ticket: RelatedTicket,
  createdAt: z.string(),
  createdBy: z.object({ id: Id, name: z.string() }).nullable(),
});
export type TicketLink = z.infer<typeof TicketLink>;

/**
 * Everything a ticket is related to, as far as the reader may see. Customers get only `mergedInto`
 * (the survivor is always their own organisation's ticket); links, parent and children are staff's.
 */
export const TicketRelations = z.object({
  links: z.array(TicketLink),
  parent: RelatedTicket.nullable(),
  children: z.array(RelatedTicket),
  /** Set on a duplicate that was merged: the ticket it lives on in. */
  mergedInto: RelatedTicket.nullable(),
});
export type TicketRelations = z.infer<typeof TicketRelations>;

export const TicketMerge = z.object({
  /** The ticket that survives (id or number); this one is its duplicate and closes. */
  into: TicketReference,
  reason: z.string().trim().max(2000).optional(),
});
export type TicketMerge = z.infer<typeof TicketMerge>;

/** What a merge moved to the survivor. */
export const TicketMergeResult = z.object({
  duplicate: RelatedTicket,
  survivor: RelatedTicket,
  comments: z.number().int(),
  attachments: z.number().int(),
  followers: z.number().int(),
});
export type TicketMergeResult = z.infer<typeof TicketMergeResult>;

export const TicketParentSet = z.object({
  /** The parent (id or number), or null to detach the ticket from its parent. */
  parent: TicketReference.nullable(),
});
export type TicketParentSet = z.infer<typeof TicketParentSet>;

/** What a parent's resolution did to each of its children (`resolveChildren: true`). */
export const CHILD_RESOLUTION_RESULTS = ['resolved', 'already_done'] as const;
export const ChildResolution = z.object({
  id: Id,
  number: z.string(),
  /** resolved now, or already resolved / closed / cancelled (left as it was). */
  result: z.enum(CHILD_RESOLUTION_RESULTS),
  status: z.enum(TICKET_STATUSES),
});
export type ChildResolution = z.infer<typeof ChildResolution>;
