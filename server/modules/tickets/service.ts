/**
 * Ticket use cases: create (with its yearly number), edit, assign, change severity, move through
 * the status machine, comment, follow. Each writes the ticket, its timeline, the audit log and its
 * domain events in one transaction, through the ticket command helper (command.ts).
 */
import crypto from 'node:crypto';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { CommentCreate, SlaMilestone, Ticket, TicketCreate, TicketListQuery, TicketPatch, TicketTransition } from '../../../common/api';
import { TicketCreate as TicketCreateSchema } from '../../../common/api';
import { can } from '../../../common/permissions';
import type { Db } from '../../db/client';
import { attachments, contacts, customers, serviceCenters, sites, slaPolicies, ticketCounters, ticketDevices, ticketEvents, ticketFollowers, tickets, users } from '../../db/schema';
import { rejudgeTicket } from '../installed-base/ticket-devices';
import { checkedDevices, entitlementFactsSql, judge, productPolicyOf, ticketDevicesSql } from '../installed-base/entitlements';
import { formatTicketNumber, yearIn } from '../../domain/ticket-number';
import { checkTransition, isReopen, nextStatuses } from '../../domain/ticket-lifecycle';
import { isCustomer, requirePermission, seesAllCenters, type Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, fieldError, notFound } from '../../platform/errors';
import type { Audit } from '../audit';
import type { ChildResolution } from '../../../common/api/ticket-links';
import { attachNewChild, resolveChildren } from '../ticket-links/service';
import { createTicketCommands, type TicketCommands, type TicketWrite } from './command';
import { addEvent, listEvents } from './events';
import { contactCardColumns, toContactCard } from './hotline-context';
import { dropForeignFollowers, namedRefs, rescopePatch } from './rescope';
import { classifyReport, contactOfCustomerUser } from './impact';
import { findVisibleTicket, findVisibleTicketPage, listTickets, type TicketRow } from './repository';

/** How far ahead of our clock a client's "reported at" may be before it is refused (clock skew). */
const FUTURE_TOLERANCE_MS = 60_000;

/** Roles a ticket can be assigned to. */
export const ASSIGNABLE_ROLES = ['admin', 'manager', 'dispatcher', 'engineer'] as const;

/** The first words of a comment, for notifications (whitespace folded). */
const excerpt = (body: string) => {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
};


/** The SLA view of one ticket, supplied by the SLA module (kept out of here to avoid a cycle). */
export interface SlaView {
  /** The time rules' version, as a column of a select. */
  rulesVersion(): SQL<number>;
  /** The clock inputs of a ticket as one more column of a select of its row. */
  inputs(ticketId: SQL, customerId: SQL): SQL<unknown>;
  /** The ticket's milestones from its row and what that column held. */
  view(db: Db, ticket: TicketRow, inputs: unknown, now: Date): Promise<{ policy: Ticket['slaPolicy']; milestones: SlaMilestone[] }>;
}

