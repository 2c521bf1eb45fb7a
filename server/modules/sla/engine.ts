/**
 * The SLA engine: turns a ticket's stored facts (reported time, status history from its timeline,
 * milestone stamps, fired keys) into milestone clocks and escalation steps with the pure domain,
 * fires what is due exactly once (unique key per ticket), and stores the ticket's next due moment
 * and queue summary. Nothing here keeps counters: every number is derived again from the facts.
 */
import { eq, sql, type SQL } from 'drizzle-orm';
import type { PolicySource } from '../../../common/api/installed-base';
import type { TicketStatus } from '../../../common/domain';
import { rows, type Db } from '../../db/client';
import { ticketFirings, tickets } from '../../db/schema';
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
import { TIME_RULES_VERSION, type PolicyInForce, type TimeRules, type TimeRulesRegistry } from '../time-rules/registry';
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

/**
 * Everything a ticket's clocks are derived from besides its row, read in one round trip: the
 * time rules' version, the customer's service level, the status history from the timeline, the
 * milestone stamps and the keys already fired. Five small selects were a fifth of a ticket write.
 */
export interface ClockInputs {
  rulesVersion: number;
  /** The policy chain's links after the ticket's own (issue 11): the covering contract's, the first named device's product's, the customer's. */
  contractPolicyId: string | null;
  productPolicyId: string | null;
  customerPolicyId: string | null;
  /** `[at ms, from, to]` of each status change, oldest first. */
  history: Array<[number, TicketStatus, TicketStatus]>;
  /** `[milestone, met at ms, met by, their name]`. */
  stamps: Array<[string, number, string | null, string | null]>;
  fired: string[];
}

/** The clock inputs as a select returns them (clockInputsSql); the SLA module reads them, nobody else looks inside. */
export interface RawClockInputs {
  v: number | null;
  c: string | null;
  d: string | null;
  p: string | null;
  h: ClockInputs['history'] | null;
  s: ClockInputs['stamps'] | null;
  f: string[] | null;
}

/**
 * The clock inputs of the ticket `ticketId` (of customer `customerId`) as one json value: a
 * column of its own, or one more column of a select of the ticket row itself.
 */
/** The time rules' version, as a column of a select. */
export const rulesVersionSql = () => sql<number>`(select version from config_versions where name = ${TIME_RULES_VERSION})`;

export function clockInputsSql(ticketId: SQL | string, customerId: SQL | string): SQL<RawClockInputs> {
  // Instants as whole epoch milliseconds (what a Date holds), so they compare equal to JS times.
  const ms = (column: SQL) => sql`floor(extract(epoch from ${column}) * 1000)::float8`;
  return sql<RawClockInputs>`json_build_object(
    'v', ${rulesVersionSql()},
    'c', (select c.sla_policy_id from tickets t join contracts c on c.id = t.contract_id where t.id = ${ticketId}),
    'd', (select p.sla_policy_id from ticket_devices td join devices dv on dv.id = td.device_id join products p on p.id = dv.product_id
      where td.ticket_id = ${ticketId} and p.sla_policy_id is not null order by td.position limit 1),
    'p', (select sla_policy_id from customers where id = ${customerId}),
    'h', (select json_agg(json_build_array(${ms(sql`e.created_at`)}, e.data->>'from', e.data->>'to') order by e.id)
      from ticket_events e where e.ticket_id = ${ticketId} and e.kind = 'status_changed'),
    's', (select json_agg(json_build_array(m.milestone, ${ms(sql`m.met_at`)}, m.met_by_id, u.name))
      from ticket_milestones m left join users u on u.id = m.met_by_id where m.ticket_id = ${ticketId}),
    'f', (select json_agg(f.key) from ticket_firings f where f.ticket_id = ${ticketId}))`;
}

const toClockInputs = (raw: RawClockInputs | undefined): ClockInputs => ({
  rulesVersion: Number(raw?.v ?? 0),
  contractPolicyId: raw?.c ?? null,
  productPolicyId: raw?.d ?? null,
  customerPolicyId: raw?.p ?? null,
  history: raw?.h ?? [],
  stamps: raw?.s ?? [],
  fired: raw?.f ?? [],
});

