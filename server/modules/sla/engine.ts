/**
 * The SLA engine: turns a ticket's stored facts (reported time, status history from its timeline,
 * milestone stamps, fired keys) into milestone clocks and escalation steps with the pure domain,
 * fires what is due exactly once (unique key per ticket), and stores the ticket's next due moment
 * and queue summary. Nothing here keeps counters: every number is derived again from the facts.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { TicketStatus } from '../../../common/domain';
import type { Db } from '../../db/client';
import { customers, ticketEvents, ticketFirings, ticketMilestones, tickets } from '../../db/schema';
import { escalationSteps, type EscalationStep } from '../../domain/escalation';
import {
  BUILT_IN_MILESTONE_NAMES,
  computeMilestones,
  isBuiltInMilestone,
  nextSlaEvents,
  queueSummary,
  type MilestoneState,
  type SlaFiring,
  type TicketClockFacts,
} from '../../domain/sla';
import { recordEvents } from '../events';
import { ticketRef } from '../tickets/command';
import { addEvent } from '../tickets/events';
import type { TicketRow } from '../tickets/repository';
import type { PolicyInForce, TimeRules, TimeRulesRegistry } from '../time-rules/registry';
import { enqueue, resolveRecipients, slaRecipients, type NotifyOptions, type UndeliverableReason } from './notify';

const STOPPED: readonly TicketStatus[] = ['resolved', 'closed', 'cancelled'];
const UNDELIVERABLE_ZH: Record<UndeliverableReason, string> = { no_address: '无邮箱', mail_not_configured: '邮件未配置' };

export interface EngineOptions extends NotifyOptions {
  registry: TimeRulesRegistry;
  /** A firing more than this after its due moment is marked late (the server was down or behind). */
  lateAfterMs: number;
  publicUrl: string;
  /** The desk's home time zone, in which due times are written in messages. */
  timeZone: string;
}

export interface Evaluation {
  ticket: TicketRow;
  policy: PolicyInForce | undefined;
  milestones: MilestoneState[];
  fired: number;
}

/** Status history from the timeline; the ticket was `new` from the moment it was reported. */
async function statusHistory(tx: Db, ticket: TicketRow) {
  const rows = await tx
    .select({ at: ticketEvents.createdAt, data: ticketEvents.data })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'status_changed')))
    .orderBy(asc(ticketEvents.id));
  const start = Math.min(ticket.reportedAt.getTime(), ticket.createdAt.getTime());
  const first = (rows[0]?.data.from as TicketStatus | undefined) ?? ticket.status;
  return [{ at: start, status: first }, ...rows.map((r) => ({ at: r.at.getTime(), status: r.data.to as TicketStatus }))];
}

/** When the ticket stopped owing work: its last move into resolved or cancelled, if it is still there. */
function stoppedAt(ticket: TicketRow, history: ReadonlyArray<{ at: number; status: TicketStatus }>): number | null {
  if (!STOPPED.includes(ticket.status)) return null;
  for (let i = history.length - 1; i >= 0; i--) {
    const s = history[i]!.status;
    if (s === 'resolved' || s === 'cancelled') return history[i]!.at;
  }
  return ticket.updatedAt.getTime();
}

export async function loadFacts(tx: Db, ticket: TicketRow): Promise<TicketClockFacts> {
  const history = await statusHistory(tx, ticket);
  const stamps = await tx.select().from(ticketMilestones).where(eq(ticketMilestones.ticketId, ticket.id));
  return {
    reportedAt: ticket.reportedAt.getTime(),
    severity: ticket.severity,
    statusHistory: history,
    stamps: Object.fromEntries(stamps.map((s) => [s.milestone, { at: s.metAt.getTime(), by: s.metById }])),
    stoppedAt: stoppedAt(ticket, history),
  };
}

export type PolicySource = 'ticket' | 'customer' | 'default';

/** One ticket's clocks as of a moment, with everything they were derived from. */
export interface Derived {
  ticket: TicketRow;
  rules: TimeRules;
  policy: PolicyInForce | undefined;
  source: PolicySource;
  facts: TicketClockFacts;
  milestones: MilestoneState[];
}

/** Loads the facts of a ticket and derives its milestone clocks: the one way every caller reads them. */
export async function deriveClocks(tx: Db, registry: TimeRulesRegistry, ticketId: string, now: Date): Promise<Derived | null> {
  const [ticket] = await tx.select().from(tickets).where(eq(tickets.id, ticketId));
  if (!ticket) return null;
  const rules = await registry.get(tx);
  const { policy, source } = await policyFor(tx, rules, ticket);
  const facts = await loadFacts(tx, ticket);
  const milestones = policy ? computeMilestones(policy.definition, facts, rules.calendar, now.getTime()) : [];
  return { ticket, rules, policy, source, facts, milestones };
}

