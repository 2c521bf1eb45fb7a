/**
 * Ticket relations: links (duplicate of, caused by, related), merging a duplicate into the ticket
 * that survives, and parent/child tickets (one customer's outage across many sites).
 *
 * Rules (docs/ARCHITECTURE.md, "Ticket links, merge, parent/child"):
 * - Both tickets must be visible to the actor; another tenant's ticket is a 404, never a 409.
 * - A link is stored once, from the ticket that is the duplicate / is caused by; `related` is
 *   symmetric, so a second one either way is 409, and so is the reverse of a duplicate_of/caused_by.
 * - Customers see no links, parent or children: only the banner of a merged ticket (the survivor
 *   is always their own organisation's ticket).
 * - Merge: from any state but closed/cancelled/merged, into a ticket of the same customer that is
 *   neither closed, cancelled nor merged. Comments and attachments (with their timeline events) move
 *   with their author and time, marked `mergedFrom`; followers join the survivor; a duplicate_of
 *   link is recorded; the duplicate closes (its SLA clocks stop) with merged_into_id. One transaction.
 * - Parent/child: same customer, one level (a parent is no child, a child has no children).
 *
 * Every write goes through the ticket commands (lock, timeline, audit, domain events, SLA).
 */
import { and, asc, count, eq, inArray, or, sql } from 'drizzle-orm';
import type {
  ChildResolution,
  RelatedTicket,
  TicketLink,
  TicketLinkCreate,
  TicketLinkView,
  TicketMerge,
  TicketMergeResult,
  TicketParentSet,
  TicketRelations,
} from '../../../common/api';
import type { TicketLinkKind } from '../../../common/domain';
import type { Db } from '../../db/client';
import { attachments, customers, ticketEvents, ticketFollowers, ticketLinks, tickets, users } from '../../db/schema';
import { isOpen } from '../../domain/ticket-lifecycle';
import { isCustomer, requirePermission, type Actor } from '../../platform/actor';
import { AppError, fieldError, notFound } from '../../platform/errors';
import type { Audit } from '../audit';
import type { TicketCommands, TicketWrite } from '../tickets/command';
import { addEvent } from '../tickets/events';
import { visibleTo, type TicketRow } from '../tickets/repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** How a stored link reads from the other ticket's side. */
const INVERSE: Record<TicketLinkKind, TicketLinkView> = { duplicate_of: 'has_duplicate', caused_by: 'causes', related: 'related' };

const stopped = (t: TicketRow) => t.status === 'closed' || t.status === 'cancelled';
const other = (t: TicketRow) => ({ id: t.id, number: t.number, title: t.title });

/** A ticket the actor may see, by id or number (404 otherwise, whoever's it is). */
export async function findReferenced(db: Db, actor: Actor, reference: string): Promise<TicketRow> {
  const ref = reference.trim();
  const match = UUID.test(ref) ? eq(tickets.id, ref) : eq(tickets.number, ref.toUpperCase());
  const [row] = await db.select().from(tickets).where(and(match, visibleTo(actor))).limit(1);
  if (!row) throw notFound('ticket.not_found', 'Ticket');
  return row;
}

async function related(db: Db, ids: string[]): Promise<Map<string, RelatedTicket>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      title: tickets.title,
      status: tickets.status,
      severity: tickets.severity,
      customerId: customers.id,
      customerName: customers.name,
    })
    .from(tickets)
    .innerJoin(customers, eq(customers.id, tickets.customerId))
    .where(inArray(tickets.id, ids));
  return new Map(
    rows.map((r) => [r.id, { id: r.id, number: r.number, title: r.title, status: r.status, severity: r.severity, customer: { id: r.customerId, name: r.customerName } }]),
  );
}

/** Ids among `ids` the actor may see. */
async function visibleIds(db: Db, actor: Actor, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.select({ id: tickets.id }).from(tickets).where(and(inArray(tickets.id, ids), visibleTo(actor)));
  return new Set(rows.map((r) => r.id));
}

/**
 * A parent's resolution taking its open children along (`resolveChildren: true`), inside the
 * parent's transaction: each child the actor may see is locked and resolved with the same note,
 * from any open status (a child waits on the parent's fix, whatever its own progress); resolved,
 * closed or cancelled children stay as they are. The parent's timeline lists what happened.
 */
