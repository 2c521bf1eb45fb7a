/**
 * Service record writes: the draft (create on first save, edit), sign, refuse, correct. Every write
 * goes through the ticket write path (`commands.change`): the ticket row is locked, so two
 * engineers saving at once edit one draft, and the timeline entry and audit rows commit with it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { ServiceRecordRefuse, ServiceRecordSign, ServiceRecordUpdate, ServiceRecordVerification } from '../../../common/api/field-service';
import { can } from '../../../common/permissions';
import type { Db } from '../../db/client';
import { attachments, devices, serviceRecords, tickets, visitDevices, visitEngineers, visits } from '../../db/schema';
import { recordHash, type RecordHashInput } from '../../domain/field-service/record-hash';
import type { Actor } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import type { FieldServiceDeps } from '../field-service-deps';
import { addEvent } from '../tickets/events';
import { visibleTo } from '../tickets/repository';
import type { TicketWrite } from '../tickets/command';
import { renderRecordPdf } from './pdf';
import { loadPdfModel } from './pdf-model';
import type { ServiceRecordRow } from './service';

/** The decoded signature image may be at most this large. */
export const MAX_SIGNATURE_BYTES = 512 * 1024;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const OPEN_VISIT = new Set(['on_site', 'finished']);

type VisitRow = typeof visits.$inferSelect;

/** The PNG bytes of a `data:image/png;base64,…` URL, or 400. */
export function decodeSignature(dataUrl: string): Buffer {
  const comma = dataUrl.indexOf(',');
  const bytes = Buffer.from(dataUrl.slice(comma + 1), 'base64');
  if (bytes.length > MAX_SIGNATURE_BYTES) {
    throw new AppError('service_record.signature_too_large', `signature: at most ${MAX_SIGNATURE_BYTES / 1024} KB decoded`, {
      maxKb: MAX_SIGNATURE_BYTES / 1024,
      fields: [{ path: 'body.signature', message: 'too large', key: 'field.invalid' }],
    });
  }
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_MAGIC)) {
    throw new AppError('service_record.signature_invalid', 'signature: the data is not a PNG image', {
      fields: [{ path: 'body.signature', message: 'not a PNG image', key: 'field.invalid' }],
    });
  }
  return bytes;
}

/** Everything the hash covers, read from the stored rows (sign, refuse and verify read it the same way). */
export async function loadHashInput(db: Db, record: ServiceRecordRow): Promise<RecordHashInput> {
  const [visit] = await db
    .select({ visit: visits, number: tickets.number })
    .from(visits)
    .innerJoin(tickets, eq(tickets.id, visits.ticketId))
    .where(eq(visits.id, record.visitId));
  const serials = await db
    .select({ serial: devices.serial })
    .from(visitDevices)
    .innerJoin(devices, eq(devices.id, visitDevices.deviceId))
    .where(eq(visitDevices.visitId, record.visitId));
  const engineers = await db.select({ id: visitEngineers.userId }).from(visitEngineers).where(eq(visitEngineers.visitId, record.visitId));
  const fileIds = [...record.photoIds, ...(record.signatureId ? [record.signatureId] : [])];
  const files = fileIds.length ? await db.select({ id: attachments.id, sha256: attachments.sha256 }).from(attachments).where(inArray(attachments.id, fileIds)) : [];
  const shaOf = new Map(files.map((f) => [f.id, f.sha256]));
  const v = visit!.visit;
  return {
    ticketNumber: visit!.number,
    visit: { id: v.id, plannedStart: v.plannedStart, plannedEnd: v.plannedEnd, departedAt: v.departedAt, arrivedAt: v.arrivedAt, finishedAt: v.finishedAt },
    siteId: v.siteId,
    deviceSerials: serials.map((s) => s.serial),
    engineerIds: engineers.map((e) => e.id),
    version: record.version,
    findings: record.findings,
    workDone: record.workDone,
    parts: record.parts,
    timeSpentMinutes: record.timeSpentMinutes,
    result: record.result,
    photoSha256s: record.photoIds.map((id) => shaOf.get(id) ?? 'missing'),
    status: record.status,
    signerName: record.signerName,
    signedAt: record.signedAt,
    signatureSha256: record.signatureId ? (shaOf.get(record.signatureId) ?? 'missing') : null,
    refusalReason: record.refusalReason,
  };
}

