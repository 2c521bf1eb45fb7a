/**
 * The installed base (issue 11): products, devices, contracts, entitlement, the second-failure
 * rule's replacement proposals and device imports. Calendar days travel as 'YYYY-MM-DD' (a day in
 * the desk's time zone); money as integer fen.
 */
import { z } from 'zod';
import { SEVERITIES } from '../domain';
import { Id, Instant, optionalText, patchOf, trimmed } from './shared';

export const PRODUCT_CATEGORIES = ['hardware', 'software', 'service'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];
export const DEVICE_STATUSES = ['in_service', 'under_repair', 'replaced', 'retired'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];
/** Stored contract status; `expiring` and `expired` are derived from the dates (ContractState). */
export const CONTRACT_STATUSES = ['draft', 'active', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];
/** What a contract list shows: draft, active, expiring (active, ends within 90 days), expired (ended), terminated. */
export const CONTRACT_STATES = ['draft', 'active', 'expiring', 'expired', 'terminated'] as const;
export type ContractState = (typeof CONTRACT_STATES)[number];
export const INSPECTION_FREQUENCIES = ['none', 'monthly', 'quarterly', 'half_yearly', 'yearly'] as const;
export type InspectionFrequency = (typeof INSPECTION_FREQUENCIES)[number];
export const REPLACEMENT_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ReplacementStatus = (typeof REPLACEMENT_STATUSES)[number];
/** A device's warranty on a day: in (that day ≤ warranty end), out (after it), unknown (no end recorded). */
export const WARRANTY_STATES = ['in', 'out', 'unknown'] as const;
export type WarrantyState = (typeof WARRANTY_STATES)[number];

/** A calendar day, 'YYYY-MM-DD', that exists (2026-02-30 does not). */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'must be a real calendar date');

const Ref = z.object({ id: Id, name: z.string() });

/** Ids in a query string, comma-separated (at most 20). */
export const IdList = z
  .string()
  .max(800)
  .transform((s, ctx) => {
    const ids = s.split(',').map((x) => x.trim()).filter(Boolean);
    if (ids.length > 20) ctx.addIssue({ code: 'custom', message: 'at most 20 ids' });
    for (const id of ids) if (!Id.safeParse(id).success) ctx.addIssue({ code: 'custom', message: 'must be valid ids separated by commas' });
    return ids;
  });

// ── Products ───────────────────────────────────────────────────────────────────────────────────

export const ProductSparePart = z.object({
  partNumber: trimmed(100),
  name: trimmed(200),
  quantity: z.number().int().min(1).max(10_000).default(1),
});
export type ProductSparePart = z.infer<typeof ProductSparePart>;

export const ProductCreate = z.object({
  model: trimmed(100),
  name: trimmed(200),
  maker: optionalText(200),
  category: z.enum(PRODUCT_CATEGORIES),
  versions: z.array(trimmed(100)).max(200).default([]),
  warrantyMonths: z.number().int().min(0).max(240).default(12),
  /** The product's service level (policy chain: ticket → contract → product → customer → default). */
  slaPolicyId: Id.nullish(),
  spareParts: z.array(ProductSparePart).max(500).default([]),
  endOfSupplyOn: Day.nullish(),
  notes: optionalText(5000),
  /** Skills servicing it needs (field service, issue 12): dispatch suggestions add them to a ticket's own. */
  skills: z.array(trimmed(50)).max(30).default([]),
});
export type ProductCreate = z.input<typeof ProductCreate>;
export const ProductUpdate = patchOf(ProductCreate);
export type ProductUpdate = z.infer<typeof ProductUpdate>;

