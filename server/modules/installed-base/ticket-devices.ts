/**
 * The devices a ticket names and what covers it, inside a ticket write (issue 11): naming devices
 * (PUT /api/tickets/:id/devices), and judging the entitlement again when the devices, the site or
 * the customer change. The SLA subscriber then derives the clocks again at the end of the write,
 * reading the policy chain's contract and product links from what this wrote.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Entitlement } from '../../../common/api/installed-base';
import { rows } from '../../db/client';
import { ticketDevices } from '../../db/schema';
import { actorIdOf, type TicketWrite } from '../tickets/command';
import { addEvent } from '../tickets/events';
import type { Audit } from '../audit';
import { checkedDevices, entitlementFactsSql, judge, type RawEntitlementFacts, sameEntitlement } from './entitlements';

export interface Rejudge {
  /** The ticket's customer and site after the write's other changes. */
  customerId: string;
  siteId: string | null;
  /** The devices the ticket names from now on, in order; undefined: keep the named ones. */
  deviceIds?: readonly string[];
  /** Named devices that are not the customer's any more (a ticket moved to another customer) are dropped, not refused. */
  dropForeign?: boolean;
}

const brief = (e: Entitlement | null) => (e ? { kind: e.kind, contract: e.contract ? { id: e.contract.id, number: e.contract.number } : null, underWarranty: e.underWarranty } : null);

/**
 * Names `deviceIds` on the ticket (when given) and judges its entitlement again. Writes the
 * timeline lines `devices_changed` {added, removed} and `entitlement_changed` {from, to} (internal),
 * `ticket.updated` with the fields that moved, and an audit row. Nothing changes: nothing written.
 */
export async function rejudgeTicket(write: TicketWrite, deps: { audit: Audit; timeZone: string }, input: Rejudge): Promise<{ changed: string[] }> {
  const { tx, ticket, actor, now } = write;
  const current = await tx
    .select({ deviceId: ticketDevices.deviceId })
    .from(ticketDevices)
    .where(eq(ticketDevices.ticketId, ticket.id))
    .orderBy(asc(ticketDevices.position), asc(ticketDevices.createdAt));
  const before = current.map((c) => c.deviceId);
  let wanted = [...new Set(input.deviceIds ?? before)];
  const [facts] = await rows<{ f: RawEntitlementFacts }>(tx, sql`select ${entitlementFactsSql(input.customerId, input.siteId, [...new Set([...wanted, ...before])])} as f`);
  const raw = facts?.f ?? { c: null, d: null };
  if (input.dropForeign) {
    const theirs = new Set((raw.d ?? []).filter((d) => d.customerId === input.customerId).map((d) => d.id));
    wanted = wanted.filter((id) => theirs.has(id));
  }
  const keep = new Set(before);
  // Units already named stay named even if replaced since; new ones must be the customer's units in service.
  const named = checkedDevices({ ...raw, d: (raw.d ?? []).map((d) => (keep.has(d.id) && d.customerId === input.customerId ? { ...d, status: 'in_service' as const } : d)) }, input.customerId, wanted);
  const serialOf = new Map((raw.d ?? []).map((d) => [d.id, d.serial]));
  const changed: string[] = [];
  const devicesMoved = wanted.length !== before.length || wanted.some((id, i) => before[i] !== id);
  if (devicesMoved) {
    changed.push('devices');
    await tx.delete(ticketDevices).where(eq(ticketDevices.ticketId, ticket.id));
    if (named.length) await tx.insert(ticketDevices).values(named.map((d, position) => ({ ticketId: ticket.id, deviceId: d.id, position, createdAt: now })));
    const added = wanted.filter((id) => !keep.has(id)).map((id) => ({ id, serial: serialOf.get(id) ?? '' }));
    const removed = before.filter((id) => !wanted.includes(id)).map((id) => ({ id, serial: serialOf.get(id) ?? '' }));
    await addEvent(tx, ticket.id, actorIdOf(actor), now, { kind: 'devices_changed', public: false, data: { added, removed, order: named.map((d) => d.serial) } });
  }
  const entitlement = judge(raw, named, input.siteId, ticket.reportedAt, deps.timeZone);
  if (!sameEntitlement(ticket.entitlement, entitlement)) {
    changed.push('entitlement');
    await write.update({ entitlement, contractId: entitlement.contract?.id ?? null });
    await addEvent(tx, ticket.id, actorIdOf(actor), now, { kind: 'entitlement_changed', public: false, data: { from: ticket.entitlement, to: entitlement } });
  }
  if (changed.length) {
    write.emit('ticket.updated', { fields: changed });
    write.audit(
      deps.audit.entry(
        { actorId: actorIdOf(actor), ip: actor.ip },
        'ticket',
        ticket.id,
        'coverage_changed',
        { deviceIds: before, entitlement: brief(ticket.entitlement) },
        { deviceIds: wanted, entitlement: brief(entitlement) },
      ),
    );
    ticket.entitlement = entitlement;
    ticket.contractId = entitlement.contract?.id ?? null;
  }
  return { changed };
}