export async function resolveChildren(
  commands: TicketCommands,
  audit: Audit,
  parent: TicketWrite,
  note: string | null,
  setStatus: (write: TicketWrite, to: 'resolved', note?: string) => Promise<void>,
): Promise<ChildResolution[]> {
  const { tx, actor, now } = parent;
  const children = await tx
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.parentId, parent.ticket.id), visibleTo(actor)))
    .orderBy(asc(tickets.id));
  const results: ChildResolution[] = [];
  for (const { id } of children) {
    results.push(
      await commands.within(tx, actor, id, now, async (write) => {
        const child = write.ticket;
        if (!isOpen(child.status)) return { id, number: child.number, result: 'already_done' as const, status: child.status };
        await setStatus(write, 'resolved', note ?? undefined);
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'ticket', id, 'resolved_with_parent', null, { parentId: parent.ticket.id });
        return { id, number: child.number, result: 'resolved' as const, status: 'resolved' as const };
      }),
    );
  }
  if (results.length) {
    await addEvent(tx, parent.ticket.id, actor.id, now, {
      kind: 'parent',
      public: false,
      data: { side: 'parent', action: 'resolved', children: results.map((r) => ({ id: r.id, number: r.number, result: r.result })) },
    });
  }
  return results;
}

/** One ticket's attachment to a parent (or detachment), written on both sides. */
async function recordParent(audit: Audit, child: TicketWrite, parent: TicketWrite, action: 'added' | 'removed') {
  const { tx, actor, now } = child;
  await addEvent(tx, child.ticket.id, actor.id, now, { kind: 'parent', public: false, data: { side: 'child', action, other: other(parent.ticket) } });
  child.emit('ticket.parent_changed', { side: 'child', action, other: other(parent.ticket) });
  await addEvent(tx, parent.ticket.id, actor.id, now, { kind: 'parent', public: false, data: { side: 'parent', action, other: other(child.ticket) } });
  parent.emit('ticket.parent_changed', { side: 'parent', action, other: other(child.ticket) });
  await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'ticket', child.ticket.id, action === 'added' ? 'parent_set' : 'parent_cleared', null, {
    parentId: parent.ticket.id,
    parentNumber: parent.ticket.number,
  });
}

/** Why `child` may not become a child of `parent` (409s), checked under both locks. */
async function checkParent(tx: Db, child: TicketRow, parent: TicketRow) {
  if (parent.parentId) throw new AppError('parent.is_child', `${parent.number} is itself a child ticket; one level only`, { number: parent.number });
  const [{ value: own } = { value: 0 }] = await tx.select({ value: count() }).from(tickets).where(eq(tickets.parentId, child.id));
  if (own > 0) throw new AppError('parent.has_children', 'This ticket has child tickets of its own and cannot become a child', { count: own });
  if (parent.customerId !== child.customerId) throw new AppError('parent.other_customer', 'Parent and child tickets must belong to the same customer');
  if (stopped(parent) || parent.mergedIntoId) {
    throw new AppError('parent.closed', `${parent.number} is ${parent.status} and cannot take new child tickets`, { number: parent.number, status: parent.status });
  }
}

/**
 * A new ticket born as a child (POST /api/tickets with parentId), inside its creating transaction:
 * the parent is locked and checked like PUT …/parent, and both timelines say so.
 */
export async function attachNewChild(
  deps: { commands: TicketCommands; audit: Audit },
  child: TicketWrite,
  parentId: string,
) {
  const { tx, actor, now } = child;
  requirePermission(actor, 'tickets.update');
  const [visible] = await tx.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, parentId), visibleTo(actor)));
  if (!visible) throw fieldError('parentId', 'field.invalid_value', 'no such ticket');
  await deps.commands.within(tx, actor, parentId, now, async (parent) => {
    await checkParent(tx, child.ticket, parent.ticket);
    await child.update({ parentId });
    await recordParent(deps.audit, child, parent, 'added');
  });
}

