/**
 * What a contract write must satisfy beyond its zod shape, checked against the database before
 * anything is written; each refusal is a 400 naming the field (or a 409 for a taken number).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { isCustomerRole } from '../../../common/domain';
import type { Db } from '../../db/client';
import { calendars, contracts, customers, devices, products, sites, slaPolicies, users } from '../../db/schema';
import { AppError, fieldError } from '../../platform/errors';

/** The contract as it will be after the write: the stored values with the change applied. */
export interface ContractFacts {
  number: string;
  customerId: string;
  startsOn: string;
  endsOn: string;
  status: 'draft' | 'active' | 'terminated';
  terminatedOn: string | null;
  scope: 'customer' | 'listed';
  coverage: { deviceIds: string[]; siteIds: string[]; productIds: string[] };
  slaPolicyId: string | null;
  onsiteCalendarId: string | null;
  phoneCalendarId: string | null;
  residentEngineerIds: string[];
  accountManagerId: string | null;
}

/** Numbers are unique whatever their case (the index on lower(number) holds it; this names it). */
export async function assertNumberFree(tx: Db, number: string, exceptId?: string) {
  const [taken] = await tx
    .select({ id: contracts.id, number: contracts.number })
    .from(contracts)
    .where(eq(sql`lower(${contracts.number})`, number.toLowerCase()));
  if (taken && taken.id !== exceptId) {
    throw new AppError('contract.number_taken', `The contract number "${number}" is already used`, {
      number: taken.number,
      fields: [{ path: 'number', message: 'taken', key: 'field.taken' }],
      existingId: taken.id,
    });
  }
}

export async function assertCustomerExists(tx: Db, customerId: string) {
  const [c] = await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId));
  if (!c) throw fieldError('customerId', 'field.no_such_customer', 'no such customer');
}

/** The ids of `ids` that `where` does not find (distinct, in the order given). */
async function missing(found: Promise<Array<{ id: string }>>, ids: readonly string[]) {
  const have = new Set((await found).map((r) => r.id));
  return [...new Set(ids)].filter((id) => !have.has(id));
}

export function checkPeriod(f: ContractFacts) {
  if (f.endsOn < f.startsOn) throw fieldError('endsOn', 'field.end_before_start', 'must not be before the start');
  if (f.status === 'terminated') {
    if (!f.terminatedOn) throw fieldError('terminatedOn', 'field.required', 'a terminated contract needs the day it ends');
    if (f.terminatedOn < f.startsOn || f.terminatedOn > f.endsOn) {
      throw fieldError('terminatedOn', 'field.outside_period', 'must be within the contract period', { startsOn: f.startsOn, endsOn: f.endsOn });
    }
  } else if (f.terminatedOn) {
    throw fieldError('terminatedOn', 'field.only_when_terminated', 'only a terminated contract has a termination day');
  }
}

/** Scope and coverage agree, and everything listed is the customer's (devices, sites) or exists (products). */
export async function checkCoverage(tx: Db, f: ContractFacts) {
  const { deviceIds, siteIds, productIds } = f.coverage;
  const listed = deviceIds.length + siteIds.length + productIds.length;
  if (f.scope === 'customer' && listed > 0) {
    throw fieldError('coverage', 'field.coverage_not_allowed', "a contract of scope 'customer' covers everything of the customer: list nothing");
  }
  if (f.scope === 'listed' && listed === 0) {
    throw fieldError('coverage', 'field.coverage_required', "a contract of scope 'listed' must list at least one device, site or product");
  }
  if (deviceIds.length) {
    const bad = await missing(
      tx.select({ id: devices.id }).from(devices).where(and(inArray(devices.id, deviceIds), eq(devices.customerId, f.customerId))),
      deviceIds,
    );
    if (bad.length) {
      throw fieldError('coverage.deviceIds', 'field.not_customer_device', `not devices of the contract's customer: ${bad.slice(0, 5).join(', ')}`, { count: bad.length });
    }
  }
  if (siteIds.length) {
    const bad = await missing(tx.select({ id: sites.id }).from(sites).where(and(inArray(sites.id, siteIds), eq(sites.customerId, f.customerId))), siteIds);
    if (bad.length) {
      throw fieldError('coverage.siteIds', 'field.not_customer_site', `not sites of the contract's customer: ${bad.slice(0, 5).join(', ')}`, { count: bad.length });
    }
  }
  if (productIds.length) {
    const bad = await missing(tx.select({ id: products.id }).from(products).where(inArray(products.id, productIds)), productIds);
    if (bad.length) throw fieldError('coverage.productIds', 'field.no_such_product', `no such products: ${bad.slice(0, 5).join(', ')}`, { count: bad.length });
  }
}

/** The policy and calendars exist; the people are active staff (a customer account cannot serve a contract). */
export async function checkReferences(tx: Db, f: ContractFacts) {
  if (f.slaPolicyId) {
    const [p] = await tx.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.id, f.slaPolicyId));
    if (!p) throw fieldError('slaPolicyId', 'field.no_such_sla_policy', 'no such SLA policy');
  }
  for (const field of ['onsiteCalendarId', 'phoneCalendarId'] as const) {
    const id = f[field];
    if (!id) continue;
    const [c] = await tx.select({ id: calendars.id }).from(calendars).where(eq(calendars.id, id));
    if (!c) throw fieldError(field, 'field.no_such_calendar', 'no such calendar');
  }
  const people = [...new Set([...f.residentEngineerIds, ...(f.accountManagerId ? [f.accountManagerId] : [])])];
  if (people.length === 0) return;
  const found = await tx.select({ id: users.id, role: users.role, active: users.active }).from(users).where(inArray(users.id, people));
  const staff = new Set(found.filter((u) => u.active && !isCustomerRole(u.role)).map((u) => u.id));
  const badEngineer = f.residentEngineerIds.findIndex((id) => !staff.has(id));
  if (badEngineer >= 0) throw fieldError(`residentEngineerIds.${badEngineer}`, 'field.not_staff_user', 'must be an active staff user');
  if (f.accountManagerId && !staff.has(f.accountManagerId)) throw fieldError('accountManagerId', 'field.not_staff_user', 'must be an active staff user');
}
