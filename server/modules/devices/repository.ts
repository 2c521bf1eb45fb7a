/**
 * The SQL of devices: one device row as the API shows it, the list (filters, serial order, keyset
 * pages) shared by the list and the export, and the hotline's prefix finder.
 *
 * Serial and asset-tag prefixes match `lower(x) like lower(q) || '%'`, which PostgreSQL answers
 * from the `text_pattern_ops` indexes (devices_serial_prefix_idx, devices_asset_tag_prefix_idx).
 * The list is ordered by `lower(serial) using ~<~` — the order of that same index — then id, so a
 * page of any size is an index walk, not a sort of every matching row (bench/device-search.ts).
 */
import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Device, DeviceListQuery } from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import { devices } from '../../db/schema';
import { warrantyOn } from '../../domain/installed-base/entitlement';
import { isCustomer, type Actor } from '../../platform/actor';
import { AppError } from '../../platform/errors';

/** A LIKE prefix pattern of `text`: `%`, `_` and `\` typed by a person stay literal. */
export function prefixPattern(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}`;
}

/** `lower(column) like lower(q) || '%'` — the form the prefix indexes answer. */
const startsWith = (column: SQL, q: string) => sql`lower(${column}) like lower(${prefixPattern(q)}) || '%'`;

export const serialPrefix = (q: string) => startsWith(sql`${devices.serial}`, q);
export const assetTagPrefix = (q: string) => sql`(${devices.assetTag} is not null and ${startsWith(sql`${devices.assetTag}`, q)})`;

// Qualified by hand: inside a correlated subquery an unqualified column could name the inner table's.
const ref = (table: 'customers' | 'sites', column: string) =>
  sql<{ id: string; name: string } | null>`(select json_build_object('id', r.id, 'name', r.name) from ${sql.identifier(table)} r where r.id = devices.${sql.identifier(column)})`;
const unit = (column: 'replaced_by_id' | 'replaces_id') =>
  sql<{ id: string; serial: string } | null>`(select json_build_object('id', u.id, 'serial', u.serial) from devices u where u.id = devices.${sql.identifier(column)})`;

/** One device as the API shows it: the row plus its product, customer, site and replacement links. */
export const deviceColumns = {
  row: devices,
  product: sql<Device['product']>`(select json_build_object('id', p.id, 'model', p.model, 'name', p.name, 'maker', p.maker, 'category', p.category) from products p where p.id = devices.product_id)`,
  customer: ref('customers', 'customer_id'),
  site: ref('sites', 'site_id'),
  replacedBy: unit('replaced_by_id'),
  replaces: unit('replaces_id'),
};

type DeviceRow = typeof devices.$inferSelect;
export interface DeviceSelectRow {
  row: DeviceRow;
  product: Device['product'];
  customer: { id: string; name: string } | null;
  site: { id: string; name: string } | null;
  replacedBy: { id: string; serial: string } | null;
  replaces: { id: string; serial: string } | null;
}

export function toDeviceDto(r: DeviceSelectRow, today: string): Device {
  const d = r.row;
  return {
    id: d.id,
    serial: d.serial,
    product: r.product,
    customer: r.customer!,
    site: r.site,
    location: d.location,
    installedOn: d.installedOn,
    warrantyEndsOn: d.warrantyEndsOn,
    warranty: warrantyOn(d.warrantyEndsOn, today),
    softwareVersion: d.softwareVersion,
    firmwareVersion: d.firmwareVersion,
    status: d.status,
    assetTag: d.assetTag,
    ip: d.ip,
    attributes: d.attributes,
    replacedBy: r.replacedBy,
    replaces: r.replaces,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/** What a customer user may see: their own organisation's devices, whatever customerId they pass. */
export function devicesVisibleTo(actor: Actor): SQL | undefined {
  return isCustomer(actor) ? eq(devices.customerId, actor.customerId!) : undefined;
}

/** The list's filters (no cursor), shared by the list and the export; `q` is applied by deviceListQuery. */
export type DeviceFilter = Omit<DeviceListQuery, 'cursor' | 'limit'>;

export function filterConditions(actor: Actor, query: DeviceFilter, today: string): (SQL | undefined)[] {
  const conditions: (SQL | undefined)[] = [devicesVisibleTo(actor)];
  // A customer user's own organisation replaces whatever customerId they pass.
  if (query.customerId && !isCustomer(actor)) conditions.push(eq(devices.customerId, query.customerId));
  if (query.siteId) conditions.push(eq(devices.siteId, query.siteId));
  if (query.productId) conditions.push(eq(devices.productId, query.productId));
  if (query.status) conditions.push(eq(devices.status, query.status));
  if (query.warranty === 'in') conditions.push(sql`${devices.warrantyEndsOn} >= ${today}::date`);
  if (query.warranty === 'out') conditions.push(sql`${devices.warrantyEndsOn} < ${today}::date`);
  if (query.warranty === 'unknown') conditions.push(isNull(devices.warrantyEndsOn));
  return conditions;
}

/**
 * A page position: the last row's lower-cased serial (`s`) and id (`i`). It comes back from the
 * client, so it is checked like any input: a forged one is a 400, never a database error.
 */
const CursorBody = z.object({ s: z.string().max(400), i: z.guid() }).strict();
export type DeviceCursor = z.infer<typeof CursorBody>;

export const encodeCursor = (c: DeviceCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

export function decodeCursor(raw: string): DeviceCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const body = CursorBody.safeParse(parsed);
  if (body.success && !body.data.s.includes('\u0000')) return body.data;
  throw new AppError('device.cursor_invalid', 'cursor: not a cursor this server issued; start from the first page', {
    fields: [{ path: 'querystring.cursor', message: 'invalid cursor', key: 'field.cursor_invalid' }],
  });
}

const serialKey = sql`lower(${devices.serial})`;

/** Rows after the cursor in the list's order: `(lower(serial), id) > (s, i)` in the index's byte order. */
export const afterCursor = (c: DeviceCursor) =>
  sql`${serialKey} ~>=~ ${c.s} and (${serialKey} ~>~ ${c.s} or ${devices.id} > ${c.i}::uuid)`;

/** What a list page selects: the filters' conditions, the prefix typed, and whether one product is asked for. */
export interface DeviceSelection {
  conditions: (SQL | undefined)[];
  q?: string | undefined;
  productId?: string | undefined;
}

export function deviceSelection(actor: Actor, query: DeviceFilter, today: string): DeviceSelection {
  return { conditions: filterConditions(actor, query, today), q: query.q, productId: query.productId };
}

/**
 * The list query as the database receives it (no execution): the list and the export run it; the
 * bench EXPLAINs it.
 *
 * With `q`, the serial-prefix matches and the asset-tag-prefix matches are gathered as two
 * branches, each limited to the page: an OR of the two is not an index range, and the planner then
 * walked the whole serial index filtering it (275 ms on 50,000 devices for a 3-character prefix).
 *
 * With one product, devices_product_serial_idx (product_id, lower(serial) text_pattern_ops) gives
 * the page in order: walking the serial index instead crossed most of the other products' rows
 * first, since a model's serials share its maker's prefix (4.2 s on 1,000,000 devices), and
 * sorting the product's rows took 181 ms for 20,000 (bench/device-search.ts).
 */
export function deviceListQuery(db: Db, selection: DeviceSelection, cursor: DeviceCursor | null, limit: number) {
  const { q } = selection;
  const where = and(...selection.conditions, cursor ? afterCursor(cursor) : undefined);
  const branch = (match: SQL, order: SQL) =>
    sql`(select ${devices.id} from ${devices} where ${where ? sql`${match} and ${where}` : match} order by ${order} using ~<~, ${devices.id} limit ${limit})`;
  // The asset-tag branch gathers its matches by the asset-tag index and sorts them: left free to
  // walk the serial index for its order, the planner did so for a prefix no tag has and read all
  // 1,000,000 rows (7.8 s).
  const matching = q
    ? sql`${devices.id} in (select m.id from (${branch(serialPrefix(q), serialKey)} union all ${branch(
        sql`${assetTagPrefix(q)} and not ${serialPrefix(q)}`,
        sql`(${serialKey} || '')`,
      )}) m)`
    : undefined;
  // With q the page is the branches' rows sorted; an outer order the index could give made the
  // planner walk the serial index probing the branches' ids (seconds on 1,000,000 devices).
  // One product's page walks devices_product_serial_idx (product, serial) in this order.
  const order = q ? sql`(${serialKey} || '') using ~<~` : sql`${serialKey} using ~<~`;
  return db
    .select(deviceColumns)
    .from(devices)
    .where(q ? and(matching, where) : where)
    .orderBy(order, devices.id)
    .limit(limit);
}

/**
 * A page of the list. With q it is a few hundred rows of work that the planner prices high (the
 * branches' sorts); above jit_above_cost PostgreSQL then
 * JIT-compiles it, which took 300-700 ms for a query that runs in 2 ms (bench/device-search.ts,
 * as in audit/index.ts): those pages run with JIT off.
 */
export async function listPage(db: Db, selection: DeviceSelection, cursor: DeviceCursor | null, limit: number) {
  if (!selection.q) return deviceListQuery(db, selection, cursor, limit);
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    return deviceListQuery(tx, selection, cursor, limit);
  });
}

/** The cursor after a row. */
export const cursorOf = (row: DeviceRow): DeviceCursor => ({ s: row.serial.toLowerCase(), i: row.id });

/**
 * The hotline's finder: up to `limit` serial-prefix matches and `limit` asset-tag-prefix matches,
 * each an index walk in its own order (an OR of the two would gather every match of a short prefix
 * before it could sort them). Serial matches first.
 */
export function deviceSearchQuery(db: Db, actor: Actor, q: string, customerId: string | undefined, limit: number) {
  const scope = isCustomer(actor) ? devicesVisibleTo(actor) : customerId ? eq(devices.customerId, customerId) : undefined;
  const where = (prefix: SQL) => (scope ? sql`${prefix} and ${scope}` : prefix);
  const ids = sql`(select id from devices where ${where(serialPrefix(q))} order by lower(serial) using ~<~, id limit ${limit})
    union
    (select id from devices where ${where(assetTagPrefix(q))} order by lower(asset_tag) using ~<~, id limit ${limit})`;
  return db
    .select(deviceColumns)
    .from(devices)
    .where(sql`${devices.id} in (select m.id from (${ids}) m)`);
}