export const Product = z.object({
  id: Id,
  model: z.string(),
  name: z.string(),
  maker: z.string().nullable(),
  category: z.enum(PRODUCT_CATEGORIES),
  versions: z.array(z.string()),
  warrantyMonths: z.number().int(),
  slaPolicyId: Id.nullable(),
  spareParts: z.array(ProductSparePart),
  endOfSupplyOn: Day.nullable(),
  notes: z.string().nullable(),
  skills: z.array(z.string()),
  /** Units in the installed base. */
  deviceCount: z.number().int(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Product = z.infer<typeof Product>;

// ── Devices ────────────────────────────────────────────────────────────────────────────────────

const Attributes = z
  .record(z.string().trim().min(1).max(100), z.string().trim().max(1000))
  .refine((r) => Object.keys(r).length <= 50, 'at most 50 attributes');

export const DeviceCreate = z.object({
  productId: Id,
  serial: trimmed(100),
  customerId: Id,
  siteId: Id.nullish(),
  location: optionalText(500),
  installedOn: Day.nullish(),
  /** The last day under warranty; when not given: installedOn + the product's warranty months − 1 day (if installedOn is). */
  warrantyEndsOn: Day.nullish(),
  softwareVersion: optionalText(100),
  firmwareVersion: optionalText(100),
  status: z.enum(DEVICE_STATUSES).default('in_service'),
  assetTag: optionalText(100),
  ip: optionalText(100),
  attributes: Attributes.default({}),
});
export type DeviceCreate = z.input<typeof DeviceCreate>;
export const DeviceUpdate = patchOf(DeviceCreate);
export type DeviceUpdate = z.infer<typeof DeviceUpdate>;

export const Device = z.object({
  id: Id,
  serial: z.string(),
  product: z.object({ id: Id, model: z.string(), name: z.string(), maker: z.string().nullable(), category: z.enum(PRODUCT_CATEGORIES) }),
  customer: Ref,
  site: Ref.nullable(),
  location: z.string().nullable(),
  installedOn: Day.nullable(),
  warrantyEndsOn: Day.nullable(),
  /** On today's date in the desk's time zone. */
  warranty: z.enum(WARRANTY_STATES),
  softwareVersion: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  status: z.enum(DEVICE_STATUSES),
  assetTag: z.string().nullable(),
  ip: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
  replacedBy: z.object({ id: Id, serial: z.string() }).nullable(),
  replaces: z.object({ id: Id, serial: z.string() }).nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Device = z.infer<typeof Device>;

export const DeviceListQuery = z.object({
  /** Serial number or asset tag prefix, any case. */
  q: z.string().trim().max(100).optional(),
  customerId: Id.optional(),
  siteId: Id.optional(),
  productId: Id.optional(),
  status: z.enum(DEVICE_STATUSES).optional(),
  warranty: z.enum(WARRANTY_STATES).optional(),
  /** The opaque cursor of the previous page's `nextCursor`. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type DeviceListQuery = z.infer<typeof DeviceListQuery>;

export const DevicePage = z.object({ items: z.array(Device), nextCursor: z.string().nullable() });
export type DevicePage = z.infer<typeof DevicePage>;

/** The hotline's device finder: a serial or asset-tag prefix (3+ characters), optionally within one customer. */
export const DeviceSearchQuery = z.object({
  q: z.string().trim().min(3, 'type at least 3 characters of the serial number or asset tag').max(100),
  customerId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type DeviceSearchQuery = z.infer<typeof DeviceSearchQuery>;

export const DEVICE_EVENT_KINDS = ['created', 'updated', 'status_changed', 'imported', 'replaced', 'replacement_of', 'ticket', 'visit'] as const;

/** One line of a device's history: its own changes, the tickets that named it and the visits to it. */
export const DeviceHistoryItem = z.object({
  at: Instant,
  kind: z.enum(DEVICE_EVENT_KINDS),
  /** The serial of the unit the line belongs to (a replacement's history includes the unit it replaced). */
  serial: z.string(),
  actor: Ref.nullable(),
  /**
   * created/updated: `changes` {field: [from, to]}; ticket: `ticket` {id, number, title, status, severity}; replaced: `newSerial` …;
   * visit (issue 12): `visit` {id, status, plannedStart, arrivedAt, finishedAt, result}, `ticket` {id, number}
   */
  data: z.record(z.string(), z.unknown()),
});
export type DeviceHistoryItem = z.infer<typeof DeviceHistoryItem>;

export const DeviceDetail = Device.extend({
  history: z.array(DeviceHistoryItem),
  /** Units this one replaced, oldest first: their history is part of this one's. */
  predecessors: z.array(z.object({ id: Id, serial: z.string() })),
  /** Contracts covering it today, newest first. */
  contracts: z.array(z.object({ id: Id, number: z.string(), title: z.string(), endsOn: Day })),
  openReplacement: z.object({ id: Id, createdAt: Instant }).nullable(),
});
export type DeviceDetail = z.infer<typeof DeviceDetail>;

// ── Device import ──────────────────────────────────────────────────────────────────────────────

/** A checked row of an import, as it will be inserted (names resolved to ids). */
export const DeviceImportRow = z.object({
  row: z.number().int(),
  productId: Id,
  serial: z.string(),
  customerId: Id,
  siteId: Id.nullable(),
  location: z.string().nullable(),
  installedOn: Day.nullable(),
  warrantyEndsOn: Day.nullable(),
  softwareVersion: z.string().nullable(),
  firmwareVersion: z.string().nullable(),
  status: z.enum(DEVICE_STATUSES),
  assetTag: z.string().nullable(),
  ip: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
});
export type DeviceImportRow = z.infer<typeof DeviceImportRow>;

/** What is wrong with one row of the file, as a person can fix it: its row number (1 = the header), the column, the words. */
export const DeviceImportError = z.object({ row: z.number().int(), column: z.string().nullable(), key: z.string(), message: z.string() });
export type DeviceImportError = z.infer<typeof DeviceImportError>;

export const DeviceImport = z.object({
  id: Id,
  filename: z.string(),
  status: z.enum(['previewed', 'running', 'done', 'failed']),
  totalRows: z.number().int(),
  validRows: z.number().int(),
  errors: z.array(DeviceImportError),
  /** The first checked rows, as they will be imported (for the preview table). */
  preview: z.array(DeviceImportRow.extend({ product: z.string(), customer: z.string(), site: z.string().nullable() })),
  inserted: z.number().int(),
  /** While running: rows written so far (the progress bar). */
  progress: z.number().int(),
  failure: z.string().nullable(),
  createdAt: Instant,
  finishedAt: Instant.nullable(),
});
export type DeviceImport = z.infer<typeof DeviceImport>;

// ── Contracts ──────────────────────────────────────────────────────────────────────────────────

export const ContractCoverageInput = z.object({
  deviceIds: z.array(Id).max(20_000).default([]),
  siteIds: z.array(Id).max(1000).default([]),
  productIds: z.array(Id).max(1000).default([]),
});

const ContractFields = z.object({
  number: trimmed(100),
  title: trimmed(200),
  customerId: Id,
  startsOn: Day,
  endsOn: Day,
  status: z.enum(CONTRACT_STATUSES).default('draft'),
  terminatedOn: Day.nullish(),
  /** 'customer': all of the customer's devices and sites; 'listed': what `coverage` names. */
  scope: z.enum(['customer', 'listed']).default('customer'),
  coverage: ContractCoverageInput.default({ deviceIds: [], siteIds: [], productIds: [] }),
  slaPolicyId: Id.nullish(),
  onsiteCalendarId: Id.nullish(),
  phoneCalendarId: Id.nullish(),
  includedVisits: z.number().int().min(0).max(10_000).nullish(),
  inspectionFrequency: z.enum(INSPECTION_FREQUENCIES).default('none'),
  residentEngineerIds: z.array(Id).max(50).default([]),
  accountManagerId: Id.nullish(),
  priceCents: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
  currency: z.string().trim().regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code such as CNY').default('CNY'),
  notes: optionalText(10_000),
});
export const ContractCreate = ContractFields.refine((c) => c.startsOn <= c.endsOn, {
  path: ['endsOn'],
  message: 'must not be before the start',
});
export type ContractCreate = z.input<typeof ContractCreate>;
/** A change; the service checks the period again against the stored one. */
export const ContractUpdate = patchOf(ContractFields);
export type ContractUpdate = z.infer<typeof ContractUpdate>;

export const Contract = z.object({
  id: Id,
  number: z.string(),
  title: z.string(),
  customer: Ref,
  startsOn: Day,
  endsOn: Day,
  status: z.enum(CONTRACT_STATUSES),
  /** Derived for today: expiring = active and ending within 90 days; expired = ended. */
  state: z.enum(CONTRACT_STATES),
  terminatedOn: Day.nullable(),
  scope: z.enum(['customer', 'listed']),
  slaPolicy: z.object({ id: Id, name: z.string(), nameEn: z.string().nullable() }).nullable(),
  onsiteCalendar: Ref.nullable(),
  phoneCalendar: Ref.nullable(),
  includedVisits: z.number().int().nullable(),
  inspectionFrequency: z.enum(INSPECTION_FREQUENCIES),
  residentEngineers: z.array(Ref),
  accountManager: Ref.nullable(),
  priceCents: z.number().int().nullable(),
  currency: z.string(),
  notes: z.string().nullable(),
  /** Counts of what a 'listed' contract names. */
  coverageCounts: z.object({ devices: z.number().int(), sites: z.number().int(), products: z.number().int() }),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Contract = z.infer<typeof Contract>;

export const ContractDetail = Contract.extend({
  coverage: z.object({
    devices: z.array(z.object({ id: Id, serial: z.string(), product: z.string() })),
    sites: z.array(Ref),
    products: z.array(z.object({ id: Id, model: z.string(), name: z.string() })),
  }),
  attachments: z.array(
    z.object({ id: Id, filename: z.string(), contentType: z.string(), size: z.number().int(), createdAt: Instant, uploadedBy: Ref.nullable() }),
  ),
  /** Renewal reminders already sent for the current end date. */
  remindersSent: z.array(z.object({ daysBefore: z.number().int(), sentAt: Instant })),
});
export type ContractDetail = z.infer<typeof ContractDetail>;

export const ContractListQuery = z.object({
  customerId: Id.optional(),
  state: z.enum(CONTRACT_STATES).optional(),
  /** Contract number or title, any case. */
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type ContractListQuery = z.infer<typeof ContractListQuery>;

// ── Entitlement ────────────────────────────────────────────────────────────────────────────────

/** Why a contract of the customer did or did not cover the ticket. */
export const CONTRACT_VERDICTS = ['chosen', 'older', 'draft', 'terminated', 'not_started', 'ended', 'not_covering'] as const;
export type ContractVerdict = (typeof CONTRACT_VERDICTS)[number];

/**
 * What covers a ticket, judged on the day it was reported (in the desk's time zone): a contract
 * (the newest active one covering it: its customer, site, devices or products), else the named
 * devices' warranty, else nothing (billable: seed 004, parts at cost after warranty).
 */
export const Entitlement = z.object({
  kind: z.enum(['contract', 'warranty', 'none']),
  /** The day judged, in the desk's time zone. */
  day: Day,
  contract: z.object({ id: Id, number: z.string(), title: z.string(), endsOn: Day, slaPolicyId: Id.nullable() }).nullable(),
  /** The named devices' warranty on that day. */
  devices: z.array(z.object({ id: Id, serial: z.string(), warrantyEndsOn: Day.nullable(), warranty: z.enum(WARRANTY_STATES) })),
  /** True when any named device is under warranty that day. */
  underWarranty: z.boolean(),
  /** Every contract of the customer and its verdict, chosen first: the explanation. */
  considered: z.array(z.object({ id: Id, number: z.string(), startsOn: Day, endsOn: Day, verdict: z.enum(CONTRACT_VERDICTS) })),
  billable: z.boolean(),
});
export type Entitlement = z.infer<typeof Entitlement>;

/** Which link of the policy chain chose a ticket's SLA policy. */
export const POLICY_SOURCES = ['ticket', 'contract', 'product', 'customer', 'default'] as const;
export type PolicySource = (typeof POLICY_SOURCES)[number];

/** The devices a ticket names, in order (the first device's product is the policy chain's product link). */
export const TicketDevicesSet = z.object({ deviceIds: z.array(Id).max(20) });
export type TicketDevicesSet = z.infer<typeof TicketDevicesSet>;

export const TicketDevice = z.object({
  id: Id,
  serial: z.string(),
  product: z.object({ id: Id, model: z.string(), name: z.string() }),
  site: Ref.nullable(),
  location: z.string().nullable(),
  warrantyEndsOn: Day.nullable(),
  status: z.enum(DEVICE_STATUSES),
});
export type TicketDevice = z.infer<typeof TicketDevice>;

// ── Second-failure rule and replacement proposals ─────────────────────────────────────────────

export const SecondFailureRule = z.object({
  enabled: z.boolean().default(true),
  /** Fault tickets of one device (this one included) that raise a proposal when resolved. */
  count: z.number().int().min(2).max(10).default(2),
  /** Counted only within the device's warranty ('warranty'), or within this many days. */
  window: z.union([z.literal('warranty'), z.object({ days: z.number().int().min(1).max(3650) })]).default('warranty'),
  severities: z.array(z.enum(SEVERITIES)).min(1).default(['P1', 'P2', 'P3', 'P4']),
});
export type SecondFailureRule = z.infer<typeof SecondFailureRule>;

export const RenewalReminderSettings = z.object({
  /** Days before a contract's end to remind, e.g. [90, 60, 30]. */
  daysBefore: z.array(z.number().int().min(1).max(365)).min(1).max(10).default([90, 60, 30]),
  /** Remind the customer's leader contacts (by mail) besides the account manager. */
  customerLeaders: z.boolean().default(true),
});
export type RenewalReminderSettings = z.infer<typeof RenewalReminderSettings>;

export const InstalledBaseSettings = z.object({ secondFailure: SecondFailureRule, renewalReminders: RenewalReminderSettings });
export type InstalledBaseSettings = z.infer<typeof InstalledBaseSettings>;

export const ReplacementProposal = z.object({
  id: Id,
  device: z.object({ id: Id, serial: z.string(), product: z.string(), warrantyEndsOn: Day.nullable() }),
  customer: Ref,
  ticket: z.object({ id: Id, number: z.string(), title: z.string() }),
  counted: z.array(z.object({ id: Id, number: z.string(), title: z.string(), reportedAt: Instant })),
  status: z.enum(REPLACEMENT_STATUSES),
  decidedBy: Ref.nullable(),
  decidedAt: Instant.nullable(),
  decisionNote: z.string().nullable(),
  newDevice: z.object({ id: Id, serial: z.string() }).nullable(),
  createdAt: Instant,
});
export type ReplacementProposal = z.infer<typeof ReplacementProposal>;

export const ReplacementDecision = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('approve'),
    /** The new unit's serial (same product unless `productId` says otherwise). */
    newSerial: trimmed(100),
    productId: Id.optional(),
    /** Defaults to today + the product's warranty months (a replaced unit's warranty starts again). */
    warrantyEndsOn: Day.optional(),
    note: optionalText(2000),
  }),
  z.object({ decision: z.literal('reject'), note: trimmed(2000) }),
]);
export type ReplacementDecision = z.infer<typeof ReplacementDecision>;
