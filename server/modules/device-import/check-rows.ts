/**
 * Checks the rows of a device spreadsheet and resolves their names to ids — product by model (and
 * maker), customer by name or code, site by name within that customer — with a handful of
 * set-based queries whatever the number of rows. Each problem becomes a row error a person can fix
 * in the file (row number as the spreadsheet shows it, the column header, a key, English words).
 */
import { inArray, sql } from 'drizzle-orm';
import { DEVICE_STATUSES, Day, type DeviceImportError, type DeviceImportRow, type DeviceStatus } from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import { customers, devices, products, serviceCenters, sites } from '../../db/schema';
import { isCustomer, seesAllCenters, type Actor } from '../../platform/actor';
import { AppError } from '../../platform/errors';
import { warrantyEnd } from '../../domain/installed-base/entitlement';
import { DEVICE_COLUMNS, DEVICE_STATUS_WORDS, type DeviceColumnKey } from './columns';
import type { Sheet } from './read-file';

/** Longest values per column (as the device form takes them). */
const MAX_LENGTH: Partial<Record<DeviceColumnKey, number>> = {
  serial: 100,
  location: 500,
  softwareVersion: 100,
  firmwareVersion: 100,
  assetTag: 100,
  ip: 100,
};
const MAX_ATTRIBUTES = 50;

const norm = (s: string) => s.replace(/\s+/g, '').replace(/\*$/, '').toLowerCase();

interface ColumnMap {
  /** Column key → its index in the row and the header as the file spells it. */
  known: Map<DeviceColumnKey, { index: number; header: string }>;
  /** Unknown columns: attributes, by their header. */
  attributes: { index: number; header: string }[];
}

/** Headers matched by the Chinese or English name (any case, spaces ignored); a missing required column is a 400. */
export function mapColumns(headers: string[]): ColumnMap {
  const known: ColumnMap['known'] = new Map();
  const attributes: ColumnMap['attributes'] = [];
  headers.forEach((header, index) => {
    if (header === '') return;
    const column = DEVICE_COLUMNS.find((c) => norm(c.zh) === norm(header) || norm(c.en) === norm(header));
    if (column && !known.has(column.key)) known.set(column.key, { index, header });
    else if (!column) attributes.push({ index, header: header.slice(0, 100) });
  });
  for (const column of DEVICE_COLUMNS) {
    if (column.required && !known.has(column.key)) {
      throw new AppError('device_import.column_missing', `The file has no column "${column.zh}" (${column.en}); it is required`, {
        column: column.zh,
        columnEn: column.en,
      });
    }
  }
  if (attributes.length > MAX_ATTRIBUTES) {
    throw new AppError('device_import.too_many_columns', `The file has ${attributes.length} unknown columns; at most ${MAX_ATTRIBUTES} become device attributes`, {
      max: MAX_ATTRIBUTES,
    });
  }
  return { known, attributes };
}

/** 'YYYY-MM-DD', 'YYYY/M/D', 'YYYY.M.D', 'YYYY年M月D日' (a time after it is ignored) → 'YYYY-MM-DD', or null. */
export function parseDay(text: string): string | null {
  const m = /^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$/.exec(text);
  if (!m) return null;
  const day = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return Day.safeParse(day).success ? day : null;
}

const STATUS_BY_WORD = new Map<string, DeviceStatus>(
  DEVICE_STATUSES.flatMap((s) => [
    [norm(s), s],
    [norm(DEVICE_STATUS_WORDS[s].zh), s],
    [norm(DEVICE_STATUS_WORDS[s].en), s],
  ]),
);

/** A list of strings as one parameter (a jsonb array), however long: `x in (select … from json)`. */
const textSet = (values: Iterable<string>) => sql`(select jsonb_array_elements_text(${JSON.stringify([...new Set(values)])}::jsonb))`;

interface Draft {
  row: number;
  cells: Record<DeviceColumnKey, string>;
  attributes: Record<string, string>;
  errors: DeviceImportError[];
}

export interface CheckedRows {
  rows: DeviceImportRow[];
  errors: DeviceImportError[];
  /** Names for the preview table. */
  names: { products: Map<string, string>; customers: Map<string, string>; sites: Map<string, string> };
}

