/**
 * The installed base (issue 11): what the desk services, for whom, on what terms — products,
 * devices, contracts with their coverage, the devices a ticket names, replacement proposals of the
 * second-failure rule, device imports, and the desk's settings.
 *
 * Calendar days (install date, warranty end, contract period) are `date` columns read as
 * 'YYYY-MM-DD' strings: a day in the desk's time zone (`config.timeZone`), never an instant.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
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
import type {
  ContractStatus,
  DeviceImportError,
  DeviceImportRow,
  DeviceStatus,
  InspectionFrequency,
  ProductCategory,
  ProductSparePart,
  ReplacementStatus,
} from '../../../common/api/installed-base';
import { createdAt, id, instant } from './columns';
import { customers, sites, users } from './organisation';
import { tickets } from './tickets';
import { calendars, slaPolicies } from './time-rules';

const day = (name: string) => date(name, { mode: 'string' });

/** The product catalog: models the desk services. */
export const products = pgTable(
  'products',
  {
    id: id(),
    model: text('model').notNull(),
    name: text('name').notNull(),
    maker: text('maker'),
    category: text('category').$type<ProductCategory>().notNull(),
    /** Known software/firmware versions, newest last. */
    versions: text('versions').array().notNull().default(sql`'{}'::text[]`),
    warrantyMonths: integer('warranty_months').notNull().default(12),
    /** Skills an engineer needs to service the model (dispatch suggestions, issue 12). */
    skills: text('skills').array().notNull().default(sql`'{}'::text[]`),
    /** The product's service level: the policy chain's third link (after the ticket's own and the contract's). */
    slaPolicyId: uuid('sla_policy_id').references(() => slaPolicies.id),
    /** The spare parts the model uses (part number, name, quantity per unit); the parts issue links them to its catalog. */
    spareParts: jsonb('spare_parts').$type<ProductSparePart[]>().notNull().default([]),
    /** The last day the maker supplies parts (seed 003: customers are told half a year before). */
    endOfSupplyOn: day('end_of_supply_on'),
    notes: text('notes'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('products_model_key').on(sql`lower(coalesce(${t.maker}, ''))`, sql`lower(${t.model})`),
    check('products_category_check', sql`${t.category} in ('hardware','software','service')`),
    check('products_warranty_check', sql`${t.warrantyMonths} between 0 and 240`),
  ],
);

/** A unit installed at a customer (设备): one serial number of one product. */
export const devices = pgTable(
  'devices',
  {
    id: id(),
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    serial: text('serial').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    siteId: uuid('site_id').references(() => sites.id),
    /** Where at the site: "一楼大厅 2 号机". */
    location: text('location'),
    installedOn: day('installed_on'),
    /** The last day under warranty (inclusive, in the desk's time zone); null: unknown. */
    warrantyEndsOn: day('warranty_ends_on'),
    softwareVersion: text('software_version'),
    firmwareVersion: text('firmware_version'),
    status: text('status').$type<DeviceStatus>().notNull().default('in_service'),
    assetTag: text('asset_tag'),
    ip: text('ip'),
    /** Free attributes (key → value), e.g. 机型配置, 网点编号. */
    attributes: jsonb('attributes').$type<Record<string, string>>().notNull().default({}),
    /** Set on a replaced unit: the unit that took its place (its history continues there). */
    replacedById: uuid('replaced_by_id').references((): AnyPgColumn => devices.id),
    /** Set on a replacement: the unit it replaced. */
    replacesId: uuid('replaces_id').references((): AnyPgColumn => devices.id),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('devices_product_serial_key').on(t.productId, sql`lower(${t.serial})`),
    // Serial and asset-tag prefix search (hotline, device list): `lower(x) like 'prefix%'`.
    index('devices_serial_prefix_idx').using('btree', sql`lower(${t.serial}) text_pattern_ops`),
    index('devices_asset_tag_prefix_idx')
      .using('btree', sql`lower(${t.assetTag}) text_pattern_ops`)
      .where(sql`${t.assetTag} is not null`),
    index('devices_customer_idx').on(t.customerId, t.id),
    index('devices_product_idx').on(t.productId),
    // One product's devices in serial order (the device list filtered by product): a model's serials share a prefix,
    // so walking devices_serial_prefix_idx for them read most of the table.
    index('devices_product_serial_idx').using('btree', t.productId, sql`lower(${t.serial}) text_pattern_ops`),
    index('devices_site_idx').on(t.siteId).where(sql`${t.siteId} is not null`),
    index('devices_warranty_idx').on(t.warrantyEndsOn),
    check('devices_status_check', sql`${t.status} in ('in_service','under_repair','replaced','retired')`),
  ],
);

/** A device's own history (created, fields and versions changed, status, replaced): the device page's timeline with its tickets. */
export const deviceEvents = pgTable(
  'device_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    actorId: uuid('actor_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('device_events_device_idx').on(t.deviceId, t.id)],
);

