/**
 * Saved queue views. Who may do what (decided here, on top of the route's `views.use`):
 * - everyone on staff lists their own views and every shared view, and makes personal views;
 * - a person changes or deletes only their own views;
 * - making a view shared, or changing or deleting a shared view, takes `views.share` (managers and
 *   administrators) — and a manager changes only the shared views they own, an administrator any;
 * - names are unique per owner whatever their case (409 `view.name_taken`).
 * Another person's personal view answers 404, as if it did not exist.
 */
import { and, asc, eq, ne, or, sql } from 'drizzle-orm';
import type { SavedView, SavedViewCreate, SavedViewUpdate } from '../../../common/api/views';
import { SavedViewCreate as SavedViewCreateSchema, ViewColumn, ViewQuery } from '../../../common/api/views';
import { can } from '../../../common/permissions';
import type { Db } from '../../db/client';
import { savedViews, users } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, notFound } from '../../platform/errors';
import type { Audit } from '../audit';

type Row = typeof savedViews.$inferSelect;

function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '23505') return true;
  return false;
}

/** 409 naming the field, so a form puts the message on its name. */
const nameTakenError = (name: string) =>
  new AppError('view.name_taken', `You already have a view named "${name}"`, {
    name,
    fields: [{ path: 'name', message: 'taken', key: 'field.taken' }],
  });

export function createViewService(deps: { db: Db; clock: Clock; audit: Audit }) {
  const { db, clock, audit } = deps;

  const present = (row: Row, ownerName: string, actor: Actor): SavedView => ({
    id: row.id,
    name: row.name,
    shared: row.shared,
    owner: { id: row.ownerId, name: ownerName },
    editable: row.shared ? can(actor.role, 'views.share') && (row.ownerId === actor.id || actor.role === 'admin') : row.ownerId === actor.id,
    // Stored through the same schemas; a view written by an older version keeps only what is still valid.
    query: ViewQuery.catch({}).parse(row.query),
    columns: ViewColumn.array().catch([]).parse(row.columns),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });

  const requireShare = (actor: Actor) => {
    if (!can(actor.role, 'views.share')) {
      throw new AppError('view.share_forbidden', 'Only a manager or an administrator may share a view or change a shared one', { role: actor.role });
    }
  };

  async function nameTaken(tx: Db, ownerId: string, name: string, exceptId?: string) {
    const [hit] = await tx
      .select({ id: savedViews.id })
      .from(savedViews)
      .where(and(eq(savedViews.ownerId, ownerId), sql`lower(${savedViews.name}) = lower(${name})`, exceptId ? ne(savedViews.id, exceptId) : undefined));
    if (hit) throw nameTakenError(name);
  }

  /** The view if the actor may see it (own or shared), else 404. */
  async function visible(tx: Db, actor: Actor, id: string, lock = false) {
    const q = tx
      .select()
      .from(savedViews)
      .where(and(eq(savedViews.id, id), or(eq(savedViews.ownerId, actor.id), eq(savedViews.shared, true))));
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw notFound('view.not_found', 'View');
    return row;
  }

  /** May the actor change (or delete) this view? Throws 403 when not. */
  function assertEditable(actor: Actor, row: Row) {
    if (row.shared) {
      requireShare(actor);
      if (row.ownerId !== actor.id && actor.role !== 'admin') {
        throw new AppError('view.not_owner', 'Only its owner or an administrator may change this shared view');
      }
    } else if (row.ownerId !== actor.id) {
      throw notFound('view.not_found', 'View');
    }
  }

  async function withOwner(row: Row, actor: Actor) {
    const [owner] = await db.select({ name: users.name }).from(users).where(eq(users.id, row.ownerId));
    return present(row, owner?.name ?? '', actor);
  }

  const mapUnique = (error: unknown, name: string | undefined): never => {
    if (isUniqueViolation(error)) throw nameTakenError(name ?? '');
    throw error;
  };

  return {
    async list(actor: Actor): Promise<SavedView[]> {
      const rows = await db
        .select({ view: savedViews, ownerName: users.name })
        .from(savedViews)
        .innerJoin(users, eq(users.id, savedViews.ownerId))
        .where(or(eq(savedViews.ownerId, actor.id), eq(savedViews.shared, true)))
        .orderBy(asc(savedViews.shared), sql`lower(${savedViews.name})`, asc(savedViews.id));
      return rows.map((r) => present(r.view, r.ownerName, actor));
    },

    async create(actor: Actor, raw: SavedViewCreate): Promise<SavedView> {
      const input = SavedViewCreateSchema.parse(raw);
      if (input.shared) requireShare(actor);
      const now = clock.now();
      const row = await db
        .transaction(async (tx) => {
          await nameTaken(tx, actor.id, input.name);
          const [created] = await tx
            .insert(savedViews)
            .values({ name: input.name, ownerId: actor.id, shared: input.shared, query: input.query, columns: input.columns, createdAt: now, updatedAt: now })
            .returning();
          if (created!.shared) await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'saved_view', created!.id, 'created', null, created);
          return created!;
        })
        .catch((e) => mapUnique(e, input.name));
      return withOwner(row, actor);
    },

    async update(actor: Actor, id: string, patch: SavedViewUpdate): Promise<SavedView> {
      const row = await db
        .transaction(async (tx) => {
          const current = await visible(tx, actor, id, true);
          assertEditable(actor, current);
          if (patch.shared === true && !current.shared) requireShare(actor);
          if (patch.name !== undefined) await nameTaken(tx, current.ownerId, patch.name, id);
          const [updated] = await tx
            .update(savedViews)
            .set({ ...patch, updatedAt: clock.now() })
            .where(eq(savedViews.id, id))
            .returning();
          if (current.shared || updated!.shared) {
            await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'saved_view', id, 'updated', current, updated);
          }
          return updated!;
        })
        .catch((e) => mapUnique(e, patch.name));
      return withOwner(row, actor);
    },

    async remove(actor: Actor, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const current = await visible(tx, actor, id, true);
        assertEditable(actor, current);
        await tx.delete(savedViews).where(eq(savedViews.id, id));
        if (current.shared) await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'saved_view', id, 'deleted', current, null);
      });
    },
  };
}

export type ViewService = ReturnType<typeof createViewService>;
