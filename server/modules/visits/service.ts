/**
 * Visits: plan, re-plan, step through (start trip, check in, finish), list (field service, issue 12).
 *
 * Every write is a ticket write (TicketCommands): the visit's rows, its timeline entry on the
 * ticket, its audit row, the `ticket.visit` domain event, and what a step implies for the ticket
 * (check-in stamps `arrive` and moves a new or assigned ticket to in_progress, "restored" stamps
 * `restore`) commit together, and the SLA clocks follow inside the same transaction.
 *
 * Who sees a visit: whoever sees its ticket (customers: their organisation's), and the visit's
 * own engineers wherever they sit. Who steps it: its engineers, or planners (visits.plan) who see
 * the ticket; staff who see the ticket but are neither get 403, anyone else 404.
 */
import { and, asc, desc, eq, gt, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Visit, VisitCreate, VisitListQuery, VisitTransition, VisitUpdate } from '../../../common/api/field-service';
import { isCustomerRole } from '../../../common/domain';
import { can } from '../../../common/permissions';
import type { Db } from '../../db/client';
import { devices, sites, ticketDevices, ticketEngineers, tickets, users, visitDevices, visitEngineers, visits } from '../../db/schema';
import { checkTransition, isOpen } from '../../domain/ticket-lifecycle';
import { canReplan, judgeStep, nextSteps, type VisitStep } from '../../domain/field-service/visit-machine';
import { isCustomer, type Actor } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import type { FieldServiceDeps } from '../field-service-deps';
import { stampIfOwed } from '../sla/service';
import type { TicketWrite } from '../tickets/command';
import { addEvent } from '../tickets/events';
import { visibleTo, type TicketRow } from '../tickets/repository';
import { mine, ofVisibleTicket, presentVisits, visitVisibleTo } from './read';

export { visitVisibleTo };

type VisitRow = typeof visits.$inferSelect;
type Action = 'planned' | 'replanned' | 'departed' | 'arrived' | 'finished' | 'cancelled';

/** Timeline entries the customer sees: the visit they wait for (planned, moved), the arrival, the end. */
const PUBLIC_ACTIONS: readonly Action[] = ['planned', 'replanned', 'arrived', 'finished'];
const ACTION_OF: Record<VisitStep, Action> = { departed: 'departed', on_site: 'arrived', finished: 'finished', cancelled: 'cancelled' };
/** A phone's clock may run a little ahead of the server's: a step "now" from it is not refused as future. */
const CLOCK_SKEW_MS = 60_000;

