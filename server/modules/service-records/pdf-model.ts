/** What the service record PDF shows, read from the stored rows (pdf.ts draws it). */
import fs from 'node:fs';
import path from 'node:path';
import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { attachments, customers, devices, products, serviceRecords, sites, tickets, users, visitDevices, visitEngineers, visits } from '../../db/schema';
import type { ServiceRecordRow } from './service';

export interface RecordPdfModel {
  deskName: string;
  ticket: { number: string; title: string; severity: string };
  customer: string;
  site: { name: string; address: string | null } | null;
  devices: { serial: string; model: string }[];
  engineers: string[];
  planned: string;
  departedAt: string | null;
  arrivedAt: string | null;
  finishedAt: string | null;
  findings: string;
  workDone: string;
  parts: { partNumber: string | null; name: string; quantity: number; serials: string[] }[];
  timeSpentMinutes: number | null;
  result: string | null;
  status: 'draft' | 'signed' | 'refused';
  version: number;
  previousVersion: number | null;
  signerName: string | null;
  signedAt: string | null;
  signature: Buffer | null;
  refusalReason: string | null;
  contentHash: string | null;
}

/** The desk's name on the header: no setting names the organisation yet. */
export const DESK_NAME = '服务台';

/** `YYYY-MM-DD HH:mm` in the desk's time zone. */
export function formatLocal(d: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

export async function loadPdfModel(db: Db, where: { timeZone: string; filesDir: string }, record: ServiceRecordRow): Promise<RecordPdfModel> {
  const { timeZone, filesDir } = where;
  const [row] = await db
    .select({ visit: visits, number: tickets.number, title: tickets.title, severity: tickets.severity, customer: customers.name })
    .from(visits)
    .innerJoin(tickets, eq(tickets.id, visits.ticketId))
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .where(eq(visits.id, record.visitId));
  const visit = row!.visit;
  const [site] = visit.siteId ? await db.select({ name: sites.name, address: sites.address }).from(sites).where(eq(sites.id, visit.siteId)) : [];
  const deviceRows = await db
    .select({ serial: devices.serial, model: products.model })
    .from(visitDevices)
    .innerJoin(devices, eq(devices.id, visitDevices.deviceId))
    .innerJoin(products, eq(products.id, devices.productId))
    .where(eq(visitDevices.visitId, visit.id))
    .orderBy(asc(devices.serial));
  const engineerRows = await db
    .select({ name: users.name })
    .from(visitEngineers)
    .innerJoin(users, eq(users.id, visitEngineers.userId))
    .where(eq(visitEngineers.visitId, visit.id))
    .orderBy(desc(visitEngineers.lead), asc(users.name));
  const [previous] = record.previousId ? await db.select({ version: serviceRecords.version }).from(serviceRecords).where(eq(serviceRecords.id, record.previousId)) : [];
  let signature: Buffer | null = null;
  if (record.signatureId) {
    const [file] = await db.select({ storageKey: attachments.storageKey }).from(attachments).where(inArray(attachments.id, [record.signatureId]));
    if (file) signature = await fs.promises.readFile(path.join(filesDir, file.storageKey)).catch(() => null);
  }
  const at = (d: Date | null) => (d ? formatLocal(d, timeZone) : null);
  return {
    deskName: DESK_NAME,
    ticket: { number: row!.number, title: row!.title, severity: row!.severity },
    customer: row!.customer,
    site: site ? { name: site.name, address: site.address } : null,
    devices: deviceRows,
    engineers: engineerRows.map((e) => e.name),
    planned: `${formatLocal(visit.plannedStart, timeZone)} – ${formatLocal(visit.plannedEnd, timeZone)}`,
    departedAt: at(visit.departedAt),
    arrivedAt: at(visit.arrivedAt),
    finishedAt: at(visit.finishedAt),
    findings: record.findings,
    workDone: record.workDone,
    parts: record.parts.map((p) => ({ partNumber: p.partNumber ?? null, name: p.name, quantity: p.quantity, serials: p.serials ?? [] })),
    timeSpentMinutes: record.timeSpentMinutes,
    result: record.result,
    status: record.status,
    version: record.version,
    previousVersion: previous?.version ?? null,
    signerName: record.signerName,
    signedAt: at(record.signedAt),
    signature,
    refusalReason: record.refusalReason,
    contentHash: record.contentHash,
  };
}
