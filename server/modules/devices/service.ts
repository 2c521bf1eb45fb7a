/**
 * Devices (issue 11): units installed at customers — the list and the hotline's finder, the device
 * page (history with the units it replaced and the tickets that named it, contracts covering it
 * today), writes with their own history lines, and the spreadsheet export (export.ts).
 * A customer user sees only their organisation's devices; another's answers 404.
 */
import type { Writable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import {
  DeviceCreate as DeviceCreateSchema,
  type Device,
  type DeviceCreate,
  type DeviceDetail,
  type DeviceListQuery,
  type DevicePage,
  type DeviceSearchQuery,
  type DeviceUpdate,
} from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import { deviceEvents, devices, products, sites } from '../../db/schema';
import { dayIn, warrantyEnd } from '../../domain/installed-base/entitlement';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, fieldError, notFound } from '../../platform/errors';
import { diff, type Audit } from '../audit';
import { assertCustomerWritable } from '../customers/scope';
import { contractsCovering, historyOf, openReplacementOf, predecessorsOf } from './detail';
import { exportDevices, type ExportLanguage } from './export';
import {
  cursorOf,
  decodeCursor,
  deviceColumns,
  deviceSearchQuery,
  deviceSelection,
  devicesVisibleTo,
  encodeCursor,
  listPage,
  toDeviceDto,
  type DeviceFilter,
} from './repository';

export interface DeviceDeps {
  db: Db;
  clock: Clock;
  audit: Audit;
  /** The desk's time zone (config.timeZone): calendar days (warranty, contract periods) are judged in it. */
  timeZone: string;
  /** Where stored files live (attachments folder) and the upload limit. */
  filesDir: string;
  maxUploadBytes: number;
}

type DeviceRow = typeof devices.$inferSelect;

/** The fields a write may change, in the order a change reads. */
const FIELDS = [
  'productId',
  'serial',
  'customerId',
  'siteId',
  'location',
  'installedOn',
  'warrantyEndsOn',
  'softwareVersion',
  'firmwareVersion',
  'status',
  'assetTag',
  'ip',
  'attributes',
] as const satisfies readonly (keyof DeviceRow)[];
type Field = (typeof FIELDS)[number];

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);


