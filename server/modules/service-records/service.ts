/**
 * Service records (服务记录单): draft, sign or refuse, versions, verify, PDF (field service, issue 12).
 *
 * - A visit's record is a draft while it is on site or finished; its engineers (or whoever plans
 *   visits and sees the ticket) edit it. Signing (or the customer's refusal) freezes it with the
 *   SHA-256 of its content (domain/field-service/record-hash.ts); a frozen record never changes:
 *   a correction is a new draft version pointing to it.
 * - Readers: whoever sees the ticket (customers: their organisation's); 404 otherwise.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { ServiceRecord, ServiceRecordRefuse, ServiceRecordSign, ServiceRecordUpdate } from '../../../common/api/field-service';
import type { Db } from '../../db/client';
import { attachments, serviceRecords, tickets, users, visits } from '../../db/schema';
import { isCustomer, type Actor } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import type { FieldServiceDeps } from '../field-service-deps';
import { visibleTo } from '../tickets/repository';
import { createServiceRecordWrites } from './writes';

export type ServiceRecordRow = typeof serviceRecords.$inferSelect;

/** The records of the given rows as the API shows them, to this actor (customers: public photos only). */
export async function presentRecords(db: Db, actor: Actor, rows: ServiceRecordRow[]): Promise<ServiceRecord[]> {
  if (!rows.length) return [];
  const visitIds = [...new Set(rows.map((r) => r.visitId))];
  const ticketsOf = await db
    .select({ visitId: visits.id, id: tickets.id, number: tickets.number, title: tickets.title })
    .from(visits)
    .innerJoin(tickets, eq(tickets.id, visits.ticketId))
    .where(inArray(visits.id, visitIds));
  const ticketOf = new Map(ticketsOf.map((t) => [t.visitId, { id: t.id, number: t.number, title: t.title }]));
  const photoIds = [...new Set(rows.flatMap((r) => r.photoIds))];
  const photos = photoIds.length
    ? await db.select({ id: attachments.id, filename: attachments.filename, public: attachments.public }).from(attachments).where(inArray(attachments.id, photoIds))
    : [];
  const photoOf = new Map(photos.map((p) => [p.id, p]));
  const userIds = [...new Set(rows.map((r) => r.createdById).filter((x): x is string => Boolean(x)))];
  const names = userIds.length ? await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds)) : [];
  const nameOf = new Map(names.map((u) => [u.id, u.name]));
  const customer = isCustomer(actor);
  return rows.map((r) => ({
    id: r.id,
    visitId: r.visitId,
    ticket: ticketOf.get(r.visitId)!,
    version: r.version,
    previousId: r.previousId,
    status: r.status,
    findings: r.findings,
    workDone: r.workDone,
    parts: r.parts,
    timeSpentMinutes: r.timeSpentMinutes,
    result: r.result,
    photos: r.photoIds
      .map((id) => photoOf.get(id))
      .filter((p): p is NonNullable<typeof p> => Boolean(p) && (!customer || p!.public))
      .map((p) => ({ id: p.id, filename: p.filename, url: `/api/attachments/${p.id}` })),
    signerName: r.signerName,
    signedAt: r.signedAt?.toISOString() ?? null,
    signatureUrl: r.signatureId ? `/api/attachments/${r.signatureId}` : null,
    refusalReason: r.refusalReason,
    contentHash: r.contentHash,
    pdfUrl: `/api/service-records/${r.id}/pdf`,
    createdBy: r.createdById ? { id: r.createdById, name: nameOf.get(r.createdById) ?? '' } : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

/** A record the actor may see (its ticket is visible), or 404. */
export async function findVisibleRecord(db: Db, actor: Actor, id: string): Promise<ServiceRecordRow> {
  const [row] = await db
    .select({ record: serviceRecords })
    .from(serviceRecords)
    .innerJoin(visits, eq(visits.id, serviceRecords.visitId))
    .innerJoin(tickets, eq(tickets.id, visits.ticketId))
    .where(and(eq(serviceRecords.id, id), visibleTo(actor)));
  if (!row) throw notFound('service_record.not_found', 'Service record');
  return row.record;
}

export function createServiceRecordService(deps: FieldServiceDeps) {
  const { db } = deps;
  const writes = createServiceRecordWrites(deps);

  const present = async (actor: Actor, row: ServiceRecordRow) => (await presentRecords(db, actor, [row]))[0]!;

  return {
    saveForVisit: async (actor: Actor, visitId: string, input: ServiceRecordUpdate) => present(actor, await writes.saveForVisit(actor, visitId, input)),
    update: async (actor: Actor, id: string, input: ServiceRecordUpdate) => present(actor, await writes.update(actor, id, input)),
    sign: async (actor: Actor, id: string, input: ServiceRecordSign) => present(actor, await writes.sign(actor, id, input)),
    refuse: async (actor: Actor, id: string, input: ServiceRecordRefuse) => present(actor, await writes.refuse(actor, id, input)),
    correct: async (actor: Actor, id: string) => present(actor, await writes.correct(actor, id)),
    verify: writes.verify,
    pdf: writes.pdf,

    /** Every version of every visit's record of a ticket, by visit then version (404 when the ticket is not visible). */
    async listForTicket(actor: Actor, ticketId: string): Promise<ServiceRecord[]> {
      const [ticket] = await db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, ticketId), visibleTo(actor)));
      if (!ticket) throw notFound('ticket.not_found', 'Ticket');
      const rows = await db
        .select({ record: serviceRecords })
        .from(serviceRecords)
        .innerJoin(visits, eq(visits.id, serviceRecords.visitId))
        .where(eq(visits.ticketId, ticketId))
        .orderBy(asc(visits.plannedStart), asc(visits.id), asc(serviceRecords.version));
      return presentRecords(db, actor, rows.map((r) => r.record));
    },

    async get(actor: Actor, id: string): Promise<ServiceRecord> {
      const row = await findVisibleRecord(db, actor, id);
      return (await presentRecords(db, actor, [row]))[0]!;
    },

    /** A visit's record: its highest version (404 when the visit has none or is not visible). */
    async forVisit(actor: Actor, visitId: string): Promise<ServiceRecord> {
      const [row] = await db
        .select({ record: serviceRecords })
        .from(serviceRecords)
        .innerJoin(visits, eq(visits.id, serviceRecords.visitId))
        .innerJoin(tickets, eq(tickets.id, visits.ticketId))
        .where(and(eq(serviceRecords.visitId, visitId), visibleTo(actor)))
        .orderBy(desc(serviceRecords.version))
        .limit(1);
      if (!row) throw notFound('service_record.not_found', 'Service record');
      return (await presentRecords(db, actor, [row.record]))[0]!;
    },
  };
}

export type ServiceRecordService = ReturnType<typeof createServiceRecordService>;
