/**
 * The device page's parts beyond the row: the units it replaced, its history (its own events,
 * those of the units it replaced, and one line per ticket that named any of them — only tickets
 * the reader may see, and one per visit to any of them), the contracts covering it today and an
 * open replacement proposal.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { DeviceDetail, DeviceHistoryItem } from '../../../common/api/installed-base';
import { rows, type Db } from '../../db/client';
import { deviceEvents, devices, replacementProposals, ticketDevices, tickets, users, visitDevices, visits } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import { visibleTo } from '../tickets/repository';
import { visitVisibleTo } from '../visits/read';

/** Lines of history shown at most (newest first). */
const HISTORY_LIMIT = 500;

/** The units `id` replaced, following replaces_id back, oldest first (a chain of 50 at most: a cycle cannot loop). */
export async function predecessorsOf(db: Db, id: string): Promise<{ id: string; serial: string }[]> {
  const result = await rows<{ id: string; serial: string; depth: number }>(db, sql`
    with recursive chain(id, serial, replaces_id, depth) as (
      select d.id, d.serial, d.replaces_id, 0 from devices d where d.id = ${id}
      union all
      select d.id, d.serial, d.replaces_id, c.depth + 1 from devices d join chain c on d.id = c.replaces_id where c.depth < 50
    )
    select id, serial, depth from chain where depth > 0 order by depth desc`);
  return result.map((r) => ({ id: r.id, serial: r.serial }));
}

export async function historyOf(db: Db, actor: Actor, unitIds: string[]): Promise<DeviceHistoryItem[]> {
  const events = await db
    .select({
      at: deviceEvents.createdAt,
      id: deviceEvents.id,
      kind: deviceEvents.kind,
      data: deviceEvents.data,
      serial: devices.serial,
      actorId: users.id,
      actorName: users.name,
    })
    .from(deviceEvents)
    .innerJoin(devices, eq(devices.id, deviceEvents.deviceId))
    .leftJoin(users, eq(users.id, deviceEvents.actorId))
    .where(inArray(deviceEvents.deviceId, unitIds))
    .orderBy(desc(deviceEvents.createdAt), desc(deviceEvents.id))
    .limit(HISTORY_LIMIT);
  const named = await db
    .select({
      at: tickets.reportedAt,
      id: tickets.id,
      number: tickets.number,
      title: tickets.title,
      status: tickets.status,
      severity: tickets.severity,
      serial: devices.serial,
    })
    .from(ticketDevices)
    .innerJoin(tickets, eq(tickets.id, ticketDevices.ticketId))
    .innerJoin(devices, eq(devices.id, ticketDevices.deviceId))
    .where(and(inArray(ticketDevices.deviceId, unitIds), visibleTo(actor)))
    .orderBy(desc(tickets.reportedAt))
    .limit(HISTORY_LIMIT);
  // Visits to any unit of the chain (visit_devices_device_idx), those the reader may see: dated by the arrival, else the plan.
  const visited = await db
    .select({
      id: visits.id,
      status: visits.status,
      plannedStart: visits.plannedStart,
      arrivedAt: visits.arrivedAt,
      finishedAt: visits.finishedAt,
      result: visits.result,
      serial: devices.serial,
      ticketId: tickets.id,
      number: tickets.number,
    })
    .from(visitDevices)
    .innerJoin(visits, eq(visits.id, visitDevices.visitId))
    .innerJoin(devices, eq(devices.id, visitDevices.deviceId))
    .innerJoin(tickets, eq(tickets.id, visits.ticketId))
    .where(and(inArray(visitDevices.deviceId, unitIds), visitVisibleTo(actor)))
    .orderBy(desc(visits.plannedStart))
    .limit(HISTORY_LIMIT);
  const seen = new Set<string>();
  const lines: (DeviceHistoryItem & { order: number })[] = [
    ...events.map((e) => ({
      at: e.at.toISOString(),
      order: e.id,
      kind: e.kind as DeviceHistoryItem['kind'],
      serial: e.serial,
      actor: e.actorId ? { id: e.actorId, name: e.actorName ?? '' } : null,
      data: e.data,
    })),
    // One line per ticket, even when it named several units of the chain.
    ...named
      .filter((t) => !seen.has(t.id) && seen.add(t.id))
      .map((t) => ({
        at: t.at.toISOString(),
        order: 0,
        kind: 'ticket' as const,
        serial: t.serial,
        actor: null,
        data: { ticket: { id: t.id, number: t.number, title: t.title, status: t.status, severity: t.severity } },
      })),
    ...visited
      .filter((v) => !seen.has(v.id) && seen.add(v.id))
      .map((v) => ({
        at: (v.arrivedAt ?? v.plannedStart).toISOString(),
        order: 0,
        kind: 'visit' as const,
        serial: v.serial,
        actor: null,
        data: {
          visit: { id: v.id, status: v.status, plannedStart: v.plannedStart.toISOString(), arrivedAt: v.arrivedAt?.toISOString() ?? null, finishedAt: v.finishedAt?.toISOString() ?? null, result: v.result },
          ticket: { id: v.ticketId, number: v.number },
        },
      })),
  ];
  lines.sort((a, b) => (a.at === b.at ? b.order - a.order : a.at < b.at ? 1 : -1));
  return lines.slice(0, HISTORY_LIMIT).map(({ order: _order, ...line }) => line);
}

/**
 * Contracts of the device's customer in force on `today` (active, or terminated on or after
 * today; today within the period) whose scope is the whole customer or lists the device, its site
 * or its product. Newest first: the latest start, then the latest created.
 */
export async function contractsCovering(
  db: Db,
  device: { id: string; customerId: string; siteId: string | null; productId: string },
  today: string,
): Promise<DeviceDetail['contracts']> {
  const result = await rows<{ id: string; number: string; title: string; ends_on: string }>(db, sql`
    select c.id, c.number, c.title, c.ends_on::text as ends_on
    from contracts c
    where c.customer_id = ${device.customerId}
      and c.starts_on <= ${today}::date and c.ends_on >= ${today}::date
      and (c.status = 'active' or (c.status = 'terminated' and c.terminated_on >= ${today}::date))
      and (c.scope = 'customer' or exists (
        select 1 from contract_coverage cc where cc.contract_id = c.id and (
          (cc.kind = 'device' and cc.target_id = ${device.id})
          or (cc.kind = 'product' and cc.target_id = ${device.productId})
          ${device.siteId ? sql`or (cc.kind = 'site' and cc.target_id = ${device.siteId})` : sql``})))
    order by c.starts_on desc, c.created_at desc, c.number`);
  return result.map((r) => ({ id: r.id, number: r.number, title: r.title, endsOn: r.ends_on }));
}

export async function openReplacementOf(db: Db, deviceId: string): Promise<DeviceDetail['openReplacement']> {
  const [row] = await db
    .select({ id: replacementProposals.id, createdAt: replacementProposals.createdAt })
    .from(replacementProposals)
    .where(and(eq(replacementProposals.deviceId, deviceId), eq(replacementProposals.status, 'pending')));
  return row ? { id: row.id, createdAt: row.createdAt.toISOString() } : null;
}
