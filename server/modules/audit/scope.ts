/**
 * Which audit entries an actor may read: those about objects they may see, decided in SQL so the
 * keyset paging (`id < before … limit`) stays exact. An entry holds the object's values before and
 * after, so reading it is reading the object.
 *
 * - Organisation-wide staff (admin, QA, staff without a center): everything.
 * - Tickets (and their attachments): `visibleTo` of the ticket repository — the same rule as
 *   GET /api/tickets/:id.
 * - Customers, their contacts, sites, devices and contracts (and the contracts' files, found by the
 *   `contractId` the entry carries, so a deleted file's entry stays readable): customers without a
 *   center or in the actor's subtree (the scope of customer writes).
 * - Users, centers, time rules (calendars, SLA policies, escalation rules and contacts) and the
 *   product catalog: every staff member reads those objects, so their entries too.
 * - Anything else (API tokens, deliveries, event consumers, kinds added later): administrators'
 *   objects, hidden from scoped staff until someone decides otherwise.
 */
import { and, eq, exists, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { attachments, contacts, contracts, customers, devices, sites, tickets } from '../../db/schema';
import { seesAllCenters, type Actor } from '../../platform/actor';
import { visibleTo } from '../tickets/repository';

/** Entities every staff member may read. */
const STAFF_READABLE = ['user', 'center', 'calendar', 'sla_policy', 'escalation_rule', 'escalation_contact', 'product'];

// The outer row, named by hand: inside these subqueries Drizzle leaves columns unqualified. The
// CASE keeps a non-uuid entity id from ever reaching the cast.
const entityUuid = sql`(case when audit_log.entity_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then audit_log.entity_id::uuid end)`;
const entityIs = (entity: string) => sql`audit_log.entity = ${entity}`;

export function auditScope(db: Db, actor: Actor): SQL | undefined {
  if (seesAllCenters(actor)) return undefined;
  const customerInScope = or(
    isNull(customers.centerId),
    inArray(customers.centerId, sql`(select sc.id from service_centers sc where sc.path like ${`${actor.centerPath}%`})`),
  );
  const ticket = db
    .select({ one: sql`1` })
    .from(tickets)
    .where(and(sql`${tickets.id} = ${entityUuid}`, visibleTo(actor)));
  const attachment = db
    .select({ one: sql`1` })
    .from(attachments)
    .innerJoin(tickets, eq(tickets.id, attachments.ticketId))
    .where(and(sql`${attachments.id} = ${entityUuid}`, visibleTo(actor)));
  const customer = db
    .select({ one: sql`1` })
    .from(customers)
    .where(and(sql`${customers.id} = ${entityUuid}`, customerInScope));
  const contact = db
    .select({ one: sql`1` })
    .from(contacts)
    .innerJoin(customers, eq(customers.id, contacts.customerId))
    .where(and(sql`${contacts.id} = ${entityUuid}`, customerInScope));
  const site = db
    .select({ one: sql`1` })
    .from(sites)
    .innerJoin(customers, eq(customers.id, sites.customerId))
    .where(and(sql`${sites.id} = ${entityUuid}`, customerInScope));
  const device = db
    .select({ one: sql`1` })
    .from(devices)
    .innerJoin(customers, eq(customers.id, devices.customerId))
    .where(and(sql`${devices.id} = ${entityUuid}`, customerInScope));
  const contract = db
    .select({ one: sql`1` })
    .from(contracts)
    .innerJoin(customers, eq(customers.id, contracts.customerId))
    .where(and(sql`${contracts.id} = ${entityUuid}`, customerInScope));
  const contractFile = db
    .select({ one: sql`1` })
    .from(contracts)
    .innerJoin(customers, eq(customers.id, contracts.customerId))
    .where(and(sql`${contracts.id}::text = coalesce(audit_log.after->>'contractId', audit_log.before->>'contractId')`, customerInScope));
  return or(
    sql`audit_log.entity in (${sql.join(
      STAFF_READABLE.map((e) => sql`${e}`),
      sql`, `,
    )})`,
    and(entityIs('ticket'), exists(ticket)),
    and(entityIs('attachment'), exists(attachment)),
    and(entityIs('customer'), exists(customer)),
    and(entityIs('contact'), exists(contact)),
    and(entityIs('site'), exists(site)),
    and(entityIs('device'), exists(device)),
    and(entityIs('contract'), exists(contract)),
    and(entityIs('contract_attachment'), exists(contractFile)),
  );
}
