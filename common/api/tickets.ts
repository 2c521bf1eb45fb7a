import { z } from 'zod';
import { CATEGORIES, CHANNELS, SEVERITIES, TICKET_STATUSES, TICKET_TYPES } from '../domain';
import { Id, Instant, trimmed } from './shared';

export const TicketCreate = z.object({
  title: trimmed(200),
  description: z.string().trim().max(20_000).default(''),
  severity: z.enum(SEVERITIES),
  channel: z.enum(CHANNELS),
  /** Required for service staff; a customer user always reports for their own organisation. */
  customerId: Id.optional(),
  contactId: Id.nullish(),
  siteId: Id.nullish(),
  type: z.enum(TICKET_TYPES).default('fault'),
  category: z.enum(CATEGORIES).default('other'),
  assigneeId: Id.nullish(),
  centerId: Id.nullish(),
  /** When the customer reported; defaults to now; staff may give an earlier time, never a future one. */
  reportedAt: Instant.optional(),
});
export type TicketCreate = z.input<typeof TicketCreate>;

export const TicketPatch = z
  .object({
    title: trimmed(200),
    description: z.string().trim().max(20_000),
    type: z.enum(TICKET_TYPES),
    category: z.enum(CATEGORIES),
    severity: z.enum(SEVERITIES),
    /** Required whenever the severity changes. */
    severityReason: z.string().trim().min(1).max(2000),
    channel: z.enum(CHANNELS),
    contactId: Id.nullable(),
    siteId: Id.nullable(),
    assigneeId: Id.nullable(),
    centerId: Id.nullable(),
  })
  .partial();
export type TicketPatch = z.infer<typeof TicketPatch>;

export const TicketTransition = z.object({
  to: z.enum(TICKET_STATUSES),
  note: z.string().trim().max(5000).optional(),
});
export type TicketTransition = z.infer<typeof TicketTransition>;

export const CommentCreate = z.object({
  body: z.string().trim().min(1, 'comment must not be empty').max(20_000),
  public: z.boolean(),
});
export type CommentCreate = z.infer<typeof CommentCreate>;

const PersonRef = z.object({ id: Id, name: z.string() }).nullable();

export const Ticket = z.object({
  id: Id,
  number: z.string(),
  title: z.string(),
  description: z.string(),
  type: z.enum(TICKET_TYPES),
  channel: z.enum(CHANNELS),
  severity: z.enum(SEVERITIES),
  category: z.enum(CATEGORIES),
  status: z.enum(TICKET_STATUSES),
  customer: z.object({ id: Id, name: z.string() }),
  contact: PersonRef,
  site: PersonRef,
  assignee: PersonRef,
  center: PersonRef,
  createdBy: PersonRef,
  reportedAt: Instant,
  createdAt: Instant,
  updatedAt: Instant,
  resolvedAt: Instant.nullable(),
  closedAt: Instant.nullable(),
  /** Statuses this ticket may move to next (for the caller's role). */
  allowedTransitions: z.array(z.enum(TICKET_STATUSES)),
  following: z.boolean(),
});
export type Ticket = z.infer<typeof Ticket>;

const csv = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

export const TicketListQuery = z.object({
  status: csv(TICKET_STATUSES).optional(),
  severity: csv(SEVERITIES).optional(),
  customerId: Id.optional(),
  /** A user id, `me`, or `none` for unassigned tickets. */
  assigneeId: z.union([Id, z.enum(['me', 'none'])]).optional(),
  /** Text contained in the title or the ticket number. */
  q: z.string().trim().max(200).optional(),
  /** `open` = every state before resolved. */
  open: z.enum(['true', 'false']).optional(),
  sort: z.enum(['-reportedAt', 'reportedAt', 'severity']).default('-reportedAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type TicketListQuery = z.infer<typeof TicketListQuery>;

export const TicketSummary = Ticket.omit({ description: true, allowedTransitions: true, following: true });
export type TicketSummary = z.infer<typeof TicketSummary>;

export const TicketPage = z.object({
  items: z.array(TicketSummary),
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type TicketPage = z.infer<typeof TicketPage>;

export const TICKET_EVENT_KINDS = [
  'created',
  'comment',
  'status_changed',
  'assigned',
  'severity_changed',
  'field_changed',
  'attachment',
] as const;

export const TicketEvent = z.object({
  id: z.number().int(),
  kind: z.string(),
  public: z.boolean(),
  body: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  actor: z.object({ id: Id, name: z.string(), role: z.string() }).nullable(),
  createdAt: Instant,
});
export type TicketEvent = z.infer<typeof TicketEvent>;

export const Attachment = z.object({
  id: Id,
  ticketId: Id,
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  public: z.boolean(),
  createdAt: Instant,
  url: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;
