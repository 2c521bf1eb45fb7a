/**
 * Canned replies (macros). Who may do what (on top of the routes' `macros.use`, which customers lack):
 * - everyone on staff lists their own macros and the shared ones, and keeps personal macros;
 * - shared macros (owner null) are created, edited and deleted by `macros.share` (managers and
 *   administrators), whoever wrote them; making a personal macro shared (or back) needs it too;
 * - names are unique per owner (you, or the shared list) whatever their case: 409 `macro.name_taken`;
 * - another person's personal macro answers 404, as if it did not exist.
 *
 * Applying a macro to a ticket is one ticket write (command.ts): the comment, then the severity
 * (reason: the macro's name unless the user gives one), then the status — through the same steps as
 * PATCH, transitions and comments, so a refused status move (409 with the allowed targets) rolls
 * back the comment too. A status the ticket already has is not a move and is skipped.
 */
import { and, asc, eq, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Macro, MacroApplied, MacroApply, MacroCreate, MacroListQuery, MacroPreview, MacroUpdate } from '../../../common/api/macros';
import { MacroCreate as MacroCreateSchema } from '../../../common/api/macros';
import { MACRO_PLACEHOLDERS, renderMacro, unknownPlaceholders, type MacroValues } from '../../../common/macros';
import { can } from '../../../common/permissions';
import type { Db } from '../../db/client';
import { containsPattern } from '../../db/text';
import { contacts, customers, macros, tickets as ticketsTable, users } from '../../db/schema';
import { checkTransition, nextStatuses } from '../../domain/ticket-lifecycle';
import { requirePermission, type Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, fieldError, notFound } from '../../platform/errors';
import type { Audit } from '../audit';
import type { TicketCommands } from '../tickets/command';
import { visibleTo, type TicketRow } from '../tickets/repository';
import type { TicketService } from '../tickets/service';

type Row = typeof macros.$inferSelect;

function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) if (e.code === '23505') return true;
  return false;
}

/** The severity reason a macro records when the user gives none. */
export const macroSeverityReason = (name: string) => `快捷回复「${name}」`;

/** 400 naming `body` when it uses a placeholder the renderer does not know. */
export function assertKnownPlaceholders(body: string, path = 'body') {
  const [unknown] = unknownPlaceholders(body);
  if (unknown === undefined) return;
  throw fieldError(path, 'field.unknown_placeholder', `unknown placeholder {{${unknown}}}; use one of ${MACRO_PLACEHOLDERS.join(', ')}`, {
    placeholder: `{{${unknown}}}`,
    known: MACRO_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' '),
  });
}