export function createTicketService(deps: {
  db: Db;
  clock: Clock;
  audit: Audit;
  timeZone: string;
  /** The one write path (with the in-transaction subscribers, e.g. SLA); plain when not given (tests). */
  commands?: TicketCommands;
  sla?: SlaView;
}) {
  const { db, clock, audit } = deps;
  const commands = deps.commands ?? createTicketCommands({ db, clock });

  /**
   * Takes the next number of the year in its own statement, before the creating transaction: the
   * counter row is locked only for that statement, not for the whole create (which made concurrent
   * creators queue behind each other). A create that fails after this leaves a gap in the year's
   * numbers, as sequence-allocated ids do; numbers stay unique and increasing.
   */
  async function nextNumber(now: Date): Promise<string> {
    const year = yearIn(now, deps.timeZone);
    const [row] = await db
      .insert(ticketCounters)
      .values({ year, lastValue: 1 })
      .onConflictDoUpdate({ target: ticketCounters.year, set: { lastValue: sql`${ticketCounters.lastValue} + 1` } })
      .returning({ value: ticketCounters.lastValue });
    return formatTicketNumber(year, row!.value);
  }

  async function checkReferences(
    tx: Db,
    customerId: string,
    refs: { contactId?: string | null; siteId?: string | null; assigneeId?: string | null; centerId?: string | null; slaPolicyId?: string | null },
    /** Whose hands the ticket leaves (a reassignment): named from the same read as the new assignee. */
    previousAssigneeId: string | null = null,
  ) {
    if (refs.slaPolicyId) {
      const [p] = await tx.select({ id: slaPolicies.id }).from(slaPolicies).where(eq(slaPolicies.id, refs.slaPolicyId));
      if (!p) throw fieldError('slaPolicyId', 'field.no_such_sla_policy', 'no such SLA policy');
    }
    if (refs.contactId) {
      const [c] = await tx.select({ customerId: contacts.customerId }).from(contacts).where(eq(contacts.id, refs.contactId));
      if (!c || c.customerId !== customerId) throw fieldError('contactId', 'field.not_customer_contact', "not a contact of this ticket's customer");
    }
    if (refs.siteId) {
      const [s] = await tx.select({ customerId: sites.customerId }).from(sites).where(eq(sites.id, refs.siteId));
      if (!s || s.customerId !== customerId) throw fieldError('siteId', 'field.not_customer_site', "not a site of this ticket's customer");
    }
    let assignee: { id: string; name: string; centerId: string | null } | null = null;
    let previousAssignee: { id: string; name: string } | null = null;
    if (refs.assigneeId) {
      const found = await tx
        .select()
        .from(users)
        .where(inArray(users.id, previousAssigneeId ? [refs.assigneeId, previousAssigneeId] : [refs.assigneeId]));
      const previous = found.find((x) => x.id === previousAssigneeId);
      if (previous) previousAssignee = { id: previous.id, name: previous.name };
      const u = found.find((x) => x.id === refs.assigneeId);
      if (!u?.active) throw fieldError('assigneeId', 'field.no_such_user', 'no such active user');
      if (!(ASSIGNABLE_ROLES as readonly string[]).includes(u.role)) {
        throw fieldError('assigneeId', 'field.not_assignable', `a ${u.role} cannot be assigned tickets`, { role: u.role });
      }
      assignee = { id: u.id, name: u.name, centerId: u.centerId };
    }
    if (refs.centerId) {
      const [c] = await tx.select({ id: serviceCenters.id }).from(serviceCenters).where(eq(serviceCenters.id, refs.centerId));
      if (!c) throw fieldError('centerId', 'field.no_such_center', 'no such service center');
    }
    return { assignee, previousAssignee };
  }

  /**
   * Staff may not put a ticket where they could no longer see it (the rule of `visibleTo`): into a
   * center outside their subtree, unless it is theirs to work. Refused before anything is written,
   * so the writer is told why instead of meeting a 404 for a ticket that was saved all the same.
   */
  async function assertLandsInScope(tx: Db, actor: Actor, lands: { centerId: string | null; assigneeId: string | null }) {
    if (isCustomer(actor) || seesAllCenters(actor)) return;
    if (lands.centerId === null || lands.assigneeId === actor.id) return;
    const [center] = await tx.select({ path: serviceCenters.path }).from(serviceCenters).where(eq(serviceCenters.id, lands.centerId));
    if (center && actor.centerPath && center.path.startsWith(actor.centerPath)) return;
    throw new AppError('scope.ticket_center_forbidden', 'That service center is outside your scope: you may not create a ticket in it or move one there', {
      centerId: lands.centerId,
    });
  }

  async function nameOf(tx: Db, userId: string | null) {
    if (!userId) return null;
    const [u] = await tx.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, userId));
    return u ?? null;
  }

  async function present(actor: Actor, id: string): Promise<Ticket> {
    // One statement: the row with its lookups, the SLA clock inputs, the contact card, following.
    const found = await findVisibleTicketPage(db, actor, id, {
      ...contactCardColumns,
      following: sql<boolean>`exists (select 1 from ticket_followers f where f.ticket_id = ${tickets.id} and f.user_id = ${actor.id})`,
      slaInputs: deps.sla ? deps.sla.inputs(sql`${tickets.id}`, sql`${tickets.customerId}`) : sql<null>`null`,
      devices: ticketDevicesSql(sql`${tickets.id}`),
    });
    if (!found) throw notFound('ticket.not_found', 'Ticket');
    const { row, ticket, extra } = found;
    const sla = deps.sla ? await deps.sla.view(db, row, extra.slaInputs, clock.now()) : { policy: null, milestones: [] };
    return {
      ...ticket,
      allowedTransitions: can(actor.role, 'tickets.transition')
        ? nextStatuses(ticket.status, actor.role, { reporter: ticket.createdBy?.id === actor.id })
        : [],
      following: extra.following,
      slaPolicy: sla.policy,
      sla: sla.milestones,
      ...toContactCard(actor, row, extra),
      devices: extra.devices,
      entitlement: row.entitlement,
      requiredSkills: row.requiredSkills,
    };
  }

  async function setStatus(write: TicketWrite, to: TicketRow['status'], note?: string) {
    const { tx, actor, ticket, now } = write;
    write.emit('ticket.status_changed', { from: ticket.status, to, note: note ?? null });
    const fields: Partial<TicketRow> = { status: to };
    if (to === 'resolved') fields.resolvedAt = now;
    if (to === 'closed') fields.closedAt = now;
    // A new resolution gets its own "closes by itself soon" mail (auto-close.ts).
    if (to === 'resolved' || isReopen(ticket.status, to)) fields.autoCloseWarnedAt = null;
    if (isReopen(ticket.status, to)) fields.resolvedAt = null;
    await write.update(fields);
    await addEvent(tx, ticket.id, actor.id, now, {
      kind: 'status_changed',
      public: true,
      body: note ?? null,
      data: { from: ticket.status, to },
    });
    write.audit(audit.entry({ actorId: actor.id, ip: actor.ip }, 'ticket', ticket.id, 'status_changed', { status: ticket.status }, { status: to, note: note ?? null }));
    ticket.status = to;
  }

  /** Edit fields, assign, change severity (with its reason): the work of a PATCH inside a ticket write. */
  async function applyPatch(write: TicketWrite, patch: TicketPatch) {
    const { tx, actor, ticket, now } = write;
    const id = ticket.id;
    // Another customer: checked for scope, its contact and site cleared unless new ones are given (rescope.ts).
    const scoped = await rescopePatch(tx, actor, ticket, patch);
    const { assignee, previousAssignee } = await checkReferences(tx, scoped.customerId, scoped.patch, ticket.assigneeId);
    const { severityReason, ...fields } = scoped.patch;
    // Required skills: once each (whatever the case), in the order given; compared as lists.
    if (fields.requiredSkills) {
      const seen = new Set<string>();
      fields.requiredSkills = fields.requiredSkills.filter((s) => !seen.has(s.toLowerCase()) && seen.add(s.toLowerCase()));
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const [key, value] of Object.entries(fields) as [keyof typeof fields, unknown][]) {
      const same = Array.isArray(value) ? JSON.stringify(ticket[key]) === JSON.stringify(value) : ticket[key] === value;
      if (value !== undefined && !same) changes[key] = { from: ticket[key], to: value };
    }
    if (Object.keys(changes).length === 0) return;
    if (changes.severity && !severityReason) {
      throw fieldError('severityReason', 'field.severity_reason_required', 'a reason is required to change the severity');
    }
    if (changes.centerId || changes.assigneeId) {
      await assertLandsInScope(tx, actor, {
        centerId: (changes.centerId ? changes.centerId.to : ticket.centerId) as string | null,
        assigneeId: (changes.assigneeId ? changes.assigneeId.to : ticket.assigneeId) as string | null,
      });
    }
    // Changing the severity (with its reason) also settles a customer's proposed one.
    await write.update({ ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])), ...(changes.severity ? { severityPending: false } : {}) });
    write.emit('ticket.updated', { fields: Object.keys(changes) });

    if (changes.severity) {
      await addEvent(tx, id, actor.id, now, { kind: 'severity_changed', public: true, body: severityReason, data: changes.severity });
      write.emit('ticket.severity_changed', {
        from: changes.severity.from as TicketRow['severity'],
        to: changes.severity.to as TicketRow['severity'],
        reason: severityReason!,
      });
    }
    if (changes.assigneeId) {
      const from = previousAssignee ?? (await nameOf(tx, ticket.assigneeId));
      const to = assignee ? { id: assignee.id, name: assignee.name } : null;
      await addEvent(tx, id, actor.id, now, { kind: 'assigned', public: true, data: { from, to } });
      write.emit('ticket.assigned', { from, to });
    }
    const rest: Record<string, unknown> = Object.fromEntries(Object.entries(changes).filter(([k]) => k !== 'severity' && k !== 'assigneeId'));
    if (changes.slaPolicyId) {
      // The timeline says which policy it was and became, not two ids.
      const policyRef = async (policyId: unknown) => {
        if (typeof policyId !== 'string') return null;
        const [p] = await tx
          .select({ id: slaPolicies.id, name: slaPolicies.name, nameEn: slaPolicies.nameEn })
          .from(slaPolicies)
          .where(eq(slaPolicies.id, policyId));
        return p ?? null;
      };
      rest.slaPolicyId = { from: await policyRef(changes.slaPolicyId.from), to: await policyRef(changes.slaPolicyId.to) };
    }
    // Customer, contact and site by name, not by id.
    Object.assign(rest, await namedRefs(tx, changes));
    if (changes.customerId) await dropForeignFollowers(tx, id, scoped.customerId);
    // Another customer or site: what covers the ticket is judged again (another customer's devices are dropped).
    if (changes.customerId || changes.siteId) {
      const siteId = (changes.siteId ? changes.siteId.to : ticket.siteId) as string | null;
      await rejudgeTicket(write, { audit, timeZone: deps.timeZone }, { customerId: scoped.customerId, siteId, dropForeign: Boolean(changes.customerId) });
    }
    if (Object.keys(rest).length) {
      await addEvent(tx, id, actor.id, now, { kind: 'field_changed', public: false, data: { changes: rest } });
    }
    write.audit(
      audit.entry(
        { actorId: actor.id, ip: actor.ip },
        'ticket',
        id,
        'updated',
        Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.from])),
        { ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])), ...(severityReason ? { severityReason } : {}) },
      ),
    );
    // Assigning a new ticket puts it in someone's hands; unassigning an untouched one puts it back.
    if (changes.assigneeId && assignee && ticket.status === 'new') await setStatus(write, 'assigned');
    if (changes.assigneeId && !assignee && ticket.status === 'assigned') {
      await write.update({ status: 'new' });
      await addEvent(tx, id, actor.id, now, { kind: 'status_changed', public: true, data: { from: 'assigned', to: 'new' } });
      write.emit('ticket.status_changed', { from: 'assigned', to: 'new', note: null });
    }
  }

  /** Move through the status machine (409 with the allowed targets when refused) inside a ticket write. */
  async function moveStatus(write: TicketWrite, input: TicketTransition) {
    const { tx, actor, ticket, now } = write;
    const id = ticket.id;
    const context = { reporter: ticket.createdById === actor.id };
    const check = checkTransition(ticket.status, input.to, actor.role, context);
    if (check.ok === false && check.reason === 'not_reporter') {
      throw new AppError('scope.cancel_not_reporter', 'Only the person who reported this ticket (or their organisation\'s leader) may withdraw it', {
        from: ticket.status,
        to: input.to,
        allowed: check.allowed,
      });
    }
    if (!check.ok) {
      throw new AppError(
        check.reason === 'illegal' ? 'ticket.invalid_transition' : 'ticket.transition_forbidden',
        check.reason === 'illegal'
          ? `A ${ticket.status} ticket cannot become ${input.to}`
          : `Your role may not move a ${ticket.status} ticket to ${input.to}`,
        { from: ticket.status, to: input.to, allowed: check.allowed },
      );
    }
    if (input.to === 'assigned' && !ticket.assigneeId) {
      // An engineer taking a new ticket assigns it to themselves; others must choose someone.
      if (actor.role !== 'engineer') {
        throw new AppError('ticket.assignee_required', 'Choose an assignee first (PATCH assigneeId), then the ticket is assigned', {
          from: ticket.status,
          to: input.to,
          allowed: nextStatuses(ticket.status, actor.role, context),
        });
      }
      await write.update({ assigneeId: actor.id });
      const to = { id: actor.id, name: actor.name };
      await addEvent(tx, id, actor.id, now, { kind: 'assigned', public: true, data: { from: null, to } });
      write.emit('ticket.assigned', { from: null, to });
    }
    await setStatus(write, input.to, input.note);
  }

  /** A public reply or an internal note inside a ticket write; returns its timeline event id. */
  async function writeComment(write: TicketWrite, input: CommentCreate) {
    const { tx, actor, ticket, now } = write;
    const id = ticket.id;
    if (!input.public) requirePermission(actor, 'tickets.comment_internal');
    // Mail options (issue 10, modules/mail/outgoing.ts reads them from the timeline event).
    const data: Record<string, unknown> = {};
    if (input.notifyCustomer === false) data.notifyCustomer = false;
    const attachmentIds = [...new Set(input.attachmentIds ?? [])];
    if (attachmentIds.length) {
      if (!input.public) throw fieldError('attachmentIds', 'field.invalid_value', 'only a public comment sends attachments to the customer');
      const found = await tx
        .select({ id: attachments.id })
        .from(attachments)
        .where(and(inArray(attachments.id, attachmentIds), eq(attachments.ticketId, id), eq(attachments.public, true)));
      if (found.length !== attachmentIds.length) throw fieldError('attachmentIds', 'field.invalid_value', 'each attachment must be a public attachment of this ticket');
      data.attachmentIds = attachmentIds;
    }
    const eventId = await addEvent(tx, id, actor.id, now, { kind: 'comment', public: input.public, body: input.body, data });
    write.emit('ticket.commented', { eventId, public: input.public, byCustomer: isCustomer(actor), excerpt: excerpt(input.body) });
    write.audit(audit.entry({ actorId: actor.id, ip: actor.ip }, 'ticket', id, input.public ? 'commented' : 'internal_note', null, { eventId }));
    // The customer answered: the ball is back with the engineer.
    if (isCustomer(actor) && ticket.status === 'pending_customer') await setStatus(write, 'in_progress');
    return eventId;
  }

  return {
    async create(actor: Actor, raw: TicketCreate): Promise<Ticket> {
      const input = TicketCreateSchema.parse(raw);
      const now = clock.now();
      let customerId = input.customerId;
      if (isCustomer(actor)) {
        if (customerId && customerId !== actor.customerId) throw notFound('customer.not_found', 'Customer');
        customerId = actor.customerId!;
        if (input.reportedAt) throw fieldError('reportedAt', 'field.customer_no_backdate', 'only service staff may back-date a report');
        if (input.assigneeId || input.centerId) throw fieldError('assigneeId', 'field.customer_no_assign', 'only service staff assign tickets');
      }
      if (!customerId) throw fieldError('customerId', 'field.required', 'is required');
      const classified = classifyReport(input, isCustomer(actor));
      let reportedAt = input.reportedAt ? new Date(input.reportedAt) : now;
      if (reportedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
        throw fieldError('reportedAt', 'field.in_future', 'cannot be in the future');
      }
      if (reportedAt > now) reportedAt = now;
      const deviceIds = [...new Set(input.deviceIds ?? [])];

      const number = await nextNumber(now);
      const id = await db.transaction(async (tx) => {
        // With the time rules' version: with the customer's service level, a new ticket's clock inputs.
        // …and the entitlement facts (the customer's contracts, the named devices): what covers it (issue 11).
        const [found] = await tx
          .select({
            customer: customers,
            rulesVersion: deps.sla ? deps.sla.rulesVersion() : sql<null>`null`,
            facts: entitlementFactsSql(sql`${customers.id}`, input.siteId ?? null, deviceIds),
          })
          .from(customers)
          .where(eq(customers.id, customerId));
        if (!found) throw fieldError('customerId', 'field.no_such_customer', 'no such customer');
        const { customer } = found;
        const named = checkedDevices(found.facts, customerId, deviceIds);
        const entitlement = judge(found.facts, named, input.siteId ?? null, reportedAt, deps.timeZone);
        const { assignee } = await checkReferences(tx, customerId, input);
        const actorCenter = isCustomer(actor) ? null : actor.centerId;
        const centerId = input.centerId ?? assignee?.centerId ?? customer.centerId ?? actorCenter ?? null;
        await assertLandsInScope(tx, actor, { centerId, assigneeId: assignee?.id ?? null });
        // The ticket and its first timeline lines in one statement (the lines as a CTE; their foreign
        // key is checked at the statement's end, when the ticket is there).
        const ticketId = crypto.randomUUID();
        const timeline = tx.$with('created_timeline', {}).as(
          tx
            .insert(ticketEvents)
            .values([
              {
                ticketId,
                actorId: actor.id,
                kind: 'created',
                public: true,
                body: null,
                data: { number, severity: classified.severity, channel: input.channel, reportedAt: reportedAt.toISOString() },
                createdAt: now,
              },
              ...(assignee
                ? [{ ticketId, actorId: actor.id, kind: 'assigned', public: true, body: null, data: { from: null, to: { id: assignee.id, name: assignee.name } }, createdAt: now }]
                : []),
            ])
            .getSQL(),
        );
        const devicesNamed = tx.$with('named_devices', {}).as(
          named.length
            ? tx
                .insert(ticketDevices)
                .values(named.map((d, position) => ({ ticketId, deviceId: d.id, position, createdAt: now })))
                .getSQL()
            : sql`select 1`,
        );
        const [row] = await tx
          .with(timeline, devicesNamed)
          .insert(tickets)
          .values({
            id: ticketId,
            number,
            title: input.title,
            description: input.description,
            type: input.type,
            channel: input.channel,
            severity: classified.severity,
            impact: classified.impact,
            severityPending: classified.severityPending,
            category: input.category,
            status: assignee ? 'assigned' : 'new',
            customerId,
            // A customer reporting without naming a contact is their own contact, when one matches (impact.ts).
            contactId: input.contactId ?? (isCustomer(actor) ? await contactOfCustomerUser(tx, actor.id) : null),
            siteId: input.siteId ?? null,
            assigneeId: assignee?.id ?? null,
            centerId,
            createdById: actor.id,
            reportedAt,
            createdAt: now,
            updatedAt: now,
            // The number typed in the hotline lookup: staff's intake record (a customer's is not taken).
            callerNumber: isCustomer(actor) ? null : (input.callerNumber ?? null),
            contractId: entitlement.contract?.id ?? null,
            entitlement,
          })
          .returning();
        const ticket = row!;
        if (isCustomer(actor)) await tx.insert(ticketFollowers).values({ ticketId: ticket.id, userId: actor.id, createdAt: now });
        const { search: _search, ...created } = ticket;
        // Sent with the domain events when the write ends (one round trip).
        const createdAudit = audit.entry({ actorId: actor.id, ip: actor.ip }, 'ticket', ticket.id, 'created', null, created);
        // Born as a child of a multi-site outage: the parent is checked and told in this transaction.
        const { write: asChildWrite, pending: asChild, state: asChildState } = commands.open(tx, ticket, now, actor);
        if (input.parentId) await attachNewChild({ commands, audit }, asChildWrite, input.parentId);
        await commands.finish(tx, ticket.id, actor, now, [
          {
            kind: 'ticket.created',
            detail: { channel: ticket.channel, category: ticket.category, reportedAt: reportedAt.toISOString() },
          },
          ...(assignee ? [{ kind: 'ticket.assigned' as const, detail: { from: null, to: { id: assignee.id, name: assignee.name } } }] : []),
          ...asChild,
          // The row as inserted, or as being born a child left it.
        ], {
          current: asChildState.latest ?? ticket,
          audit: [createdAudit, ...asChildState.audit],
          // Nothing in its timeline yet moves a clock: the SLA subscriber needs no read of its inputs.
          created:
            found.rulesVersion === null
              ? undefined
              : {
                  rulesVersion: Number(found.rulesVersion),
                  contractPolicyId: entitlement.contract?.slaPolicyId ?? null,
                  productPolicyId: productPolicyOf(named),
                  customerPolicyId: customer.slaPolicyId,
                },
        });
        return ticket.id;
      });
      return present(actor, id);
    },

    /**
     * The pieces of PATCH, transition and comment, for a use case that combines them in one ticket
     * write (a canned reply: comment + severity + status, all or nothing). Each checks what its
     * route checks, except the route's permission: the caller asks for it.
     */
    steps: { patch: applyPatch, transition: moveStatus, comment: writeComment },

    list: (actor: Actor, query: TicketListQuery) => listTickets(db, actor, query),

    get: (actor: Actor, id: string) => present(actor, id),

    async patch(actor: Actor, id: string, patch: TicketPatch): Promise<Ticket> {
      requirePermission(actor, 'tickets.update');
      if (patch.slaPolicyId !== undefined && actor.role !== 'admin' && actor.role !== 'manager') {
        throw new AppError('ticket.sla_policy_forbidden', 'Only a manager or an administrator may change the SLA policy of a ticket');
      }
      await commands.change(actor, id, (write) => applyPatch(write, patch));
      return present(actor, id);
    },

    async transition(actor: Actor, id: string, input: TicketTransition): Promise<Ticket> {
      let childResults: ChildResolution[] | undefined;
      await commands.change(actor, id, async (write) => {
        await moveStatus(write, input);
        // A parent's resolution may take its open children along, same note, same transaction (modules/ticket-links).
        if (input.resolveChildren && input.to === 'resolved') childResults = await resolveChildren(commands, audit, write, input.note ?? null, setStatus);
      });
      const ticket = await present(actor, id);
      return childResults ? { ...ticket, childResults } : ticket;
    },

    async comment(actor: Actor, id: string, input: CommentCreate) {
      if (!input.public) requirePermission(actor, 'tickets.comment_internal');
      const eventId = await commands.change(actor, id, (write) => writeComment(write, input));
      const events = await listEvents(db, actor, id);
      return events.find((e) => e.id === eventId)!;
    },

    async events(actor: Actor, id: string) {
      if (!(await findVisibleTicket(db, actor, id))) throw notFound('ticket.not_found', 'Ticket');
      return listEvents(db, actor, id);
    },

    async follow(actor: Actor, id: string, on: boolean): Promise<Ticket> {
      if (!(await findVisibleTicket(db, actor, id))) throw notFound('ticket.not_found', 'Ticket');
      if (on) {
        await db.insert(ticketFollowers).values({ ticketId: id, userId: actor.id, createdAt: clock.now() }).onConflictDoNothing();
      } else {
        await db.delete(ticketFollowers).where(and(eq(ticketFollowers.ticketId, id), eq(ticketFollowers.userId, actor.id)));
      }
      return present(actor, id);
    },
  };
}

export type TicketService = ReturnType<typeof createTicketService>;
