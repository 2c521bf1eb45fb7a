/**
 * The escalation matrix and its external contacts (the vendor's technical center) as
 * administrators manage them. Rules are validated by the escalation domain schema; recipients
 * that name a user or contact must exist. A change re-derives every open ticket's next step.
 */
import { asc, eq, inArray } from 'drizzle-orm';
import type { EscalationContact, EscalationContactInput, EscalationContactPatch, EscalationRuleDto, EscalationRuleInput, EscalationRulePatch } from '../../../common/api';
import { EscalationContactInput as ContactSchema, EscalationContactPatch as ContactPatchSchema, EscalationRuleInput as RuleInputSchema } from '../../../common/api';
import { isCustomerRole, ROLE_LABELS, type Role } from '../../../common/domain';
import type { Db } from '../../db/client';
import { escalationContacts, escalationRules, users } from '../../db/schema';
import { escalationRuleFor, type EscalationRecipient, type EscalationRule } from '../../domain/escalation';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { fieldKeyForIssue, fieldParamsForIssue } from '../../../common/api/errors';
import { AppError, assertUnreachable, notFound } from '../../platform/errors';
import { diff, type Audit } from '../audit';
import { bumpTimeRulesVersion, type TimeRulesRegistry } from './registry';
import { reevaluateOpenTickets } from './reevaluate';

type RuleRow = typeof escalationRules.$inferSelect;
type ContactRow = typeof escalationContacts.$inferSelect;

const toContactDto = (c: ContactRow): EscalationContact => ({
  id: c.id,
  name: c.name,
  organisation: c.organisation,
  email: c.email,
  phone: c.phone,
  isVendorCenter: c.isVendorCenter,
});

/** The stored columns of a rule (everything but id and creation time). */
export function ruleColumns(rule: Omit<EscalationRule, 'id'>, now: Date) {
  return {
    severity: rule.severity,
    afterMinutes: rule.afterMinutes,
    clock: rule.clock,
    calendarKey: rule.calendar ?? null,
    level: rule.level,
    recipients: rule.recipients,
    active: rule.active,
    updatedAt: now,
  };
}

