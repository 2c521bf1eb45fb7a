/**
 * Who hears about a fired timer, and the messages they get. Messages go into the outbox inside
 * the firing's transaction; the delivery worker sends them. Roles resolve to the people of that
 * role responsible for the ticket's center (its center or any parent, or organisation-wide staff),
 * falling back to everyone with the role, so a Zhejiang P1 reaches the East-region manager rather
 * than every manager in the country.
 */
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { isCustomerRole, type Role } from '../../../common/domain';
import { rows, type Db } from '../../db/client';
import { escalationContacts, outbox, users } from '../../db/schema';
import type { EscalationRecipient } from '../../domain/escalation';
import type { TicketRow } from '../tickets/repository';

export interface Recipient {
  userId: string | null;
  email: string | null;
  name: string;
}

export interface Message {
  kind: string;
  subject: string;
  body: string;
  /** The timer firing that caused it: at most one message per firing, recipient and channel. */
  firingId?: number;
}

export interface NotifyOptions {
  /** Emails are queued only when an SMTP server is configured. */
  emailEnabled: boolean;
}

async function usersWithRole(tx: Db, role: Role, ticket: TicketRow): Promise<Recipient[]> {
  // Customer-side people only of the ticket's own customer: rules are refused with a customer role,
  // but rows written before that check may still name one.
  const active = and(eq(users.role, role), eq(users.active, true), isCustomerRole(role) ? eq(users.customerId, ticket.customerId) : undefined);
  let rows: Array<{ id: string; email: string | null; name: string }> = [];
  const columns = { id: users.id, email: users.email, name: users.name };
  if (!ticket.centerId) {
    // A ticket of no center is the desk's as a whole: its desk-wide people (no center of their own),
    // not every center's — on a busy desk that told each manager of every breach anywhere.
    rows = await tx.select(columns).from(users).where(and(active, isNull(users.centerId)));
  } else {
    // Ancestors-or-self of the ticket's center: their path is a prefix of the ticket center's path.
    rows = await tx
      .select(columns)
      .from(users)
      .where(
        and(
          active,
          or(
            isNull(users.centerId),
            inArray(
              users.centerId,
              sql`(select a.id from service_centers a, service_centers t where t.id = ${ticket.centerId} and t.path like a.path || '%')`,
            ),
          ),
        ),
      );
  }
  // Nobody in that line: everyone with the role rather than no one.
  if (rows.length === 0) rows = await tx.select(columns).from(users).where(active);
  return rows.map((u) => ({ userId: u.id, email: u.email, name: u.name }));
}

/**
 * Who is on call at `at` for the ticket's center: the shifts of its own center, else of the nearest
 * center above it with someone on call then (a province without a rota falls back on its region).
 */
async function onCallFor(tx: Db, ticket: TicketRow, at: Date): Promise<Recipient[]> {
  if (!ticket.centerId) return [];
  const found = await rows<{ id: string; email: string | null; name: string; depth: number }>(
    tx,
    sql`select u.id, u.email, u.name, length(c.path) as depth
        from service_centers t
        join service_centers c on t.path like c.path || '%'
        join on_call_shifts s on s.center_id = c.id and s.starts_at <= ${at.toISOString()}::timestamptz and s.ends_at > ${at.toISOString()}::timestamptz
        join users u on u.id = s.user_id and u.active
        where t.id = ${ticket.centerId}
        order by length(c.path) desc, s.starts_at, u.name`,
  );
  const nearest = found[0]?.depth;
  return found.filter((r) => r.depth === nearest).map((r) => ({ userId: r.id, email: r.email, name: r.name }));
}

/** `at`: when the step fires (who is on call then); the other kinds do not depend on it. */
export async function resolveRecipients(tx: Db, ticket: TicketRow, recipients: readonly EscalationRecipient[], at?: Date): Promise<Recipient[]> {
  const found: Recipient[] = [];
  for (const r of recipients) {
    switch (r.kind) {
      case 'on_call':
        found.push(...(await onCallFor(tx, ticket, at ?? new Date())));
        break;
      case 'role':
        found.push(...(await usersWithRole(tx, r.role, ticket)));
        break;
      case 'user': {
        const [u] = await tx.select().from(users).where(and(eq(users.id, r.userId), eq(users.active, true)));
        if (u && isCustomerRole(u.role) && u.customerId !== ticket.customerId) break;
        if (u) found.push({ userId: u.id, email: u.email, name: u.name });
        break;
      }
      case 'contact':
      case 'vendor': {
        const rows = await tx
          .select()
          .from(escalationContacts)
          .where(r.kind === 'contact' ? eq(escalationContacts.id, r.contactId) : eq(escalationContacts.isVendorCenter, true));
        found.push(
          ...rows.map((c) => ({
            userId: null,
            email: c.email,
            name: c.organisation && !c.name.includes(c.organisation) ? `${c.name}（${c.organisation}）` : c.name,
          })),
        );
        break;
      }
    }
  }
  // One message per person even when several recipients name them.
  const seen = new Set<string>();
  return found.filter((r) => {
    const key = r.userId ?? `mail:${r.email ?? r.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Who is told about an SLA warning (the engineer, or the dispatchers while unassigned) or breach (plus managers). */
export async function slaRecipients(tx: Db, ticket: TicketRow, kind: 'sla_warning' | 'sla_breach'): Promise<Recipient[]> {
  const list: EscalationRecipient[] = ticket.assigneeId ? [{ kind: 'user', userId: ticket.assigneeId }] : [{ kind: 'role', role: 'dispatcher' }];
  if (kind === 'sla_breach') list.push({ kind: 'role', role: 'manager' });
  return resolveRecipients(tx, ticket, list);
}

/** Why a recipient could not be reached by anything the desk can send. */
export type UndeliverableReason = 'no_address' | 'mail_not_configured';

export interface Undeliverable {
  name: string;
  reason: UndeliverableReason;
}

const UNDELIVERABLE_ERROR: Record<UndeliverableReason, string> = { no_address: 'no address', mail_not_configured: 'mail not configured' };

/**
 * Queues the message for every recipient: the bell for people with an account, mail where there is
 * an address and an SMTP server. Someone reachable by neither (an escalation contact without an
 * address, or with one while mail is off) gets a `failed` outbox row saying why, so admins see it
 * among the failed deliveries instead of the step silently telling nobody; they are returned too.
 */
export async function enqueue(tx: Db, ticket: TicketRow, recipients: readonly Recipient[], message: Message, now: Date, options: NotifyOptions) {
  const rows: Array<typeof outbox.$inferInsert> = [];
  const undeliverable: Undeliverable[] = [];
  for (const r of recipients) {
    const common = {
      subject: message.subject,
      body: message.body,
      ticketId: ticket.id,
      firingId: message.firingId ?? null,
      kind: message.kind,
      nextAttemptAt: now,
      createdAt: now,
    };
    if (r.userId) rows.push({ ...common, channel: 'inapp', userId: r.userId });
    if (r.email && options.emailEnabled) rows.push({ ...common, channel: 'email', userId: r.userId, email: r.email });
    if (!r.userId && !(r.email && options.emailEnabled)) {
      const reason: UndeliverableReason = r.email ? 'mail_not_configured' : 'no_address';
      undeliverable.push({ name: r.name, reason });
      rows.push({ ...common, channel: 'email', userId: null, email: r.email, status: 'failed', lastError: `${UNDELIVERABLE_ERROR[reason]} (${r.name})` });
    }
  }
  if (rows.length) await tx.insert(outbox).values(rows);
  return { queued: rows.filter((r) => r.status !== 'failed').length, undeliverable };
}
