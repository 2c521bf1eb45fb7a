/**
 * The one path of every write to a ticket: lock the row (only if the actor may see it), do the
 * work, bump `updatedAt`, record the domain events the work emitted, and let the in-transaction
 * subscribers (the SLA clocks) catch up — all in one transaction. Ticket fields, attachments and
 * milestone stamps all write through here, so none of them can forget a step.
 *
 * In-transaction subscribers are for state that must never lag its facts (the SLA clocks the
 * very next read shows); everything else (notifications, push, mail, search, reports) consumes
 * the recorded events afterwards (modules/events).
 */
import { eq } from 'drizzle-orm';
import type { DomainEventKind, DomainEventPayload, TicketEventRef } from '../../../common/api/events';
import type { Db } from '../../db/client';
import { auditLog, tickets } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { notFound } from '../../platform/errors';
import type { AuditRow } from '../audit';
import { recordEvents, type NewDomainEvent } from '../events';
import { lockVisibleTicket, type TicketRow } from './repository';

/** The ticket kinds of domain events (those whose payload carries the ticket reference). */
export type TicketDomainEventKind = Extract<DomainEventKind, `ticket.${string}`>;
/** What a write says about an event; the ticket reference is added when the write ends. */
export type TicketEventDetail<K extends TicketDomainEventKind> = Omit<DomainEventPayload<K>, keyof TicketEventRef>;

export interface PendingTicketEvent<K extends TicketDomainEventKind = TicketDomainEventKind> {
  kind: K;
  detail: TicketEventDetail<K>;
}

export interface TicketWrite {
  tx: Db;
  /** The locked row as it was before this write (use cases may update it in place as they go). */
  ticket: TicketRow;
  now: Date;
  actor: Actor;
  emit<K extends TicketDomainEventKind>(kind: K, detail: TicketEventDetail<K>): void;
  /**
   * Writes fields of this ticket's row, `updatedAt` with them. The only way a use case changes the
   * row: the write then ends on the row this returned instead of writing and reading it once more.
   * `ticket` is left as it was, so the use case can still say what a field changed from.
   */
  update(fields: Partial<Omit<TicketRow, 'id' | 'updatedAt' | 'search'>>): Promise<void>;
  /**
   * The write's audit row (`audit.entry(…)`): written when the write ends, with its other audit
   * rows in the order given, in the same statement as its domain events.
   */
  audit(row: AuditRow): void;
}

/**
 * A just-created ticket's clock inputs besides its row: its timeline has no status change, no
 * stamp and nothing fired yet, so the SLA subscriber needs only the rules' version and the policy
 * chain's links (read with the customer and the entitlement facts).
 */
export interface CreatedTicketInputs {
  rulesVersion: number;
  contractPolicyId: string | null;
  productPolicyId: string | null;
  customerPolicyId: string | null;
}

/** How a write ends (`finish`): what the caller knows of the row, and the write's audit rows. */
export interface WriteEnd {
  /** The row as the database holds it, updatedAt already now (a create's insert, the last `update`). */
  current?: TicketRow;
  /** The row as the write locked it, nothing written since: updatedAt is bumped with the events. */
  locked?: TicketRow;
  audit?: readonly AuditRow[];
  /** The ticket was created by this write. */
  created?: CreatedTicketInputs;
}

/** Runs inside the writing transaction after the events are recorded. */
export type TicketSubscriber = (
  tx: Db,
  ticketId: string,
  events: readonly NewDomainEvent[],
  /** `ticket` is the row as this write left it (updatedAt bumped), so a subscriber need not read it again. */
  context: { actor: Actor; now: Date; ticket: TicketRow; created?: CreatedTicketInputs },
) => Promise<void>;

/**
 * The desk itself, for scheduled work (the automatic close): sees every ticket; its events, timeline
 * entries and audit rows carry no person (actor null), the timeline shows "系统".
 */
export const SYSTEM_ACTOR: Actor = {
  id: '00000000-0000-0000-0000-000000000000',
  username: 'system',
  name: '系统',
  role: 'admin',
  customerId: null,
  centerId: null,
  centerPath: null,
};
/** The person to record for a write: null for the desk itself. */
export const actorIdOf = (actor: Actor | null) => (actor && actor !== SYSTEM_ACTOR ? actor.id : null);

export const ticketRef = (t: TicketRow): TicketEventRef => ({
  ticketId: t.id,
  number: t.number,
  title: t.title,
  severity: t.severity,
  status: t.status,
  customerId: t.customerId,
  centerId: t.centerId,
  assigneeId: t.assigneeId,
});