export function createDeviceService(deps: DeviceDeps) {
  const { db, clock, audit, timeZone } = deps;
  const today = () => dayIn(clock.now(), timeZone);
  const auditCtx = (actor: Actor | null) => ({ actorId: actor?.id ?? null, ip: actor?.ip });

  async function loadDto(tx: Db, actor: Actor, id: string): Promise<Device | null> {
    const [row] = await tx
      .select(deviceColumns)
      .from(devices)
      .where(and(eq(devices.id, id), devicesVisibleTo(actor)));
    return row ? toDeviceDto(row, today()) : null;
  }

  async function checkProduct(tx: Db, productId: string) {
    const [p] = await tx.select({ id: products.id, warrantyMonths: products.warrantyMonths }).from(products).where(eq(products.id, productId));
    if (!p) throw fieldError('productId', 'field.no_such_product', 'no such product');
    return p;
  }

  async function checkSite(tx: Db, siteId: string, customerId: string) {
    const [s] = await tx.select({ id: sites.id }).from(sites).where(and(eq(sites.id, siteId), eq(sites.customerId, customerId)));
    if (!s) throw fieldError('siteId', 'field.not_device_customer_site', "not a site of the device's customer");
  }

  /** One serial per product, whatever its case (devices_product_serial_key). */
  async function assertSerialFree(tx: Db, productId: string, serial: string, exceptId?: string) {
    const [taken] = await tx
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.productId, productId), eq(sql`lower(${devices.serial})`, serial.toLowerCase())));
    if (taken && taken.id !== exceptId) {
      throw new AppError('device.serial_taken', `A device of this product with the serial number "${serial}" already exists`, {
        serial,
        existingId: taken.id,
        fields: [{ path: 'serial', message: 'taken', key: 'field.taken' }],
      });
    }
  }

  return {
    async list(actor: Actor, query: DeviceListQuery): Promise<DevicePage> {
      const day = today();
      const cursor = query.cursor ? decodeCursor(query.cursor) : null;
      const rows = await listPage(db, deviceSelection(actor, query, day), cursor, query.limit + 1);
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => toDeviceDto(r, day)),
        nextCursor: rows.length > query.limit && last ? encodeCursor(cursorOf(last.row)) : null,
      };
    },

    /** The hotline's finder: serial prefix matches first (in serial order), then asset-tag prefix matches. */
    async search(actor: Actor, query: DeviceSearchQuery): Promise<Device[]> {
      const day = today();
      const rows = await deviceSearchQuery(db, actor, query.q, query.customerId, query.limit);
      const q = query.q.toLowerCase();
      const rank = (d: DeviceRow) => (d.serial.toLowerCase().startsWith(q) ? `0${d.serial.toLowerCase()}` : `1${(d.assetTag ?? '').toLowerCase()}`);
      return rows
        .map((r) => ({ r, key: rank(r.row) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.r.row.id < b.r.row.id ? -1 : 1))
        .slice(0, query.limit)
        .map(({ r }) => toDeviceDto(r, day));
    },

    async get(actor: Actor, id: string): Promise<DeviceDetail> {
      const device = await loadDto(db, actor, id);
      if (!device) throw notFound('device.not_found', 'Device');
      const day = today();
      const predecessors = await predecessorsOf(db, id);
      const [history, contracts, openReplacement] = [
        await historyOf(db, actor, [id, ...predecessors.map((p) => p.id)]),
        await contractsCovering(db, { id, customerId: device.customer.id, siteId: device.site?.id ?? null, productId: device.product.id }, day),
        await openReplacementOf(db, id),
      ];
      return { ...device, history, predecessors, contracts, openReplacement };
    },

    async create(actor: Actor, raw: DeviceCreate): Promise<Device> {
      const input = DeviceCreateSchema.parse(raw);
      const id = await db.transaction(async (tx) => {
        await assertCustomerWritable(tx, actor, input.customerId);
        const product = await checkProduct(tx, input.productId);
        if (input.siteId) await checkSite(tx, input.siteId, input.customerId);
        await assertSerialFree(tx, input.productId, input.serial);
        const warrantyEndsOn = input.warrantyEndsOn ?? (input.installedOn ? warrantyEnd(input.installedOn, product.warrantyMonths) : null);
        const now = clock.now();
        const [row] = await tx
          .insert(devices)
          .values({
            productId: input.productId,
            serial: input.serial,
            customerId: input.customerId,
            siteId: input.siteId ?? null,
            location: input.location ?? null,
            installedOn: input.installedOn ?? null,
            warrantyEndsOn,
            softwareVersion: input.softwareVersion ?? null,
            firmwareVersion: input.firmwareVersion ?? null,
            status: input.status,
            assetTag: input.assetTag ?? null,
            ip: input.ip ?? null,
            attributes: input.attributes,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await tx.insert(deviceEvents).values({ deviceId: row!.id, kind: 'created', data: {}, actorId: actor.id, createdAt: now });
        const dto = (await loadDto(tx, actor, row!.id))!;
        await audit.record(tx, auditCtx(actor), 'device', row!.id, 'created', null, dto);
        return row!.id;
      });
      return (await loadDto(db, actor, id))!;
    },

    /**
     * A change; fields not sent are kept and `{}` writes nothing. Moving a device to another
     * customer clears its site unless one (of the new customer) is given. History: 'updated' with
     * `{changes: {field: [from, to]}}` (versions included) and 'status_changed' `{from, to}`.
     */
    async update(actor: Actor, id: string, patch: DeviceUpdate): Promise<Device> {
      await db.transaction(async (tx) => {
        const [before] = await tx.select().from(devices).where(and(eq(devices.id, id), devicesVisibleTo(actor))).for('update');
        if (!before) throw notFound('device.not_found', 'Device');
        // A device of a customer outside the actor's writable scope is, to them, not there to change.
        await assertCustomerWritable(tx, actor, before.customerId).catch(() => {
          throw notFound('device.not_found', 'Device');
        });
        const next: Record<Field, unknown> = Object.fromEntries(FIELDS.map((f) => [f, before[f]])) as Record<Field, unknown>;
        for (const f of FIELDS) {
          const value = (patch as Record<string, unknown>)[f];
          if (value !== undefined) next[f] = value;
        }
        if (next.customerId !== before.customerId) {
          await assertCustomerWritable(tx, actor, next.customerId as string);
          if (patch.siteId === undefined) next.siteId = null;
        }
        const changed = FIELDS.filter((f) => !same(before[f], next[f]));
        if (changed.length === 0) return;
        if (changed.includes('productId')) await checkProduct(tx, next.productId as string);
        if (next.siteId && (changed.includes('siteId') || changed.includes('customerId'))) await checkSite(tx, next.siteId as string, next.customerId as string);
        if (changed.includes('productId') || changed.includes('serial')) await assertSerialFree(tx, next.productId as string, next.serial as string, id);
        const set = Object.fromEntries(changed.map((f) => [f, next[f]])) as Partial<typeof devices.$inferInsert>;
        const now = clock.now();
        const [after] = await tx
          .update(devices)
          .set({ ...set, updatedAt: now })
          .where(eq(devices.id, id))
          .returning();
        const fieldChanges = Object.fromEntries(changed.filter((f) => f !== 'status').map((f) => [f, [before[f] ?? null, next[f] ?? null]]));
        const events: (typeof deviceEvents.$inferInsert)[] = [];
        if (Object.keys(fieldChanges).length) events.push({ deviceId: id, kind: 'updated', data: { changes: fieldChanges }, actorId: actor.id, createdAt: now });
        if (changed.includes('status')) events.push({ deviceId: id, kind: 'status_changed', data: { from: before.status, to: next.status }, actorId: actor.id, createdAt: now });
        await tx.insert(deviceEvents).values(events);
        const changes = diff(before, after!);
        await audit.record(tx, auditCtx(actor), 'device', id, 'updated', changes.before, changes.after);
      });
      return (await loadDto(db, actor, id))!;
    },

    /** The spreadsheet of every device matching the list's filters (at most EXPORT_LIMIT rows), written into `out`. */
    async exportTo(actor: Actor, filter: DeviceFilter, language: ExportLanguage, out: Writable): Promise<void> {
      const day = today();
      await exportDevices(db, deviceSelection(actor, filter, day), language, out);
    },
  };
}
export type DeviceService = ReturnType<typeof createDeviceService>;
