/**
 * Renewal reminders (the daily job `contracts.renewal_reminders`): an active contract ending within
 * N days, for each N of the desk's setting `installed_base.renewal_reminders` (default 90, 60, 30),
 * tells its account manager (bell and mail) and, when the setting says so, the customer's leader
 * contacts with an address (mail), in Chinese: number, title, customer, end day, days left.
 *
 * - Once per contract, end day and threshold: `contract_reminders (contract_id, ends_on, days_before)`
 *   is inserted ON CONFLICT DO NOTHING in the same transaction as the outbox rows, under the
 *   contract's row lock, so a second run the same day (or a second process) sends nothing again.
 * - Several thresholds due at once (a contract entered 45 days before its end, the server down for
 *   weeks, a threshold added to the setting): ONE message goes out, stating the real days left, and
 *   every due threshold is recorded as sent with it — nobody gets "90 days" and "60 days" the same
 *   morning, and the next message comes at the next threshold not yet reached.
 * - A renewal moves `ends_on`: the reminders of the new end are new rows, so it reminds again.
 * - No account manager (or a disabled one): the managers responsible for the customer's center (its
 *   center or a parent, or desk-wide), else every manager, so a reminder never goes to nobody.
 * - Someone reachable by nothing (a leader's address while mail is off) gets a `failed` outbox row
 *   saying why, as escalation notices do, so admins see it among failed deliveries.
 */
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { isCustomerRole } from '../../../common/domain';
import { rows, type Db } from '../../db/client';
import { contacts, contractReminders, contracts, customers, outbox, users } from '../../db/schema';
import { dayIn, daysBetween } from '../../domain/installed-base/entitlement';
import type { Audit } from '../audit';
import { readRenewalReminderSettings } from './settings';

export const RENEWAL_REMINDER_KIND = 'contract_renewal';

export interface RenewalReminderResult {
  /** Contracts reminded this run. */
  reminded: number;
  /** Outbox rows written (bell and mail, failed ones included). */
  messages: number;
  /** Contracts whose transaction failed (logged; tried again next run). */
  failed: number;
}

interface Person {
  userId: string | null;
  email: string | null;
  name: string;
}

const PAGE = 200;

/** '2026-12-31' → '2026年12月31日'. */
const dayZh = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
};