/** A service contract (合同): who is covered, when, on which terms. */
export const contracts = pgTable(
  'contracts',
  {
    id: id(),
    number: text('number').notNull(),
    title: text('title').notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    startsOn: day('starts_on').notNull(),
    /** The last covered day (inclusive). */
    endsOn: day('ends_on').notNull(),
    /** Stored: draft, active, terminated. Expiring and expired are derived from the dates (contractState). */
    status: text('status').$type<ContractStatus>().notNull().default('draft'),
    /** A terminated contract covers up to and including this day. */
    terminatedOn: day('terminated_on'),
    /** 'customer': everything of the customer; 'listed': the devices, sites and products in contract_coverage. */
    scope: text('scope').$type<'customer' | 'listed'>().notNull().default('customer'),
    /** The service level of covered tickets: the policy chain's second link. */
    slaPolicyId: uuid('sla_policy_id').references(() => slaPolicies.id),
    /** Hours on site (seed 003: 5×8) and on the phone (7×24). */
    onsiteCalendarId: uuid('onsite_calendar_id').references(() => calendars.id),
    phoneCalendarId: uuid('phone_calendar_id').references(() => calendars.id),
    /** On-site visits included per contract year; null: not limited. */
    includedVisits: integer('included_visits'),
    inspectionFrequency: text('inspection_frequency').$type<InspectionFrequency>().notNull().default('none'),
    residentEngineerIds: uuid('resident_engineer_ids').array().notNull().default(sql`'{}'::uuid[]`),
    accountManagerId: uuid('account_manager_id').references(() => users.id),
    /** For reference only, in fen (integer). */
    priceCents: bigint('price_cents', { mode: 'number' }),
    currency: text('currency').notNull().default('CNY'),
    notes: text('notes'),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('contracts_number_key').on(sql`lower(${t.number})`),
    index('contracts_customer_idx').on(t.customerId, t.endsOn),
    index('contracts_ends_idx').on(t.endsOn).where(sql`${t.status} = 'active'`),
    check('contracts_status_check', sql`${t.status} in ('draft','active','terminated')`),
    check('contracts_scope_check', sql`${t.scope} in ('customer','listed')`),
    check('contracts_period_check', sql`${t.startsOn} <= ${t.endsOn}`),
    check(
      'contracts_inspection_check',
      sql`${t.inspectionFrequency} in ('none','monthly','quarterly','half_yearly','yearly')`,
    ),
    check('contracts_price_check', sql`${t.priceCents} is null or ${t.priceCents} >= 0`),
  ],
);

/** What a 'listed' contract covers: devices, sites (every device there, and tickets at the site), products (every unit of the model). */
export const contractCoverage = pgTable(
  'contract_coverage',
  {
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'device' | 'site' | 'product'>().notNull(),
    targetId: uuid('target_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.contractId, t.kind, t.targetId] }),
    index('contract_coverage_target_idx').on(t.kind, t.targetId),
    check('contract_coverage_kind_check', sql`${t.kind} in ('device','site','product')`),
  ],
);

/** Files of a contract (the signed PDF), stored like ticket attachments. */
export const contractAttachments = pgTable(
  'contract_attachments',
  {
    id: id(),
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    uploadedById: uuid('uploaded_by_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [index('contract_attachments_contract_idx').on(t.contractId)],
);

/** Renewal reminders sent: once per contract, end date and threshold (a renewal that moves the end reminds again). */
export const contractReminders = pgTable(
  'contract_reminders',
  {
    contractId: uuid('contract_id')
      .notNull()
      .references(() => contracts.id, { onDelete: 'cascade' }),
    endsOn: day('ends_on').notNull(),
    daysBefore: integer('days_before').notNull(),
    sentAt: instant('sent_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.contractId, t.endsOn, t.daysBefore] })],
);

/** The devices a ticket names, in the order named (the first one's product is the policy chain's product link). */
export const ticketDevices = pgTable(
  'ticket_devices',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.deviceId] }), index('ticket_devices_device_idx').on(t.deviceId)],
);

/** The second-failure rule's proposals (seed 003): replace a unit that failed again under warranty. */
export const replacementProposals = pgTable(
  'replacement_proposals',
  {
    id: id(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id),
    /** The resolved ticket that completed the count. */
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id),
    /** The fault tickets counted (ids), oldest first. */
    countedTicketIds: uuid('counted_ticket_ids').array().notNull(),
    status: text('status').$type<ReplacementStatus>().notNull().default('pending'),
    decidedById: uuid('decided_by_id').references(() => users.id),
    decidedAt: instant('decided_at'),
    decisionNote: text('decision_note'),
    /** Set on approval: the unit now in service. */
    newDeviceId: uuid('new_device_id').references(() => devices.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('replacement_proposals_trigger_key').on(t.deviceId, t.ticketId),
    uniqueIndex('replacement_proposals_pending_key').on(t.deviceId).where(sql`${t.status} = 'pending'`),
    index('replacement_proposals_status_idx').on(t.status, t.createdAt),
    check('replacement_proposals_status_check', sql`${t.status} in ('pending','approved','rejected')`),
  ],
);

/** A device import: the parsed, checked rows waiting for "import", then its outcome. */
export const deviceImports = pgTable(
  'device_imports',
  {
    id: id(),
    filename: text('filename').notNull(),
    status: text('status').$type<'previewed' | 'running' | 'done' | 'failed'>().notNull().default('previewed'),
    totalRows: integer('total_rows').notNull(),
    /** The rows that passed the checks, normalised, with their row number in the file. */
    rows: jsonb('rows').$type<DeviceImportRow[]>().notNull(),
    errors: jsonb('errors').$type<DeviceImportError[]>().notNull().default([]),
    inserted: integer('inserted').notNull().default(0),
    failure: text('failure'),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: createdAt(),
    finishedAt: instant('finished_at'),
  },
  (t) => [index('device_imports_created_idx').on(t.createdAt)],
);

/** Desk-wide settings by key (the second-failure rule, renewal reminder days …), each value checked by its zod schema in common/api. */
export const deskSettings = pgTable('desk_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedById: uuid('updated_by_id').references(() => users.id),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});
