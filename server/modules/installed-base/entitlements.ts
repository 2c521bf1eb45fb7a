/**
 * Entitlement of tickets (issue 11): the facts the pure rules need (server/domain/installed-base/
 * entitlement.ts) read in one select, and the recomputation of open tickets when their contracts
 * change.
 *
 * The facts are one json column (`entitlementFactsSql`), so a ticket create reads them in the same
 * select as its customer. A contract's coverage can list thousands of devices: only the coverage
 * rows that could reach this ticket (its site, the named devices, their sites and products) are
 * read, which gives the rules the same answer.
 */
import { isDeepStrictEqual } from 'node:util';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DeviceStatus, Entitlement, TicketDevice } from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import { rows } from '../../db/client';
import { ticketDevices, tickets } from '../../db/schema';
import { dayIn, type EntitlementContract, type EntitlementDevice, entitlementOf } from '../../domain/installed-base/entitlement';
import { OPEN_STATUSES } from '../../domain/ticket-lifecycle';
import { fieldError } from '../../platform/errors';

/** A named device as the facts carry it: what the rules need, and what the ticket and the policy chain show. */
export interface FactDevice extends EntitlementDevice {
  customerId: string;
  status: DeviceStatus;
  replacedBySerial: string | null;
  productPolicyId: string | null;
}

export interface RawEntitlementFacts {
  c: Array<Omit<EntitlementContract, 'deviceIds' | 'siteIds' | 'productIds'> & { cov: Array<[string, string]> | null }> | null;
  d: FactDevice[] | null;
}

const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/**
 * The entitlement facts of a ticket of `customerId` at `siteId` naming `deviceIds`, as one json
 * value: `c` the customer's contracts (with the coverage rows that could reach the ticket), `d` the
 * named devices (any customer's: the caller checks they are the ticket customer's).
 */
export function entitlementFactsSql(customerId: SQL | string, siteId: SQL | string | null, deviceIds: readonly string[]): SQL<RawEntitlementFacts> {
  const ids = uuidArray(deviceIds);
  const site = siteId === null ? sql`null::uuid` : sql`${siteId}::uuid`;
  return sql<RawEntitlementFacts>`json_build_object(
    'c', (select json_agg(json_build_object(
        'id', c.id, 'number', c.number, 'title', c.title, 'status', c.status, 'startsOn', c.starts_on, 'endsOn', c.ends_on,
        'terminatedOn', c.terminated_on, 'scope', c.scope, 'slaPolicyId', c.sla_policy_id,
        'createdAt', floor(extract(epoch from c.created_at) * 1000)::float8,
        'cov', (select json_agg(json_build_array(cc.kind, cc.target_id)) from contract_coverage cc
          where cc.contract_id = c.id and (cc.target_id = ${site}
            or cc.target_id in (select unnest(array[d.id, d.site_id, d.product_id]) from devices d where d.id = any(${ids}))))))
      from contracts c where c.customer_id = ${customerId}),
    'd', (select json_agg(json_build_object(
        'id', d.id, 'serial', d.serial, 'productId', d.product_id, 'siteId', d.site_id, 'warrantyEndsOn', d.warranty_ends_on,
        'customerId', d.customer_id, 'status', d.status, 'productPolicyId', p.sla_policy_id,
        'replacedBySerial', (select r.serial from devices r where r.id = d.replaced_by_id)) order by array_position(${ids}, d.id))
      from devices d join products p on p.id = d.product_id where d.id = any(${ids})))`;
}

export function contractsOf(raw: RawEntitlementFacts): EntitlementContract[] {
  return (raw.c ?? []).map(({ cov, ...c }) => {
    const of = (kind: string) => (cov ?? []).filter(([k]) => k === kind).map(([, id]) => id);
    return { ...c, deviceIds: of('device'), siteIds: of('site'), productIds: of('product') };
  });
}

/**
 * The named devices, checked: each must exist and be the ticket customer's (400 on `field` naming
 * the position), and not a unit already replaced (its history continues on the new one).
 */
export function checkedDevices(raw: RawEntitlementFacts, customerId: string, deviceIds: readonly string[], field = 'deviceIds'): FactDevice[] {
  const found = new Map((raw.d ?? []).map((d) => [d.id, d]));
  return deviceIds.map((id, i) => {
    const device = found.get(id);
    if (!device || device.customerId !== customerId) {
      throw fieldError(`${field}.${i}`, 'field.device_not_customers', "no such device of the ticket's customer");
    }
    if (device.status === 'replaced') {
      throw fieldError(`${field}.${i}`, 'field.device_replaced', `this unit was replaced${device.replacedBySerial ? ` by ${device.replacedBySerial}` : ''}: name the unit in service`);
    }
    return device;
  });
}

