/** Tickets, their numbering, timeline, followers, attachments, and the audit log. */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Category, Channel, Impact, Severity, TicketLinkKind, TicketStatus, TicketType } from '../../../common/domain';
import type { Entitlement } from '../../../common/api/installed-base';
import { createdAt, id, instant, tsvector } from './columns';
import { contracts } from './installed-base';
import { contacts, customers, serviceCenters, sites, users } from './organisation';
import { slaPolicies } from './time-rules';

export const ticketCounters = pgTable('ticket_counters', {
  year: integer('year').primaryKey(),
  lastValue: integer('last_value').notNull(),
});

export const tickets = pgTable(
  'tickets',
  {
    id: id(),
    number: text('number').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    type: text('type').$type<TicketType>().notNull(),
    channel: text('channel').$type<Channel>().notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    category: text('category').$type<Category>().notNull(),
    status: text('status').$type<TicketStatus>().notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    siteId: uuid('site_id').references(() => sites.id),
    assigneeId: uuid('assignee_id').references(() => users.id),
    centerId: uuid('center_id').references(() => serviceCenters.id),
    createdById: uuid('created_by_id').references(() => users.id),
    reportedAt: instant('reported_at').notNull(),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
    resolvedAt: instant('resolved_at'),
    closedAt: instant('closed_at'),
    /** A policy chosen for this ticket; when null the customer's, else the default policy applies. */
    slaPolicyId: uuid('sla_policy_id').references((): AnyPgColumn => slaPolicies.id),
    escalationLevel: integer('escalation_level').notNull().default(0),
    /** The next moment a timer needs this ticket (SLA warning or breach, escalation step); the sweep's index. */
    nextDueAt: instant('next_due_at'),
    /** The unmet milestone due next, for the queue's countdown badge and its sort. */
    slaMilestone: text('sla_milestone'),
    slaMilestoneName: jsonb('sla_milestone_name').$type<{ zh: string; en: string }>(),
    slaDueAt: instant('sla_due_at'),
    slaAmberAt: instant('sla_amber_at'),
    slaState: text('sla_state'),
    /** The number the caller rang from, as typed in the hotline lookup (kept as typed, digits compared). */
    callerNumber: text('caller_number'),
    /** The customer's own words for the impact (portal): down / limited / impaired / question. */
    impact: text('impact').$type<Impact>(),
    /** True while the severity is the one the impact implied and staff have not confirmed it yet. */
    severityPending: boolean('severity_pending').notNull().default(false),
    /** Parent of a multi-site outage; children point here. */
    parentId: uuid('parent_id').references((): AnyPgColumn => tickets.id),
    /** Set on a duplicate that was merged: the surviving ticket. */
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => tickets.id),
    /** When the "closes by itself soon" mail went out for the current resolution (cleared on reopen). */
    autoCloseWarnedAt: instant('auto_close_warned_at'),
    /** The contract covering the ticket (entitlement, issue 11): the policy chain's second link. */
    contractId: uuid('contract_id').references((): AnyPgColumn => contracts.id),
    /** The entitlement as judged on the report day, with its explanation (recomputed when devices, site or customer change). */
    entitlement: jsonb('entitlement').$type<Entitlement>(),
    /** Skills the work needs (field service, issue 12): with the devices' products' skills, what dispatch suggestions match. */
    requiredSkills: text('required_skills').array().notNull().default(sql`'{}'::text[]`),
    /** Words and Chinese character pairs of the title and number (fw_search_tokens, migration 0004). */
    search: tsvector('search').generatedAlwaysAs(sql`array_to_tsvector(fw_search_tokens(title || ' ' || number))`),
  },
  (t) => [
    uniqueIndex('tickets_number_key').on(t.number),
    index('tickets_reported_idx').on(t.reportedAt, t.id),
    index('tickets_severity_reported_idx').on(t.severity, t.reportedAt, t.id),
    index('tickets_customer_reported_idx').on(t.customerId, t.reportedAt),
    index('tickets_assignee_status_idx').on(t.assigneeId, t.status),
    index('tickets_status_idx').on(t.status),
    index('tickets_search_idx').using('gin', t.search),
    index('tickets_next_due_idx').on(t.nextDueAt).where(sql`${t.nextDueAt} is not null`),
    // The queue's "due soonest" order, tickets without a running clock last.
    index('tickets_sla_due_idx').on(sql`coalesce(${t.slaDueAt}, 'infinity'::timestamptz)`, t.id),
    index('tickets_parent_idx').on(t.parentId).where(sql`${t.parentId} is not null`),
    // The auto-close job's scan: resolved tickets, oldest resolution first.
    index('tickets_resolved_at_idx').on(t.resolvedAt).where(sql`${t.status} = 'resolved'`),
    check('tickets_impact_check', sql`${t.impact} in ('down','limited','impaired','question')`),
    check('tickets_severity_check', sql`${t.severity} in ('P1','P2','P3','P4')`),
    check(
      'tickets_status_check',
      sql`${t.status} in ('new','assigned','in_progress','pending_customer','resolved','closed','cancelled')`,
    ),
  ],
);

