/**
 * Domain events: what happened, as facts other modules react to (notifications, live push, mail,
 * webhooks, search, reports). Each kind has a versioned payload schema; a writer records the event
 * in the same transaction as the change, consumers read them in order, at least once.
 *
 * Changing a payload incompatibly means a new version (`version: 2`) beside the old one; consumers
 * must accept every version still stored.
 */
import { z } from 'zod';
import { CATEGORIES, CHANNELS, SEVERITIES, TICKET_STATUSES } from '../domain';
import { Id, Instant } from './shared';

const Person = z.object({ id: Id, name: z.string() });
/** The other ticket of a relation. */
const OtherTicket = z.object({ id: Id, number: z.string(), title: z.string() });

/** What every ticket event carries, so consumers need not read the ticket to route it. */
const TicketRef = z.object({
  ticketId: Id,
  number: z.string(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(TICKET_STATUSES),
  customerId: Id,
  centerId: Id.nullable(),
  assigneeId: Id.nullable(),
});

export const DOMAIN_EVENT_PAYLOADS = {
  'ticket.created': TicketRef.extend({ channel: z.enum(CHANNELS), category: z.enum(CATEGORIES), reportedAt: Instant }),
  'ticket.updated': TicketRef.extend({ fields: z.array(z.string()).min(1) }),
  'ticket.status_changed': TicketRef.extend({ from: z.enum(TICKET_STATUSES), to: z.enum(TICKET_STATUSES), note: z.string().nullable() }),
  'ticket.assigned': TicketRef.extend({ from: Person.nullable(), to: Person.nullable() }),
  'ticket.severity_changed': TicketRef.extend({ from: z.enum(SEVERITIES), to: z.enum(SEVERITIES), reason: z.string() }),
  'ticket.commented': TicketRef.extend({
    eventId: z.number().int(),
    public: z.boolean(),
    /** Written by the customer's side (a customer user) rather than by service staff. */
    byCustomer: z.boolean(),
    excerpt: z.string(),
  }),
  'ticket.attachment_added': TicketRef.extend({ attachmentId: Id, filename: z.string(), public: z.boolean() }),
  'ticket.milestone_met': TicketRef.extend({ milestone: z.string(), note: z.string().nullable() }),
  /** A link added or removed; `link` is how it reads from this ticket (TICKET_LINK_VIEWS). */
  'ticket.linked': TicketRef.extend({ action: z.enum(['added', 'removed']), link: z.string(), other: OtherTicket }),
  /** Recorded on both: the duplicate (closed, merged into `other`) and the survivor (what arrived). */
  'ticket.merged': TicketRef.extend({
    side: z.enum(['duplicate', 'survivor']),
    other: OtherTicket,
    comments: z.number().int(),
    attachments: z.number().int(),
    followers: z.number().int(),
  }),
  /** A child attached to or detached from a parent; recorded on both, `side` says which this is. */
  'ticket.parent_changed': TicketRef.extend({ side: z.enum(['child', 'parent']), action: z.enum(['added', 'removed']), other: OtherTicket }),
  /**
   * A visit of the ticket (issue 12) planned, re-planned, started, checked in, finished or cancelled;
   * `at` is when the step happened (an offline queue sends it later), `engineers` lead first.
   */
  'ticket.visit': TicketRef.extend({
    action: z.enum(['planned', 'replanned', 'departed', 'arrived', 'finished', 'cancelled']),
    visitId: Id,
    plannedStart: Instant,
    plannedEnd: Instant,
    engineers: z.array(Person),
    at: Instant,
    result: z.enum(['restored', 'another_visit', 'needs_parts']).nullable(),
    reason: z.string().nullable(),
  }),
  /** A helper added to the ticket or an expert invited (专家会诊, issue 12); `note`: the expert's question. */
  'ticket.engineer_added': TicketRef.extend({ role: z.enum(['helper', 'expert']), user: Person, note: z.string().nullable() }),
  /** A helper or expert taken off the ticket. */
  'ticket.engineer_removed': TicketRef.extend({ role: z.enum(['helper', 'expert']), user: Person, note: z.string().nullable() }),
  /** A visit's service record frozen (issue 12): signed by the customer, or refused (with the reason on the record); its PDF is a public attachment of the ticket. */
  'ticket.service_record_frozen': TicketRef.extend({ recordId: Id, visitId: Id, version: z.number().int(), outcome: z.enum(['signed', 'refused']), signerName: z.string().nullable() }),
  'sla.warned': TicketRef.extend({ milestone: z.string(), dueAt: Instant }),
  'sla.breached': TicketRef.extend({ milestone: z.string(), dueAt: Instant }),
  'escalation.fired': TicketRef.extend({ level: z.number().int(), ruleId: z.string().nullable(), afterMinutes: z.number().int(), recipients: z.array(z.string()) }),
} as const;

export type DomainEventKind = keyof typeof DOMAIN_EVENT_PAYLOADS;
export const DOMAIN_EVENT_KINDS = Object.keys(DOMAIN_EVENT_PAYLOADS) as DomainEventKind[];
export type DomainEventPayload<K extends DomainEventKind> = z.infer<(typeof DOMAIN_EVENT_PAYLOADS)[K]>;
export type TicketEventRef = z.infer<typeof TicketRef>;

/** Current payload version of every kind. */
export const DOMAIN_EVENT_VERSION = 1;

/** A stored event as consumers receive it. */
export type DomainEvent = {
  [K in DomainEventKind]: {
    id: number;
    kind: K;
    version: number;
    subjectType: string;
    subjectId: string;
    ticketId: string | null;
    actorId: string | null;
    payload: DomainEventPayload<K>;
    occurredAt: Date;
  };
}[DomainEventKind];

/** An event consumer as administrators see it. */
export const EventConsumerStatus = z.object({
  name: z.string(),
  /** Events recorded but not yet handled by this consumer. */
  lag: z.number().int(),
  processed: z.number().int(),
  state: z.enum(['ok', 'retrying', 'stuck']),
  failingEventId: z.number().int().nullable(),
  failingEventKind: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  retryAt: Instant.nullable(),
  lastRunAt: Instant.nullable(),
});
export type EventConsumerStatus = z.infer<typeof EventConsumerStatus>;
