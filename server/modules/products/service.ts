/**
 * The product catalog (issue 11): models the desk services, each with its warranty months, known
 * versions, spare parts and service level. Staff read the whole catalog with each model's unit
 * count; a customer user sees only the models of their own organisation's devices (another model
 * answers 404), counted over their devices only.
 */
import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import { ProductCreate as ProductCreateSchema, type Product, type ProductCreate, type ProductUpdate } from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import { products, slaPolicies } from '../../db/schema';
import { isCustomer, type Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, fieldError, notFound } from '../../platform/errors';
import { diff, type Audit } from '../audit';

export interface ProductDeps {
  db: Db;
  clock: Clock;
  audit: Audit;
  /** The desk's time zone (config.timeZone): calendar days (warranty, contract periods) are judged in it. */
  timeZone: string;
  /** Where stored files live (attachments folder) and the upload limit. */
  filesDir: string;
  maxUploadBytes: number;
}

type ProductRow = typeof products.$inferSelect;

/** Units of the product the actor may see (a customer user: their own only). Qualified by hand: correlated. */
function deviceCountFor(actor: Actor | null): SQL<number> {
  if (actor && isCustomer(actor)) {
    return sql<number>`(select count(*)::int from devices d where d.product_id = products.id and d.customer_id = ${actor.customerId})`;
  }
  return sql<number>`(select count(*)::int from devices d where d.product_id = products.id)`;
}

/** A customer user sees a model only when one of their devices is of it. */
function visibleProducts(actor: Actor | null): SQL | undefined {
  if (!actor || !isCustomer(actor)) return undefined;
  return sql`exists (select 1 from devices d where d.product_id = ${products.id} and d.customer_id = ${actor.customerId})`;
}

export const toProductDto = (row: ProductRow & { deviceCount: number }): Product => ({
  id: row.id,
  model: row.model,
  name: row.name,
  maker: row.maker,
  category: row.category,
  versions: row.versions,
  warrantyMonths: row.warrantyMonths,
  slaPolicyId: row.slaPolicyId,
  spareParts: row.spareParts,
  endOfSupplyOn: row.endOfSupplyOn,
  notes: row.notes,
  skills: row.skills,
  deviceCount: row.deviceCount,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export function createProductService(deps: ProductDeps) {
  const { db, clock, audit } = deps;

  async function load(tx: Db, actor: Actor | null, id: string): Promise<Product | null> {
    const [row] = await tx
      .select({ row: products, deviceCount: deviceCountFor(actor) })
      .from(products)
      .where(and(eq(products.id, id), visibleProducts(actor)));
    return row ? toProductDto({ ...row.row, deviceCount: row.deviceCount }) : null;
  }

  /** (maker, model) is unique whatever the case; a missing maker counts as the empty one (products_model_key). */
  async function assertModelFree(tx: Db, maker: string | null, model: string, exceptId?: string) {
    const [taken] = await tx
      .select({ id: products.id, name: products.name })
      .from(products)
      .where(and(eq(sql`lower(coalesce(${products.maker}, ''))`, (maker ?? '').toLowerCase()), eq(sql`lower(${products.model})`, model.toLowerCase())));
    if (taken && taken.id !== exceptId) {
      throw new AppError('product.model_taken', `The model "${model}"${maker ? ` of ${maker}` : ''} is already in the catalog`, {
        model,
        maker,
        existingId: taken.id,
        fields: [{ path: 'model', message: 'taken', key: 'field.taken' }],
      });
    }
  }

  async function assertPolicy(tx: Db, slaPolicyId: string | null | undefined) {
    if (!slaPolicyId) return;
    const [p] = await tx.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.id, slaPolicyId));
    if (!p) throw fieldError('slaPolicyId', 'field.no_such_sla_policy', 'no such SLA policy');
  }

  const auditCtx = (actor: Actor | null) => ({ actorId: actor?.id ?? null, ip: actor?.ip });

  return {
    async list(actor: Actor): Promise<Product[]> {
      const rows = await db
        .select({ row: products, deviceCount: deviceCountFor(actor) })
        .from(products)
        .where(visibleProducts(actor))
        .orderBy(asc(sql`lower(coalesce(${products.maker}, ''))`), asc(sql`lower(${products.model})`));
      return rows.map((r) => toProductDto({ ...r.row, deviceCount: r.deviceCount }));
    },

    async get(actor: Actor, id: string): Promise<Product> {
      const found = await load(db, actor, id);
      if (!found) throw notFound('product.not_found', 'Product');
      return found;
    },

    async create(actor: Actor | null, raw: ProductCreate): Promise<Product> {
      const input = ProductCreateSchema.parse(raw);
      return db.transaction(async (tx) => {
        await assertModelFree(tx, input.maker ?? null, input.model);
        await assertPolicy(tx, input.slaPolicyId);
        const now = clock.now();
        const [row] = await tx
          .insert(products)
          .values({
            model: input.model,
            name: input.name,
            maker: input.maker ?? null,
            category: input.category,
            versions: input.versions,
            warrantyMonths: input.warrantyMonths,
            slaPolicyId: input.slaPolicyId ?? null,
            spareParts: input.spareParts,
            endOfSupplyOn: input.endOfSupplyOn ?? null,
            notes: input.notes ?? null,
            skills: input.skills,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        const dto = toProductDto({ ...row!, deviceCount: 0 });
        await audit.record(tx, auditCtx(actor), 'product', dto.id, 'created', null, dto);
        return dto;
      });
    },

    /** A change; fields not sent are kept, and `{}` (or values equal to the stored ones) writes nothing. */
    async update(actor: Actor, id: string, patch: ProductUpdate): Promise<Product> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(products).where(eq(products.id, id)).for('update');
        if (!before) throw notFound('product.not_found', 'Product');
        const set: Partial<typeof products.$inferInsert> = {};
        for (const [key, value] of Object.entries(patch) as [keyof ProductUpdate, unknown][]) {
          if (value === undefined) continue;
          // `null` clears an optional field; the required ones refuse it in the schema.
          (set as Record<string, unknown>)[key] = value;
        }
        const changes = diff(before, { ...before, ...set });
        if (Object.keys(changes.after).length === 0) return (await load(tx, actor, id))!;
        if ('maker' in changes.after || 'model' in changes.after) await assertModelFree(tx, set.maker !== undefined ? set.maker : before.maker, set.model ?? before.model, id);
        if ('slaPolicyId' in changes.after) await assertPolicy(tx, set.slaPolicyId);
        await tx
          .update(products)
          .set({ ...set, updatedAt: clock.now() })
          .where(eq(products.id, id));
        await audit.record(tx, auditCtx(actor), 'product', id, 'updated', changes.before, changes.after);
        return (await load(tx, actor, id))!;
      });
    },
  };
}
export type ProductService = ReturnType<typeof createProductService>;

