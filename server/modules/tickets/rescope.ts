/**
 * Moving a ticket to another customer (staff's edit): the new customer must be one the writer
 * serves, its contact and site must be the new customer's, and the old customer's contact and site
 * do not travel along (cleared unless new ones are given). The SLA clocks follow by themselves:
 * the policy in force is read from the customer on every derivation, and the command helper's SLA
 * subscriber re-derives after the write, keeping elapsed and paused time.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { TicketPatch } from '../../../common/api';
import type { Db } from '../../db/client';
import { contacts, customers, serviceCenters, sites, ticketFollowers, tickets, users } from '../../db/schema';
import { isCustomer, seesAllCenters, type Actor } from '../../platform/actor';
import { AppError, fieldError } from '../../platform/errors';
import type { TicketRow } from './repository';

/**
 * The patch as it applies: with another customer, `contactId` and `siteId` are set (to what was
 * given, else null). Throws 403 for a customer user or a customer outside the writer's scope, 400
 * for a customer that does not exist. Contact and site ownership are checked by the caller
 * against the customer returned.
 */
export async function rescopePatch(tx: Db, actor: Actor, ticket: TicketRow, patch: TicketPatch): Promise<{ patch: TicketPatch; customerId: string }> {
  if (patch.customerId === undefined || patch.customerId === ticket.customerId) {
    const { customerId: _same, ...rest } = patch;
    return { patch: rest, customerId: ticket.customerId };
  }
  if (isCustomer(actor)) {
    throw new AppError('auth.role_forbidden', 'Only service staff may move a ticket to another customer', { role: actor.role, permission: 'tickets.update' });
  }
  const [customer] = await tx
    .select({ id: customers.id, centerId: customers.centerId, path: serviceCenters.path })
    .from(customers)
    .leftJoin(serviceCenters, eq(serviceCenters.id, customers.centerId))
    .where(eq(customers.id, patch.customerId));
  if (!customer) throw fieldError('customerId', 'field.no_such_customer', 'no such customer');
  // The rule customer writes follow: customers without a center, or in the writer's subtree.
  const inScope = seesAllCenters(actor) || customer.centerId === null || Boolean(customer.path && actor.centerPath && customer.path.startsWith(actor.centerPath));
  if (!inScope) {
    throw new AppError('scope.ticket_customer_forbidden', "That customer is served by a center outside your scope: you may not move a ticket to it", {
      customerId: customer.id,
    });
  }
  // A parent and its children are one customer's outage: detach the child first (ticket-links).
  const [child] = await tx.select({ id: tickets.id }).from(tickets).where(eq(tickets.parentId, ticket.id)).limit(1);
  if (ticket.parentId !== null || child) {
    throw new AppError('parent.other_customer', 'Parent and child tickets must belong to the same customer: detach the child before moving it to another customer');
  }
  return {
    patch: { ...patch, contactId: patch.contactId ?? null, siteId: patch.siteId ?? null },
    customerId: customer.id,
  };
}

/** Names instead of ids for the timeline: { customerId | contactId | siteId: { from: {id,name}|null, to: … } }. */
export async function namedRefs(tx: Db, changes: Record<string, { from: unknown; to: unknown }>) {
  const tables = { customerId: customers, contactId: contacts, siteId: sites } as const;
  const named: Record<string, { from: { id: string; name: string } | null; to: { id: string; name: string } | null }> = {};
  for (const key of Object.keys(tables) as (keyof typeof tables)[]) {
    const change = changes[key];
    if (!change) continue;
    const table = tables[key];
    const ids = [change.from, change.to].filter((x): x is string => typeof x === 'string');
    const rows = ids.length ? await tx.select({ id: table.id, name: table.name }).from(table).where(inArray(table.id, ids)) : [];
    const ref = (id: unknown) => rows.find((r) => r.id === id) ?? null;
    named[key] = { from: ref(change.from), to: ref(change.to) };
  }
  return named;
}

/** The old organisation's users stop following a ticket that is no longer theirs to see. */
export async function dropForeignFollowers(tx: Db, ticketId: string, customerId: string) {
  const followers = await tx
    .select({ userId: ticketFollowers.userId, customerId: users.customerId })
    .from(ticketFollowers)
    .innerJoin(users, eq(users.id, ticketFollowers.userId))
    .where(eq(ticketFollowers.ticketId, ticketId));
  const foreign = followers.filter((f) => f.customerId !== null && f.customerId !== customerId).map((f) => f.userId);
  if (foreign.length) {
    await tx.delete(ticketFollowers).where(and(eq(ticketFollowers.ticketId, ticketId), inArray(ticketFollowers.userId, foreign)));
  }
}
