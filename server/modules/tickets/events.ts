/** The ticket timeline: every change as an event row, read back with the actor's name. */
import { and, asc, eq } from 'drizzle-orm';
import type { TicketEvent, TicketEventKind } from '../../../common/api';
import type { Db } from '../../db/client';
import { ticketEvents, users } from '../../db/schema';
import { isCustomer, type Actor } from '../../platform/actor';

export interface NewEvent {
  kind: TicketEventKind;
  public: boolean;
  body?: string | null;
  data?: Record<string, unknown>;
}

export async function addEvent(tx: Db, ticketId: string, actorId: string | null, at: Date, event: NewEvent) {
  const [row] = await tx
    .insert(ticketEvents)
    .values({
      ticketId,
      actorId,
      kind: event.kind,
      public: event.public,
      body: event.body ?? null,
      data: event.data ?? {},
      createdAt: at,
    })
    .returning({ id: ticketEvents.id });
  return row!.id;
}

/** The timeline in order; customers see public events only. */
export async function listEvents(db: Db, actor: Actor, ticketId: string): Promise<TicketEvent[]> {
  const rows = await db
    .select({
      id: ticketEvents.id,
      kind: ticketEvents.kind,
      public: ticketEvents.public,
      body: ticketEvents.body,
      data: ticketEvents.data,
      createdAt: ticketEvents.createdAt,
      actorId: users.id,
      actorName: users.name,
      actorRole: users.role,
    })
    .from(ticketEvents)
    .leftJoin(users, eq(users.id, ticketEvents.actorId))
    .where(and(eq(ticketEvents.ticketId, ticketId), isCustomer(actor) ? eq(ticketEvents.public, true) : undefined))
    .orderBy(asc(ticketEvents.id));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as TicketEventKind,
    public: r.public,
    body: r.body,
    data: r.data,
    actor: r.actorId ? { id: r.actorId, name: r.actorName!, role: r.actorRole! } : null,
    createdAt: r.createdAt.toISOString(),
  }));
}
