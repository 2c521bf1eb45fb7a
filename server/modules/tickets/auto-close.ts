/**
 * Resolved tickets close by themselves when the customer stays silent (the scheduled job
 * `tickets.auto_close`, every 10 minutes). Per SLA policy (the ticket's own, else its customer's,
 * else the default — as for the clocks): `autoCloseDays` calendar days in the desk time zone after
 * the resolution (absent: 7; null: never), and `autoCloseReminderDays` before that (absent: 1; 0:
 * none) the reporting contact is mailed "closes by itself on …".
 *
 * - "No answer" is explicit: a customer's comment on a resolved ticket does not move it out of
 *   resolved (the status machine leaves that to the customer's 确认/未解决 buttons), so a public
 *   comment by a customer user made at or after `resolved_at` keeps the ticket from closing by
 *   itself and from the reminder; staff read it and decide. Reopening clears `resolved_at` and
 *   `auto_close_warned_at` (tickets/service.ts), so a later resolution starts over with its own mail.
 * - The customer always gets the reminder's notice: a ticket whose mail went out late (the server
 *   was down, the policy changed) closes `autoCloseReminderDays` after the mail, not before.
 * - Scan: `tickets_resolved_at_idx` (partial, status = 'resolved'), oldest resolution first, only
 *   tickets with something due now, at most `batchSize` per batch. Each ticket is then written in
 *   its own short transaction through the ticket command helper as the desk itself (SYSTEM_ACTOR):
 *   the row is locked and the same conditions are checked again under the lock, so a second run or
 *   a second process closes and warns once.
 * - A reminder nobody can receive (no contact, or a contact without an address, or mail off) is a
 *   `failed` outbox row naming why, and the timeline entry lists them (shown in red), like
 *   escalation notices.
 */
import { eq, sql } from 'drizzle-orm';
import { autoCloseOf } from '../../../common/api/sla-definition';
import { CUSTOMER_ROLES, isCustomerRole } from '../../../common/domain';
import { rows, type Db } from '../../db/client';
import { contacts, slaPolicies, users } from '../../db/schema';
import type { Audit } from '../audit';
import { enqueue, type Recipient, type UndeliverableReason } from '../sla/notify';
import type { TimeRulesRegistry } from '../time-rules/registry';
import { SYSTEM_ACTOR, type TicketCommands, type TicketWrite } from './command';
import { addEvent } from './events';

const UNDELIVERABLE_ZH: Record<UndeliverableReason, string> = { no_address: '无邮箱', mail_not_configured: '邮件未配置' };

export interface AutoCloseResult {
  warned: number;
  closed: number;
  /** Tickets whose write failed this run (logged; tried again next run). */
  failed: number;
}

interface DueRow {
  id: string;
  action: 'warn' | 'close';
  days: number;
  reminder: number;
  close_at: Date | string;
  /** Now plus the reminder days: the earliest close a mail sent now may announce. */
  notice_close_at: Date | string;
}

