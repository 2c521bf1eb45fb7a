/**
 * Engineers on a ticket: helpers and invited experts (专家会诊) (field service, issue 12).
 *
 * The lead is the ticket's assignee; helpers and experts are rows of `ticket_engineers`. An
 * invited person sees the ticket and may comment on it even outside their center (`visibleTo` in
 * the ticket repository reads `ticket_engineers`), so an expert of another center can be consulted.
 */
import { and, eq } from 'drizzle-orm';
import type { TicketEngineer } from '../../../common/api/field-service';
import { tickets } from '../../db/schema';
import { isCustomer, type Actor } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import type { FieldServiceDeps } from '../field-service-deps';
import { visibleTo } from '../tickets/repository';
import { readTicketEngineers } from './read';

export function createTicketEngineerService(deps: FieldServiceDeps) {
  const { db } = deps;

  /** Lead (the assignee) first, then helpers and experts; customers see no notes nor who invited. 404 outside the actor's scope. */
  async function list(actor: Actor, ticketId: string): Promise<TicketEngineer[]> {
    const [visible] = await db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, ticketId), visibleTo(actor)));
    if (!visible) throw notFound('ticket.not_found', 'Ticket');
    return readTicketEngineers(db, ticketId, { internal: !isCustomer(actor) });
  }

  return { list };
}

export type TicketEngineerService = ReturnType<typeof createTicketEngineerService>;
