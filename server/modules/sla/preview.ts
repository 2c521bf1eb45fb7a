/**
 * Due-time preview for the hotline form: the milestones a new ticket of this customer and severity,
 * at that site and naming those devices, reported at that moment, would get, and what would cover
 * it. The very code that derives a real ticket's clocks and entitlement (the entitlement facts and
 * rules, `policyIn` over the chain, the domain's `computeMilestones` on the business calendars) runs
 * on the facts of a ticket that does not exist yet: reported then, `new` since, nothing met.
 */
import { eq, sql } from 'drizzle-orm';
import type { DuePreview, DuePreviewQuery } from '../../../common/api';
import type { Db } from '../../db/client';
import { customers } from '../../db/schema';
import { BUILT_IN_MILESTONE_NAMES, computeMilestones, isBuiltInMilestone } from '../../domain/sla';
import type { Clock } from '../../platform/clock';
import { notFound } from '../../platform/errors';
import type { TimeRulesRegistry } from '../time-rules/registry';
import { checkedDevices, entitlementFactsSql, judge, productPolicyOf } from '../installed-base/entitlements';
import { policyIn } from './engine';

export function createDuePreview(deps: { db: Db; clock: Clock; registry: TimeRulesRegistry; timeZone: string }) {
  const { db, clock, registry, timeZone } = deps;
  return async function duePreview(query: DuePreviewQuery): Promise<DuePreview> {
    const now = clock.now();
    // A report cannot come from the future: like creating, a later time counts as now.
    const reportedAt = query.reportedAt ? Math.min(new Date(query.reportedAt).getTime(), now.getTime()) : now.getTime();
    const deviceIds = [...new Set(query.deviceIds ?? [])];
    const siteId = query.siteId ?? null;
    const [customer] = await db
      .select({ id: customers.id, slaPolicyId: customers.slaPolicyId, facts: entitlementFactsSql(sql`${customers.id}`, siteId, deviceIds) })
      .from(customers)
      .where(eq(customers.id, query.customerId));
    if (!customer) throw notFound('customer.not_found', 'Customer');
    const named = checkedDevices(customer.facts, customer.id, deviceIds);
    const entitlement = judge(customer.facts, named, siteId, new Date(reportedAt), timeZone);
    const rules = await registry.get(db);
    const { policy, source } = policyIn(rules, {
      contract: entitlement.contract?.slaPolicyId ?? null,
      product: productPolicyOf(named),
      customer: customer.slaPolicyId,
    });
    if (!policy) return { severity: query.severity, policy: null, entitlement, reportedAt: new Date(reportedAt).toISOString(), milestones: [] };
    const states = computeMilestones(
      policy.definition,
      { reportedAt, severity: query.severity, statusHistory: [{ at: reportedAt, status: 'new' }], stamps: {}, stoppedAt: null },
      rules.calendar,
      now.getTime(),
    );
    const targets = policy.definition.severities[query.severity] ?? [];
    return {
      severity: query.severity,
      policy: { id: policy.id, name: policy.name, nameEn: policy.nameEn, source },
      entitlement,
      reportedAt: new Date(reportedAt).toISOString(),
      milestones: states.map((s) => ({
        milestone: s.milestone,
        name: s.name ?? (isBuiltInMilestone(s.milestone) ? BUILT_IN_MILESTONE_NAMES[s.milestone] : { zh: s.milestone, en: s.milestone }),
        targetMinutes: s.targetMinutes,
        calendar: s.calendar,
        anchor: targets.find((target) => target.key === s.milestone)?.anchor ?? 'reported',
        dueAt: s.dueAt === null ? null : new Date(s.dueAt).toISOString(),
      })),
    };
  };
}

export type DuePreviewService = ReturnType<typeof createDuePreview>;
