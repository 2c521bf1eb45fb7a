/**
 * Service centers: HQ → regional → provincial, as a tree with a materialised path so that
 * "this center and everything under it" is one indexed prefix match.
 */
import crypto from 'node:crypto';
import { asc, eq, like, sql } from 'drizzle-orm';
import { CenterCreate as CenterCreateSchema, type Center, type CenterCreate, type CenterUpdate } from '../../../common/api';
import type { Db } from '../../db/client';
import { serviceCenters } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { fieldError, notFound } from '../../platform/errors';
import { diff, type Audit } from '../audit';

type CenterRow = typeof serviceCenters.$inferSelect;

const toDto = (row: CenterRow): Center => ({
  id: row.id,
  code: row.code,
  name: row.name,
  level: row.level,
  parentId: row.parentId,
  region: row.region,
  createdAt: row.createdAt.toISOString(),
});


export function createCenterService(deps: { db: Db; clock: Clock; audit: Audit }) {
  const { db, clock, audit } = deps;

  async function parentPath(tx: Db, parentId: string | null | undefined): Promise<string> {
    if (!parentId) return '/';
    const [parent] = await tx.select().from(serviceCenters).where(eq(serviceCenters.id, parentId));
    if (!parent) throw fieldError('parentId', 'field.no_such_center', 'no such service center');
    return parent.path;
  }

  return {
    async list(): Promise<Center[]> {
      const rows = await db.select().from(serviceCenters).orderBy(asc(serviceCenters.path));
      return rows.map(toDto);
    },

    async get(id: string): Promise<Center> {
      const [row] = await db.select().from(serviceCenters).where(eq(serviceCenters.id, id));
      if (!row) throw notFound('center.not_found', 'Service center');
      return toDto(row);
    },

    async create(actor: Actor | null, raw: CenterCreate): Promise<Center> {
      const input = CenterCreateSchema.parse(raw);
      return db.transaction(async (tx) => {
        const id = crypto.randomUUID();
        const path = `${await parentPath(tx, input.parentId)}${id}/`;
        const [row] = await tx
          .insert(serviceCenters)
          .values({
            id,
            code: input.code,
            name: input.name,
            level: input.level,
            parentId: input.parentId ?? null,
            region: input.region ?? null,
            path,
            createdAt: clock.now(),
          })
          .returning();
        const dto = toDto(row!);
        await audit.record(tx, { actorId: actor?.id ?? null, ip: actor?.ip }, 'center', id, 'created', null, dto);
        return dto;
      });
    },

    async update(actor: Actor, id: string, patch: CenterUpdate): Promise<Center> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(serviceCenters).where(eq(serviceCenters.id, id)).for('update');
        if (!before) throw notFound('center.not_found', 'Service center');
        let path = before.path;
        if (patch.parentId !== undefined && patch.parentId !== before.parentId) {
          const newParentPath = await parentPath(tx, patch.parentId);
          if (newParentPath.startsWith(before.path)) {
            throw fieldError('parentId', 'field.center_cycle', 'a center cannot be moved under itself or its own sub-centers');
          }
          path = `${newParentPath}${id}/`;
          // Re-root the whole subtree in one statement.
          await tx
            .update(serviceCenters)
            .set({ path: sql`${path} || substr(${serviceCenters.path}, ${before.path.length + 1})` })
            .where(like(serviceCenters.path, `${before.path}%`));
        }
        const [after] = await tx
          .update(serviceCenters)
          .set({ ...patch, parentId: patch.parentId === undefined ? before.parentId : patch.parentId, path })
          .where(eq(serviceCenters.id, id))
          .returning();
        const changes = diff(toDto(before), toDto(after!));
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'center', id, 'updated', changes.before, changes.after);
        return toDto(after!);
      });
    },
  };
}

export type CenterService = ReturnType<typeof createCenterService>;