/** The policy in force: the ticket's own, else its customer's service level, else the default. */
export async function policyFor(tx: Db, rules: TimeRules, ticket: TicketRow): Promise<{ policy: PolicyInForce | undefined; source: PolicySource }> {
  const own = ticket.slaPolicyId ? rules.policy(ticket.slaPolicyId) : undefined;
  if (own) return { policy: own, source: 'ticket' };
  return customerPolicy(tx, rules, ticket.customerId);
}

/** The policy a customer's tickets get: its service level, else the default. */
export async function customerPolicy(
  tx: Db,
  rules: TimeRules,
  customerId: string,
): Promise<{ policy: PolicyInForce | undefined; source: 'customer' | 'default' }> {
  const [customer] = await tx.select({ slaPolicyId: customers.slaPolicyId }).from(customers).where(eq(customers.id, customerId));
  const theirs = customer?.slaPolicyId ? rules.policy(customer.slaPolicyId) : undefined;
  if (theirs) return { policy: theirs, source: 'customer' };
  return { policy: rules.defaultPolicy, source: 'default' };
}

const minutesText = (minutes: number) =>
  minutes % 1440 === 0 ? `${minutes / 1440} 天` : minutes % 60 === 0 ? `${minutes / 60} 小时` : `${minutes} 分钟`;