export function createServiceRecordWrites(deps: FieldServiceDeps) {
  const { db, audit, commands, filesDir } = deps;
  /** Where a new file goes: the attachments' layout (year/month/uuid). */
  const storageKeyNow = () => {
    const now = deps.clock.now();
    return path.posix.join(String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), crypto.randomUUID());
  };

  /** The visit and its ticket, if the actor sees the ticket (404 otherwise). */
  async function visibleVisit(actor: Actor, visitId: string): Promise<VisitRow> {
    const [row] = await db
      .select({ visit: visits })
      .from(visits)
      .innerJoin(tickets, eq(tickets.id, visits.ticketId))
      .where(and(eq(visits.id, visitId), visibleTo(actor)));
    if (!row) throw notFound('service_record.visit_not_found', 'Visit');
    return row.visit;
  }

  async function visibleRecord(actor: Actor, id: string) {
    const [row] = await db
      .select({ record: serviceRecords, ticketId: visits.ticketId })
      .from(serviceRecords)
      .innerJoin(visits, eq(visits.id, serviceRecords.visitId))
      .innerJoin(tickets, eq(tickets.id, visits.ticketId))
      .where(and(eq(serviceRecords.id, id), visibleTo(actor)));
    if (!row) throw notFound('service_record.not_found', 'Service record');
    return row;
  }

  /** The visit's engineers write its record; so does whoever plans visits (and sees the ticket). */
  async function assertWriter(tx: Db, actor: Actor, visitId: string) {
    if (can(actor.role, 'visits.plan')) return;
    const [mine] = await tx
      .select({ userId: visitEngineers.userId })
      .from(visitEngineers)
      .where(and(eq(visitEngineers.visitId, visitId), eq(visitEngineers.userId, actor.id)));
    if (!mine) throw new AppError('service_record.not_visit_engineer', "Only the visit's engineers or a dispatcher may write its service record");
  }

  const lockRecord = async (tx: Db, id: string) => {
    const [row] = await tx.select().from(serviceRecords).where(eq(serviceRecords.id, id)).for('update');
    return row!;
  };

  function assertDraft(record: ServiceRecordRow) {
    if (record.status !== 'draft') {
      throw new AppError('service_record.frozen', `The service record is ${record.status} and can no longer change; create a corrected version (POST /api/service-records/${record.id}/correct)`, {
        status: record.status,
      });
    }
  }

  /** Photo ids must be attachments of the visit's ticket. */
  async function assertPhotos(tx: Db, ticketId: string, photoIds: readonly string[]) {
    if (!photoIds.length) return;
    const found = await tx
      .select({ id: attachments.id })
      .from(attachments)
      .where(and(eq(attachments.ticketId, ticketId), inArray(attachments.id, [...photoIds])));
    const known = new Set(found.map((f) => f.id));
    const bad = photoIds.filter((id) => !known.has(id));
    if (bad.length) {
      throw new AppError('service_record.photo_invalid', `photoIds: not attachments of this ticket: ${bad.join(', ')}`, {
        ids: bad,
        fields: [{ path: 'body.photoIds', message: 'not attachments of this ticket', key: 'field.invalid' }],
      });
    }
  }

  const contentOf = (r: ServiceRecordRow) => ({
    findings: r.findings,
    workDone: r.workDone,
    parts: r.parts,
    timeSpentMinutes: r.timeSpentMinutes,
    result: r.result,
    photoIds: r.photoIds,
  });

  async function applyUpdate(write: TicketWrite, actor: Actor, record: ServiceRecordRow, input: ServiceRecordUpdate, created: boolean) {
    const { tx, now } = write;
    assertDraft(record);
    if (input.photoIds) await assertPhotos(tx, write.ticket.id, [...new Set(input.photoIds)]);
    const fields = {
      ...(input.findings !== undefined ? { findings: input.findings } : {}),
      ...(input.workDone !== undefined ? { workDone: input.workDone } : {}),
      ...(input.parts !== undefined ? { parts: input.parts } : {}),
      ...(input.timeSpentMinutes !== undefined ? { timeSpentMinutes: input.timeSpentMinutes } : {}),
      ...(input.result !== undefined ? { result: input.result } : {}),
      ...(input.photoIds !== undefined ? { photoIds: [...new Set(input.photoIds)] } : {}),
    };
    // Nothing asked to change (`{}`): nothing written, no audit row.
    if (!created && Object.keys(fields).length === 0) return record;
    const [updated] = await tx
      .update(serviceRecords)
      .set({ ...fields, updatedAt: now })
      .where(eq(serviceRecords.id, record.id))
      .returning();
    write.audit(audit.entry({ actorId: actor.id, ip: actor.ip }, 'service_record', record.id, created ? 'created' : 'updated', created ? null : contentOf(record), contentOf(updated!)));
    return updated!;
  }

  /**
   * Freezes a draft: signed (with the signature attachment) or refused. The PDF is rendered after
   * the commit from the frozen rows and stored as a public attachment of the ticket.
   */
  async function freeze(
    actor: Actor,
    id: string,
    how: { status: 'signed'; signerName: string; png: Buffer } | { status: 'refused'; signerName: string | null; reason: string },
  ) {
    const { ticketId, record: seen } = await visibleRecord(actor, id);
    // The signature file is written before the transaction and removed if it fails.
    let stored: { storageKey: string; destination: string; sha256: string } | null = null;
    if (how.status === 'signed') {
      const storageKey = storageKeyNow();
      const destination = path.join(filesDir, storageKey);
      await fs.promises.mkdir(path.dirname(destination), { recursive: true });
      await fs.promises.writeFile(destination, how.png);
      stored = { storageKey, destination, sha256: crypto.createHash('sha256').update(how.png).digest('hex') };
    }
    try {
      const frozen = await commands.change(actor, ticketId, async (write) => {
        const { tx, now } = write;
        await assertWriter(tx, actor, seen.visitId);
        const record = await lockRecord(tx, id);
        assertDraft(record);
        let signatureId: string | null = null;
        if (how.status === 'signed' && stored) {
          const [file] = await tx
            .insert(attachments)
            .values({
              ticketId,
              filename: `签字-${write.ticket.number}-v${record.version}.png`,
              contentType: 'image/png',
              size: how.png.length,
              sha256: stored.sha256,
              storageKey: stored.storageKey,
              public: true,
              uploadedById: actor.id,
              createdAt: now,
            })
            .returning({ id: attachments.id });
          signatureId = file!.id;
        }
        const sealed: ServiceRecordRow = {
          ...record,
          status: how.status,
          signerName: how.signerName,
          signedAt: now,
          signatureId,
          refusalReason: how.status === 'refused' ? how.reason : null,
          updatedAt: now,
          frozenById: actor.id,
        };
        const contentHash = recordHash(await loadHashInput(tx, sealed));
        const [updated] = await tx
          .update(serviceRecords)
          .set({
            status: sealed.status,
            signerName: sealed.signerName,
            signedAt: now,
            signatureId,
            refusalReason: sealed.refusalReason,
            contentHash,
            updatedAt: now,
            frozenById: actor.id,
          })
          .where(eq(serviceRecords.id, id))
          .returning();
        await addEvent(tx, ticketId, actor.id, now, {
          kind: 'service_record',
          public: true,
          data: { action: how.status, recordId: id, visitId: record.visitId, version: record.version, ...(how.signerName ? { signerName: how.signerName } : {}) },
        });
        write.emit('ticket.service_record_frozen', { recordId: id, visitId: record.visitId, version: record.version, outcome: how.status, signerName: how.signerName });
        write.audit(
          audit.entry({ actorId: actor.id, ip: actor.ip }, 'service_record', id, how.status === 'signed' ? 'signed' : 'refused', { status: 'draft' }, {
            status: how.status,
            signerName: how.signerName,
            ...(how.status === 'refused' ? { reason: how.reason } : { signatureId }),
            contentHash,
          }),
        );
        return updated!;
      });
      try {
        await storePdf(actor, ticketId, frozen);
      } catch {
        // The record is frozen and answered as such; its PDF is still rendered on demand (GET …/pdf).
      }
      return frozen;
    } catch (error) {
      if (stored) await fs.promises.rm(stored.destination, { force: true });
      throw error;
    }
  }

  /** The frozen record's PDF, kept with the ticket for the customer (public attachment). */
  async function storePdf(actor: Actor, ticketId: string, record: ServiceRecordRow) {
    const model = await loadPdfModel(db, deps, record);
    const pdf = await renderRecordPdf(model);
    const storageKey = storageKeyNow();
    const destination = path.join(filesDir, storageKey);
    await fs.promises.mkdir(path.dirname(destination), { recursive: true });
    await fs.promises.writeFile(destination, pdf);
    try {
      await commands.change(actor, ticketId, async ({ tx, now }) => {
        const [file] = await tx
          .insert(attachments)
          .values({
            ticketId,
            filename: `服务记录单-${model.ticket.number}-v${record.version}.pdf`,
            contentType: 'application/pdf',
            size: pdf.length,
            sha256: crypto.createHash('sha256').update(pdf).digest('hex'),
            storageKey,
            public: true,
            uploadedById: actor.id,
            createdAt: now,
          })
          .returning({ id: attachments.id });
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'attachment', file!.id, 'uploaded', null, { ticketId, serviceRecordId: record.id, size: pdf.length });
      });
    } catch (error) {
      await fs.promises.rm(destination, { force: true });
      throw error;
    }
  }

  return {
    /** PUT /api/visits/:id/record: creates the draft (version 1) or edits the open one. */
    async saveForVisit(actor: Actor, visitId: string, input: ServiceRecordUpdate): Promise<ServiceRecordRow> {
      const seen = await visibleVisit(actor, visitId);
      return commands.change(actor, seen.ticketId, async (write) => {
        const { tx, now } = write;
        await assertWriter(tx, actor, visitId);
        const [visit] = await tx.select({ status: visits.status }).from(visits).where(eq(visits.id, visitId));
        if (!OPEN_VISIT.has(visit!.status)) {
          throw new AppError('service_record.visit_not_open', `The visit is ${visit!.status}: the service record is written on site or after the visit`, { status: visit!.status });
        }
        const [latest] = await tx.select().from(serviceRecords).where(eq(serviceRecords.visitId, visitId)).orderBy(desc(serviceRecords.version)).limit(1).for('update');
        if (latest) return applyUpdate(write, actor, latest, input, false);
        const [created] = await tx.insert(serviceRecords).values({ visitId, version: 1, createdById: actor.id, createdAt: now, updatedAt: now }).returning();
        return applyUpdate(write, actor, created!, input, true);
      });
    },

    /** PATCH /api/service-records/:id: edits a draft (409 service_record.frozen when signed or refused). */
    async update(actor: Actor, id: string, input: ServiceRecordUpdate): Promise<ServiceRecordRow> {
      const { ticketId, record: seen } = await visibleRecord(actor, id);
      return commands.change(actor, ticketId, async (write) => {
        await assertWriter(write.tx, actor, seen.visitId);
        return applyUpdate(write, actor, await lockRecord(write.tx, id), input, false);
      });
    },

    async sign(actor: Actor, id: string, input: ServiceRecordSign): Promise<ServiceRecordRow> {
      const png = decodeSignature(input.signature);
      return freeze(actor, id, { status: 'signed', signerName: input.signerName, png });
    },

    async refuse(actor: Actor, id: string, input: ServiceRecordRefuse): Promise<ServiceRecordRow> {
      return freeze(actor, id, { status: 'refused', signerName: input.signerName ?? null, reason: input.reason });
    },

    /** A new draft version of a frozen record, its content copied (409 when a draft exists or a newer version does). */
    async correct(actor: Actor, id: string): Promise<ServiceRecordRow> {
      const { ticketId, record: seen } = await visibleRecord(actor, id);
      return commands.change(actor, ticketId, async (write) => {
        const { tx, now } = write;
        await assertWriter(tx, actor, seen.visitId);
        const record = await lockRecord(tx, id);
        if (record.status === 'draft') throw new AppError('service_record.not_frozen', 'The service record is still a draft: edit it instead');
        const [latest] = await tx.select().from(serviceRecords).where(eq(serviceRecords.visitId, record.visitId)).orderBy(desc(serviceRecords.version)).limit(1);
        if (latest!.status === 'draft') {
          throw new AppError('service_record.draft_exists', `A draft (v${latest!.version}) of this visit's record already exists`, { version: latest!.version });
        }
        if (latest!.id !== record.id) throw new AppError('service_record.superseded', `A newer version (v${latest!.version}) exists: correct that one`, { version: latest!.version });
        const [created] = await tx
          .insert(serviceRecords)
          .values({ visitId: record.visitId, version: record.version + 1, previousId: record.id, ...contentOf(record), createdById: actor.id, createdAt: now, updatedAt: now })
          .returning();
        await addEvent(tx, ticketId, actor.id, now, {
          kind: 'service_record',
          public: false,
          data: { action: 'corrected', recordId: created!.id, visitId: record.visitId, version: created!.version, previousId: record.id },
        });
        write.audit(audit.entry({ actorId: actor.id, ip: actor.ip }, 'service_record', created!.id, 'corrected', { previousId: record.id, version: record.version }, { version: created!.version }));
        return created!;
      });
    },

    /** Recomputes the content hash from the stored rows and compares it with the sealed one. */
    async verify(actor: Actor, id: string): Promise<ServiceRecordVerification> {
      const { record } = await visibleRecord(actor, id);
      const computedHash = recordHash(await loadHashInput(db, record));
      return { id, status: record.status, storedHash: record.contentHash, computedHash, valid: record.contentHash !== null && record.contentHash === computedHash };
    },

    /** The A4 PDF of a record the actor may see. */
    async pdf(actor: Actor, id: string): Promise<{ filename: string; bytes: Buffer }> {
      const { record } = await visibleRecord(actor, id);
      const model = await loadPdfModel(db, deps, record);
      return { filename: `服务记录单-${model.ticket.number}-v${record.version}.pdf`, bytes: await renderRecordPdf(model) };
    },
  };
}
