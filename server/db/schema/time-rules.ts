/** Time promises: calendars, SLA policies, escalation, milestone stamps, timer firings, outbox, notifications. */
import { sql } from 'drizzle-orm';
import {
  bigint,
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
import type { EscalationRecipient } from '../../../common/api/escalation-rule';
import type { SlaPolicyDefinition } from '../../../common/api/sla-definition';
import type { Severity } from '../../../common/domain';
import { createdAt, id, instant } from './columns';
import { users } from './organisation';
import { tickets } from './tickets';

export const calendars = pgTable(
  'calendars',
  {
    id: id(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    timeZone: text('time_zone').notNull(),
    always: boolean('always').notNull().default(false),
    weekly: jsonb('weekly').$type<Partial<Record<string, Array<{ start: string; end: string }>>>>().notNull().default({}),
    defaultWorkday: jsonb('default_workday').$type<Array<{ start: string; end: string }>>().notNull().default([]),
    /** Shipped with the product (7x24, 5x8-china): may be edited, not deleted. */
    builtIn: boolean('built_in').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('calendars_key_key').on(t.key)],
);

/** Holidays and make-up working days (调休) of a calendar, one row per local date. */
export const calendarExceptions = pgTable(
  'calendar_exceptions',
  {
    id: id(),
    calendarId: uuid('calendar_id')
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    date: text('date').notNull(),
    kind: text('kind').$type<'holiday' | 'workday'>().notNull(),
    name: text('name'),
    intervals: jsonb('intervals').$type<Array<{ start: string; end: string }> | null>(),
    /** Where the row came from: the chinese-days package, an iCalendar import, or an admin. */
    source: text('source').$type<'chinese-days' | 'ical' | 'admin'>().notNull().default('admin'),
  },
  (t) => [
    uniqueIndex('calendar_exceptions_date_key').on(t.calendarId, t.date),
    check('calendar_exceptions_kind_check', sql`${t.kind} in ('holiday','workday')`),
    check('calendar_exceptions_date_check', sql`${t.date} ~ '^\\d{4}-\\d{2}-\\d{2}$'`),
  ],
);

/** SLA policies: per severity, milestone targets (definition validated by common/api/sla-definition). */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: id(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    description: text('description'),
    isDefault: boolean('is_default').notNull().default(false),
    definition: jsonb('definition').$type<SlaPolicyDefinition>().notNull(),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sla_policies_key_key').on(t.key),
    uniqueIndex('sla_policies_one_default').on(t.isDefault).where(sql`${t.isDefault}`),
  ],
);

/** External people escalations may notify, e.g. the vendor's technical center (原厂商技术中心). */
export const escalationContacts = pgTable('escalation_contacts', {
  id: id(),
  name: text('name').notNull(),
  organisation: text('organisation'),
  email: text('email'),
  phone: text('phone'),
  /** Resolves the `vendor` recipient of the escalation matrix. */
  isVendorCenter: boolean('is_vendor_center').notNull().default(false),
  createdAt: createdAt(),
});

export const escalationRules = pgTable(
  'escalation_rules',
  {
    id: id(),
    severity: text('severity').$type<Severity>().notNull(),
    afterMinutes: integer('after_minutes').notNull(),
    clock: text('clock').$type<'calendar' | 'working'>().notNull().default('calendar'),
    calendarKey: text('calendar_key'),
    level: integer('level').notNull(),
    recipients: jsonb('recipients').$type<EscalationRecipient[]>().notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('escalation_rules_severity_idx').on(t.severity, t.afterMinutes),
    check('escalation_rules_after_check', sql`${t.afterMinutes} >= 0`),
  ],
);

/**
 * Bumped in the same transaction as any change to calendars, policies or escalation rules, so
 * every server process notices within one read and recompiles its cached rules.
 */
export const configVersions = pgTable('config_versions', {
  name: text('name').primaryKey(),
  version: integer('version').notNull(),
});

/** Milestones met on a ticket, with who and when (respond, plan, arrive, restore, resolve, custom). */
export const ticketMilestones = pgTable(
  'ticket_milestones',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    milestone: text('milestone').notNull(),
    metAt: instant('met_at').notNull(),
    metById: uuid('met_by_id').references(() => users.id),
    note: text('note'),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.milestone] })],
);

