/**
 * Visits as the API shows them (Visit): one query for a page of visits, each lookup (ticket, site,
 * customer, contact with phones, engineers, devices, the current service record) a subquery per
 * row, as the ticket queue reads its lookups (tickets/repository.ts). Scoping is the caller's
 * (visitVisibleTo): presentVisits presents the visits it is given, in the order given.
 */
import { exists, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Visit } from '../../../common/api/field-service';
import type { Db } from '../../db/client';
import { visits } from '../../db/schema';
import { nextSteps } from '../../domain/field-service/visit-machine';
import { isCustomer, type Actor } from '../../platform/actor';
import { visibleTo } from '../tickets/repository';

// The outer `visits` columns are named by hand: Drizzle leaves a one-table select's columns unqualified.
export const mine = (actor: Actor) => exists(sql`(select 1 from visit_engineers ve where ve.visit_id = visits.id and ve.user_id = ${actor.id})`);
export const ofVisibleTicket = (actor: Actor) => {
  const visible = visibleTo(actor);
  return visible ? exists(sql`(select 1 from tickets where tickets.id = visits.ticket_id and ${visible})`) : undefined;
};

/**
 * The visits an actor may see: those of tickets they may see (customers: their organisation's),
 * and, for staff, the visits they are an engineer of (an engineer of another center sent to help).
 */
export function visitVisibleTo(actor: Actor): SQL | undefined {
  const ticketVisible = ofVisibleTicket(actor);
  if (isCustomer(actor) || !ticketVisible) return ticketVisible;
  return or(ticketVisible, mine(actor));
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * The columns of a presented visit; `visits` must be in the FROM clause. The subqueries name its
 * columns qualified by hand: Drizzle leaves a one-table select's columns unqualified, which the
 * subqueries' own `id` columns would make ambiguous.
 */
const columns = {
  id: visits.id,
  status: visits.status,
  plannedStart: visits.plannedStart,
  plannedEnd: visits.plannedEnd,
  departedAt: visits.departedAt,
  arrivedAt: visits.arrivedAt,
  finishedAt: visits.finishedAt,
  cancelledAt: visits.cancelledAt,
  cancelReason: visits.cancelReason,
  result: visits.result,
  notes: visits.notes,
  createdAt: visits.createdAt,
  updatedAt: visits.updatedAt,
  // ticket, customer and contact in one probe of the ticket row.
  ticket: sql<
    {
      id: string;
      number: string;
      title: string;
      severity: Visit['ticket']['severity'];
      status: string;
      customer: { id: string; name: string };
      contact: { id: string; name: string; phones: string[] } | null;
    }
  >`(select json_build_object(
      'id', t.id, 'number', t.number, 'title', t.title, 'severity', t.severity, 'status', t.status,
      'customer', (select json_build_object('id', c.id, 'name', c.name) from customers c where c.id = t.customer_id),
      'contact', (select json_build_object('id', ct.id, 'name', ct.name,
          'phones', coalesce((select json_agg(p.number order by p.number) from contact_phones p where p.contact_id = ct.id), '[]'::json))
        from contacts ct where ct.id = t.contact_id))
    from tickets t where t.id = visits.ticket_id)`,
  site: sql<Visit['site']>`(select json_build_object('id', s.id, 'name', s.name, 'address', s.address, 'region', s.region)
    from sites s where s.id = visits.site_id)`,
  engineers: sql<Visit['engineers']>`coalesce((select json_agg(json_build_object('id', u.id, 'name', u.name, 'lead', ve.lead) order by ve.lead desc, u.name)
    from visit_engineers ve join users u on u.id = ve.user_id where ve.visit_id = visits.id), '[]'::json)`,
  devices: sql<Visit['devices']>`coalesce((select json_agg(json_build_object('id', d.id, 'serial', d.serial, 'productModel', p.model, 'location', d.location) order by d.serial)
    from visit_devices vd join devices d on d.id = vd.device_id join products p on p.id = d.product_id where vd.visit_id = visits.id), '[]'::json)`,
  record: sql<Visit['record']>`(select json_build_object('id', r.id, 'version', r.version, 'status', r.status)
    from service_records r where r.visit_id = visits.id order by r.version desc limit 1)`,
};

function toVisit(r: Awaited<ReturnType<typeof selectVisits>>[number]): Visit {
  const { customer, contact, ...ticket } = r.ticket;
  return {
    id: r.id,
    ticket,
    site: r.site,
    customer,
    contact,
    status: r.status,
    plannedStart: iso(r.plannedStart)!,
    plannedEnd: iso(r.plannedEnd)!,
    departedAt: iso(r.departedAt),
    arrivedAt: iso(r.arrivedAt),
    finishedAt: iso(r.finishedAt),
    cancelledAt: iso(r.cancelledAt),
    cancelReason: r.cancelReason,
    result: r.result,
    notes: r.notes,
    engineers: r.engineers,
    devices: r.devices,
    record: r.record,
    next: [...nextSteps(r.status)],
    createdAt: iso(r.createdAt)!,
    updatedAt: iso(r.updatedAt)!,
  };
}

function selectVisits(db: Db, ids: string[]) {
  return db.select(columns).from(visits).where(inArray(visits.id, ids));
}

/** The visits whose ids are given, presented, in the order given (unknown ids are left out). */
export async function presentVisits(db: Db, ids: readonly string[]): Promise<Visit[]> {
  if (ids.length === 0) return [];
  const rows = await selectVisits(db, [...new Set(ids)]);
  const byId = new Map(rows.map((r) => [r.id, toVisit(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
