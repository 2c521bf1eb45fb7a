/**
 * SLA policies as administrators manage them: create (often from a shipped template), edit the
 * milestones per severity, choose the default, delete one nobody uses. Definitions are validated
 * by the SLA domain schema against the calendars that exist; a change re-derives open tickets.
 */
import { asc, count, eq, sql } from 'drizzle-orm';
import type { SlaPolicy, SlaPolicyCreate, SlaPolicyUpdate } from '../../../common/api';
import { SlaPolicyCreate as SlaPolicyCreateSchema } from '../../../common/api';
import type { Db } from '../../db/client';
import { customers, slaPolicies, tickets } from '../../db/schema';
import { slaPolicyDefinitionFor, slaPolicyTemplates } from '../../domain/sla';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { fieldKeyForIssue, fieldParamsForIssue } from '../../../common/api/errors';
import { AppError, notFound } from '../../platform/errors';
import { diff, type Audit } from '../audit';
import { bumpTimeRulesVersion, type TimeRulesRegistry } from './registry';
import { reevaluateOpenTickets } from './reevaluate';

type PolicyRow = typeof slaPolicies.$inferSelect;

const customerCount = sql<number>`(select count(*)::int from customers c where c.sla_policy_id = sla_policies.id)`;

const toDto = (row: PolicyRow & { customerCount: number }): SlaPolicy => ({
  id: row.id,
  key: row.key,
  name: row.name,
  nameEn: row.nameEn,
  description: row.description,
  isDefault: row.isDefault,
  definition: row.definition,
  customerCount: row.customerCount,
  updatedAt: row.updatedAt.toISOString(),
});

export function createPolicyService(deps: { db: Db; clock: Clock; audit: Audit; registry: TimeRulesRegistry }) {
  const { db, clock, audit, registry } = deps;

  /** A definition the domain accepts, with every calendar it names existing; else a 400 per issue. */
  async function validDefinition(tx: Db, definition: unknown) {
    const rules = await registry.get(tx);
    const parsed = slaPolicyDefinitionFor(rules.calendarKeys).safeParse(definition);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({ path: ['definition', ...i.path].join('.'), message: i.message, key: fieldKeyForIssue(i), params: fieldParamsForIssue(i as never) }));
      throw new AppError('sla_policy.invalid', `Invalid SLA policy — ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { fields });
    }
    return parsed.data;
  }

  async function changed(tx: Db, actor: Actor, id: string, action: string, before: unknown, after: unknown) {
    await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'sla_policy', id, action, before, after);
    await bumpTimeRulesVersion(tx);
    await reevaluateOpenTickets(tx, clock.now());
  }

  async function select(tx: Db, id?: string) {
    const q = tx.select({ row: slaPolicies, customerCount }).from(slaPolicies);
    const found = await (id ? q.where(eq(slaPolicies.id, id)) : q.orderBy(asc(slaPolicies.name)));
    return found.map((r) => toDto({ ...r.row, customerCount: r.customerCount }));
  }

  return {
    list: () => select(db),
    templates: () => slaPolicyTemplates(),

    async get(id: string) {
      const [found] = await select(db, id);
      if (!found) throw notFound('sla_policy.not_found', 'SLA policy');
      return found;
    },

    async create(actor: Actor, raw: SlaPolicyCreate): Promise<SlaPolicy> {
      const input = SlaPolicyCreateSchema.parse(raw);
      return db.transaction(async (tx) => {
        const definition = await validDefinition(tx, input.definition);
        const [taken] = await tx.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.key, input.key));
        if (taken) throw new AppError('sla_policy.key_taken', `An SLA policy with key "${input.key}" exists`, { key: input.key, fields: [{ path: 'key', message: 'taken', key: 'field.taken' }] });
        if (input.isDefault) await tx.update(slaPolicies).set({ isDefault: false }).where(eq(slaPolicies.isDefault, true));
        const now = clock.now();
        const [row] = await tx
          .insert(slaPolicies)
          .values({ key: input.key, name: input.name, nameEn: input.nameEn ?? null, description: input.description ?? null, isDefault: input.isDefault, definition, createdAt: now, updatedAt: now })
          .returning();
        await changed(tx, actor, row!.id, 'created', null, { key: input.key, name: input.name, isDefault: input.isDefault });
        return toDto({ ...row!, customerCount: 0 });
      });
    },

    async update(actor: Actor, id: string, patch: SlaPolicyUpdate): Promise<SlaPolicy> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(slaPolicies).where(eq(slaPolicies.id, id)).for('update');
        if (!before) throw notFound('sla_policy.not_found', 'SLA policy');
        const definition = patch.definition ? await validDefinition(tx, patch.definition) : undefined;
        if (patch.isDefault === false && before.isDefault) {
          throw new AppError('sla_policy.default_required', 'One policy must stay the default: make another policy the default instead');
        }
        if (patch.isDefault && !before.isDefault) await tx.update(slaPolicies).set({ isDefault: false }).where(eq(slaPolicies.isDefault, true));
        const [after] = await tx
          .update(slaPolicies)
          .set({ ...patch, ...(definition ? { definition } : {}), updatedAt: clock.now() })
          .where(eq(slaPolicies.id, id))
          .returning();
        const changes = diff(before, after!);
        await changed(tx, actor, id, 'updated', changes.before, changes.after);
        const [dto] = await select(tx, id);
        return dto!;
      });
    },

    async remove(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const [row] = await tx.select().from(slaPolicies).where(eq(slaPolicies.id, id)).for('update');
        if (!row) throw notFound('sla_policy.not_found', 'SLA policy');
        if (row.isDefault) throw new AppError('sla_policy.default_undeletable', 'The default policy cannot be deleted; make another one the default first');
        const [{ n: byCustomers } = { n: 0 }] = await tx.select({ n: count() }).from(customers).where(eq(customers.slaPolicyId, id));
        const [{ n: byTickets } = { n: 0 }] = await tx.select({ n: count() }).from(tickets).where(eq(tickets.slaPolicyId, id));
        if (byCustomers || byTickets) {
          throw new AppError('sla_policy.in_use', `Policy "${row.name}" is the service level of ${byCustomers} customer(s) and ${byTickets} ticket(s); move them to another policy first`, { name: row.name, customers: byCustomers, tickets: byTickets });
        }
        await tx.delete(slaPolicies).where(eq(slaPolicies.id, id));
        await changed(tx, actor, id, 'deleted', { key: row.key, name: row.name }, null);
      });
    },
  };
}

export type PolicyService = ReturnType<typeof createPolicyService>;
