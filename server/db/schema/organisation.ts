/** The service organisation and its customers: centers, customers, sites, contacts, users, sessions. */
import { sql, type SQL } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { CenterLevel, EngineerLevel, Role } from '../../../common/domain';
import { createdAt, id, instant } from './columns';
import { slaPolicies } from './time-rules';

export const serviceCenters = pgTable(
  'service_centers',
  {
    id: id(),
    parentId: uuid('parent_id').references((): AnyPgColumn => serviceCenters.id),
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
    slaPolicyId: uuid('sla_policy_id').references((): AnyPgColumn => slaPolicies.id),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('customers_name_key').on(sql`lower(${t.name})`),
    // Codes are unique whatever their case. 0007_platform.sql renames older duplicates ("-2", "-3" …)
    // right before creating this index: a hand-written statement to keep when regenerating 0007.
    uniqueIndex('customers_code_key')
      .on(sql`lower(${t.code})`)
      .where(sql`${t.code} is not null`),
  ],
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

/**
 * An address as mail matches it: trimmed, lower case. Contacts are found by it through
 * contacts_email_idx, whose expression this is — use it in queries, or the index is not used.
 */
export const emailKey = (email: AnyPgColumn | SQL) => sql<string>`lower(btrim(${email}))`;

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
    /** Set when mail to `email` bounced (issue 10): staff see it; cleared when the address changes. */
    emailFailingAt: instant('email_failing_at'),
    emailFailingReason: text('email_failing_reason'),
    /** The language of the customer mail sent to this contact; null: the sending mailbox's (else zh-CN). */
    language: text('language').$type<'zh-CN' | 'en'>(),
    createdAt: createdAt(),
  },
  (t) => [
    check('contacts_language_check', sql`${t.language} in ('zh-CN','en')`),
    index('contacts_customer_idx').on(t.customerId),
    // Inbound mail finds its sender by address, whatever case it was typed in.
    index('contacts_email_idx')
      .on(emailKey(t.email))
      .where(sql`${t.email} is not null`),
  ],
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
    /** Set by an administrator's create or reset (and a generated first admin password): the next login must choose a new one. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
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
  (t) => [index('login_attempts_username_idx').on(t.username, t.at), index('login_attempts_ip_idx').on(t.ip, t.at), index('login_attempts_at_idx').on(t.at)],
);
