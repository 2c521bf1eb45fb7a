/**
 * Engineers on a ticket: helpers and invited experts (专家会诊) (field service, issue 12).
 *
 * The lead is the ticket's assignee; helpers and experts are rows of `ticket_engineers`. An
 * invited person sees the ticket and may comment on it even outside their center (`visibleTo` in
 * the ticket repository reads `ticket_engineers`), so an expert of another center can be consulted.
 * Adding or removing someone is one ticket write (`commands.change`): an internal timeline line
 * `engineers` {action, role, user, note?}, the domain event `ticket.engineer_added` /
 * `ticket.engineer_removed` (the notifications consumer tells that person in the bell) and an audit
 * row. Adding someone already on the ticket changes nothing and answers the list (200).
 */
import { and, eq } from 'drizzle-orm';
import type { TicketEngineer, TicketEngineerAdd } from '../../../common/api/field-service';
import { ticketEngineers, tickets, users } from '../../db/schema';
import { isCustomer, type Actor } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import type { FieldServiceDeps } from '../field-service-deps';
import { actorIdOf } from '../tickets/command';
import { addEvent } from '../tickets/events';
import { visibleTo } from '../tickets/repository';
import { readTicketEngineers } from './read';

export function createTicketEngineerService(deps: FieldServiceDeps) {
  const { db, audit, commands } = deps;

  /** Lead (the assignee) first, then helpers and experts; customers see no notes nor who invited. 404 outside the actor's scope. */
  async function list(actor: Actor, ticketId: string): Promise<TicketEngineer[]> {
    const [visible] = await db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, ticketId), visibleTo(actor)));
    if (!visible) throw notFound('ticket.not_found', 'Ticket');
    return readTicketEngineers(db, ticketId, { internal: !isCustomer(actor) });
  }

  /**
   * Adds a helper or invites an expert: an active staff member who is an engineer (role engineer
   * or an engineer level), from any center. The ticket must be one the actor sees (404).
   */
  async function add(actor: Actor, ticketId: string, input: TicketEngineerAdd): Promise<TicketEngineer[]> {
    await commands.change(actor, ticketId, async (write) => {
      const { tx, ticket, now } = write;
      const [user] = await tx
        .select({ id: users.id, name: users.name, role: users.role, level: users.engineerLevel, active: users.active, customerId: users.customerId })
        .from(users)
        .where(eq(users.id, input.userId));
      if (!user?.active || user.customerId !== null || (user.role !== 'engineer' && user.level === null)) {
        throw new AppError('ticket_engineer.not_engineer', 'Only an active engineer (role engineer or with an engineer level) can be added to a ticket', { userId: input.userId });
      }
      if (ticket.assigneeId === user.id) {
        throw new AppError('ticket_engineer.is_lead', 'This engineer is the ticket’s assignee (the lead) already', { name: user.name });
      }
      const [inserted] = await tx
        .insert(ticketEngineers)
        .values({ ticketId, userId: user.id, role: input.role, note: input.note ?? null, invitedById: actorIdOf(actor), createdAt: now })
        .onConflictDoNothing()
        .returning({ userId: ticketEngineers.userId });
      if (!inserted) return; // already on the ticket: nothing changes
      const person = { id: user.id, name: user.name };
      const note = input.note ?? null;
      await addEvent(tx, ticketId, actorIdOf(actor), now, {
        kind: 'engineers',
        public: false,
        data: { action: 'added', role: input.role, user: person, ...(note ? { note } : {}) },
      });
      write.emit('ticket.engineer_added', { role: input.role, user: person, note });
      write.audit(audit.entry({ actorId: actorIdOf(actor), ip: actor.ip }, 'ticket', ticketId, 'engineer_added', null, { userId: user.id, role: input.role, note }));
    });
    return list(actor, ticketId);
  }

  /** Takes a helper or expert off the ticket; someone not on it: nothing changes (200 with the list). */
  async function remove(actor: Actor, ticketId: string, userId: string): Promise<TicketEngineer[]> {
    await commands.change(actor, ticketId, async (write) => {
      const { tx, now } = write;
      const [removed] = await tx
        .delete(ticketEngineers)
        .where(and(eq(ticketEngineers.ticketId, ticketId), eq(ticketEngineers.userId, userId)))
        .returning({ role: ticketEngineers.role, note: ticketEngineers.note });
      if (!removed) return;
      const [user] = await tx.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, userId));
      const person = { id: userId, name: user?.name ?? '' };
      await addEvent(tx, ticketId, actorIdOf(actor), now, { kind: 'engineers', public: false, data: { action: 'removed', role: removed.role, user: person } });
      write.emit('ticket.engineer_removed', { role: removed.role, user: person, note: null });
      write.audit(audit.entry({ actorId: actorIdOf(actor), ip: actor.ip }, 'ticket', ticketId, 'engineer_removed', { userId, role: removed.role, note: removed.note }, null));
    });
    return list(actor, ticketId);
  }

  return { list, add, remove };
}

export type TicketEngineerService = ReturnType<typeof createTicketEngineerService>;