export function createTicketCommands(deps: { db: Db; clock: Clock; subscribers?: readonly TicketSubscriber[] }) {
  const { db, clock } = deps;
  const subscribers = deps.subscribers ?? [];

  /** One ticket's write: its pending events, and the row as its last `update` left it. */
  function openWrite(tx: Db, ticket: TicketRow, now: Date, actor: Actor) {
    const pending: PendingTicketEvent[] = [];
    // `locked`: the row as the lock read it, before use cases change `ticket` in place.
    const state: { latest?: TicketRow; audit: AuditRow[]; locked: TicketRow } = { audit: [], locked: { ...ticket } };
    const write: TicketWrite = {
      tx,
      ticket,
      now,
      actor,
      emit: (kind, detail) => pending.push({ kind, detail } as PendingTicketEvent),
      audit: (row) => state.audit.push(row),
      async update(fields) {
        const [row] = await tx.update(tickets).set({ ...fields, updatedAt: now }).where(eq(tickets.id, ticket.id)).returning();
        state.latest = row;
      },
    };
    return { write, pending, state };
  }

  /**
   * Ends a write whose row is already locked or new: updatedAt, events, subscribers. `current` is
   * the row as the database holds it with updatedAt already `now` (a create that just inserted it,
   * a write whose last step was `update`): then it is not written and read back again. Else
   * `locked`, the row as the write locked it (nothing has written it since): updatedAt is bumped in
   * the statement that records the events, and the row is that one with the new updatedAt.
   */
  async function finish(tx: Db, ticketId: string, actor: Actor | null, now: Date, pending: readonly PendingTicketEvent[], end: WriteEnd = {}) {
    const { current, locked, created } = end;
    const auditRows = end.audit ?? [];
    const alongside = auditRows.length ? [tx.insert(auditLog).values([...auditRows]).getSQL()] : [];
    // Nothing emitted: nothing changed but what the audit rows say (recordEvents writes just those).
    if (pending.length === 0) {
      await recordEvents(tx, [], alongside);
      return;
    }
    let fresh: TicketRow;
    if (current && current.updatedAt.getTime() === now.getTime()) fresh = current;
    else if (!current && locked) {
      alongside.push(tx.update(tickets).set({ updatedAt: now }).where(eq(tickets.id, ticketId)).getSQL());
      fresh = { ...locked, updatedAt: now };
    } else [fresh] = (await tx.update(tickets).set({ updatedAt: now }).where(eq(tickets.id, ticketId)).returning()) as [TicketRow];
    const ref = ticketRef(fresh);
    const events: NewDomainEvent[] = pending.map((p) => ({
      kind: p.kind,
      subjectType: 'ticket',
      subjectId: ticketId,
      ticketId,
      actorId: actorIdOf(actor),
      payload: { ...ref, ...p.detail } as never,
      occurredAt: now,
    }));
    await recordEvents(tx, events, alongside);
    if (actor) for (const subscriber of subscribers) await subscriber(tx, ticketId, events, { actor, now, ticket: fresh, created });
  }

  return {
    finish,

    /** A write on a row the caller holds (a create's new ticket); end it with `finish(…, { current: state.latest, audit: state.audit })`. */
    open: openWrite,

    /**
     * Locks a ticket the actor may see (404 otherwise), runs `work`, then finishes the write if
     * the work emitted anything. A write that emits nothing changed nothing.
     */
    async change<T>(actor: Actor, id: string, work: (write: TicketWrite) => Promise<T>): Promise<T> {
      return db.transaction(async (tx) => {
        const ticket = await lockVisibleTicket(tx, actor, id);
        if (!ticket) throw notFound('ticket.not_found', 'Ticket');
        const { write, pending, state } = openWrite(tx, ticket, clock.now(), actor);
        const result = await work(write);
        await finish(tx, id, actor, write.now, pending, { current: state.latest, audit: state.audit, locked: state.locked });
        return result;
      });
    },

    /**
     * One more ticket written inside a transaction that is already running (a merge writes the
     * duplicate and the survivor, a parent's resolution takes its children along): locked if the
     * actor may see it (404 otherwise), worked, finished — the same steps as `change`, same commit.
     */
    async within<T>(tx: Db, actor: Actor, id: string, now: Date, work: (write: TicketWrite) => Promise<T>): Promise<T> {
      const ticket = await lockVisibleTicket(tx, actor, id);
      if (!ticket) throw notFound('ticket.not_found', 'Ticket');
      const { write, pending, state } = openWrite(tx, ticket, now, actor);
      const result = await work(write);
      await finish(tx, id, actor, now, pending, { current: state.latest, audit: state.audit, locked: state.locked });
      return result;
    },

    /**
     * Several tickets in one transaction: all locked first, then `work` gets one write per id in the
     * order given, and each is finished like `change`. Locks are taken in id order (two writers of
     * the same pair never wait for each other crosswise) unless `lockOrder` says otherwise: writers
     * of a parent and its children lock the parent first, as a parent's resolution does.
     */
    async changeMany<T>(
      actor: Actor,
      ids: readonly string[],
      work: (writes: TicketWrite[], tx: Db) => Promise<T>,
      options: { lockOrder?: readonly string[] } = {},
    ): Promise<T> {
      return db.transaction(async (tx) => {
        const rows = new Map<string, TicketRow>();
        for (const id of [...new Set(options.lockOrder ?? [...ids].sort())]) {
          const ticket = await lockVisibleTicket(tx, actor, id);
          if (!ticket) throw notFound('ticket.not_found', 'Ticket');
          rows.set(id, ticket);
        }
        const now = clock.now();
        const opened = new Map([...rows].map(([id, ticket]) => [id, openWrite(tx, ticket, now, actor)]));
        const result = await work(
          ids.map((id) => opened.get(id)!.write),
          tx,
        );
        for (const [id, { pending, state }] of opened) await finish(tx, id, actor, now, pending, { current: state.latest, audit: state.audit, locked: state.locked });
        return result;
      });
    },
  };
}

export type TicketCommands = ReturnType<typeof createTicketCommands>;