export function createVisitService(deps: FieldServiceDeps) {
  const { db, clock, audit, commands, registry } = deps;

  async function findVisible(actor: Actor, id: string) {
    const [row] = await db
      .select({ id: visits.id, ticketId: visits.ticketId, mine: sql<boolean>`${mine(actor)}`, ticketVisible: ofVisibleTicket(actor) ?? sql<boolean>`true` })
      .from(visits)
      .where(and(eq(visits.id, id), visitVisibleTo(actor)));
    if (!row) throw notFound('visit.not_found', 'Visit');
    return row as { id: string; ticketId: string; mine: boolean; ticketVisible: boolean };
  }

  /**
   * A ticket write for a visit step: the ticket locked without the visibility rule (the caller
   * checked the actor may step this visit: one of its engineers may sit in another center), then
   * the same steps as `commands.change`.
   */
  async function changeTicket<T>(actor: Actor, ticketId: string, work: (write: TicketWrite) => Promise<T>): Promise<T> {
    return db.transaction(async (tx) => {
      const [ticket] = await tx.select().from(tickets).where(eq(tickets.id, ticketId)).for('update');
      if (!ticket) throw notFound('visit.not_found', 'Visit');
      const { write, pending, state } = commands.open(tx, ticket, clock.now(), actor);
      const result = await work(write);
      await commands.finish(tx, ticketId, actor, write.now, pending, { current: state.latest, audit: state.audit, locked: state.locked });
      return result;
    });
  }

  async function lockVisit(tx: Db, id: string): Promise<VisitRow> {
    const [row] = await tx.select().from(visits).where(eq(visits.id, id)).for('update');
    if (!row) throw notFound('visit.not_found', 'Visit');
    return row;
  }

  /** The engineers, in the order given (the first leads): active staff who may work visits. */
  async function checkEngineers(tx: Db, ids: readonly string[]) {
    const unique = [...new Set(ids)];
    const rows = await tx.select({ id: users.id, name: users.name, role: users.role, active: users.active }).from(users).where(inArray(users.id, unique));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const bad = unique.filter((id) => {
      const u = byId.get(id);
      return !u?.active || isCustomerRole(u.role) || !can(u.role, 'visits.work');
    });
    if (bad.length) {
      const names = bad.map((id) => byId.get(id)?.name ?? id);
      throw new AppError('visit.engineer_invalid', `Not active staff who may work visits (visits.work): ${names.join(', ')}`, {
        names,
        ids: bad,
        fields: [{ path: 'engineerIds', message: 'not an active engineer', key: 'field.invalid' }],
      });
    }
    return unique.map((id) => ({ id, name: byId.get(id)!.name }));
  }

  /** Devices of the ticket's customer (400 naming the others). */
  async function checkDevices(tx: Db, ticket: TicketRow, ids: readonly string[]) {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return unique;
    const rows = await tx.select({ id: devices.id, serial: devices.serial, customerId: devices.customerId }).from(devices).where(inArray(devices.id, unique));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const bad = unique.filter((id) => byId.get(id)?.customerId !== ticket.customerId);
    if (bad.length) {
      const serialList = bad.map((id) => byId.get(id)?.serial ?? id);
      throw new AppError('visit.device_invalid', `Devices not of the ticket's customer: ${serialList.join(', ')}`, {
        serials: serialList,
        ids: bad,
        fields: [{ path: 'deviceIds', message: 'not a device of the ticket’s customer', key: 'field.invalid' }],
      });
    }
    return unique;
  }

  async function checkSite(tx: Db, ticket: TicketRow, siteId: string) {
    const [site] = await tx.select({ customerId: sites.customerId }).from(sites).where(eq(sites.id, siteId));
    if (site?.customerId !== ticket.customerId) {
      throw new AppError('visit.site_invalid', "The site is not one of the ticket's customer's", { fields: [{ path: 'siteId', message: 'not a site of the ticket’s customer', key: 'field.invalid' }] });
    }
  }

  /**
   * The visit's engineers; each who is not the ticket's assignee also becomes a helper on the ticket
   * (ticket_engineers), so an engineer of another center sent on the visit can open the ticket page.
   * Taking someone off a visit leaves them a helper: they may have worked it already.
   */
  async function setEngineers(tx: Db, visitId: string, engineers: readonly { id: string }[], ticket: TicketRow, actorId: string) {
    await tx.delete(visitEngineers).where(eq(visitEngineers.visitId, visitId));
    await tx.insert(visitEngineers).values(engineers.map((e, i) => ({ visitId, userId: e.id, lead: i === 0 })));
    const helpers = engineers.filter((e) => e.id !== ticket.assigneeId);
    if (helpers.length) {
      await tx
        .insert(ticketEngineers)
        .values(helpers.map((e) => ({ ticketId: ticket.id, userId: e.id, role: 'helper' as const, invitedById: actorId })))
        .onConflictDoNothing();
    }
  }

  async function setDevices(tx: Db, visitId: string, deviceIds: readonly string[]) {
    await tx.delete(visitDevices).where(eq(visitDevices.visitId, visitId));
    if (deviceIds.length) await tx.insert(visitDevices).values(deviceIds.map((deviceId) => ({ visitId, deviceId })));
  }

  async function engineersOf(tx: Db, visitId: string) {
    return tx
      .select({ id: users.id, name: users.name })
      .from(visitEngineers)
      .innerJoin(users, eq(users.id, visitEngineers.userId))
      .where(eq(visitEngineers.visitId, visitId))
      .orderBy(desc(visitEngineers.lead), asc(users.name));
  }

  /** The visit's timeline entry, audit row and domain event, all in the ticket's write. */
  function record(
    write: TicketWrite,
    visit: VisitRow,
    action: Action,
    engineers: readonly { id: string; name: string }[],
    at: Date,
    extra: { result?: VisitRow['result']; reason?: string | null; before?: unknown } = {},
  ) {
    const { tx, actor, ticket, now } = write;
    const data = {
      action,
      visitId: visit.id,
      plannedStart: visit.plannedStart.toISOString(),
      plannedEnd: visit.plannedEnd.toISOString(),
      engineers: engineers.map((e) => e.name),
      at: at.toISOString(),
      ...(extra.result ? { result: extra.result } : {}),
      ...(extra.reason ? { reason: extra.reason } : {}),
    };
    write.emit('ticket.visit', {
      action,
      visitId: visit.id,
      plannedStart: data.plannedStart,
      plannedEnd: data.plannedEnd,
      engineers: engineers.map((e) => ({ id: e.id, name: e.name })),
      at: data.at,
      result: extra.result ?? null,
      reason: extra.reason ?? null,
    });
    write.audit(audit.entry({ actorId: actor.id, ip: actor.ip }, 'visit', visit.id, action, extra.before ?? null, { ticketId: ticket.id, ...data }));
    return addEvent(tx, ticket.id, actor.id, now, { kind: 'visit', public: PUBLIC_ACTIONS.includes(action), body: extra.reason ?? null, data });
  }

  /** Moves a new or assigned ticket to in_progress on check-in, through the status machine's steps. */
  async function startWork(write: TicketWrite, lead: { id: string; name: string }) {
    const { tx, actor, ticket, now } = write;
    const step = async (to: 'assigned' | 'in_progress') => {
      if (!checkTransition(ticket.status, to, actor.role).ok) return false;
      write.emit('ticket.status_changed', { from: ticket.status, to, note: null });
      await write.update({ status: to });
      await addEvent(tx, ticket.id, actor.id, now, { kind: 'status_changed', public: true, data: { from: ticket.status, to } });
      write.audit(audit.entry({ actorId: actor.id, ip: actor.ip }, 'ticket', ticket.id, 'status_changed', { status: ticket.status }, { status: to, note: null }));
      ticket.status = to;
      return true;
    };
    if (ticket.status === 'new') {
      // Nobody assigned yet: the one checking in (else the visit's lead) takes it, as an engineer
      // taking a new ticket does.
      if (!ticket.assigneeId) {
        const to = actor.role === 'engineer' ? { id: actor.id, name: actor.name } : lead;
        await write.update({ assigneeId: to.id });
        await addEvent(tx, ticket.id, actor.id, now, { kind: 'assigned', public: true, data: { from: null, to } });
        write.emit('ticket.assigned', { from: null, to });
        ticket.assigneeId = to.id;
      }
      if (!(await step('assigned'))) return;
    }
    if (ticket.status === 'assigned') await step('in_progress');
  }

  const service = {
    /** A ticket's visits, by planned start; 404 when the actor may see neither the ticket nor any of its visits. */
    async listForTicket(actor: Actor, ticketId: string): Promise<Visit[]> {
      const rows = await db
        .select({ id: visits.id })
        .from(visits)
        .where(and(eq(visits.ticketId, ticketId), visitVisibleTo(actor)))
        .orderBy(asc(visits.plannedStart), asc(visits.createdAt));
      if (rows.length === 0) {
        const [ticket] = await db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, ticketId), visibleTo(actor)));
        if (!ticket) throw notFound('ticket.not_found', 'Ticket');
      }
      return presentVisits(db, rows.map((r) => r.id));
    },

    async get(actor: Actor, id: string): Promise<Visit> {
      await findVisible(actor, id);
      return (await presentVisits(db, [id]))[0]!;
    },

    /**
     * The board's timeline (from/to: visits whose planned window overlaps it), "my visits" (mine:
     * open ones first, by planned start), one engineer's or one ticket's; staff only.
     */
    async list(actor: Actor, query: VisitListQuery): Promise<{ items: Visit[] }> {
      if (isCustomer(actor)) throw new AppError('auth.role_forbidden', `Your role (${actor.role}) may not list visits; see them on your tickets`, { role: actor.role, permission: 'visits.plan' });
      const conditions: (SQL | undefined)[] = [visitVisibleTo(actor)];
      if (query.from) conditions.push(gt(visits.plannedEnd, new Date(query.from)));
      if (query.to) conditions.push(lt(visits.plannedStart, new Date(query.to)));
      // visit_engineers_user_idx: one engineer's visits.
      if (query.mine) conditions.push(inArray(visits.id, db.select({ id: visitEngineers.visitId }).from(visitEngineers).where(eq(visitEngineers.userId, actor.id))));
      if (query.engineerId) conditions.push(inArray(visits.id, db.select({ id: visitEngineers.visitId }).from(visitEngineers).where(eq(visitEngineers.userId, query.engineerId))));
      if (query.ticketId) conditions.push(eq(visits.ticketId, query.ticketId));
      if (query.status) conditions.push(eq(visits.status, query.status));
      const open = sql`${visits.status} in ('planned','departed','on_site')`;
      const rows = await db
        .select({ id: visits.id })
        .from(visits)
        .where(and(...conditions))
        .orderBy(...(query.mine ? [sql`case when ${open} then 0 else 1 end`] : []), asc(visits.plannedStart), asc(visits.id))
        .limit(query.limit);
      return { items: await presentVisits(db, rows.map((r) => r.id)) };
    },

    /** Plans a visit of an open ticket the actor may see; site and devices default to the ticket's. */
    async create(actor: Actor, ticketId: string, input: VisitCreate): Promise<Visit> {
      const id = await commands.change(actor, ticketId, async (write) => {
        const { tx, ticket, now } = write;
        if (!isOpen(ticket.status)) throw new AppError('visit.ticket_not_open', `The ticket is ${ticket.status}; visits are planned for open tickets only`, { status: ticket.status });
        const engineers = await checkEngineers(tx, input.engineerIds);
        const siteId = input.siteId ?? ticket.siteId;
        if (input.siteId) await checkSite(tx, ticket, input.siteId);
        const deviceIds =
          input.deviceIds ??
          (await tx.select({ id: ticketDevices.deviceId }).from(ticketDevices).where(eq(ticketDevices.ticketId, ticket.id)).orderBy(asc(ticketDevices.position))).map((d) => d.id);
        await checkDevices(tx, ticket, deviceIds);
        const [visit] = await tx
          .insert(visits)
          .values({
            ticketId: ticket.id,
            siteId,
            plannedStart: new Date(input.plannedStart),
            plannedEnd: new Date(input.plannedEnd),
            notes: input.notes ?? null,
            createdById: actor.id,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await setEngineers(tx, visit!.id, engineers, ticket, actor.id);
        await setDevices(tx, visit!.id, deviceIds);
        await record(write, visit!, 'planned', engineers, now);
        return visit!.id;
      });
      return (await presentVisits(db, [id]))[0]!;
    },

    /** Re-plans a visit not yet started: window, engineers, devices, notes (409 once it moved on). */
    async update(actor: Actor, id: string, input: VisitUpdate): Promise<Visit> {
      const found = await findVisible(actor, id);
      if (!found.ticketVisible) throw notFound('visit.not_found', 'Visit');
      await commands.change(actor, found.ticketId, async (write) => {
        const { tx, ticket, now } = write;
        const visit = await lockVisit(tx, id);
        if (!canReplan(visit.status)) {
          throw new AppError('visit.not_planned', `The visit is ${visit.status}; only a planned visit can be re-planned`, { status: visit.status, allowed: [...nextSteps(visit.status)] });
        }
        const fields: Partial<VisitRow> = {};
        if (input.plannedStart !== undefined) fields.plannedStart = new Date(input.plannedStart);
        if (input.plannedEnd !== undefined) fields.plannedEnd = new Date(input.plannedEnd);
        if (input.notes !== undefined) fields.notes = input.notes ?? null;
        const start = fields.plannedStart ?? visit.plannedStart;
        const end = fields.plannedEnd ?? visit.plannedEnd;
        if (end <= start) throw new AppError('visit.window_invalid', 'The visit must end after it starts', { fields: [{ path: 'plannedEnd', message: 'must end after it starts', key: 'field.invalid' }] });
        const changed = Object.keys(fields).length > 0 || input.engineerIds !== undefined || input.deviceIds !== undefined;
        if (!changed) return; // `{}` changes nothing
        let engineers = await engineersOf(tx, id);
        if (input.engineerIds) {
          engineers = await checkEngineers(tx, input.engineerIds);
          await setEngineers(tx, id, engineers, ticket, actor.id);
        }
        if (input.deviceIds) await setDevices(tx, id, await checkDevices(tx, ticket, input.deviceIds));
        const [updated] = await tx.update(visits).set({ ...fields, updatedAt: now }).where(eq(visits.id, id)).returning();
        await record(write, updated!, 'replanned', engineers, now, {
          before: { plannedStart: visit.plannedStart.toISOString(), plannedEnd: visit.plannedEnd.toISOString() },
        });
      });
      return (await presentVisits(db, [id]))[0]!;
    },

    /**
     * A step of the visit. The step already taken answers the visit unchanged (a retry after a
     * dropped connection); an illegal one is a 409 with the allowed steps. `at` may be earlier than
     * now (an offline queue), not in the future nor before the step before it.
     */
    async transition(actor: Actor, id: string, input: VisitTransition): Promise<Visit> {
      const found = await findVisible(actor, id);
      if (!found.mine && !(found.ticketVisible && can(actor.role, 'visits.plan'))) {
        throw new AppError('visit.not_visit_engineer', "Only the visit's engineers or a dispatcher may step this visit", {});
      }
      const now = clock.now();
      const at = input.at ? new Date(input.at) : now;
      if (at.getTime() > now.getTime() + CLOCK_SKEW_MS) {
        throw new AppError('visit.at_future', 'The time of the step cannot be in the future', { fields: [{ path: 'at', message: 'in the future', key: 'field.invalid' }] });
      }
      const when = new Date(Math.min(at.getTime(), now.getTime()));
      await changeTicket(actor, found.ticketId, async (write) => {
        const { tx } = write;
        const visit = await lockVisit(tx, id);
        const verdict = judgeStep(visit.status, input.to);
        if (verdict.kind === 'same') return; // nothing written, no stamp, no event
        if (verdict.kind === 'illegal') {
          throw new AppError('visit.illegal_step', `A ${visit.status} visit cannot move to ${input.to}`, { from: visit.status, to: input.to, allowed: [...verdict.allowed] });
        }
        if (input.to === 'finished' && !input.result) {
          throw new AppError('visit.result_required', 'Say how the visit ended (result: restored, another_visit or needs_parts)', { fields: [{ path: 'result', message: 'required', key: 'field.required' }] });
        }
        if (input.to === 'cancelled' && !input.reason) {
          throw new AppError('visit.reason_required', 'Give the reason for cancelling the visit', { fields: [{ path: 'reason', message: 'required', key: 'field.required' }] });
        }
        const previous = [visit.arrivedAt, visit.departedAt].find((d): d is Date => d !== null) ?? null;
        if (previous && when < previous) {
          throw new AppError('visit.at_before_previous', `The time of the step cannot be before the previous step (${previous.toISOString()})`, {
            previous: previous.toISOString(),
            fields: [{ path: 'at', message: 'before the previous step', key: 'field.invalid' }],
          });
        }
        const fields: Partial<VisitRow> = { status: input.to, updatedAt: write.now };
        if (input.to === 'departed') fields.departedAt = when;
        if (input.to === 'on_site') {
          fields.arrivedAt = when;
          // Checked in without "start trip": departed at the same moment.
          if (!visit.departedAt) fields.departedAt = when;
        }
        if (input.to === 'finished') {
          fields.finishedAt = when;
          fields.result = input.result!;
        }
        if (input.to === 'cancelled') {
          fields.cancelledAt = when;
          fields.cancelReason = input.reason ?? null;
        }
        const [updated] = await tx.update(visits).set(fields).where(eq(visits.id, id)).returning();
        const engineers = await engineersOf(tx, id);
        await record(write, updated!, ACTION_OF[input.to], engineers, when, {
          result: fields.result ?? null,
          reason: input.to === 'cancelled' ? (input.reason ?? null) : null,
          before: { status: visit.status },
        });
        if (input.to === 'on_site') {
          await stampIfOwed(write, registry, audit, 'arrive', when, null);
          await startWork(write, engineers[0] ?? { id: actor.id, name: actor.name });
        }
        if (input.to === 'finished' && input.result === 'restored') await stampIfOwed(write, registry, audit, 'restore', when, null);
      });
      return (await presentVisits(db, [id]))[0]!;
    },
  };
  return service;
}

export type VisitService = ReturnType<typeof createVisitService>;