export function createMacroService(deps: { db: Db; clock: Clock; audit: Audit; tickets: TicketService; commands: TicketCommands }) {
  const { db, clock, audit, tickets, commands } = deps;

  const present = (row: Row, ownerName: string | null, actor: Actor): Macro => ({
    id: row.id,
    name: row.name,
    body: row.body,
    shared: row.ownerId === null,
    public: row.public,
    setStatus: row.setStatus,
    setSeverity: row.setSeverity,
    owner: row.ownerId ? { id: row.ownerId, name: ownerName ?? '' } : null,
    editable: row.ownerId === null ? can(actor.role, 'macros.share') : row.ownerId === actor.id,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });

  const requireShare = (actor: Actor) => {
    if (!can(actor.role, 'macros.share')) {
      throw new AppError('macro.shared_forbidden', 'Only a manager or an administrator may create, change or delete a shared canned reply', {
        role: actor.role,
      });
    }
  };

  const mine = (actor: Actor): SQL => or(eq(macros.ownerId, actor.id), isNull(macros.ownerId))!;

  /** The macro if the actor may use it (own or shared), else 404. */
  async function visible(tx: Db, actor: Actor, id: string, lock = false) {
    const q = tx.select().from(macros).where(and(eq(macros.id, id), mine(actor)));
    const [row] = lock ? await q.for('update') : await q;
    if (!row) throw notFound('macro.not_found', 'Canned reply');
    return row;
  }

  async function assertNameFree(tx: Db, ownerId: string | null, name: string, exceptId?: string) {
    const [hit] = await tx
      .select({ id: macros.id })
      .from(macros)
      .where(
        and(
          ownerId ? eq(macros.ownerId, ownerId) : isNull(macros.ownerId),
          sql`lower(${macros.name}) = lower(${name})`,
          exceptId ? ne(macros.id, exceptId) : undefined,
        ),
      );
    if (hit) throw nameTaken(name, ownerId === null);
  }

  const nameTaken = (name: string, shared: boolean) =>
    new AppError('macro.name_taken', `${shared ? 'A shared canned reply' : 'You already have a canned reply'} named "${name}"${shared ? ' exists' : ''}`, {
      name,
      shared,
      fields: [{ path: 'name', message: 'taken', key: 'field.taken' }],
    });

  async function ownerName(tx: Db, row: Row) {
    if (!row.ownerId) return null;
    const [u] = await tx.select({ name: users.name }).from(users).where(eq(users.id, row.ownerId));
    return u?.name ?? null;
  }

  /** What the placeholders stand for on this ticket, as the macro would leave it. */
  async function valuesFor(tx: Db, ticket: TicketRow, actor: Actor, severity: TicketRow['severity']): Promise<MacroValues> {
    const [customer] = await tx.select({ name: customers.name }).from(customers).where(eq(customers.id, ticket.customerId));
    const [contact] = ticket.contactId ? await tx.select({ name: contacts.name }).from(contacts).where(eq(contacts.id, ticket.contactId)) : [];
    const [assignee] = ticket.assigneeId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, ticket.assigneeId)) : [];
    return {
      customer: customer?.name ?? '',
      // No contact on the ticket: the greeting addresses the organisation.
      contact: contact?.name ?? customer?.name ?? '',
      ticket: ticket.number,
      title: ticket.title,
      engineer: assignee?.name ?? actor.name,
      me: actor.name,
      severity,
    };
  }

  /** The macro's settings with the caller's overrides (null: a chip the user removed). */
  function effective(row: Row, input: MacroApply) {
    return {
      public: input.public ?? row.public,
      setStatus: input.setStatus !== undefined ? input.setStatus : row.setStatus,
      setSeverity: input.setSeverity !== undefined ? input.setSeverity : row.setSeverity,
    };
  }

  return {
    async list(actor: Actor, query: MacroListQuery): Promise<Macro[]> {
      const scope =
        query.scope === 'personal' ? eq(macros.ownerId, actor.id) : query.scope === 'shared' ? isNull(macros.ownerId) : mine(actor);
      const rows = await db
        .select({ macro: macros, ownerName: users.name })
        .from(macros)
        .leftJoin(users, eq(users.id, macros.ownerId))
        .where(and(scope, query.q ? sql`${macros.name} ilike ${containsPattern(query.q)}` : undefined))
        // Mine first, then the shared ones; each by name.
        .orderBy(sql`${macros.ownerId} is null`, asc(sql`lower(${macros.name})`))
        .limit(500);
      return rows.map((r) => present(r.macro, r.ownerName, actor));
    },

    async get(actor: Actor, id: string): Promise<Macro> {
      const row = await visible(db, actor, id);
      return present(row, await ownerName(db, row), actor);
    },

    async create(actor: Actor, raw: MacroCreate): Promise<Macro> {
      const input = MacroCreateSchema.parse(raw);
      if (input.shared) requireShare(actor);
      assertKnownPlaceholders(input.body);
      const ownerId = input.shared ? null : actor.id;
      try {
        return await db.transaction(async (tx) => {
          await assertNameFree(tx, ownerId, input.name);
          const now = clock.now();
          const [row] = await tx
            .insert(macros)
            .values({
              name: input.name,
              body: input.body,
              ownerId,
              public: input.public,
              setStatus: input.setStatus,
              setSeverity: input.setSeverity,
              createdById: actor.id,
              createdAt: now,
              updatedAt: now,
            })
            .returning();
          const dto = present(row!, ownerId ? actor.name : null, actor);
          const { editable: _editable, ...logged } = dto;
          await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'macro', dto.id, 'created', null, logged);
          return dto;
        });
      } catch (error) {
        // Two creators racing past the check: the unique index decides.
        if (isUniqueViolation(error)) throw nameTaken(input.name, ownerId === null);
        throw error;
      }
    },

    async update(actor: Actor, id: string, patch: MacroUpdate): Promise<Macro> {
      if (patch.body !== undefined) assertKnownPlaceholders(patch.body);
      try {
        return await db.transaction(async (tx) => {
          const before = await visible(tx, actor, id, true);
          if (before.ownerId === null) requireShare(actor);
          else if (before.ownerId !== actor.id) throw notFound('macro.not_found', 'Canned reply');
          const shared = patch.shared ?? before.ownerId === null;
          if (shared !== (before.ownerId === null)) requireShare(actor);
          // A shared macro made personal becomes the one of whoever made it so.
          const ownerId = shared ? null : (before.ownerId ?? actor.id);
          const name = patch.name ?? before.name;
          if (ownerId !== before.ownerId || name.toLowerCase() !== before.name.toLowerCase()) await assertNameFree(tx, ownerId, name, id);
          const [after] = await tx
            .update(macros)
            .set({
              name,
              body: patch.body ?? before.body,
              ownerId,
              public: patch.public ?? before.public,
              setStatus: patch.setStatus !== undefined ? patch.setStatus : before.setStatus,
              setSeverity: patch.setSeverity !== undefined ? patch.setSeverity : before.setSeverity,
              updatedAt: clock.now(),
            })
            .where(eq(macros.id, id))
            .returning();
          const was = present(before, await ownerName(tx, before), actor);
          const dto = present(after!, await ownerName(tx, after!), actor);
          const changed = (Object.keys(dto) as (keyof Macro)[]).filter((k) => k !== 'updatedAt' && k !== 'editable' && JSON.stringify(was[k]) !== JSON.stringify(dto[k]));
          await audit.record(
            tx,
            { actorId: actor.id, ip: actor.ip },
            'macro',
            id,
            'updated',
            Object.fromEntries(changed.map((k) => [k, was[k]])),
            Object.fromEntries(changed.map((k) => [k, dto[k]])),
          );
          return dto;
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(patch.name ?? '', patch.shared ?? false);
        throw error;
      }
    },

    async remove(actor: Actor, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const row = await visible(tx, actor, id, true);
        if (row.ownerId === null) requireShare(actor);
        else if (row.ownerId !== actor.id) throw notFound('macro.not_found', 'Canned reply');
        await tx.delete(macros).where(eq(macros.id, id));
        const { editable: _editable, ...logged } = present(row, await ownerName(tx, row), actor);
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'macro', id, 'deleted', logged, null);
      });
    },

    /** The text and settings applying the macro would post now; nothing is written. */
    async preview(actor: Actor, ticketId: string, macroId: string): Promise<MacroPreview> {
      const macro = await visible(db, actor, macroId);
      const [ticket] = await db.select().from(ticketsTable).where(and(eq(ticketsTable.id, ticketId), visibleTo(actor)));
      if (!ticket) throw notFound('ticket.not_found', 'Ticket');
      const settings = effective(macro, {});
      const allowedStatuses = can(actor.role, 'tickets.transition') ? nextStatuses(ticket.status, actor.role, { reporter: ticket.createdById === actor.id }) : [];
      return {
        macroId: macro.id,
        body: renderMacro(macro.body, await valuesFor(db, ticket, actor, settings.setSeverity ?? ticket.severity)),
        ...settings,
        statusAllowed: settings.setStatus === null || settings.setStatus === ticket.status || allowedStatuses.includes(settings.setStatus),
        allowedStatuses,
      };
    },

    /** Post the reply and set status and severity, all in one ticket write (or nothing). */
    async apply(actor: Actor, ticketId: string, macroId: string, input: MacroApply): Promise<MacroApplied> {
      const macro = await visible(db, actor, macroId);
      const settings = effective(macro, input);
      if (settings.setStatus) requirePermission(actor, 'tickets.transition');
      if (settings.setSeverity) requirePermission(actor, 'tickets.update');
      if (input.body !== undefined) assertKnownPlaceholders(input.body);
      return commands.change(actor, ticketId, async (write) => {
        const { tx, ticket } = write;
        const severity = settings.setSeverity ?? ticket.severity;
        // Refused before anything is written (the rollback would undo it anyway): 409 with the allowed targets.
        if (settings.setStatus && settings.setStatus !== ticket.status) {
          const check = checkTransition(ticket.status, settings.setStatus, actor.role, { reporter: ticket.createdById === actor.id });
          if (!check.ok) await tickets.steps.transition(write, { to: settings.setStatus });
        }
        const body = input.body ?? renderMacro(macro.body, await valuesFor(tx, ticket, actor, severity)).trim();
        if (!body) throw fieldError('body', 'field.required', 'the rendered text is empty');
        const eventId = await tickets.steps.comment(write, { body, public: settings.public });
        if (settings.setSeverity && settings.setSeverity !== ticket.severity) {
          await tickets.steps.patch(write, { severity: settings.setSeverity, severityReason: input.severityReason ?? macroSeverityReason(macro.name) });
        }
        if (settings.setStatus && settings.setStatus !== ticket.status) await tickets.steps.transition(write, { to: settings.setStatus });
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'ticket', ticket.id, 'macro_applied', null, {
          macroId: macro.id,
          macro: macro.name,
          eventId,
          setStatus: settings.setStatus,
          setSeverity: settings.setSeverity,
        });
        return { eventId, body, status: ticket.status, severity };
      });
    },
  };
}

export type MacroService = ReturnType<typeof createMacroService>;