export function createRenewalReminders(deps: { db: Db; audit: Audit; timeZone: string; emailEnabled: boolean; publicUrl: string }) {
  const { db, audit, timeZone } = deps;

  /** The account manager if active staff, else the managers responsible for the customer's center. */
  async function managersOf(tx: Db, accountManagerId: string | null, centerId: string | null): Promise<Person[]> {
    if (accountManagerId) {
      const [u] = await tx.select({ id: users.id, name: users.name, email: users.email, role: users.role, active: users.active }).from(users).where(eq(users.id, accountManagerId));
      if (u?.active && !isCustomerRole(u.role)) return [{ userId: u.id, email: u.email, name: u.name }];
    }
    const managers = and(eq(users.role, 'manager'), eq(users.active, true));
    const columns = { id: users.id, name: users.name, email: users.email };
    let found = centerId
      ? await tx
          .select(columns)
          .from(users)
          .where(
            and(
              managers,
              or(
                isNull(users.centerId),
                inArray(users.centerId, sql`(select a.id from service_centers a, service_centers t where t.id = ${centerId} and t.path like a.path || '%')`),
              ),
            ),
          )
      : await tx.select(columns).from(users).where(and(managers, isNull(users.centerId)));
    if (found.length === 0) found = await tx.select(columns).from(users).where(managers);
    return found.map((u) => ({ userId: u.id, email: u.email, name: u.name }));
  }

  /** Contracts with a threshold due today and not yet recorded for their current end, after `after`. */
  async function candidates(today: string, thresholds: number[], after: { endsOn: string; id: string } | null) {
    const list = sql`${`{${thresholds.join(',')}}`}::int[]`;
    return rows<{ id: string; ends_on: string }>(
      db,
      sql`select c.id, c.ends_on::text as ends_on from contracts c
        where c.status = 'active' and c.ends_on >= ${today}::date and c.ends_on - ${today}::date <= ${Math.max(...thresholds)}
          ${after ? sql`and (c.ends_on, c.id) > (${after.endsOn}::date, ${after.id}::uuid)` : sql``}
          and exists (select 1 from unnest(${list}) n(days)
            where c.ends_on - ${today}::date <= n.days
              and not exists (select 1 from contract_reminders r where r.contract_id = c.id and r.ends_on = c.ends_on and r.days_before = n.days))
        order by c.ends_on, c.id
        limit ${PAGE}`,
    );
  }

  /** One contract in its own transaction; the outbox rows written, or null when nothing was due any more. */
  async function remind(contractId: string, today: string, thresholds: number[], customerLeaders: boolean, now: Date): Promise<number | null> {
    return db.transaction(async (tx) => {
      const [c] = await tx
        .select({ contract: contracts, customerName: customers.name, centerId: customers.centerId })
        .from(contracts)
        .innerJoin(customers, eq(customers.id, contracts.customerId))
        .where(eq(contracts.id, contractId))
        .for('update', { of: contracts });
      if (c?.contract.status !== 'active' || c.contract.endsOn < today) return null;
      const { contract } = c;
      const daysLeft = daysBetween(today, contract.endsOn);
      const due = thresholds.filter((n) => daysLeft <= n);
      if (due.length === 0) return null;
      const recorded = await tx
        .insert(contractReminders)
        .values(due.map((daysBefore) => ({ contractId, endsOn: contract.endsOn, daysBefore, sentAt: now })))
        .onConflictDoNothing()
        .returning({ daysBefore: contractReminders.daysBefore });
      if (recorded.length === 0) return null; // another run sent it

      const managers = await managersOf(tx, contract.accountManagerId, c.centerId);
      const leaders = customerLeaders
        ? await tx
            .select({ name: contacts.name, email: contacts.email })
            .from(contacts)
            .where(and(eq(contacts.customerId, contract.customerId), eq(contacts.isLeader, true), sql`coalesce(trim(${contacts.email}), '') <> ''`))
        : [];
      const left = daysLeft === 0 ? '今天到期' : `${daysLeft} 天后到期`;
      const period = `合同期：${dayZh(contract.startsOn)} 至 ${dayZh(contract.endsOn)}`;
      const staffMessage = {
        subject: `合同续约提醒：${contract.number}「${contract.title}」${left}`,
        body: [
          `${c.customerName} 的服务合同 ${contract.number}「${contract.title}」将于 ${dayZh(contract.endsOn)} 到期${daysLeft === 0 ? '（今天是最后一天）' : `，剩余 ${daysLeft} 天`}。`,
          period,
          '请联系客户商谈续约；续约后在合同页更新结束日期，系统会按新的到期日重新提醒。',
          `${deps.publicUrl.replace(/\/$/, '')}/contracts/${contract.id}`,
        ].join('\n'),
      };
      const managerNames = managers.map((m) => m.name).join('、');
      const leaderMessage = (name: string) => ({
        subject: `服务合同即将到期：${contract.number}「${contract.title}」`,
        body: [
          `${name}，您好：`,
          '',
          `贵单位（${c.customerName}）的服务合同 ${contract.number}「${contract.title}」将于 ${dayZh(contract.endsOn)} 到期${daysLeft === 0 ? '（今天是最后一天）' : `，剩余 ${daysLeft} 天`}。`,
          period,
          `为保证服务不中断，请与${contract.accountManagerId && managers.length === 1 ? `您的客户经理 ${managerNames}` : '我们'}联系办理续约。`,
          '',
          '此邮件由服务台自动发送。',
        ].join('\n'),
      });

      const common = { kind: RENEWAL_REMINDER_KIND, ticketId: null, nextAttemptAt: now, createdAt: now };
      const messages: Array<typeof outbox.$inferInsert> = [];
      for (const m of managers) {
        messages.push({ ...common, ...staffMessage, channel: 'inapp', userId: m.userId });
        if (m.email && deps.emailEnabled) messages.push({ ...common, ...staffMessage, channel: 'email', userId: m.userId, email: m.email });
      }
      for (const l of leaders) {
        const message = { ...common, ...leaderMessage(l.name), channel: 'email' as const, userId: null, email: l.email };
        messages.push(deps.emailEnabled ? message : { ...message, status: 'failed', lastError: `mail not configured (${l.name})` });
      }
      if (messages.length) await tx.insert(outbox).values(messages);
      await audit.record(tx, { actorId: null, tokenId: null }, 'contract', contract.id, 'renewal_reminded', null, {
        endsOn: contract.endsOn,
        daysLeft,
        daysBefore: recorded.map((r) => r.daysBefore).sort((a, b) => b - a),
        managerIds: managers.map((m) => m.userId),
        leaders: leaders.map((l) => l.name),
      });
      return messages.length;
    });
  }

  return {
    /** Reminds every contract due on `now`'s day (desk time zone); safe to run any number of times. */
    async run(now: Date, options: { onError?: (contractId: string, error: unknown) => void } = {}): Promise<RenewalReminderResult> {
      const result: RenewalReminderResult = { reminded: 0, messages: 0, failed: 0 };
      const settings = await readRenewalReminderSettings(db);
      const thresholds = [...new Set(settings.daysBefore)].sort((a, b) => b - a);
      const today = dayIn(now, timeZone);
      let after: { endsOn: string; id: string } | null = null;
      for (;;) {
        const page = await candidates(today, thresholds, after);
        for (const { id } of page) {
          try {
            const written = await remind(id, today, thresholds, settings.customerLeaders, now);
            if (written !== null) {
              result.reminded++;
              result.messages += written;
            }
          } catch (error) {
            result.failed++;
            options.onError?.(id, error);
          }
        }
        if (page.length < PAGE) break;
        const last = page.at(-1)!;
        after = { endsOn: last.ends_on, id: last.id };
      }
      return result;
    },
  };
}

export type RenewalReminders = ReturnType<typeof createRenewalReminders>;