export function createTicketLinkService(deps: { db: Db; audit: Audit; commands: TicketCommands }) {
  const { db, audit, commands } = deps;
  const auditCtx = (actor: Actor) => ({ actorId: actor.id, ip: actor.ip });

  async function ensureVisible(actor: Actor, id: string): Promise<TicketRow> {
    const [row] = await db.select().from(tickets).where(and(eq(tickets.id, id), visibleTo(actor)));
    if (!row) throw notFound('ticket.not_found', 'Ticket');
    return row;
  }

  /** A timeline line on both tickets of a link, and its domain event on both. */
  async function recordLink(a: TicketWrite, b: TicketWrite, kind: TicketLinkKind, action: 'added' | 'removed') {
    const { tx, actor, now } = a;
    for (const [write, view, otherSide] of [
      [a, kind as TicketLinkView, b],
      [b, INVERSE[kind], a],
    ] as const) {
      await addEvent(tx, write.ticket.id, actor.id, now, { kind: 'link', public: false, data: { action, link: view, other: other(otherSide.ticket) } });
      write.emit('ticket.linked', { action, link: view, other: other(otherSide.ticket) });
    }
  }

  async function relations(actor: Actor, id: string): Promise<TicketRelations> {
    const ticket = await ensureVisible(actor, id);
    const mergedInto = ticket.mergedIntoId ? ((await related(db, [ticket.mergedIntoId])).get(ticket.mergedIntoId) ?? null) : null;
    // Customers see only where a merged ticket lives on (always their own organisation's ticket).
    if (isCustomer(actor)) return { links: [], parent: null, children: [], mergedInto };

    const linkRows = await db
      .select({
        id: ticketLinks.id,
        ticketId: ticketLinks.ticketId,
        otherTicketId: ticketLinks.otherTicketId,
        kind: ticketLinks.kind,
        createdAt: ticketLinks.createdAt,
        createdById: users.id,
        createdByName: users.name,
      })
      .from(ticketLinks)
      .leftJoin(users, eq(users.id, ticketLinks.createdById))
      .where(or(eq(ticketLinks.ticketId, id), eq(ticketLinks.otherTicketId, id)))
      .orderBy(asc(ticketLinks.createdAt), asc(ticketLinks.id));
    const childRows = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.parentId, id)).orderBy(asc(tickets.number));
    const ids = [
      ...linkRows.map((l) => (l.ticketId === id ? l.otherTicketId : l.ticketId)),
      ...childRows.map((c) => c.id),
      ...(ticket.parentId ? [ticket.parentId] : []),
    ];
    // Only what the reader may see: a link to another center's ticket is not shown to them.
    const visible = await visibleIds(db, actor, ids);
    const refs = await related(db, [...visible]);
    const links: TicketLink[] = [];
    for (const l of linkRows) {
      const outgoing = l.ticketId === id;
      const ref = refs.get(outgoing ? l.otherTicketId : l.ticketId);
      if (!ref) continue;
      links.push({
        id: l.id,
        kind: outgoing ? l.kind : INVERSE[l.kind],
        ticket: ref,
        createdAt: l.createdAt.toISOString(),
        createdBy: l.createdById ? { id: l.createdById, name: l.createdByName! } : null,
      });
    }
    return {
      links,
      parent: ticket.parentId ? (refs.get(ticket.parentId) ?? null) : null,
      children: childRows.map((c) => refs.get(c.id)).filter((c): c is RelatedTicket => Boolean(c)),
      mergedInto,
    };
  }

  return {
    relations,

    async addLink(actor: Actor, id: string, input: TicketLinkCreate): Promise<TicketRelations> {
      requirePermission(actor, 'tickets.update');
      await ensureVisible(actor, id);
      const target = await findReferenced(db, actor, input.ticket);
      if (target.id === id) throw new AppError('link.self', 'A ticket cannot be linked to itself', { fields: [{ path: 'body.ticket', message: 'this ticket itself', key: 'field.invalid_value' }] });
      await commands.changeMany(actor, [id, target.id], async ([from, to], tx) => {
        const existing = await tx
          .select({ ticketId: ticketLinks.ticketId, kind: ticketLinks.kind })
          .from(ticketLinks)
          .where(
            and(
              eq(ticketLinks.kind, input.kind),
              or(and(eq(ticketLinks.ticketId, id), eq(ticketLinks.otherTicketId, target.id)), and(eq(ticketLinks.ticketId, target.id), eq(ticketLinks.otherTicketId, id))),
            ),
          );
        const same = existing.find((l) => l.ticketId === id);
        if (same || (existing.length && input.kind === 'related')) {
          throw new AppError('link.exists', `This ${input.kind} link to ${target.number} already exists`, { kind: input.kind, number: target.number });
        }
        if (existing.length) {
          throw new AppError('link.reversed', `${target.number} is already linked to this ticket as ${input.kind} the other way round`, { number: target.number });
        }
        const [link] = await tx
          .insert(ticketLinks)
          .values({ ticketId: id, otherTicketId: target.id, kind: input.kind, createdById: actor.id, createdAt: from!.now })
          .returning();
        await recordLink(from!, to!, input.kind, 'added');
        await audit.record(tx, auditCtx(actor), 'ticket', id, 'link_added', null, { linkId: link!.id, kind: input.kind, otherTicketId: target.id, otherNumber: target.number });
      });
      return relations(actor, id);
    },

    async removeLink(actor: Actor, id: string, linkId: string): Promise<TicketRelations> {
      requirePermission(actor, 'tickets.update');
      await ensureVisible(actor, id);
      const [link] = await db
        .select()
        .from(ticketLinks)
        .where(and(eq(ticketLinks.id, linkId), or(eq(ticketLinks.ticketId, id), eq(ticketLinks.otherTicketId, id))));
      if (!link) throw notFound('link.not_found', 'Link');
      // Both ends must be the actor's to see (the other end's lock answers 404 otherwise).
      await commands.changeMany(actor, [link.ticketId, link.otherTicketId], async ([from, to], tx) => {
        // The record of a merge stays: the merged ticket points to its survivor for good.
        if (link.kind === 'duplicate_of' && from!.ticket.mergedIntoId === link.otherTicketId) {
          throw new AppError('link.merge_record', `This link records the merge into ${to!.ticket.number}`, { number: to!.ticket.number });
        }
        const removed = await tx.delete(ticketLinks).where(eq(ticketLinks.id, linkId)).returning({ id: ticketLinks.id });
        if (removed.length === 0) throw notFound('link.not_found', 'Link');
        await recordLink(from!, to!, link.kind, 'removed');
        await audit.record(tx, auditCtx(actor), 'ticket', link.ticketId, 'link_removed', { linkId, kind: link.kind, otherTicketId: link.otherTicketId }, null);
      });
      return relations(actor, id);
    },

    async merge(actor: Actor, id: string, input: TicketMerge): Promise<TicketMergeResult> {
      requirePermission(actor, 'tickets.update');
      await ensureVisible(actor, id);
      const target = await findReferenced(db, actor, input.into);
      if (target.id === id) throw new AppError('merge.self', 'A ticket cannot be merged into itself', { fields: [{ path: 'body.into', message: 'this ticket itself', key: 'field.invalid_value' }] });
      const reason = input.reason?.trim() || null;
      // Merging a child into its own parent: the parent first, as a parent's resolution locks them.
      const [source] = await db.select({ parentId: tickets.parentId }).from(tickets).where(eq(tickets.id, id));
      const lockOrder = source?.parentId === target.id ? [target.id, id] : undefined;
      const moved = await commands.changeMany(actor, [id, target.id], async ([dupWrite, survWrite], tx) => {
        const dup = dupWrite!.ticket;
        const surv = survWrite!.ticket;
        const now = dupWrite!.now;
        if (dup.mergedIntoId) {
          const [into] = await tx.select({ number: tickets.number }).from(tickets).where(eq(tickets.id, dup.mergedIntoId));
          throw new AppError('merge.source_merged', `This ticket was already merged into ${into?.number}`, { number: into?.number ?? '' });
        }
        if (stopped(dup)) throw new AppError('merge.source_closed', `A ${dup.status} ticket cannot be merged`, { status: dup.status });
        if (surv.mergedIntoId) throw new AppError('merge.target_merged', `${surv.number} was itself merged`, { number: surv.number });
        if (stopped(surv)) throw new AppError('merge.target_closed', `${surv.number} is ${surv.status}`, { number: surv.number, status: surv.status });
        if (surv.customerId !== dup.customerId) throw new AppError('merge.other_customer', 'Only tickets of the same customer can be merged');
        const [{ value: children } = { value: 0 }] = await tx.select({ value: count() }).from(tickets).where(eq(tickets.parentId, dup.id));
        if (children > 0) throw new AppError('merge.has_children', 'Detach the child tickets before merging this one', { count: children });

        const mark = sql`jsonb_build_object('mergedFrom', jsonb_build_object('id', ${dup.id}::text, 'number', ${dup.number}::text))`;
        // Comments and attachment events move with their author, time and visibility.
        const events = await tx
          .update(ticketEvents)
          .set({ ticketId: surv.id, data: sql`${ticketEvents.data} || ${mark}` })
          .where(and(eq(ticketEvents.ticketId, dup.id), inArray(ticketEvents.kind, ['comment', 'attachment'])))
          .returning({ kind: ticketEvents.kind });
        const files = await tx.update(attachments).set({ ticketId: surv.id }).where(eq(attachments.ticketId, dup.id)).returning({ id: attachments.id });
        const followers = await tx
          .insert(ticketFollowers)
          .select(sql`select ${surv.id}::uuid, f.user_id, ${now.toISOString()}::timestamptz from ticket_followers f where f.ticket_id = ${dup.id}::uuid`)
          .onConflictDoNothing()
          .returning({ userId: ticketFollowers.userId });
        const counts = { comments: events.filter((e) => e.kind === 'comment').length, attachments: files.length, followers: followers.length };

        await tx
          .insert(ticketLinks)
          .values({ ticketId: dup.id, otherTicketId: surv.id, kind: 'duplicate_of', createdById: actor.id, createdAt: now })
          .onConflictDoNothing();
        // Closed straight away from any open or resolved status: a merge is its own way out of the machine.
        await dupWrite!.update({ status: 'closed', closedAt: now, mergedIntoId: surv.id });
        await addEvent(tx, dup.id, actor.id, now, { kind: 'status_changed', public: true, body: null, data: { from: dup.status, to: 'closed', mergedInto: other(surv) } });
        dupWrite!.emit('ticket.status_changed', { from: dup.status, to: 'closed', note: null });
        await addEvent(tx, dup.id, actor.id, now, { kind: 'merge', public: true, body: reason, data: { side: 'duplicate', other: other(surv), ...counts } });
        dupWrite!.emit('ticket.merged', { side: 'duplicate', other: other(surv), ...counts });
        await addEvent(tx, surv.id, actor.id, now, { kind: 'merge', public: true, body: reason, data: { side: 'survivor', other: other(dup), ...counts } });
        survWrite!.emit('ticket.merged', { side: 'survivor', other: other(dup), ...counts });
        await audit.record(tx, auditCtx(actor), 'ticket', dup.id, 'merged', { status: dup.status, mergedIntoId: null }, {
          status: 'closed',
          mergedIntoId: surv.id,
          mergedIntoNumber: surv.number,
          reason,
          ...counts,
        });
        await audit.record(tx, auditCtx(actor), 'ticket', surv.id, 'merged_from', null, { duplicateId: dup.id, duplicateNumber: dup.number, reason, ...counts });
        dup.status = 'closed';
        return counts;
      }, { lockOrder });
      const refs = await related(db, [id, target.id]);
      return { duplicate: refs.get(id)!, survivor: refs.get(target.id)!, ...moved };
    },

    async setParent(actor: Actor, id: string, input: TicketParentSet): Promise<TicketRelations> {
      requirePermission(actor, 'tickets.update');
      const ticket = await ensureVisible(actor, id);
      const parent = input.parent === null ? null : await findReferenced(db, actor, input.parent);
      if (parent?.id === id) throw new AppError('parent.self', 'A ticket cannot be its own parent', { fields: [{ path: 'body.parent', message: 'this ticket itself', key: 'field.invalid_value' }] });
      if ((parent?.id ?? null) === ticket.parentId) return relations(actor, id);
      const parents = [...(parent ? [parent.id] : []), ...(ticket.parentId ? [ticket.parentId] : [])];
      const ids = [id, ...parents];
      // Parents before the child, as a parent's resolution locks them (no crosswise waits).
      const lockOrder = [...[...parents].sort(), id];
      await commands.changeMany(actor, ids, async (writes, tx) => {
        const child = writes[0]!;
        const next = parent ? writes[1]! : null;
        // Read again under the lock: someone may have moved it meanwhile.
        const previous = child.ticket.parentId ? writes.find((w) => w.ticket.id === child.ticket.parentId) : undefined;
        if (next) await checkParent(tx, child.ticket, next.ticket);
        await child.update({ parentId: next?.ticket.id ?? null });
        if (previous) await recordParent(audit, child, previous, 'removed');
        if (next) await recordParent(audit, child, next, 'added');
      }, { lockOrder });
      return relations(actor, id);
    },
  };
}

export type TicketLinkService = ReturnType<typeof createTicketLinkService>;
