/**
 * Contract reads: the list with its filters (the derived state decided in SQL, the same rule as
 * `contractState` for the day given), and the response shapes with every id named.
 */
import { and, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Contract, ContractDetail, ContractState } from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import {
  calendars,
  contractAttachments,
  contractCoverage,
  contractReminders,
  contracts,
  customers,
  devices,
  products,
  sites,
  slaPolicies,
  users,
} from '../../db/schema';
import { containsPattern } from '../../db/text';
import { contractState, EXPIRING_DAYS } from '../../domain/installed-base/entitlement';

export type ContractRow = typeof contracts.$inferSelect;

/**
 * The contracts in `state` on `day` — `contractState` written as SQL so the filter and the limit
 * run in the database: a terminated contract counts as active up to its termination day.
 */
export function stateIs(state: ContractState, day: string): SQL {
  const today = sql`${day}::date`;
  const daysLeft = sql`(${contracts.endsOn} - ${today})`;
  const active = eq(contracts.status, 'active');
  const terminated = eq(contracts.status, 'terminated');
  const terminatedInForce = sql`${contracts.terminatedOn} is not null and ${today} <= ${contracts.terminatedOn}`;
  switch (state) {
    case 'draft':
      return eq(contracts.status, 'draft');
    case 'terminated':
      return and(terminated, sql`not (${terminatedInForce})`)!;
    case 'expired':
      return and(active, sql`${today} > ${contracts.endsOn}`)!;
    case 'expiring':
      return and(active, sql`${today} <= ${contracts.endsOn}`, sql`${daysLeft} <= ${EXPIRING_DAYS}`)!;
    case 'active':
      return or(and(active, sql`${daysLeft} > ${EXPIRING_DAYS}`), and(terminated, sql`${terminatedInForce}`))!;
  }
}

const onsite = alias(calendars, 'onsite_calendar');
const phone = alias(calendars, 'phone_calendar');
const manager = alias(users, 'account_manager');

// Qualified by hand: inside sql`` subqueries Drizzle leaves columns unqualified.
const coverageCount = (kind: 'device' | 'site' | 'product') =>
  sql<number>`(select count(*)::int from contract_coverage cc where cc.contract_id = "contracts"."id" and cc.kind = ${kind})`;

const columns = {
  contract: contracts,
  customerName: customers.name,
  policyName: slaPolicies.name,
  policyNameEn: slaPolicies.nameEn,
  onsiteName: onsite.name,
  phoneName: phone.name,
  managerName: manager.name,
  devices: coverageCount('device'),
  sites: coverageCount('site'),
  products: coverageCount('product'),
};

function selectContracts(db: Db) {
  return db
    .select(columns)
    .from(contracts)
    .innerJoin(customers, eq(customers.id, contracts.customerId))
    .leftJoin(slaPolicies, eq(slaPolicies.id, contracts.slaPolicyId))
    .leftJoin(onsite, eq(onsite.id, contracts.onsiteCalendarId))
    .leftJoin(phone, eq(phone.id, contracts.phoneCalendarId))
    .leftJoin(manager, eq(manager.id, contracts.accountManagerId));
}

type Selected = Awaited<ReturnType<ReturnType<typeof selectContracts>['where']>>[number];

const ref = (id: string | null, name: string | null) => (id && name !== null ? { id, name } : null);

/** The rows as the API shape; customer users do not read the desk's internal notes. */
async function toContracts(db: Db, selected: Selected[], day: string, forCustomer: boolean): Promise<Contract[]> {
  const engineerIds = [...new Set(selected.flatMap((s) => s.contract.residentEngineerIds))];
  const engineers = engineerIds.length
    ? new Map((await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, engineerIds))).map((u) => [u.id, u.name]))
    : new Map<string, string>();
  return selected.map(({ contract: c, ...s }) => ({
    id: c.id,
    number: c.number,
    title: c.title,
    customer: { id: c.customerId, name: s.customerName },
    startsOn: c.startsOn,
    endsOn: c.endsOn,
    status: c.status,
    state: contractState(c, day),
    terminatedOn: c.terminatedOn,
    scope: c.scope,
    slaPolicy: c.slaPolicyId && s.policyName !== null ? { id: c.slaPolicyId, name: s.policyName, nameEn: s.policyNameEn } : null,
    onsiteCalendar: ref(c.onsiteCalendarId, s.onsiteName),
    phoneCalendar: ref(c.phoneCalendarId, s.phoneName),
    includedVisits: c.includedVisits,
    inspectionFrequency: c.inspectionFrequency,
    residentEngineers: c.residentEngineerIds.filter((id) => engineers.has(id)).map((id) => ({ id, name: engineers.get(id)! })),
    accountManager: ref(c.accountManagerId, s.managerName),
    priceCents: c.priceCents,
    currency: c.currency,
    notes: forCustomer ? null : c.notes,
    coverageCounts: { devices: s.devices, sites: s.sites, products: s.products },
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  }));
}

