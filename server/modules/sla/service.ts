/**
 * SLA use cases around a ticket: keeping its clocks in step after every change (the ticket
 * hook), reading its milestones for the API, stamping milestones met by an explicit action
 * (plan submitted, arrived on site, service restored, custom ones), and listing fired escalations.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { EscalationFiring, MilestoneStamp, SlaMilestone } from '../../../common/api';
import type { Db } from '../../db/client';
import { ticketFirings, ticketMilestones, tickets } from '../../db/schema';
import { BUILT_IN_MILESTONE_NAMES, isBuiltInMilestone } from '../../domain/sla';
import { isCustomer, type Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, notFound } from '../../platform/errors';
import type { Audit } from '../audit';
import type { NewDomainEvent } from '../events';
import type { TicketCommands, TicketSubscriber, TicketWrite } from '../tickets/command';
import { addEvent } from '../tickets/events';
import { visibleTo } from '../tickets/repository';
import type { SlaView } from '../tickets/service';
import type { TimeRulesRegistry } from '../time-rules/registry';
import { clockInputsSql, deriveClocks, rulesVersionSql, deriveClocksFrom, loadClockInputs, type ClockInputs, type RawClockInputs, type SlaEngine } from './engine';

/** Met automatically: respond by the first staff reply or status change out of new; resolve by resolving. */
const AUTOMATIC = new Set(['respond', 'resolve']);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function stamp(tx: Db, ticketId: string, milestone: string, at: Date, byId: string | null, note: string | null) {
  const [row] = await tx
    .insert(ticketMilestones)
    .values({ ticketId, milestone, metAt: at, metById: byId, note })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/**
 * Records a milestone met by an explicit action inside a ticket write, met at `at` (now, or a
 * visit's check-in time sent from an offline queue): the stamp, the public 'milestone' timeline
 * entry, the audit row and `ticket.milestone_met`. False when it was stamped already (nothing written).
 */
export async function recordMilestone(write: TicketWrite, audit: Audit, milestone: string, at: Date, note: string | null): Promise<boolean> {
  const { tx, ticket, actor, now } = write;
  const row = await stamp(tx, ticket.id, milestone, at, actor.id, note);
  if (!row) return false;
  // Any milestone staff record (a plan, a check-in, a restore, a custom one) shows on the
  // customer's timeline: staff visibly acting on the report, so it answers it too (the SLA
  // subscriber stamps `respond` for it).
  await addEvent(tx, ticket.id, actor.id, now, { kind: 'milestone', public: true, body: note, data: { milestone } });
  write.audit(audit.entry({ actorId: actor.id, ip: actor.ip }, 'ticket', ticket.id, 'milestone_met', null, { milestone, note }));
  write.emit('ticket.milestone_met', { milestone, note });
  return true;
}

/**
 * Stamps `milestone` at `at` when the ticket's SLA policy has it for the ticket's severity and it
 * is not met yet (a visit's check-in meets `arrive`, "service restored" meets `restore`); true
 * when it stamped. A policy without that milestone, or one met already, is left as it is.
 */
export async function stampIfOwed(write: TicketWrite, registry: TimeRulesRegistry, audit: Audit, milestone: string, at: Date, note: string | null): Promise<boolean> {
  const derived = await deriveClocks(write.tx, registry, write.ticket, write.now);
  const state = derived?.milestones.find((s) => s.milestone === milestone);
  if (!state || state.metAt !== null) return false;
  return recordMilestone(write, audit, milestone, at, note);
}

/**
 * The stamps a ticket's events imply; pure bookkeeping, the engine derives everything else. The
 * ticket's clock inputs, read under its row lock, say what is stamped already: a stamp is written
 * only when missing (a comment on an answered ticket writes none), and `inputs.stamps` is kept as
 * the database now holds it, so the engine derives from it without reading it again.
 */
async function autoStamp(tx: Db, ticketId: string, now: Date, actor: Actor, events: readonly NewDomainEvent[], inputs: ClockInputs) {
  const staff = !isCustomer(actor);
  const has = (milestone: string) => inputs.stamps.some(([m]) => m === milestone);
  const meet = async (milestone: string, note: string | null) => {
    if (has(milestone)) return;
    // On conflict nothing: a stamp is written once, whoever gets there first.
    if (await stamp(tx, ticketId, milestone, now, actor.id, note)) inputs.stamps.push([milestone, now.getTime(), actor.id, actor.name]);
  };
  for (const event of events) {
    const p = event.payload as Record<string, unknown>;
    // Created already assigned: the agent's intake moved it out of `new` on the spot.
    const outOfNew =
      (event.kind === 'ticket.status_changed' && p.from === 'new') || (event.kind === 'ticket.created' && p.status !== 'new');
    if (staff && ((event.kind === 'ticket.commented' && p.public) || outOfNew || event.kind === 'ticket.milestone_met')) {
      await meet('respond', null);
    }
    if (event.kind === 'ticket.status_changed' && p.to === 'resolved') {
      await meet('resolve', null);
      // Resolved means the service runs again, whether or not "restored" was stamped on its own.
      await meet('restore', 'implied by resolution');
    }
    if (event.kind === 'ticket.status_changed' && p.from === 'resolved' && p.to === 'in_progress' && has('resolve')) {
      await tx.delete(ticketMilestones).where(and(eq(ticketMilestones.ticketId, ticketId), eq(ticketMilestones.milestone, 'resolve')));
      inputs.stamps = inputs.stamps.filter(([m]) => m !== 'resolve');
    }
  }
}

/**
 * The SLA clocks as an in-transaction subscriber of ticket writes: read the clock inputs, stamp
 * what the write implies, then re-derive the ticket's clocks (without firing: that is the sweep's).
 */
export function createSlaSubscriber(engine: SlaEngine): TicketSubscriber {
  return async (tx, ticketId, events, { actor, now, ticket, created }) => {
    // Under the row lock the write holds: nobody else changes these facts until it commits. A
    // ticket created by this write has no history, stamps or firings yet.
    const inputs: ClockInputs = created ? { ...created, history: [], stamps: [], fired: [] } : await loadClockInputs(tx, ticket);
    await autoStamp(tx, ticketId, now, actor, events, inputs);
    await engine.evaluate(tx, ticket, now, { fire: false }, inputs);
  };
}

export function createSlaService(deps: {
  db: Db;
  clock: Clock;
  audit: Audit;
  engine: SlaEngine;
  registry: TimeRulesRegistry;
  commands: TicketCommands;
}) {
  const { db, audit, registry, commands } = deps;

  const view: SlaView = {
    rulesVersion: () => rulesVersionSql(),
    inputs: (ticketId, customerId) => clockInputsSql(ticketId, customerId),
    async view(db_, ticket, inputs, now) {
      const derived = await deriveClocksFrom(db_, registry, ticket, inputs as RawClockInputs | null, now);
      const { policy, source, milestones: states, stampedBy } = derived;
      const targets = policy?.definition.severities[ticket.severity] ?? [];
      const person = (id: string | null) => (id && stampedBy?.has(id) ? { id, name: stampedBy.get(id)! } : null);
      const milestones: SlaMilestone[] = states.map((s) => ({
        milestone: s.milestone,
        name: s.name ?? (isBuiltInMilestone(s.milestone) ? BUILT_IN_MILESTONE_NAMES[s.milestone] : { zh: s.milestone, en: s.milestone }),
        anchor: targets?.find((target) => target.key === s.milestone)?.anchor ?? 'reported',
        state: s.state,
        targetMinutes: s.targetMinutes,
        calendar: s.calendar,
        startedAt: iso(s.startedAt),
        dueAt: iso(s.dueAt),
        amberAt: iso(s.amberAt),
        metAt: iso(s.metAt),
        metBy: person(s.metBy),
        breachedAt: iso(s.breachedAt),
        pausedMinutes: Math.round(s.pausedMinutes * 100) / 100,
      }));
      return { policy: policy ? { id: policy.id, name: policy.name, nameEn: policy.nameEn, source } : null, milestones };
    },
  };

  return {
    view,

    async stampMilestone(actor: Actor, ticketId: string, input: MilestoneStamp) {
      if (AUTOMATIC.has(input.milestone)) {
        throw new AppError('milestone.automatic', `"${input.milestone}" is met automatically (respond: the first public reply, status change or recorded milestone; resolve: resolving the ticket)`, {
          milestone: input.milestone,
          fields: [{ path: 'milestone', message: 'automatic milestone', key: 'field.automatic_milestone' }],
        });
      }
      await commands.change(actor, ticketId, async (write) => {
        const { tx, ticket, now } = write;
        if (!['new', 'assigned', 'in_progress', 'pending_customer'].includes(ticket.status)) {
          throw new AppError('milestone.ticket_closed', `The ticket is ${ticket.status}; milestones can only be recorded while it is open`, { status: ticket.status });
        }
        const derived = await deriveClocks(tx, registry, ticket, now);
        const policy = derived?.policy;
        const known = (derived?.milestones ?? []).map((s) => s.milestone);
        if (!known.includes(input.milestone)) {
          throw new AppError('milestone.not_in_policy', `The ticket's SLA policy (${policy?.name ?? 'none'}) has no milestone "${input.milestone}" for ${ticket.severity}; it has: ${known.join(', ') || 'none'}`, {
            milestone: input.milestone,
            severity: ticket.severity,
            policy: policy?.name ?? null,
            known: known.join(', '),
            fields: [{ path: 'milestone', message: 'not in policy', key: 'field.milestone_not_in_policy' }],
          });
        }
        if (!(await recordMilestone(write, audit, input.milestone, now, input.note ?? null))) {
          throw new AppError('milestone.already_recorded', `Milestone "${input.milestone}" was already recorded`, { milestone: input.milestone });
        }
      });
    },

    async escalations(actor: Actor, ticketId: string): Promise<EscalationFiring[]> {
      const [visible] = await db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, ticketId), visibleTo(actor)));
      if (!visible) throw notFound('ticket.not_found', 'Ticket');
      const rows = await db
        .select()
        .from(ticketFirings)
        // Steps skipped because the ticket had stopped told nobody: they are not escalations.
        .where(and(eq(ticketFirings.ticketId, ticketId), eq(ticketFirings.kind, 'escalation'), sql`not (${ticketFirings.data} ? 'skipped')`))
        .orderBy(asc(ticketFirings.dueAt), asc(ticketFirings.id));
      return rows.map((r) => {
        const data = r.data as { level?: number; afterMinutes?: number; recipients?: EscalationFiring['recipients'] };
        return {
          key: r.key,
          level: data.level ?? 0,
          afterMinutes: data.afterMinutes ?? 0,
          dueAt: r.dueAt.toISOString(),
          firedAt: r.firedAt.toISOString(),
          late: r.late,
          ruleId: r.key.startsWith('esc:') ? r.key.slice(4) : null,
          recipients: data.recipients ?? [],
        };
      });
    },
  };
}

export type SlaService = ReturnType<typeof createSlaService>;
