/**
 * The audit log: who changed what, when, with the values before and after. Every service that
 * writes a business object records here inside the same transaction as the write.
 */
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { auditLog, users } from '../../db/schema';
import type { Clock } from '../../platform/clock';
import type { Actor } from '../../platform/actor';
import { currentTokenId } from '../../platform/request-context';
import { labelEntries } from './labels';
import { auditScope } from './scope';

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  actorId?: string;
  action?: string;
  /** ISO instants: entries at or after `from`, before `to`. */
  from?: string;
  to?: string;
  before?: number;
  limit: number;
}

/** An audit row as it is inserted. */
export type AuditRow = typeof auditLog.$inferInsert;

export interface AuditContext {
  actorId: string | null;
  ip?: string;
  /** The API token the change came through; defaults to the current request's. */
  tokenId?: string | null;
}

/** Fields never copied into the log. */
const SECRET_FIELDS = new Set(['passwordHash', 'password', 'password_hash', 'tokenHash', 'token']);

function scrub(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(scrub);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !SECRET_FIELDS.has(k))
      .map(([k, v]) => [k, scrub(v)]),
  );
}

/** Only the fields that changed, so the log reads as a diff. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    const was = scrub(before[key]);
    const now = scrub(after[key]);
    if (JSON.stringify(was) !== JSON.stringify(now)) {
      b[key] = was;
      a[key] = now;
    }
  }
  return { before: b, after: a };
}

export function createAudit(clock: Clock) {
  const entry = (ctx: AuditContext, entity: string, entityId: string, action: string, before?: unknown, after?: unknown): AuditRow => ({
    actorId: ctx.actorId,
    ip: ctx.ip,
    tokenId: ctx.tokenId !== undefined ? ctx.tokenId : currentTokenId(),
    entity,
    entityId,
    action,
    before: scrub(before) ?? null,
    after: scrub(after) ?? null,
    at: clock.now(),
  });
  return {
    async record(
      db: Db,
      ctx: AuditContext,
      entity: string,
      entityId: string,
      action: string,
      before?: unknown,
      after?: unknown,
    ) {
      await db.insert(auditLog).values(entry(ctx, entity, entityId, action, before, after));
    },

    /**
     * The same entry as a row, not written: a ticket write takes it (`write.audit`) and writes its
     * rows, in order, in the statement that records its domain events — one round trip.
     */
    entry,

    /** The SQL of a page (bench/audit-explain.ts EXPLAINs it), without running it. */
    listQuery,

    /**
     * The newest entries first, only those about objects the actor may see (scope.ts), filtered by
     * person, kind of object, action and time, keyset-paged on the id (`before`), each with its
     * object's label and the labels of ids in its values (labels.ts, batched per page).
     */
    async list(db: Db, actor: Actor, query: AuditQuery) {
      return db.transaction(async (tx) => {
        // The planner prices a scoped reader's page (the scope's subplans on every row) far above
        // what it costs to run, and JIT-compiling it then takes longer than running it: 200 ms
        // instead of 30 for a manager's "last week" on 200,000 entries (bench/audit-explain.ts).
        await tx.execute(sql`set local jit = off`);
        const rows = await listQuery(tx, actor, query);
        const labels = await labelEntries(tx, actor, rows);
        return rows.map((row) => {
          const { label, detail, parentId } = labels.label(row);
          return { ...row, entityLabel: label, entityDetail: detail, entityParentId: parentId, refs: labels.refs(row) };
        });
      });
    },
  };
}

/** A page of entries the actor may read, newest first (no labels yet). */
function listQuery(db: Db, actor: Actor, query: AuditQuery) {
  const conditions = [
    auditScope(db, actor),
    query.entity ? eq(auditLog.entity, query.entity) : undefined,
    query.entityId ? eq(auditLog.entityId, query.entityId) : undefined,
    query.actorId ? eq(auditLog.actorId, query.actorId) : undefined,
    query.action ? eq(auditLog.action, query.action) : undefined,
    query.from ? gte(auditLog.at, new Date(query.from)) : undefined,
    query.to ? lt(auditLog.at, new Date(query.to)) : undefined,
    query.before ? lt(auditLog.id, query.before) : undefined,
  ];
  return db
    .select({
      id: auditLog.id,
      entity: auditLog.entity,
      entityId: auditLog.entityId,
      action: auditLog.action,
      before: auditLog.before,
      after: auditLog.after,
      ip: auditLog.ip,
      tokenId: auditLog.tokenId,
      at: auditLog.at,
      actorId: auditLog.actorId,
      actorName: users.name,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(query.limit);
}

export type Audit = ReturnType<typeof createAudit>;
