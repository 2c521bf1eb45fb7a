/** Visits: plan, re-plan, step through (start trip, check in, finish), list (field service, issue 12). */
import { and, asc, eq, exists, or, sql, type SQL } from 'drizzle-orm';
import type { Visit } from '../../../common/api/field-service';
import { tickets, visitEngineers, visits } from '../../db/schema';
import { isCustomer, type Actor } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import type { FieldServiceDeps } from '../field-service-deps';
import { visibleTo } from '../tickets/repository';
import { presentVisits } from './read';

/**
 * The visits an actor may see: those of tickets they may see (customers: their organisation's),
 * and, for staff, the visits they are an engineer of (an engineer of another center sent to help).
 */
export function visitVisibleTo(actor: Actor): SQL | undefined {
  const ticketVisible = visibleTo(actor);
  const ofVisibleTicket = ticketVisible ? exists(sql`(select 1 from ${tickets} where ${tickets.id} = ${visits.ticketId} and ${ticketVisible})`) : undefined;
  if (isCustomer(actor) || !ofVisibleTicket) return ofVisibleTicket;
  return or(ofVisibleTicket, exists(sql`(select 1 from ${visitEngineers} where ${visitEngineers.visitId} = ${visits.id} and ${visitEngineers.userId} = ${actor.id})`));
}

export function createVisitService(deps: FieldServiceDeps) {
  const { db } = deps;

  /** A ticket's visits, by planned start; 404 when the actor may see neither the ticket nor any of its visits. */
  async function listForTicket(actor: Actor, ticketId: string): Promise<Visit[]> {
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
  }

  return { listForTicket };
}

export type VisitService = ReturnType<typeof createVisitService>;