export function createEscalationService(deps: { db: Db; clock: Clock; audit: Audit; registry: TimeRulesRegistry }) {
  const { db, clock, audit, registry } = deps;

  async function names(tx: Db, recipients: readonly EscalationRecipient[]) {
    const userIds = recipients.flatMap((r) => (r.kind === 'user' ? [r.userId] : []));
    const contactIds = recipients.flatMap((r) => (r.kind === 'contact' ? [r.contactId] : []));
    const people = userIds.length ? await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, userIds)) : [];
    const contacts = contactIds.length ? await tx.select().from(escalationContacts).where(inArray(escalationContacts.id, contactIds)) : [];
    return recipients.map((r) => {
      switch (r.kind) {
        case 'role':
          return ROLE_LABELS[r.role].zh;
        case 'user':
          return people.find((p) => p.id === r.userId)?.name ?? '（已删除的用户）';
        case 'contact':
          return contacts.find((c) => c.id === r.contactId)?.name ?? '（已删除的联系人）';
        case 'vendor':
          return '原厂商技术中心';
        case 'on_call':
          return '值班工程师';
        default:
          return assertUnreachable(r);
      }
    });
  }

  async function toDto(tx: Db, row: RuleRow): Promise<EscalationRuleDto> {
    return {
      id: row.id,
      severity: row.severity,
      afterMinutes: row.afterMinutes,
      clock: row.clock,
      calendar: row.calendarKey,
      level: row.level,
      recipients: row.recipients,
      recipientNames: await names(tx, row.recipients),
      active: row.active,
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  /**
   * Escalations carry internal matters of one customer's ticket: a customer role (or a named
   * customer-side user) as recipient would tell every organisation's users about another's P1.
   */
  async function refuseCustomerRecipients(tx: Db, recipients: readonly EscalationRecipient[]) {
    const userIds = recipients.flatMap((r) => (r.kind === 'user' ? [r.userId] : []));
    const roles = userIds.length ? await tx.select({ id: users.id, role: users.role }).from(users).where(inArray(users.id, userIds)) : [];
    const fields = recipients.flatMap((r, i) => {
      const role: Role | undefined = r.kind === 'role' ? r.role : r.kind === 'user' ? roles.find((u) => u.id === r.userId)?.role : undefined;
      if (!role || !isCustomerRole(role)) return [];
      const path = r.kind === 'role' ? `recipients.${i}.role` : `recipients.${i}.userId`;
      return [{ path, message: `a customer role (${role}) cannot receive escalations`, key: 'field.customer_role_recipient' as const, params: { role } }];
    });
    if (fields.length) {
      throw new AppError('escalation_rule.invalid', `Invalid escalation rule — ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { fields });
    }
  }

  /** Validates with the domain schema and checks named users and contacts exist. */
  async function validRule(tx: Db, input: EscalationRuleInput) {
    const parsedInput = RuleInputSchema.parse(input);
    const rules = await registry.get(tx);
    const parsed = escalationRuleFor(rules.calendarKeys).safeParse({ ...parsedInput, id: 'draft', calendar: parsedInput.calendar ?? undefined });
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, key: fieldKeyForIssue(i), params: fieldParamsForIssue(i as never) }));
      throw new AppError('escalation_rule.invalid', `Invalid escalation rule — ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, { fields });
    }
    const rule = parsed.data;
    await refuseCustomerRecipients(tx, rule.recipients);
    const missing = (await names(tx, rule.recipients)).filter((n) => n.startsWith('（已删除'));
    if (missing.length) throw new AppError('escalation_rule.unknown_recipient', 'recipients: a named user or contact does not exist', { fields: [{ path: 'recipients', message: 'unknown user or contact', key: 'field.unknown_recipient' }] });
    return rule;
  }

  async function changed(tx: Db, actor: Actor, entity: string, id: string, action: string, before: unknown, after: unknown) {
    await audit.record(tx, { actorId: actor.id, ip: actor.ip }, entity, id, action, before, after);
    await bumpTimeRulesVersion(tx);
    await reevaluateOpenTickets(tx, clock.now());
  }

  return {
    async list(): Promise<EscalationRuleDto[]> {
      const rows = await db.select().from(escalationRules).orderBy(asc(escalationRules.severity), asc(escalationRules.afterMinutes));
      return Promise.all(rows.map((r) => toDto(db, r)));
    },

    async create(actor: Actor, input: EscalationRuleInput): Promise<EscalationRuleDto> {
      return db.transaction(async (tx) => {
        const rule = await validRule(tx, input);
        const now = clock.now();
        const [row] = await tx
          .insert(escalationRules)
          .values({ ...ruleColumns(rule, now), createdAt: now })
          .returning();
        await changed(tx, actor, 'escalation_rule', row!.id, 'created', null, rule);
        return toDto(tx, row!);
      });
    },

    async update(actor: Actor, id: string, patch: EscalationRulePatch): Promise<EscalationRuleDto> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(escalationRules).where(eq(escalationRules.id, id)).for('update');
        if (!before) throw notFound('escalation_rule.not_found', 'Escalation rule');
        // A rule switched to elapsed time no longer counts on a calendar, unless one is sent too.
        const calendar = patch.clock === 'calendar' && patch.calendar === undefined ? null : before.calendarKey;
        const merged = {
          severity: before.severity,
          afterMinutes: before.afterMinutes,
          clock: before.clock,
          calendar,
          level: before.level,
          recipients: before.recipients,
          active: before.active,
          ...patch,
        };
        const rule = await validRule(tx, merged);
        const [after] = await tx
          .update(escalationRules)
          .set(ruleColumns(rule, clock.now()))
          .where(eq(escalationRules.id, id))
          .returning();
        const changes = diff(before, after!);
        await changed(tx, actor, 'escalation_rule', id, 'updated', changes.before, changes.after);
        return toDto(tx, after!);
      });
    },

    async remove(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const [gone] = await tx.delete(escalationRules).where(eq(escalationRules.id, id)).returning();
        if (!gone) throw notFound('escalation_rule.not_found', 'Escalation rule');
        // Steps this rule already fired stay in the tickets' history (their firings keep the rule id).
        await changed(tx, actor, 'escalation_rule', id, 'deleted', { severity: gone.severity, afterMinutes: gone.afterMinutes }, null);
      });
    },

    async contacts(): Promise<EscalationContact[]> {
      return (await db.select().from(escalationContacts).orderBy(asc(escalationContacts.name))).map(toContactDto);
    },

    /** Adds a contact (`id` null, defaults apply) or changes the fields sent, keeping the rest. */
    async saveContact(actor: Actor, id: string | null, raw: EscalationContactInput | EscalationContactPatch): Promise<EscalationContact> {
      return db.transaction(async (tx) => {
        if (!id) {
          const input = ContactSchema.parse(raw);
          const values = { name: input.name, organisation: input.organisation ?? null, email: input.email ?? null, phone: input.phone ?? null, isVendorCenter: input.isVendorCenter };
          const [row] = await tx.insert(escalationContacts).values({ ...values, createdAt: clock.now() }).returning();
          await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'escalation_contact', row!.id, 'created', null, values);
          return toContactDto(row!);
        }
        const [before] = await tx.select().from(escalationContacts).where(eq(escalationContacts.id, id));
        if (!before) throw notFound('escalation_contact.not_found', 'Escalation contact');
        const patch = ContactPatchSchema.parse(raw);
        const [after] = Object.keys(patch).length ? await tx.update(escalationContacts).set(patch).where(eq(escalationContacts.id, id)).returning() : [before];
        const changes = diff(before, after!);
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'escalation_contact', id, 'updated', changes.before, changes.after);
        return toContactDto(after!);
      });
    },
  };
}

export type EscalationService = ReturnType<typeof createEscalationService>;
