/**
 * Field service (issue 12): who works a ticket besides its assignee (helpers, invited experts),
 * the on-call rota, visits to sites with their engineers and devices, and the service records
 * (服务记录单) the customer signs.
 *
 * A visit's state and its times are facts: check-in stamps the ticket's `arrive` milestone and
 * "service restored" its `restore` milestone through the ticket write path, so the SLA clocks
 * follow. A signed service record never changes: a correction is a new version pointing to it.
 */
import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { ServiceRecordPart, ServiceRecordStatus, TicketEngineerRole, VisitResult, VisitStatus } from '../../../common/api/field-service';
import { createdAt, id, instant } from './columns';
import { devices } from './installed-base';
import { serviceCenters, sites, users } from './organisation';
import { attachments, tickets } from './tickets';

/** Engineers on a ticket besides its assignee (the lead): helpers, and experts invited to consult (专家会诊). */
export const ticketEngineers = pgTable(
  'ticket_engineers',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').$type<TicketEngineerRole>().notNull(),
    /** For an expert: the question they were asked. */
    note: text('note'),
    invitedById: uuid('invited_by_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.userId] }),
    // The visibility rule's probe: "tickets I work on" (repository.visibleTo).
    index('ticket_engineers_user_idx').on(t.userId, t.ticketId),
    check('ticket_engineers_role_check', sql`${t.role} in ('helper','expert')`),
  ],
);

/** The on-call rota: who of a center is on call from when to when. */
export const onCallShifts = pgTable(
  'on_call_shifts',
  {
    id: id(),
    centerId: uuid('center_id')
      .notNull()
      .references(() => serviceCenters.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    note: text('note'),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index('on_call_shifts_center_idx').on(t.centerId, t.startsAt),
    index('on_call_shifts_user_idx').on(t.userId, t.startsAt),
    check('on_call_shifts_period_check', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/** A visit to a site for a ticket; a ticket may need several. */
export const visits = pgTable(
  'visits',
  {
    id: id(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    siteId: uuid('site_id').references(() => sites.id),
    status: text('status').$type<VisitStatus>().notNull().default('planned'),
    plannedStart: instant('planned_start').notNull(),
    plannedEnd: instant('planned_end').notNull(),
    departedAt: instant('departed_at'),
    arrivedAt: instant('arrived_at'),
    finishedAt: instant('finished_at'),
    cancelledAt: instant('cancelled_at'),
    cancelReason: text('cancel_reason'),
    /** Set when finished: restored, needs another visit, needs parts. */
    result: text('result').$type<VisitResult>(),
    notes: text('notes'),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('visits_ticket_idx').on(t.ticketId, t.plannedStart),
    // The board's timeline and "my work today": visits not yet finished, by planned start.
    index('visits_open_planned_idx').on(t.plannedStart).where(sql`${t.status} in ('planned','departed','on_site')`),
    check('visits_status_check', sql`${t.status} in ('planned','departed','on_site','finished','cancelled')`),
    check('visits_result_check', sql`${t.result} in ('restored','another_visit','needs_parts')`),
    check('visits_window_check', sql`${t.plannedEnd} > ${t.plannedStart}`),
  ],
);

/** The engineers of a visit; one of them leads it. */
export const visitEngineers = pgTable(
  'visit_engineers',
  {
    visitId: uuid('visit_id')
      .notNull()
      .references(() => visits.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    lead: boolean('lead').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.visitId, t.userId] }), index('visit_engineers_user_idx').on(t.userId, t.visitId)],
);

/** The devices a visit is for. */
export const visitDevices = pgTable(
  'visit_devices',
  {
    visitId: uuid('visit_id')
      .notNull()
      .references(() => visits.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id),
  },
  (t) => [primaryKey({ columns: [t.visitId, t.deviceId] }), index('visit_devices_device_idx').on(t.deviceId)],
);

/**
 * The service record (服务记录单 / 运维服务日志) of a visit. A draft is edited; signing (or the
 * customer's refusal) freezes it with the SHA-256 of its content. A correction of a frozen record is
 * a new version (`previousId`); the visit's record is its highest version.
 */
export const serviceRecords = pgTable(
  'service_records',
  {
    id: id(),
    visitId: uuid('visit_id')
      .notNull()
      .references(() => visits.id, { onDelete: 'cascade' }),
    version: integer('version').notNull().default(1),
    previousId: uuid('previous_id').references((): AnyPgColumn => serviceRecords.id),
    status: text('status').$type<ServiceRecordStatus>().notNull().default('draft'),
    findings: text('findings').notNull().default(''),
    workDone: text('work_done').notNull().default(''),
    /** Parts used: filled in by hand now; the parts issue links them to its ledger. */
    parts: jsonb('parts').$type<ServiceRecordPart[]>().notNull().default([]),
    timeSpentMinutes: integer('time_spent_minutes'),
    result: text('result').$type<VisitResult>(),
    /** Photos: attachments of the ticket, in order. */
    photoIds: uuid('photo_ids').array().notNull().default(sql`'{}'::uuid[]`),
    signerName: text('signer_name'),
    signedAt: instant('signed_at'),
    /** The signature drawn on the pad: a PNG attachment of the ticket. */
    signatureId: uuid('signature_id').references(() => attachments.id),
    refusalReason: text('refusal_reason'),
    /** SHA-256 (hex) of the frozen content (GET …/verify recomputes it). */
    contentHash: text('content_hash'),
    createdById: uuid('created_by_id').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
    frozenById: uuid('frozen_by_id').references(() => users.id),
  },
  (t) => [
    uniqueIndex('service_records_visit_version_key').on(t.visitId, t.version),
    // One draft per visit at a time: two engineers saving at once edit the same draft.
    uniqueIndex('service_records_visit_draft_key').on(t.visitId).where(sql`${t.status} = 'draft'`),
    check('service_records_status_check', sql`${t.status} in ('draft','signed','refused')`),
    check('service_records_result_check', sql`${t.result} in ('restored','another_visit','needs_parts')`),
    check('service_records_time_check', sql`${t.timeSpentMinutes} between 0 and 100000`),
  ],
);