export async function checkRows(db: Db, actor: Actor, sheet: Sheet): Promise<CheckedRows> {
  const columns = mapColumns(sheet.headers);
  const headerOf = (key: DeviceColumnKey) => columns.known.get(key)?.header ?? DEVICE_COLUMNS.find((c) => c.key === key)!.zh;
  const fail = (d: Draft, key: DeviceColumnKey | null, errorKey: string, message: string) =>
    d.errors.push({ row: d.row, column: key ? headerOf(key) : null, key: errorKey, message });

  const drafts: Draft[] = sheet.rows.map(({ row, cells }) => {
    const values = {} as Record<DeviceColumnKey, string>;
    for (const c of DEVICE_COLUMNS) {
      const at = columns.known.get(c.key);
      values[c.key] = at ? (cells[at.index] ?? '') : '';
    }
    const attributes: Record<string, string> = {};
    for (const a of columns.attributes) {
      const v = cells[a.index] ?? '';
      if (v !== '') attributes[a.header] = v.slice(0, 1000);
    }
    const draft: Draft = { row, cells: values, attributes, errors: [] };
    for (const [key, max] of Object.entries(MAX_LENGTH) as [DeviceColumnKey, number][]) {
      if (values[key].length > max) fail(draft, key, 'too_long', `At most ${max} characters`);
    }
    return draft;
  });

  // ── Products: by model, then maker when given. ──
  const models = drafts.map((d) => d.cells.productModel.toLowerCase()).filter(Boolean);
  const productRows = models.length
    ? await db
        .select({ id: products.id, model: products.model, name: products.name, maker: products.maker, warrantyMonths: products.warrantyMonths })
        .from(products)
        .where(sql`lower(${products.model}) in ${textSet(models)}`)
    : [];
  const productsByModel = new Map<string, typeof productRows>();
  for (const p of productRows) productsByModel.set(p.model.toLowerCase(), [...(productsByModel.get(p.model.toLowerCase()) ?? []), p]);

  // ── Customers: by name or code (any case); a customer user only sees their own. ──
  const customerWords = drafts.map((d) => d.cells.customer.toLowerCase()).filter(Boolean);
  const customerRows = customerWords.length
    ? await db
        .select({ id: customers.id, name: customers.name, code: customers.code, centerId: customers.centerId })
        .from(customers)
        .where(sql`lower(${customers.name}) in ${textSet(customerWords)} or lower(${customers.code}) in ${textSet(customerWords)}`)
    : [];
  const visibleCustomers = customerRows.filter((c) => !isCustomer(actor) || c.id === actor.customerId);
  const customerByName = new Map(visibleCustomers.map((c) => [c.name.toLowerCase(), c]));
  const customerByCode = new Map(visibleCustomers.filter((c) => c.code).map((c) => [c.code!.toLowerCase(), c]));

  // ── Write scope for all these customers at once: their centers' paths in one query. ──
  const writable = new Set<string>();
  const centerIds = [...new Set(visibleCustomers.map((c) => c.centerId).filter((c): c is string => c !== null))];
  const centerPaths =
    centerIds.length && !seesAllCenters(actor) && !isCustomer(actor)
      ? new Map((await db.select({ id: serviceCenters.id, path: serviceCenters.path }).from(serviceCenters).where(inArray(serviceCenters.id, centerIds))).map((c) => [c.id, c.path]))
      : new Map<string, string>();
  for (const c of visibleCustomers) {
    const path = c.centerId ? centerPaths.get(c.centerId) : undefined;
    if (isCustomer(actor) || c.centerId === null || seesAllCenters(actor) || (path && actor.centerPath && path.startsWith(actor.centerPath))) writable.add(c.id);
  }

  // ── Sites of those customers, by name. ──
  const siteRows = visibleCustomers.length
    ? await db.select({ id: sites.id, name: sites.name, customerId: sites.customerId }).from(sites).where(inArray(sites.customerId, visibleCustomers.map((c) => c.id)))
    : [];
  const siteByKey = new Map<string, (typeof siteRows)[number]>();
  for (const s of siteRows) if (!siteByKey.has(`${s.customerId}:${s.name.toLowerCase()}`)) siteByKey.set(`${s.customerId}:${s.name.toLowerCase()}`, s);

  // ── Serials already in the database (any product: compared per product below). ──
  const serials = drafts.map((d) => d.cells.serial.toLowerCase()).filter(Boolean);
  const existing = new Set(
    serials.length
      ? (
          await db
            .select({ productId: devices.productId, serial: sql<string>`lower(${devices.serial})` })
            .from(devices)
            .where(sql`lower(${devices.serial}) in ${textSet(serials)}`)
        ).map((d) => `${d.productId}:${d.serial}`)
      : [],
  );

  const rows: DeviceImportRow[] = [];
  const firstRowOf = new Map<string, number>();
  for (const d of drafts) {
    const c = d.cells;
    if (!c.serial) fail(d, 'serial', 'serial_missing', 'The serial number is empty');

    let product: (typeof productRows)[number] | undefined;
    if (!c.productModel) fail(d, 'productModel', 'product_missing', 'The product model is empty');
    else {
      const candidates = productsByModel.get(c.productModel.toLowerCase()) ?? [];
      const matching = c.maker ? candidates.filter((p) => (p.maker ?? '').toLowerCase() === c.maker.toLowerCase()) : candidates;
      if (matching.length === 1) product = matching[0];
      else if (matching.length > 1) fail(d, 'maker', 'product_ambiguous', `Several makers have a model "${c.productModel}"; fill in the maker`);
      else fail(d, 'productModel', 'product_unknown', `No product "${c.productModel}"${c.maker ? ` by "${c.maker}"` : ''} in the catalog`);
    }

    let customer: (typeof visibleCustomers)[number] | undefined;
    if (!c.customer) fail(d, 'customer', 'customer_missing', 'The customer is empty');
    else {
      customer = customerByName.get(c.customer.toLowerCase()) ?? customerByCode.get(c.customer.toLowerCase());
      if (!customer) fail(d, 'customer', 'customer_unknown', `No customer named or coded "${c.customer}"`);
      else if (!writable.has(customer.id)) {
        fail(d, 'customer', 'customer_out_of_scope', `The customer "${customer.name}" is served outside your service center`);
        customer = undefined;
      }
    }

    let siteId: string | null = null;
    if (c.site && customer) {
      const site = siteByKey.get(`${customer.id}:${c.site.toLowerCase()}`);
      if (site) siteId = site.id;
      else fail(d, 'site', 'site_unknown', `The customer "${customer.name}" has no site "${c.site}"`);
    }

    const dayOf = (key: 'installedOn' | 'warrantyEndsOn') => {
      if (!c[key]) return null;
      const day = parseDay(c[key]);
      if (!day) fail(d, key, 'date_invalid', `"${c[key]}" is not a date (write 2026-03-15, 2026/3/15 or 2026年3月15日)`);
      return day;
    };
    const installedOn = dayOf('installedOn');
    let warrantyEndsOn = dayOf('warrantyEndsOn');
    if (!c.warrantyEndsOn && installedOn && product) warrantyEndsOn = warrantyEnd(installedOn, product.warrantyMonths);

    const status = c.status ? STATUS_BY_WORD.get(norm(c.status)) : 'in_service';
    if (!status) fail(d, 'status', 'status_invalid', `"${c.status}" is not a status (在用, 维修中, 已更换, 已退役)`);

    if (product && c.serial) {
      const key = `${product.id}:${c.serial.toLowerCase()}`;
      const first = firstRowOf.get(key);
      if (first !== undefined) fail(d, 'serial', 'serial_duplicate', `The serial number "${c.serial}" is already in row ${first}`);
      else firstRowOf.set(key, d.row);
      if (existing.has(key)) fail(d, 'serial', 'serial_exists', `A ${product.model} with serial number "${c.serial}" is already in the installed base`);
    }

    if (d.errors.length || !product || !customer || !status) continue;
    rows.push({
      row: d.row,
      productId: product.id,
      serial: c.serial,
      customerId: customer.id,
      siteId,
      location: c.location || null,
      installedOn,
      warrantyEndsOn,
      softwareVersion: c.softwareVersion || null,
      firmwareVersion: c.firmwareVersion || null,
      status,
      assetTag: c.assetTag || null,
      ip: c.ip || null,
      attributes: d.attributes,
    });
  }

  return {
    rows,
    errors: drafts.flatMap((d) => d.errors),
    names: {
      products: new Map(productRows.map((p) => [p.id, p.model === p.name ? p.model : `${p.model} ${p.name}`])),
      customers: new Map(visibleCustomers.map((c) => [c.id, c.name])),
      sites: new Map(siteRows.map((s) => [s.id, s.name])),
    },
  };
}