/**
 * Everything the timers fired: an escalation step or an SLA warning/breach, each once per ticket
 * by its unique key — a second process, a restart or a crash can never fire it twice.
 */
export const ticketFirings = pgTable(
  'ticket_firings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    kind: text('kind').$type<'escalation' | 'sla_warning' | 'sla_breach'>().notNull(),
    dueAt: instant('due_at').notNull(),
    firedAt: instant('fired_at').notNull(),
    /** Fired well after its due moment (the server was down or the sweep fell behind). */
    late: boolean('late').notNull().default(false),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [uniqueIndex('ticket_firings_key').on(t.ticketId, t.key), index('ticket_firings_fired_idx').on(t.firedAt)],
);

/** What a customer mail carries besides its text (Message-IDs bare, as mail_messages stores them). */
export interface OutboxMailHeaders {
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  /** 'auto-replied' (acknowledgements), 'auto-generated' (status mails), absent for a person's reply. */
  autoSubmitted?: 'auto-replied' | 'auto-generated';
  /** Our X-Loop mark (the one inbound classification recognises). */
  xLoop: string;
  replyTo?: string | null;
}

/** Messages to deliver, written in the same transaction as what caused them. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').$type<'email' | 'inapp'>().notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    email: text('email'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    /** The timer firing that caused this message, if any. */
    firingId: bigint('firing_id', { mode: 'number' }).references(() => ticketFirings.id, { onDelete: 'cascade' }),
    /** The domain event that caused this message, if any (notification consumer). */
    eventId: bigint('event_id', { mode: 'number' }),
    kind: text('kind').notNull(),
    /** Customer mail (modules/mail/outgoing.ts): copies to the other contacts of the thread. */
    cc: text('cc').array().notNull().default(sql`'{}'::text[]`),
    /** The HTML alternative of `body`, when the message has one. */
    html: text('html'),
    /** Sent as this mailbox's identity (mail_senders); null: the desk's global SMTP and From. */
    mailboxId: uuid('mailbox_id'),
    /** Threading and loop headers, fixed at enqueue time so every retry sends the same Message-ID. */
    headers: jsonb('headers').$type<OutboxMailHeaders>(),
    /** Ticket attachments sent with the message (read from the data folder at send time). */
    attachmentIds: uuid('attachment_ids').array().notNull().default(sql`'{}'::uuid[]`),
    status: text('status').$type<'pending' | 'sent' | 'failed'>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    /** A worker holds the row until then while it sends; a crashed worker's lease simply runs out. */
    leaseUntil: instant('lease_until'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    index('outbox_pending_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    // One message per firing, recipient and channel, enforced by the database itself.
    uniqueIndex('outbox_firing_recipient_key')
      .on(t.firingId, t.channel, sql`coalesce(${t.userId}::text, ${t.email})`)
      .where(sql`${t.firingId} is not null`),
    // Likewise one message per domain event, recipient and channel: consumers may run twice.
    uniqueIndex('outbox_event_recipient_key')
      .on(t.eventId, t.channel, sql`coalesce(${t.userId}::text, ${t.email})`)
      .where(sql`${t.eventId} is not null`),
    index('outbox_status_idx').on(t.status, t.id),
  ],
);

/** In-app notifications (the bell). */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    createdAt: createdAt(),
    readAt: instant('read_at'),
    /** The domain event it tells of, if any: one bell entry per event and person. */
    eventId: bigint('event_id', { mode: 'number' }),
    /** What the web needs to word it in the reader's language (number, who, excerpt …); null for older rows. */
    params: jsonb('params').$type<Record<string, string | number | boolean | null>>(),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.id),
    uniqueIndex('notifications_event_user_key').on(t.eventId, t.userId).where(sql`${t.eventId} is not null`),
    index('notifications_unread_idx').on(t.userId).where(sql`${t.readAt} is null`),
  ],
);