/** The entitlement of a ticket from its facts, judged on the report day in the desk's time zone. */
export function judge(raw: RawEntitlementFacts, devices: readonly FactDevice[], siteId: string | null, reportedAt: Date, timeZone: string): Entitlement {
  return entitlementOf({ day: dayIn(reportedAt, timeZone), siteId, devices, contracts: contractsOf(raw) });
}

/** The policy chain's product link: the first named device whose product has a service level. */
export const productPolicyOf = (devices: readonly FactDevice[]): string | null => devices.find((d) => d.productPolicyId)?.productPolicyId ?? null;

/** Whether a stored entitlement (jsonb: key order not kept, so compared structurally) says the same as a new one. */
export const sameEntitlement = (a: Entitlement | null, b: Entitlement): boolean => a !== null && isDeepStrictEqual(a, b);

/**
 * After a contract of `customerId` changed (created, period, status, scope, coverage, policy):
 * judge its open tickets again. A ticket whose covering contract or entitlement moved is updated,
 * and `next_due_at = now` makes the next sweep re-derive its clocks (the contract's policy may
 * have changed), as a change of the time rules does. Runs in the caller's transaction.
 */
export async function refreshOpenTicketEntitlements(tx: Db, deps: { timeZone: string; customerId: string; now: Date }): Promise<number> {
  const open = await tx
    .select({ id: tickets.id, siteId: tickets.siteId, reportedAt: tickets.reportedAt, contractId: tickets.contractId, entitlement: tickets.entitlement })
    .from(tickets)
    .where(and(eq(tickets.customerId, deps.customerId), inArray(tickets.status, [...OPEN_STATUSES])));
  if (open.length === 0) return 0;
  const named = await tx
    .select({ ticketId: ticketDevices.ticketId, deviceId: ticketDevices.deviceId })
    .from(ticketDevices)
    .where(inArray(ticketDevices.ticketId, open.map((t) => t.id)))
    .orderBy(ticketDevices.ticketId, ticketDevices.position);
  const byTicket = new Map<string, string[]>();
  for (const row of named) byTicket.set(row.ticketId, [...(byTicket.get(row.ticketId) ?? []), row.deviceId]);
  const allDevices = [...new Set(named.map((n) => n.deviceId))];
  // One read of the customer's contracts with every coverage row that could reach any of these tickets.
  const [facts] = await rows<{ f: RawEntitlementFacts }>(tx, sql`select ${entitlementFactsSql(deps.customerId, null, allDevices)} as f`);
  const raw = facts?.f ?? { c: null, d: null };
  const sites = [...new Set(open.map((t) => t.siteId).filter((s): s is string => s !== null))];
  // Site coverage rows for the tickets' own sites (the facts above carry the devices' sites).
  const siteCoverage = sites.length
    ? await rows<{ contract_id: string; target_id: string }>(
        tx,
        sql`select contract_id, target_id from contract_coverage where kind = 'site' and target_id = any(${uuidArray(sites)})`,
      )
    : [];
  const contracts = contractsOf(raw).map((c) => ({
    ...c,
    siteIds: [...new Set([...c.siteIds, ...siteCoverage.filter((s) => s.contract_id === c.id).map((s) => s.target_id)])],
  }));
  const deviceById = new Map((raw.d ?? []).map((d) => [d.id, d]));
  let changed = 0;
  for (const ticket of open) {
    const devices = (byTicket.get(ticket.id) ?? []).flatMap((id) => deviceById.get(id) ?? []);
    const entitlement = entitlementOf({ day: dayIn(ticket.reportedAt, deps.timeZone), siteId: ticket.siteId, devices, contracts });
    if (sameEntitlement(ticket.entitlement, entitlement)) continue;
    changed++;
    await tx
      .update(tickets)
      .set({ entitlement, contractId: entitlement.contract?.id ?? null, nextDueAt: deps.now })
      .where(eq(tickets.id, ticket.id));
  }
  return changed;
}

/** A ticket's named devices as the Ticket shape shows them (TicketDevice), in order, as one json column. */
export function ticketDevicesSql(ticketId: SQL | string): SQL<TicketDevice[]> {
  return sql<TicketDevice[]>`coalesce((select json_agg(json_build_object(
      'id', d.id, 'serial', d.serial,
      'product', json_build_object('id', p.id, 'model', p.model, 'name', p.name),
      'site', (select json_build_object('id', s.id, 'name', s.name) from sites s where s.id = d.site_id),
      'location', d.location, 'warrantyEndsOn', d.warranty_ends_on, 'status', d.status) order by td.position, td.created_at)
    from ticket_devices td join devices d on d.id = td.device_id join products p on p.id = d.product_id
    where td.ticket_id = ${ticketId}), '[]'::json)`;
}