export const ticketFollowers = pgTable(
  'ticket_followers',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.userId] })],
);

/** The ticket's timeline: comments, status changes, assignments, severity changes, attachments. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    actorId: uuid('actor_id').references(() => users.id),
    /** Visible to the customer. Internal notes and internal bookkeeping are not. */
    public: boolean('public').notNull(),
    body: text('body'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.id)],
);

export const attachments = pgTable(
  'attachments',
  {
    id: id(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    eventId: integer('event_id'),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    public: boolean('public').notNull().default(true),
    uploadedById: uuid('uploaded_by_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_ticket_idx').on(t.ticketId)],
);

/** Who changed what, when: every write to a business object lands here too. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: uuid('actor_id').references(() => users.id),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    /** Set when the change came through an API token (api_tokens.id); the actor is the token's user. */
    tokenId: uuid('token_id'),
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_entity_idx').on(t.entity, t.entityId, t.id),
    // The audit page's filters: by person, by kind of object, newest first.
    index('audit_log_actor_idx').on(t.actorId, t.id),
    index('audit_log_entity_kind_idx').on(t.entity, t.id),
    // …and by time (from/to): a narrow window is found by time, then sorted.
    index('audit_log_at_idx').on(t.at),
    index('audit_log_action_idx').on(t.action, t.id),
  ],
);

/** Links between tickets: `ticketId` is a duplicate of / caused by / related to `otherTicketId`. */
export const ticketLinks = pgTable(
  'ticket_links',
  {
    id: id(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    otherTicketId: uuid('other_ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<TicketLinkKind>().notNull(),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ticket_links_pair_key').on(t.ticketId, t.otherTicketId, t.kind),
    index('ticket_links_other_idx').on(t.otherTicketId),
    check('ticket_links_kind_check', sql`${t.kind} in ('duplicate_of','caused_by','related')`),
    check('ticket_links_not_self', sql`${t.ticketId} <> ${t.otherTicketId}`),
  ],
);

/**
 * Canned replies (macros): a text with placeholders ({{customer}}, {{ticket}}, {{engineer}} …) that may
 * also set status and severity. `ownerId` null means shared with everyone on the desk.
 */
export const macros = pgTable(
  'macros',
  {
    id: id(),
    name: text('name').notNull(),
    body: text('body').notNull(),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    /** Whether the comment it writes is public (to the customer) or an internal note. */
    public: boolean('public').notNull().default(true),
    setStatus: text('set_status').$type<TicketStatus>(),
    setSeverity: text('set_severity').$type<Severity>(),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('macros_owner_name_key').on(sql`coalesce(${t.ownerId}::text, '')`, sql`lower(${t.name})`),
    check('macros_severity_check', sql`${t.setSeverity} in ('P1','P2','P3','P4')`),
  ],
);

/** Saved queue views: filters, sort and columns, personal or shared with the desk. */
export const savedViews = pgTable(
  'saved_views',
  {
    id: id(),
    name: text('name').notNull(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    shared: boolean('shared').notNull().default(false),
    /** Queue filters and sort, as the queue's URL keeps them (common/api/views.ts validates). */
    query: jsonb('query').$type<Record<string, unknown>>().notNull().default({}),
    /** Chosen columns in order, with widths in px. */
    columns: jsonb('columns').$type<{ key: string; width?: number }[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('saved_views_owner_name_key').on(t.ownerId, sql`lower(${t.name})`),
    index('saved_views_shared_idx').on(t.shared).where(sql`${t.shared}`),
  ],
);