export interface ListFilter {
  customerId?: string;
  state?: ContractState;
  q?: string;
  limit: number;
}

/** Newest first (the latest start, then the latest created), like the entitlement rule's order. */
export async function listContracts(db: Db, filter: ListFilter, day: string, forCustomer: boolean): Promise<Contract[]> {
  const where = and(
    filter.customerId ? eq(contracts.customerId, filter.customerId) : undefined,
    filter.state ? stateIs(filter.state, day) : undefined,
    filter.q ? or(ilike(contracts.number, containsPattern(filter.q)), ilike(contracts.title, containsPattern(filter.q))) : undefined,
  );
  const selected = await selectContracts(db)
    .where(where)
    .orderBy(desc(contracts.startsOn), desc(contracts.createdAt), contracts.number)
    .limit(filter.limit);
  return toContracts(db, selected, day, forCustomer);
}

export async function loadContract(db: Db, id: string, day: string, forCustomer: boolean): Promise<Contract | null> {
  const selected = await selectContracts(db).where(eq(contracts.id, id));
  if (selected.length === 0) return null;
  return (await toContracts(db, selected, day, forCustomer))[0]!;
}

/** One contract with its coverage named, its files and the reminders sent for its current end. */
export async function loadContractDetail(db: Db, id: string, day: string, forCustomer: boolean): Promise<ContractDetail | null> {
  const contract = await loadContract(db, id, day, forCustomer);
  if (!contract) return null;
  const [coveredDevices, coveredSites, coveredProducts, files, reminders] = await Promise.all([
    db
      .select({ id: devices.id, serial: devices.serial, product: products.name, model: products.model })
      .from(contractCoverage)
      .innerJoin(devices, eq(devices.id, contractCoverage.targetId))
      .innerJoin(products, eq(products.id, devices.productId))
      .where(and(eq(contractCoverage.contractId, id), eq(contractCoverage.kind, 'device')))
      .orderBy(devices.serial),
    db
      .select({ id: sites.id, name: sites.name })
      .from(contractCoverage)
      .innerJoin(sites, eq(sites.id, contractCoverage.targetId))
      .where(and(eq(contractCoverage.contractId, id), eq(contractCoverage.kind, 'site')))
      .orderBy(sites.name),
    db
      .select({ id: products.id, model: products.model, name: products.name })
      .from(contractCoverage)
      .innerJoin(products, eq(products.id, contractCoverage.targetId))
      .where(and(eq(contractCoverage.contractId, id), eq(contractCoverage.kind, 'product')))
      .orderBy(products.model),
    db
      .select({ file: contractAttachments, uploaderName: users.name })
      .from(contractAttachments)
      .leftJoin(users, eq(users.id, contractAttachments.uploadedById))
      .where(eq(contractAttachments.contractId, id))
      .orderBy(contractAttachments.createdAt),
    db
      .select({ daysBefore: contractReminders.daysBefore, sentAt: contractReminders.sentAt })
      .from(contractReminders)
      .where(and(eq(contractReminders.contractId, id), eq(contractReminders.endsOn, contract.endsOn)))
      .orderBy(desc(contractReminders.daysBefore)),
  ]);
  return {
    ...contract,
    coverage: {
      devices: coveredDevices.map((d) => ({ id: d.id, serial: d.serial, product: `${d.model} ${d.product}` })),
      sites: coveredSites,
      products: coveredProducts,
    },
    // Customers do not read which staff member filed the document.
    attachments: files.map(({ file, uploaderName }) => toAttachmentDto(file, forCustomer ? null : uploaderName)),
    remindersSent: reminders.map((r) => ({ daysBefore: r.daysBefore, sentAt: r.sentAt.toISOString() })),
  };
}

export type ContractAttachmentRow = typeof contractAttachments.$inferSelect;

export const toAttachmentDto = (file: ContractAttachmentRow, uploaderName: string | null): ContractDetail['attachments'][number] => ({
  id: file.id,
  filename: file.filename,
  contentType: file.contentType,
  size: file.size,
  createdAt: file.createdAt.toISOString(),
  uploadedBy: file.uploadedById && uploaderName !== null ? { id: file.uploadedById, name: uploaderName } : null,
});
