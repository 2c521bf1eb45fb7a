/**
 * The content of a frozen service record (服务记录单) and its SHA-256: what signing (or the
 * customer's refusal) seals, and what GET …/verify recomputes from the stored rows.
 *
 * Only what is fixed once the record is frozen goes in: identifiers rather than names for sites
 * and people (a renamed engineer must not make a genuine record look tampered with), devices by
 * serial, photos and the signature by the SHA-256 of their bytes. The visit's finish time counts
 * only when it came before the freeze (a record is usually signed on site, before check-out).
 * Canonical JSON: object keys sorted at every level, arrays in their order, no spaces.
 */
import crypto from 'node:crypto';

export interface RecordHashInput {
  ticketNumber: string;
  visit: {
    id: string;
    plannedStart: Date;
    plannedEnd: Date;
    departedAt: Date | null;
    arrivedAt: Date | null;
    finishedAt: Date | null;
  };
  siteId: string | null;
  deviceSerials: readonly string[];
  /** Engineer ids; order does not matter. */
  engineerIds: readonly string[];
  version: number;
  findings: string;
  workDone: string;
  parts: readonly { partNumber?: string | null; name: string; quantity: number; serials?: readonly string[] }[];
  timeSpentMinutes: number | null;
  result: string | null;
  /** SHA-256 of each photo, in the record's order. */
  photoSha256s: readonly string[];
  status: 'signed' | 'refused' | 'draft';
  signerName: string | null;
  /** The moment the record was frozen (signed or refused). */
  signedAt: Date | null;
  signatureSha256: string | null;
  refusalReason: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The canonical content object (plain JSON values only). */
export function recordContent(input: RecordHashInput): Record<string, unknown> {
  const finishedBeforeFreeze = input.visit.finishedAt && (!input.signedAt || input.visit.finishedAt <= input.signedAt) ? input.visit.finishedAt : null;
  return {
    ticketNumber: input.ticketNumber,
    visit: {
      id: input.visit.id,
      plannedStart: iso(input.visit.plannedStart),
      plannedEnd: iso(input.visit.plannedEnd),
      departedAt: iso(input.visit.departedAt),
      arrivedAt: iso(input.visit.arrivedAt),
      finishedAt: iso(finishedBeforeFreeze),
    },
    siteId: input.siteId,
    deviceSerials: [...input.deviceSerials].sort(),
    engineerIds: [...input.engineerIds].sort(),
    version: input.version,
    findings: input.findings,
    workDone: input.workDone,
    parts: input.parts.map((p) => ({ partNumber: p.partNumber ?? null, name: p.name, quantity: p.quantity, serials: [...(p.serials ?? [])] })),
    timeSpentMinutes: input.timeSpentMinutes,
    result: input.result,
    photoSha256s: [...input.photoSha256s],
    status: input.status,
    signerName: input.signerName,
    signedAt: iso(input.signedAt),
    signatureSha256: input.signatureSha256,
    refusalReason: input.refusalReason,
  };
}

/** JSON with object keys sorted at every level (undefined members dropped, as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 (hex) of the record's canonical content. */
export function recordHash(input: RecordHashInput): string {
  return crypto.createHash('sha256').update(canonicalJson(recordContent(input)), 'utf8').digest('hex');
}
