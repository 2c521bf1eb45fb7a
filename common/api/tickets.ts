import { z } from 'zod';
import { CATEGORIES, CHANNELS, IMPACTS, SEVERITIES, TICKET_STATUSES, TICKET_TYPES } from '../domain';
import { CallerNumber } from './hotline';
import { Entitlement, POLICY_SOURCES, TicketDevice } from './installed-base';
import { Id, Instant, trimmed } from './shared';
import { ChildResolution } from './ticket-links';

export const TicketCreate = z.object({
  title: trimmed(200),
  description: z.string().trim().max(20_000).default(''),
  /**
   * Required from staff (unless `impact` is given, which implies it). From a customer it is only a
   * proposal: it stands for the impact it implies (P1 ⇔ down …) and waits for staff to confirm.
   */
  severity: z.enum(SEVERITIES).optional(),
  /** The impact in the reporter's words (portal): implies the severity, which staff then confirm. */
  impact: z.enum(IMPACTS).optional(),
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
  /** Staff: create it as a child of this ticket (same customer; the parent is not itself a child). */
  parentId: Id.nullish(),
  /** The number the caller rang from, as typed in the hotline lookup (staff only). */
  callerNumber: CallerNumber.optional(),
  /** The devices the fault concerns, in order (the customer's own; the first one's product is the policy chain's product link). */
  deviceIds: z.array(Id).max(20).optional(),
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
    /** Another customer (staff): contact and site must be the new customer's; unless given they are cleared. */
    customerId: Id,
    contactId: Id.nullable(),
    siteId: Id.nullable(),
    assigneeId: Id.nullable(),
    centerId: Id.nullable(),
    /** Override the SLA policy for this ticket (null: the customer's, else the default). */
    slaPolicyId: Id.nullable(),
    /** Skills the work needs (field service): dispatch suggestions match them with the devices' products' skills. */
    requiredSkills: z.array(trimmed(50)).max(30),
  })
  .partial();
export type TicketPatch = z.infer<typeof TicketPatch>;

export const TicketTransition = z.object({
  to: z.enum(TICKET_STATUSES),
  note: z.string().trim().max(5000).optional(),
  /** With `to: resolved` on a parent: resolve its open children too, with the same note, in the same transaction. */
  resolveChildren: z.boolean().optional(),
});
export type TicketTransition = z.infer<typeof TicketTransition>;

export const CommentCreate = z.object({
  body: z.string().trim().min(1, 'comment must not be empty').max(20_000),
  public: z.boolean(),
  /** A public comment by staff is mailed to the customer (issue 10) unless this is false. */
  notifyCustomer: z.boolean().optional(),
  /** Public attachments of this ticket (uploaded just before) to send with the comment's mail. */
  attachmentIds: z.array(Id).max(20).optional(),
});
export type CommentCreate = z.infer<typeof CommentCreate>;

const PersonRef = z.object({ id: Id, name: z.string() }).nullable();

export const SLA_STATES = ['waiting', 'running', 'paused', 'met', 'breached', 'cancelled'] as const;

/** One SLA milestone clock of a ticket. */
const LocalizedName = z.object({ zh: z.string(), en: z.string() });

export const SlaMilestone = z.object({
  milestone: z.string(),
  name: LocalizedName,
  /** What the clock counts from: the report, or another milestone being met. */
  anchor: z.union([z.literal('reported'), z.object({ milestone: z.string() })]),
  /** running | paused | met | breached; also waiting (its anchor milestone is not met yet) and cancelled (the ticket stopped before it was due). */
  state: z.enum(SLA_STATES),
  targetMinutes: z.number(),
  calendar: z.string(),
  startedAt: Instant.nullable(),
  dueAt: Instant.nullable(),
  /** From here on 75 % of the target is used (amber). */
  amberAt: Instant.nullable(),
  metAt: Instant.nullable(),
  metBy: z.object({ id: Id, name: z.string() }).nullable(),
  breachedAt: Instant.nullable(),
  pausedMinutes: z.number(),
});
export type SlaMilestone = z.infer<typeof SlaMilestone>;

/** What the queue's countdown badge shows: the unmet milestone due next. */
export const SlaBadge = z.object({
  milestone: z.string(),
  name: LocalizedName,
  dueAt: Instant,
  /** From here on the badge is amber (75 % of the target used). */
  amberAt: Instant.nullable(),
  state: z.enum(SLA_STATES),
});

