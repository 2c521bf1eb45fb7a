/**
 * The one database schema (Drizzle). `npm run db:generate` turns changes here into a new SQL
 * migration in ./migrations, which is reviewed as SQL and never edited after it lands.
 * Instants are timestamptz; quantities and minutes are integers.
 */
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
  },
  (t) => [
    uniqueIndex('tickets_number_key').on(t.number),
    index('tickets_reported_idx').on(t.reportedAt, t.id),
    index('tickets_severity_reported_idx').on(t.severity, t.reportedAt, t.id),
    index('tickets_customer_reported_idx').on(t.customerId, t.reportedAt),
    index('tickets_assignee_status_idx').on(t.assigneeId, t.status),
    index('tickets_status_idx').on(t.status),
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
