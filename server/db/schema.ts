/**
 * The one database schema (Drizzle). `npm run db:generate` turns changes here into a new SQL
 * migration in ./migrations, which is reviewed as SQL and never edited after it lands.
 * Instants are timestamptz; quantities and minutes are integers.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  CenterLevel,
  Category,
  Channel,
  EngineerLevel,
  Role,
  Severity,
  TicketStatus,
  TicketType,
} from '../../common/domain';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const createdAt = () => instant('created_at').notNull().defaultNow();
const id = () => uuid('id').primaryKey().defaultRandom();

export const serviceCenters = pgTable(
  'service_centers',
  {
    id: id(),
    parentId: uuid('parent_id').references((): any => serviceCenters.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    level: text('level').$type<CenterLevel>().notNull(),
    region: text('region'),
    /** Materialised path of ids, `/root/child/…/self/`, so a subtree is one `LIKE 'path%'`. */
    path: text('path').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('service_centers_code_key').on(t.code), index('service_centers_path_idx').on(t.path)],
);

export const customers = pgTable(
  'customers',
  {
    id: id(),
    name: text('name').notNull(),
    code: text('code'),
    industry: text('industry'),
    region: text('region'),
    notes: text('notes'),
    centerId: uuid('center_id').references(() => serviceCenters.id),
    /** The customer's service level; tickets without their own policy follow it, else the default. */
    slaPolicyId: uuid('sla_policy_id').references((): any => slaPolicies.id),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('customers_name_key').on(sql`lower(${t.name})`)],
);

export const sites = pgTable(
  'sites',
  {
    id: id(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    name: text('name').notNull(),
    address: text('address'),
    region: text('region'),
    createdAt: createdAt(),
  },
  (t) => [index('sites_customer_idx').on(t.customerId)],
);

export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    name: text('name').notNull(),
    title: text('title'),
    email: text('email'),
    isLeader: boolean('is_leader').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index('contacts_customer_idx').on(t.customerId)],
);

export const contactPhones = pgTable(
  'contact_phones',
  {
    id: id(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    /** As entered, for display. */
    number: text('number').notNull(),
    /** Digits only, country prefix of mainland China removed: what caller-ID lookup compares. */
    normalized: text('normalized').notNull(),
  },
  (t) => [index('contact_phones_normalized_idx').on(t.normalized), index('contact_phones_contact_idx').on(t.contactId)],
);

export const users = pgTable(
  'users',
  {
    id: id(),
    username: text('username').notNull(),
    passwordHash: text('password_hash').notNull(),
    name: text('name').notNull(),
    role: text('role').$type<Role>().notNull(),
    email: text('email'),
    phone: text('phone'),
    customerId: uuid('customer_id').references(() => customers.id),
    centerId: uuid('center_id').references(() => serviceCenters.id),
    engineerLevel: text('engineer_level').$type<EngineerLevel>(),
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    active: boolean('active').notNull().default(true),
    passwordChangedAt: instant('password_changed_at').notNull().defaultNow(),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
    index('users_customer_idx').on(t.customerId),
    check(
      'users_customer_role_check',
      sql`(${t.role} in ('customer_user','customer_leader')) = (${t.customerId} is not null)`,
    ),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie token: a stolen database does not yield live sessions. */
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    username: text('username').notNull(),
    ip: text('ip').notNull(),
    succeeded: boolean('succeeded').notNull(),
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [index('login_attempts_username_idx').on(t.username, t.at), index('login_attempts_ip_idx').on(t.ip, t.at)],
);

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
    slaPolicyId: uuid('sla_policy_id').references((): any => slaPolicies.id),
    escalationLevel: integer('escalation_level').notNull().default(0),
    /** The next moment a timer needs this ticket (SLA warning or breach, escalation step); the sweep's index. */
    nextDueAt: instant('next_due_at'),
    /** The unmet milestone due next, for the queue's countdown badge and its sort. */
    slaMilestone: text('sla_milestone'),
    slaMilestoneName: jsonb('sla_milestone_name').$type<{ zh: string; en: string }>(),
    slaDueAt: instant('sla_due_at'),
    slaAmberAt: instant('sla_amber_at'),
    slaState: text('sla_state'),
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
    at: instant('at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId, t.id)],
);

// ── Time promises: calendars, SLA policies, escalation, timers, delivery ─────────────────────────

/** Business calendars. `key` is how SLA policies and escalation rules name a calendar. */
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

/** SLA policies: per severity, milestone targets (definition validated by domain/sla/schema). */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: id(),
    key: text('key').notNull(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    description: text('description'),
    isDefault: boolean('is_default').notNull().default(false),
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
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
    recipients: jsonb('recipients').$type<Array<Record<string, string>>>().notNull(),
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
    kind: text('kind').notNull(),
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
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.id),
    index('notifications_unread_idx').on(t.userId).where(sql`${t.readAt} is null`),
  ],
);