/** The ticket's contact and site with what the ticket page shows of them (tap to call, mail, address). */
export const TicketContactCard = z.object({
  contact: z
    .object({ id: Id, name: z.string(), title: z.string().nullable(), phones: z.array(z.string()), email: z.string().nullable() })
    .nullable(),
  site: z.object({ id: Id, name: z.string(), address: z.string().nullable(), region: z.string().nullable() }).nullable(),
});
export type TicketContactCard = z.infer<typeof TicketContactCard>;

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
  /** The impact as the customer described it (portal), or null. */
  impact: z.enum(IMPACTS).nullable(),
  /** True while the severity is the one the impact implied and staff have not confirmed it. */
  severityPending: z.boolean(),
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
  escalationLevel: z.number().int(),
  slaBadge: SlaBadge.nullable(),
  slaPolicy: z
    .object({
      id: Id,
      name: z.string(),
      nameEn: z.string().nullable(),
      /** The link of the policy chain that chose it: set on this ticket, the covering contract, the first device's product, the customer's service level, or the default. */
      source: z.enum(POLICY_SOURCES),
    })
    .nullable(),
  sla: z.array(SlaMilestone),
  /** Only in the answer to a parent's resolution with `resolveChildren`: what became of each child. */
  childResults: z.array(ChildResolution).optional(),
  /** The number the caller rang from (hotline); null for customers' users. */
  callerNumber: z.string().nullable(),
  /** How to reach the contact and where the site is. */
  contactCard: TicketContactCard,
  /** The devices the ticket names, in order (issue 11). */
  devices: z.array(TicketDevice),
  /** What covers it (contract, warranty, nothing), judged on the report day; null only for tickets from before issue 11 not yet judged. */
  entitlement: Entitlement.nullable(),
  /** Skills the work needs (issue 12), set on the ticket; the devices' products add theirs in dispatch suggestions. */
  requiredSkills: z.array(z.string()),
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
  /** `due`: the SLA milestone due soonest first (breached ones lead), tickets without a running clock last. */
  sort: z.enum(['-reportedAt', 'reportedAt', 'severity', 'due']).default('-reportedAt'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});
export type TicketListQuery = z.infer<typeof TicketListQuery>;

export const TicketSummary = Ticket.omit({
  description: true,
  allowedTransitions: true,
  following: true,
  sla: true,
  slaPolicy: true,
  childResults: true,
  callerNumber: true,
  contactCard: true,
  devices: true,
  entitlement: true,
  requiredSkills: true,
});
export type TicketSummary = z.infer<typeof TicketSummary>;

export const TicketPage = z.object({
  items: z.array(TicketSummary),
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type TicketPage = z.infer<typeof TicketPage>;

/**
 * Timeline event kinds and what their `data` holds:
 * - created: { number, severity, channel, reportedAt }
 * - comment: body = the text; public = false for an internal note
 * - status_changed: { from, to }; body = the note
 * - assigned: { from: {id,name}|null, to: {id,name}|null }
 * - severity_changed: { from, to }; body = the reason
 * - field_changed: { changes: { field: { from, to } } } (internal)
 * - attachment: { attachmentId, filename, size, contentType }
 * - milestone: { milestone } — plan submitted, arrived on site, service restored …; body = the note
 * - escalated: { level, ruleId, afterMinutes, recipients: string[] } (internal)
 * - sla_breached: { milestone, dueAt } (internal)
 * - link: { action: added|removed, link: a TICKET_LINK_VIEWS word from this side, other: {id, number, title} } (internal)
 * - merge: { side: duplicate|survivor, other: {id, number, title}, comments, attachments, followers }; body = the reason
 *   (public: the customer's own two tickets). Moved comments and attachment events keep their author and
 *   time and carry data.mergedFrom = {id, number}.
 * - parent: { side: child|parent, action: added|removed, other: {id, number, title} } (internal)
 */
export const TICKET_EVENT_KINDS = [
  'created',
  'comment',
  'status_changed',
  'assigned',
  'severity_changed',
  /** Staff took the severity the customer's impact implied as it is. */
  'severity_confirmed',
  /** The "closes by itself on …" mail went to the reporting contact. */
  'auto_close_warned',
  'field_changed',
  'attachment',
  'milestone',
  'escalated',
  'sla_breached',
  'link',
  'merge',
  'parent',
  /** The devices named changed (issue 11): { added: [{id, serial}], removed: [{id, serial}], order: [serial] } (internal). */
  'devices_changed',
  /** The entitlement was judged again and differs: { from: Entitlement | null, to: Entitlement } (internal). */
  'entitlement_changed',
  /**
   * A visit (issue 12): { action: planned|replanned|departed|arrived|finished|cancelled, visitId, plannedStart, plannedEnd,
   * engineers: [name], at, result?, reason? }. Public: planned, replanned (the window the customer waits for), arrived,
   * finished; departed and cancelled are internal.
   */
  'visit',
  /** A visit's service record (服务记录单, issue 12) signed or refused by the customer (public), or corrected as a new draft version (internal): { action: signed|refused|corrected, recordId, visitId, version, signerName?, previousId? }. */
  'service_record',
  /** A helper added or an expert invited (专家会诊), or taken off (issue 12): { action: added|removed, role: helper|expert, user: {id, name}, note? } (internal). */
  'engineers',
] as const;
export type TicketEventKind = (typeof TICKET_EVENT_KINDS)[number];

export const TicketEvent = z.object({
  id: z.number().int(),
  kind: z.enum(TICKET_EVENT_KINDS),
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

export const MilestoneStamp = z.object({
  /** plan, arrive, restore or a custom milestone of the ticket's policy (respond and resolve are automatic). */
  milestone: z.string().trim().min(1).max(40),
  note: z.string().trim().max(5000).optional(),
});
export type MilestoneStamp = z.infer<typeof MilestoneStamp>;

export const EscalationFiring = z.object({
  key: z.string(),
  level: z.number().int(),
  afterMinutes: z.number().int(),
  dueAt: Instant,
  firedAt: Instant,
  late: z.boolean(),
  ruleId: z.string().nullable(),
  recipients: z.array(z.object({ name: z.string(), userId: z.string().nullable(), email: z.string().nullable() })),
});
export type EscalationFiring = z.infer<typeof EscalationFiring>;
