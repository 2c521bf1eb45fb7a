/**
 * Who may see and change what belongs to a customer — the customer itself, and since issue 11
 * its devices and contracts. Customer users: their own organisation only (another answers 404).
 * Staff read every customer; they change those without a center or in their center's subtree
 * (organisation-wide staff: all), like tickets.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { customers, serviceCenters } from '../../db/schema';
import { isCustomer, seesAllCenters, type Actor } from '../../platform/actor';
import { notFound } from '../../platform/errors';

/** A customer the actor may see, or 404 — another tenant's organisation does not exist for them. */
export function assertCustomerVisible(actor: Actor, customerId: string) {
  if (isCustomer(actor) && actor.customerId !== customerId) throw notFound('customer.not_found', 'Customer');
}

/** The center's path is in the actor's subtree (organisation-wide staff: everywhere). */
export async function centerInScope(tx: Db, actor: Actor, centerId: string): Promise<boolean> {
  if (seesAllCenters(actor)) return true;
  const [center] = await tx.select({ path: serviceCenters.path }).from(serviceCenters).where(eq(serviceCenters.id, centerId));
  return Boolean(center && actor.centerPath && center.path.startsWith(actor.centerPath));
}

/** A customer the actor may change (or change what is theirs), or 404. */
export async function assertCustomerWritable(tx: Db, actor: Actor, customerId: string) {
  assertCustomerVisible(actor, customerId);
  const [customer] = await tx.select({ centerId: customers.centerId }).from(customers).where(eq(customers.id, customerId));
  if (!customer) throw notFound('customer.not_found', 'Customer');
  if (isCustomer(actor) || customer.centerId === null) return;
  if (!(await centerInScope(tx, actor, customer.centerId))) throw notFound('customer.not_found', 'Customer');
}
