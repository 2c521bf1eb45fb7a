/**
 * Service contracts (合同): list and read (customer users: their own organisation's, read only),
 * create and change with their coverage in one transaction, and the signed files (attachments.ts).
 * A write that can change what covers a ticket re-judges the customer's open tickets in the same
 * transaction (installed-base/entitlements.ts).
 */
import { and, eq } from 'drizzle-orm';
import type { Contract, ContractCreate, ContractDetail, ContractListQuery, ContractUpdate } from '../../../common/api/installed-base';
import type { Db } from '../../db/client';
import { contractCoverage, contracts } from '../../db/schema';
import { dayIn } from '../../domain/installed-base/entitlement';
import { isCustomer, type Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { notFound } from '../../platform/errors';
import { diff, type Audit } from '../audit';
import { assertCustomerWritable } from '../customers/scope';
import { refreshOpenTicketEntitlements } from '../installed-base/entitlements';
import { createContractAttachments } from './attachments';
import { assertCustomerExists, assertNumberFree, checkCoverage, checkPeriod, checkReferences, type ContractFacts } from './checks';
import { listContracts, loadContract, loadContractDetail, type ContractRow } from './repository';

export interface ContractDeps {
  db: Db;
  clock: Clock;
  audit: Audit;
  /** The desk's time zone (config.timeZone): calendar days (warranty, contract periods) are judged in it. */
  timeZone: string;
  /** Where stored files live (attachments folder) and the upload limit. */
  filesDir: string;
  maxUploadBytes: number;
}

type Coverage = ContractFacts['coverage'];
type CoverageKind = 'device' | 'site' | 'product';
const KINDS: Array<[CoverageKind, keyof Coverage]> = [
  ['device', 'deviceIds'],
  ['site', 'siteIds'],
  ['product', 'productIds'],
];

/** Fields whose change can change which contract covers a ticket, or its explanation. */
const COVERING_FIELDS = ['customerId', 'startsOn', 'endsOn', 'status', 'terminatedOn', 'scope', 'slaPolicyId', 'number', 'title'] as const;

const dedupe = (c: Partial<Coverage> | undefined): Coverage => ({
  deviceIds: [...new Set(c?.deviceIds ?? [])],
  siteIds: [...new Set(c?.siteIds ?? [])],
  productIds: [...new Set(c?.productIds ?? [])],
});

const sameCoverage = (a: Coverage, b: Coverage) =>
  KINDS.every(([, key]) => a[key].length === b[key].length && [...a[key]].sort().join() === [...b[key]].sort().join());

async function readCoverage(tx: Db, contractId: string): Promise<Coverage> {
  const rows = await tx.select({ kind: contractCoverage.kind, targetId: contractCoverage.targetId }).from(contractCoverage).where(eq(contractCoverage.contractId, contractId));
  const of = (kind: CoverageKind) => rows.filter((r) => r.kind === kind).map((r) => r.targetId);
  return { deviceIds: of('device'), siteIds: of('site'), productIds: of('product') };
}

/** Replaces the contract's coverage rows (in chunks: a contract may list 20,000 devices). */
async function writeCoverage(tx: Db, contractId: string, coverage: Coverage, replace: boolean) {
  if (replace) await tx.delete(contractCoverage).where(eq(contractCoverage.contractId, contractId));
  const rows = KINDS.flatMap(([kind, key]) => coverage[key].map((targetId) => ({ contractId, kind, targetId })));
  for (let i = 0; i < rows.length; i += 2000) await tx.insert(contractCoverage).values(rows.slice(i, i + 2000));
}

/** What the audit log keeps of a coverage: the ids while short (labelled on the audit page), else the counts. */
function coverageAudit(c: Coverage) {
  const small = c.deviceIds.length + c.siteIds.length + c.productIds.length <= 300;
  return small ? { ...c } : { deviceCount: c.deviceIds.length, siteCount: c.siteIds.length, productCount: c.productIds.length };
}

const auditValues = (row: ContractRow) => {
  const { createdAt: _c, updatedAt: _u, createdById: _b, ...rest } = row;
  return rest;
};

export function createContractService(deps: ContractDeps) {
  const { db, clock, audit, timeZone } = deps;
  const today = () => dayIn(clock.now(), timeZone);
  const refresh = (tx: Db, customerId: string) => refreshOpenTicketEntitlements(tx, { timeZone, customerId, now: clock.now() });

  /** The contract if the actor may see it (customer users: their own organisation's), else 404. */
  async function visible(tx: Db, actor: Actor, id: string): Promise<ContractRow> {
    const [row] = await tx
      .select()
      .from(contracts)
      .where(and(eq(contracts.id, id), isCustomer(actor) ? eq(contracts.customerId, actor.customerId!) : undefined));
    if (!row) throw notFound('contract.not_found', 'Contract');
    return row;
  }

  /** The contract locked for a change the actor may make (its customer in their scope), else 404. */
  async function writable(tx: Db, actor: Actor, id: string): Promise<ContractRow> {
    const [row] = await tx
      .select()
      .from(contracts)
      .where(and(eq(contracts.id, id), isCustomer(actor) ? eq(contracts.customerId, actor.customerId!) : undefined))
      .for('update');
    if (!row) throw notFound('contract.not_found', 'Contract');
    await assertCustomerWritable(tx, actor, row.customerId);
    return row;
  }

  async function mustLoad(tx: Db, actor: Actor, id: string): Promise<Contract> {
    const contract = await loadContract(tx, id, today(), isCustomer(actor));
    if (!contract) throw notFound('contract.not_found', 'Contract');
    return contract;
  }

  return {
    async list(actor: Actor, query: ContractListQuery): Promise<Contract[]> {
      if (isCustomer(actor) && query.customerId && query.customerId !== actor.customerId) return [];
      const customerId = isCustomer(actor) ? actor.customerId! : query.customerId;
      return listContracts(db, { ...query, customerId }, today(), isCustomer(actor));
    },

    async get(actor: Actor, id: string): Promise<ContractDetail> {
      await visible(db, actor, id);
      const detail = await loadContractDetail(db, id, today(), isCustomer(actor));
      if (!detail) throw notFound('contract.not_found', 'Contract');
      return detail;
    },

    /** `input` is the parsed ContractCreate (defaults filled in). */
    async create(actor: Actor, input: ContractCreate & { coverage?: Partial<Coverage> }): Promise<Contract> {
      return db.transaction(async (tx) => {
        await assertCustomerExists(tx, input.customerId);
        await assertCustomerWritable(tx, actor, input.customerId);
        await assertNumberFree(tx, input.number);
        const facts: ContractFacts = {
          number: input.number,
          customerId: input.customerId,
          startsOn: input.startsOn,
          endsOn: input.endsOn,
          status: input.status ?? 'draft',
          terminatedOn: input.terminatedOn ?? null,
          scope: input.scope ?? 'customer',
          coverage: dedupe(input.coverage),
          slaPolicyId: input.slaPolicyId ?? null,
          onsiteCalendarId: input.onsiteCalendarId ?? null,
          phoneCalendarId: input.phoneCalendarId ?? null,
          residentEngineerIds: [...new Set(input.residentEngineerIds ?? [])],
          accountManagerId: input.accountManagerId ?? null,
        };
        checkPeriod(facts);
        await checkCoverage(tx, facts);
        await checkReferences(tx, facts);
        const now = clock.now();
        const { coverage, ...fields } = facts;
        const [row] = await tx
          .insert(contracts)
          .values({
            ...fields,
            title: input.title,
            includedVisits: input.includedVisits ?? null,
            inspectionFrequency: input.inspectionFrequency ?? 'none',
            priceCents: input.priceCents ?? null,
            currency: input.currency ?? 'CNY',
            notes: input.notes ?? null,
            createdById: actor.id,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await writeCoverage(tx, row!.id, coverage, false);
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'contract', row!.id, 'created', null, { ...auditValues(row!), ...coverageAudit(coverage) });
        await refresh(tx, row!.customerId);
        return mustLoad(tx, actor, row!.id);
      });
    },

    /** A change: what the patch omits is kept; `coverage`, when given, replaces the listed coverage. */
    async update(actor: Actor, id: string, patch: ContractUpdate): Promise<Contract> {
      return db.transaction(async (tx) => {
        const before = await writable(tx, actor, id);
        const { coverage: coveragePatch, ...fieldPatch } = patch;
        const changes = Object.fromEntries(Object.entries(fieldPatch).filter(([, v]) => v !== undefined)) as Partial<ContractRow>;
        // A contract no longer terminated has no termination day (unless the patch names one: refused below).
        const nextStatus = changes.status ?? before.status;
        if (nextStatus !== 'terminated' && patch.terminatedOn === undefined && before.terminatedOn) changes.terminatedOn = null;
        if (changes.customerId && changes.customerId !== before.customerId) {
          await assertCustomerExists(tx, changes.customerId);
          await assertCustomerWritable(tx, actor, changes.customerId);
        }
        if (changes.number) await assertNumberFree(tx, changes.number, id);
        const storedCoverage = await readCoverage(tx, id);
        // Turning a listed contract into a whole-customer one drops its list unless the patch gives one (refused then).
        const coverage = coveragePatch ? dedupe(coveragePatch) : changes.scope === 'customer' ? dedupe(undefined) : storedCoverage;
        const after = { ...before, ...changes };
        const facts: ContractFacts = { ...after, coverage };
        checkPeriod(facts);
        if (coveragePatch || changes.scope !== undefined || changes.customerId !== undefined) await checkCoverage(tx, facts);
        // Only what the patch names: a since-disabled account manager does not block editing the title.
        await checkReferences(tx, {
          ...facts,
          slaPolicyId: changes.slaPolicyId ?? null,
          onsiteCalendarId: changes.onsiteCalendarId ?? null,
          phoneCalendarId: changes.phoneCalendarId ?? null,
          residentEngineerIds: changes.residentEngineerIds ? [...new Set(changes.residentEngineerIds)] : [],
          accountManagerId: changes.accountManagerId ?? null,
        });
        if (changes.residentEngineerIds) changes.residentEngineerIds = [...new Set(changes.residentEngineerIds)];
        const { before: was, after: now } = diff(auditValues(before), auditValues({ ...before, ...changes }));
        const coverageChanged = !sameCoverage(coverage, storedCoverage);
        if (Object.keys(now).length === 0 && !coverageChanged) return mustLoad(tx, actor, id);
        await tx
          .update(contracts)
          .set({ ...changes, updatedAt: clock.now() })
          .where(eq(contracts.id, id));
        if (coverageChanged) await writeCoverage(tx, id, coverage, true);
        await audit.record(
          tx,
          { actorId: actor.id, ip: actor.ip },
          'contract',
          id,
          'updated',
          coverageChanged ? { ...was, coverage: coverageAudit(storedCoverage) } : was,
          coverageChanged ? { ...now, coverage: coverageAudit(coverage) } : now,
        );
        if (coverageChanged || COVERING_FIELDS.some((f) => f in now)) {
          await refresh(tx, after.customerId);
          if (after.customerId !== before.customerId) await refresh(tx, before.customerId);
        }
        return mustLoad(tx, actor, id);
      });
    },

    ...createContractAttachments({ ...deps, visible, writable }),
  };
}
export type ContractService = ReturnType<typeof createContractService>;