export function createSlaEngine(options: EngineOptions) {
  const milestoneNames = (m: MilestoneState) =>
    m.name ?? (isBuiltInMilestone(m.milestone) ? BUILT_IN_MILESTONE_NAMES[m.milestone] : { zh: m.milestone, en: m.milestone });
  const milestoneName = (m: MilestoneState) => milestoneNames(m).zh;
  const link = (ticket: TicketRow) => `${options.publicUrl}/tickets/${ticket.id}`;

  async function fireEscalation(tx: Db, ticket: TicketRow, step: EscalationStep, now: Date, firingId: number) {
    const recipients = await resolveRecipients(tx, ticket, step.rule.recipients);
    const elapsed = minutesText(step.rule.afterMinutes);
    const subject = `【升级 L${step.rule.level}】${ticket.number} ${ticket.severity} ${ticket.title} — 已 ${elapsed}未解决`;
    const body = [
      `工单 ${ticket.number}（${ticket.severity}）自报障起已 ${elapsed}仍未解决，按升级矩阵通知您。`,
      `Ticket ${ticket.number} (${ticket.severity}) is still unresolved ${step.rule.afterMinutes} minutes after it was reported (escalation level ${step.rule.level}).`,
      link(ticket),
    ].join('\n');
    const { undeliverable } = await enqueue(tx, ticket, recipients, { kind: 'escalation', subject, body, firingId }, now, options);
    const unreached = undeliverable.length ? `；无法送达：${undeliverable.map((u) => `${u.name}（${UNDELIVERABLE_ZH[u.reason]}）`).join('、')}` : '';
    await addEvent(tx, ticket.id, null, now, {
      kind: 'escalated',
      public: false,
      body: `升级至第 ${step.rule.level} 级：${recipients.map((r) => r.name).join('、') || '（无接收人）'}${unreached}`,
      data: {
        level: step.rule.level,
        ruleId: step.rule.id,
        afterMinutes: step.rule.afterMinutes,
        recipients: recipients.map((r) => r.name),
        // Who this step could not reach, and why (same order): the timeline shows them in red.
        undeliverable: undeliverable.map((u) => u.name),
        undeliverableReasons: undeliverable.map((u) => u.reason),
      },
    });
    await recordEvents(tx, [
      {
        kind: 'escalation.fired',
        subjectType: 'ticket',
        subjectId: ticket.id,
        ticketId: ticket.id,
        actorId: null,
        occurredAt: now,
        payload: {
          ...ticketRef(ticket),
          level: step.rule.level,
          ruleId: step.rule.id ?? null,
          afterMinutes: step.rule.afterMinutes,
          recipients: recipients.map((r) => r.name),
        },
      },
    ]);
    return {
      recipients: recipients.map((r) => ({ name: r.name, userId: r.userId, email: r.email })),
      undeliverable,
      level: step.rule.level,
      afterMinutes: step.rule.afterMinutes,
    };
  }

  async function fireSla(tx: Db, ticket: TicketRow, firing: SlaFiring, milestone: MilestoneState, now: Date, firingId: number) {
    const recipients = await slaRecipients(tx, ticket, firing.kind);
    const name = milestoneName(milestone);
    // The desk's one date-time format (YYYY-MM-DD HH:mm), in its home time zone.
    const due = new Intl.DateTimeFormat('sv-SE', { timeZone: options.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(milestone.dueAt!));
    const subject =
      firing.kind === 'sla_warning'
        ? `【即将超时】${ticket.number} ${ticket.severity}「${name}」将于 ${due} 到期`
        : `【已超时】${ticket.number} ${ticket.severity}「${name}」已于 ${due} 超时`;
    const body = [subject, `Ticket ${ticket.number}: milestone "${milestone.milestone}" ${firing.kind === 'sla_warning' ? 'is due soon' : 'is breached'} (due ${new Date(milestone.dueAt!).toISOString()}).`, link(ticket)].join('\n');
    const { undeliverable } = await enqueue(tx, ticket, recipients, { kind: firing.kind, subject, body, firingId }, now, options);
    await recordEvents(tx, [
      {
        kind: firing.kind === 'sla_warning' ? 'sla.warned' : 'sla.breached',
        subjectType: 'ticket',
        subjectId: ticket.id,
        ticketId: ticket.id,
        actorId: null,
        occurredAt: now,
        payload: { ...ticketRef(ticket), milestone: milestone.milestone, dueAt: new Date(milestone.dueAt!).toISOString() },
      },
    ]);
    if (firing.kind === 'sla_breach') {
      await addEvent(tx, ticket.id, null, now, { kind: 'sla_breached', public: false, body: `「${name}」超时`, data: { milestone: milestone.milestone, dueAt: new Date(milestone.dueAt!).toISOString() } });
    }
    return { recipients: recipients.map((r) => ({ name: r.name, userId: r.userId, email: r.email })), undeliverable, milestone: milestone.milestone };
  }

  return {
    /**
     * Re-derives the ticket's clocks as of `now` and stores its next due moment. With `fire`, also
     * fires what is due (the sweep); without, leaves due work to the sweep (request hooks).
     */
    async evaluate(tx: Db, ticketId: string, now: Date, mode: { fire: boolean }): Promise<Evaluation | null> {
      const derived = await deriveClocks(tx, options.registry, ticketId, now);
      if (!derived) return null;
      const { ticket, rules, policy, facts, milestones } = derived;
      const firedRows = await tx.select({ key: ticketFirings.key }).from(ticketFirings).where(eq(ticketFirings.ticketId, ticket.id));
      const fired = new Set(firedRows.map((r) => r.key));
      const t = now.getTime();

      const sla = nextSlaEvents(milestones, fired, t);
      const esc = escalationSteps(rules.escalationRules, { severity: ticket.severity, reportedAt: facts.reportedAt, stoppedAt: facts.stoppedAt }, rules.calendar, t, fired);

      const due = [
        ...esc.due.map((step) => ({ key: step.key, at: step.at, run: (firingId: number) => fireEscalation(tx, ticket, step, now, firingId), kind: 'escalation' as const })),
        ...sla.due.map((f) => ({
          key: f.key,
          at: f.at,
          run: (firingId: number) => fireSla(tx, ticket, f, milestones.find((m) => m.milestone === f.milestone)!, now, firingId),
          kind: f.kind,
        })),
      ].sort((a, b) => a.at - b.at);

      let firedCount = 0;
      if (mode.fire) {
        // A step missed before the ticket stopped (the sweep was down, or it claimed the ticket on a
        // next_due_at stored while it was open) would tell people about a closed ticket: record it as
        // skipped instead, so it never fires later either (a reopened ticket starts no old alarms).
        const stopped = facts.stoppedAt !== null;
        for (const firing of due) {
          // The unique key makes this the one and only firing, whichever process gets here first.
          const [claimed] = await tx
            .insert(ticketFirings)
            .values({
              ticketId: ticket.id,
              key: firing.key,
              kind: firing.kind,
              dueAt: new Date(firing.at),
              firedAt: now,
              late: !stopped && t - firing.at > options.lateAfterMs,
              data: stopped ? { skipped: true, reason: 'ticket_stopped', status: ticket.status } : {},
            })
            .onConflictDoNothing()
            .returning({ id: ticketFirings.id });
          if (!claimed || stopped) continue;
          const data = await firing.run(claimed.id);
          await tx.update(ticketFirings).set({ data }).where(eq(ticketFirings.id, claimed.id));
          firedCount++;
        }
      }

      const candidates = [sla.nextAt, esc.nextAt, ...(mode.fire ? [] : due.map((d) => d.at))].filter((x): x is number => x !== null);
      // A stopped ticket owes nothing more: no badge, and it sorts after every running clock.
      const summary = facts.stoppedAt === null ? queueSummary(milestones) : null;
      const summaryName = summary ? milestoneNames(milestones.find((m) => m.milestone === summary.milestone)!) : null;
      await tx
        .update(tickets)
        .set({
          nextDueAt: candidates.length ? new Date(Math.min(...candidates)) : null,
          // Skipped steps (a stopped ticket) escalated nobody: they do not raise the level.
          escalationLevel: Math.max(ticket.escalationLevel, mode.fire && facts.stoppedAt === null ? esc.level : 0),
          slaMilestone: summary?.milestone ?? null,
          slaMilestoneName: summaryName,
          slaDueAt: summary ? new Date(summary.dueAt) : null,
          slaAmberAt: summary?.amberAt ? new Date(summary.amberAt) : null,
          slaState: summary?.state ?? null,
        })
        .where(eq(tickets.id, ticket.id));
      return { ticket, policy, milestones, fired: firedCount };
    },
  };
}

export type SlaEngine = ReturnType<typeof createSlaEngine>;