/** The clock inputs of a ticket whose row the caller holds: one select. */
export async function loadClockInputs(tx: Db, ticket: TicketRow): Promise<ClockInputs> {
  const [row] = await rows<{ inputs: RawClockInputs }>(tx, sql`select ${clockInputsSql(ticket.id, ticket.customerId)} as inputs`);
  return toClockInputs(row?.inputs);
}

/** The ticket row and its clock inputs: given the row, one select of the inputs; given an id, one select of both. */
async function loadTicketAndInputs(tx: Db, ticketOrId: string | TicketRow): Promise<{ ticket: TicketRow; inputs: ClockInputs } | null> {
  if (typeof ticketOrId !== 'string') return { ticket: ticketOrId, inputs: await loadClockInputs(tx, ticketOrId) };
  const [row] = await tx
    .select({ ticket: tickets, inputs: clockInputsSql(sql`${tickets.id}`, sql`${tickets.customerId}`) })
    .from(tickets)
    .where(eq(tickets.id, ticketOrId));
  return row ? { ticket: row.ticket, inputs: toClockInputs(row.inputs) } : null;
}

/** Status history from the timeline; the ticket was `new` (or what its first change came from) from the moment it was reported. */
function statusHistory(ticket: TicketRow, changes: ClockInputs['history']) {
  const start = Math.min(ticket.reportedAt.getTime(), ticket.createdAt.getTime());
  const first = changes[0]?.[1] ?? ticket.status;
  return [{ at: start, status: first }, ...changes.map(([at, , to]) => ({ at, status: to }))];
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

function clockFacts(ticket: TicketRow, inputs: ClockInputs): TicketClockFacts {
  const history = statusHistory(ticket, inputs.history);
  return {
    reportedAt: ticket.reportedAt.getTime(),
    severity: ticket.severity,
    statusHistory: history,
    stamps: Object.fromEntries(inputs.stamps.map(([milestone, at, by]) => [milestone, { at, by }])),
    stoppedAt: stoppedAt(ticket, history),
  };
}

export type { PolicySource } from '../../../common/api/installed-base';

/** One ticket's clocks as of a moment, with everything they were derived from. */
export interface Derived {
  ticket: TicketRow;
  rules: TimeRules;
  policy: PolicyInForce | undefined;
  source: PolicySource;
  facts: TicketClockFacts;
  milestones: MilestoneState[];
  /** The escalation and SLA keys already fired. */
  fired: Set<string>;
  /** Who met the stamped milestones, by id. */
  stampedBy: Map<string, string>;
}

/**
 * Loads the facts of a ticket and derives its milestone clocks: the one way every caller reads
 * them. Pass the row when the caller holds it current (a write that just updated it).
 */
export async function deriveClocks(tx: Db, registry: TimeRulesRegistry, ticketOrId: string | TicketRow, now: Date): Promise<Derived | null> {
  const loaded = await loadTicketAndInputs(tx, ticketOrId);
  if (!loaded) return null;
  return deriveFrom(tx, registry, loaded.ticket, loaded.inputs, now);
}

/**
 * The clocks of a ticket whose inputs the caller already selected beside its row (a page that
 * reads everything in one statement: clockInputsSql as one more column).
 */
export function deriveClocksFrom(tx: Db, registry: TimeRulesRegistry, ticket: TicketRow, raw: RawClockInputs | null, now: Date): Promise<Derived> {
  return deriveFrom(tx, registry, ticket, toClockInputs(raw ?? undefined), now);
}

async function deriveFrom(tx: Db, registry: TimeRulesRegistry, ticket: TicketRow, inputs: ClockInputs, now: Date): Promise<Derived> {
  const rules = await registry.get(tx, inputs.rulesVersion);
  const { policy, source } = policyIn(rules, { ticket: ticket.slaPolicyId, contract: inputs.contractPolicyId, product: inputs.productPolicyId, customer: inputs.customerPolicyId });
  const facts = clockFacts(ticket, inputs);
  const milestones = policy ? computeMilestones(policy.definition, facts, rules.calendar, now.getTime()) : [];
  const stampedBy = new Map(inputs.stamps.flatMap(([, , by, name]) => (by && name !== null ? [[by, name] as const] : [])));
  return { ticket, rules, policy, source, facts, milestones, fired: new Set(inputs.fired), stampedBy };
}

/** The links of the policy chain, in order: a policy id or null each. */
export type PolicyChain = Partial<Record<Exclude<PolicySource, 'default'>, string | null>>;
const CHAIN: ReadonlyArray<Exclude<PolicySource, 'default'>> = ['ticket', 'contract', 'product', 'customer'];

/**
 * The policy in force, as one ordered chain (issue 11): the ticket's own, else the covering
 * contract's, else the first named device's product's, else the customer's service level, else the
 * default — with the link that chose it. A link naming a policy that no longer exists is skipped.
 */
export function policyIn(rules: TimeRules, chain: PolicyChain): { policy: PolicyInForce | undefined; source: PolicySource } {
  for (const link of CHAIN) {
    const id = chain[link];
    const policy = id ? rules.policy(id) : undefined;
    if (policy) return { policy, source: link };
  }
  return { policy: rules.defaultPolicy, source: 'default' };
}

type StoredSummary = Pick<TicketRow, 'nextDueAt' | 'escalationLevel' | 'slaMilestone' | 'slaMilestoneName' | 'slaDueAt' | 'slaAmberAt' | 'slaState'>;

const sameInstant = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

/** Whether the row already holds this queue summary and next due moment. */
function sameSummary(row: TicketRow, next: StoredSummary): boolean {
  return (
    sameInstant(row.nextDueAt, next.nextDueAt) &&
    row.escalationLevel === next.escalationLevel &&
    row.slaMilestone === next.slaMilestone &&
    // Compared by field: jsonb gives keys back in its own order.
    row.slaMilestoneName?.zh === next.slaMilestoneName?.zh &&
    row.slaMilestoneName?.en === next.slaMilestoneName?.en &&
    sameInstant(row.slaDueAt, next.slaDueAt) &&
    sameInstant(row.slaAmberAt, next.slaAmberAt) &&
    row.slaState === next.slaState
  );
}

const minutesText = (minutes: number) =>
  minutes % 1440 === 0 ? `${minutes / 1440} 天` : minutes % 60 === 0 ? `${minutes / 60} 小时` : `${minutes} 分钟`;

export function createSlaEngine(options: EngineOptions) {
  const milestoneNames = (m: MilestoneState) =>
    m.name ?? (isBuiltInMilestone(m.milestone) ? BUILT_IN_MILESTONE_NAMES[m.milestone] : { zh: m.milestone, en: m.milestone });
  const milestoneName = (m: MilestoneState) => milestoneNames(m).zh;
  const link = (ticket: TicketRow) => `${options.publicUrl}/tickets/${ticket.id}`;

  async function fireEscalation(tx: Db, ticket: TicketRow, step: EscalationStep, now: Date, firingId: number) {
    const recipients = await resolveRecipients(tx, ticket, step.rule.recipients, now);
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
    async evaluate(tx: Db, ticketOrId: string | TicketRow, now: Date, mode: { fire: boolean }, inputs?: ClockInputs): Promise<Evaluation | null> {
      // Inputs the caller read (and kept current) under the row lock are used as they are.
      const derived =
        inputs && typeof ticketOrId !== 'string' ? await deriveFrom(tx, options.registry, ticketOrId, inputs, now) : await deriveClocks(tx, options.registry, ticketOrId, now);
      if (!derived) return null;
      const { ticket, rules, policy, facts, milestones, fired } = derived;
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
      const stored = {
        nextDueAt: candidates.length ? new Date(Math.min(...candidates)) : null,
        // Skipped steps (a stopped ticket) escalated nobody: they do not raise the level.
        escalationLevel: Math.max(ticket.escalationLevel, mode.fire && facts.stoppedAt === null ? esc.level : 0),
        slaMilestone: summary?.milestone ?? null,
        slaMilestoneName: summaryName,
        slaDueAt: summary ? new Date(summary.dueAt) : null,
        slaAmberAt: summary?.amberAt ? new Date(summary.amberAt) : null,
        slaState: summary?.state ?? null,
      };
      // Most writes (a comment on a ticket already answered) move no clock: then the row stays as it is.
      if (!sameSummary(ticket, stored)) await tx.update(tickets).set(stored).where(eq(tickets.id, ticket.id));
      return { ticket, policy, milestones, fired: firedCount };
    },
  };
}

export type SlaEngine = ReturnType<typeof createSlaEngine>;