export function createAutoClose(deps: {
  db: Db;
  commands: TicketCommands;
  registry: TimeRulesRegistry;
  audit: Audit;
  /** The desk's time zone: days are calendar days there, dates in mails are written there. */
  timeZone: string;
  emailEnabled: boolean;
  publicUrl: string;
}) {
  const { db, commands, registry, timeZone } = deps;

  /**
   * Per policy (key: its id; '' for tickets whose customer has none: the default policy, else the
   * built-in 7 days), its days and reminder days; policies that never close are left out.
   */
  async function settings(tx: Db) {
    const rules = await registry.get(tx);
    const list: Array<{ key: string; days: number; reminder: number }> = [];
    const add = (key: string, def: Parameters<typeof autoCloseOf>[0]) => {
      const { days, reminderDays } = autoCloseOf(def);
      if (days !== null) list.push({ key, days, reminder: reminderDays });
    };
    add('', rules.defaultPolicy?.definition);
    for (const p of await tx.select({ id: slaPolicies.id, definition: slaPolicies.definition }).from(slaPolicies)) add(p.id, p.definition);
    return list;
  }

  /**
   * Tickets with something to do now: the reminder to send, or the close. `onlyId` re-checks one
   * ticket under its lock.
   */
  async function due(tx: Db, policies: Awaited<ReturnType<typeof settings>>, now: Date, limit: number, onlyId?: string): Promise<DueRow[]> {
    if (policies.length === 0) return [];
    const values = sql.join(
      policies.map((p) => sql`(${p.key}, ${p.days}::int, ${p.reminder}::int)`),
      sql`, `,
    );
    const at = now.toISOString();
    // Calendar days in the desk's time zone: local wall time + n days, back to an instant.
    const plusDays = (instant: ReturnType<typeof sql>, days: ReturnType<typeof sql>) =>
      sql`((${instant} at time zone ${timeZone}) + make_interval(days => ${days})) at time zone ${timeZone}`;
    return rows<DueRow>(
      tx,
      sql`with p(key, days, reminder) as (values ${values}),
      cand as (
        select t.id, t.resolved_at, t.auto_close_warned_at as warned_at, p.days, p.reminder
        from tickets t
        join customers c on c.id = t.customer_id
        join p on p.key = coalesce(t.sla_policy_id::text, c.sla_policy_id::text, '')
        where t.status = 'resolved'
          and t.resolved_at <= ${at}::timestamptz - interval '1 day'
          ${onlyId ? sql`and t.id = ${onlyId}::uuid` : sql``}
          and not exists (
            select 1 from ticket_events e join users u on u.id = e.actor_id
            where e.ticket_id = t.id and e.kind = 'comment' and e.public
              and u.role in (${sql.join(CUSTOMER_ROLES.map((r) => sql`${r}`), sql`, `)})
              and e.created_at >= t.resolved_at)
      ),
      timed as (
        select id, resolved_at, days, reminder, warned_at,
          ${plusDays(sql`resolved_at`, sql`days`)} as close_at,
          ${plusDays(sql`resolved_at`, sql`days - reminder`)} as warn_at,
          case when warned_at is null then null else ${plusDays(sql`warned_at`, sql`reminder`)} end as notice_ends_at
        from cand
      )
      select id, days, reminder, close_at,
        ${plusDays(sql`${at}::timestamptz`, sql`reminder`)} as notice_close_at,
        case when reminder > 0 and warned_at is null then 'warn' else 'close' end as action
      from timed
      where (reminder > 0 and warned_at is null and warn_at <= ${at}::timestamptz)
         or (close_at <= ${at}::timestamptz and (reminder = 0 or notice_ends_at <= ${at}::timestamptz))
      order by resolved_at, id
      limit ${limit}`,
    );
  }

  const formatLocal = (d: Date) =>
    d.toLocaleString('zh-CN', { timeZone, hour12: false, year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' });

  /** The reporting contact, and the customer user who reported it on the portal when that is someone else. */
  async function reporters(tx: Db, write: TicketWrite): Promise<Recipient[]> {
    const { ticket } = write;
    const found: Recipient[] = [];
    if (ticket.contactId) {
      const [c] = await tx.select({ name: contacts.name, email: contacts.email }).from(contacts).where(eq(contacts.id, ticket.contactId));
      if (c) found.push({ userId: null, email: c.email, name: c.name });
    }
    if (ticket.createdById) {
      const [u] = await tx
        .select({ id: users.id, name: users.name, email: users.email, role: users.role, active: users.active })
        .from(users)
        .where(eq(users.id, ticket.createdById));
      const sameMail = (r: Recipient) => Boolean(u?.email && r.email && r.email.toLowerCase() === u.email.toLowerCase());
      if (u?.active && isCustomerRole(u.role) && !found.some(sameMail)) found.push({ userId: u.id, email: u.email, name: u.name });
    }
    // Nobody to tell still shows, as a failed delivery, rather than closing in silence.
    if (found.length === 0) found.push({ userId: null, email: null, name: '（未指定报修联系人）' });
    return found;
  }

  async function warn(write: TicketWrite, row: DueRow) {
    const { tx, ticket, now } = write;
    const closeAt = new Date(Math.max(new Date(row.close_at).getTime(), new Date(row.notice_close_at).getTime()));
    const when = formatLocal(closeAt);
    const subject = `您的工单 ${ticket.number} 将于 ${when} 自动关闭，如问题仍未解决请回复`;
    const body = [
      subject,
      `「${ticket.title}」已于 ${formatLocal(ticket.resolvedAt!)} 解决。若问题仍未解决，请在工单中回复或点击“未解决”；否则工单将于 ${when} 自动关闭。`,
      `Ticket ${ticket.number} was resolved and closes by itself on ${closeAt.toISOString()} unless you answer.`,
      `${deps.publicUrl}/tickets/${ticket.id}`,
    ].join('\n');
    const recipients = await reporters(tx, write);
    const { undeliverable } = await enqueue(tx, ticket, recipients, { kind: 'auto_close_warning', subject, body }, now, { emailEnabled: deps.emailEnabled });
    await write.update({ autoCloseWarnedAt: now });
    const unreached = undeliverable.length ? `；无法送达：${undeliverable.map((u) => `${u.name}（${UNDELIVERABLE_ZH[u.reason]}）`).join('、')}` : '';
    await addEvent(tx, ticket.id, null, now, {
      kind: 'auto_close_warned',
      public: true,
      body: `已通知 ${recipients.map((r) => r.name).join('、')}：工单将于 ${when} 自动关闭${unreached}`,
      data: {
        closesAt: closeAt.toISOString(),
        days: row.days,
        recipients: recipients.map((r) => r.name),
        undeliverable: undeliverable.map((u) => u.name),
        undeliverableReasons: undeliverable.map((u) => u.reason),
      },
    });
    await deps.audit.record(tx, { actorId: null }, 'ticket', ticket.id, 'auto_close_warned', null, { closesAt: closeAt.toISOString() });
    write.emit('ticket.updated', { fields: ['autoCloseWarnedAt'] });
  }

  async function close(write: TicketWrite, row: DueRow) {
    const { tx, ticket, now } = write;
    const note = `已自动关闭（解决后 ${row.days} 天无客户回复）`;
    await write.update({ status: 'closed', closedAt: now });
    await addEvent(tx, ticket.id, null, now, { kind: 'status_changed', public: true, body: note, data: { from: 'resolved', to: 'closed', auto: true, days: row.days } });
    await deps.audit.record(tx, { actorId: null }, 'ticket', ticket.id, 'status_changed', { status: 'resolved' }, { status: 'closed', note, auto: true });
    write.emit('ticket.status_changed', { from: 'resolved', to: 'closed', note });
    ticket.status = 'closed';
  }

  return {
    /**
     * One run of the job: batches of due tickets, each ticket its own transaction. `now` is the
     * job's slot time for the scan; each write stamps the commands' clock.
     */
    async run(now: Date, options: { batchSize?: number; maxBatches?: number; onError?: (ticketId: string, error: unknown) => void } = {}): Promise<AutoCloseResult> {
      const batchSize = options.batchSize ?? 500;
      const result: AutoCloseResult = { warned: 0, closed: 0, failed: 0 };
      for (let batch = 0; batch < (options.maxBatches ?? 20); batch++) {
        // Read once per batch: a policy edited meanwhile applies from the next batch.
        const policies = await settings(db);
        const found = await due(db, policies, now, batchSize);
        for (const candidate of found) {
          try {
            await commands.change(SYSTEM_ACTOR, candidate.id, async (write) => {
              // Again under the row lock: another run may have done it, the customer may have answered.
              const [row] = await due(write.tx, policies, write.now, 1, candidate.id);
              if (!row || write.ticket.status !== 'resolved') return;
              if (row.action === 'warn') {
                await warn(write, row);
                result.warned++;
              } else {
                await close(write, row);
                result.closed++;
              }
            });
          } catch (error) {
            // One ticket's failure does not hold up the others; the next run tries it again.
            result.failed++;
            options.onError?.(candidate.id, error);
          }
        }
        if (found.length < batchSize) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      return result;
    },
  };
}

export type AutoClose = ReturnType<typeof createAutoClose>;
