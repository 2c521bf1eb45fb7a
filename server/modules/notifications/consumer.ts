/**
 * The `notifications` event consumer: tells the people a ticket concerns what happened to it —
 * the assignee and the followers (staff and the customer's own users) — each once per event,
 * a helper or expert added to or taken off a ticket (只告诉本人: that person only) —
 * never the person who did it, and only what they may see (customers: nothing internal). Each person's choices (topic × channel) decide bell and mail.
 *
 * Idempotent by construction: a bell row is unique per (event, person) and a mail per (event,
 * channel, recipient), so running an event twice changes nothing.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DomainEvent, DomainEventKind } from '../../../common/api/events';
import { NOTIFICATION_DEFAULTS, type NotificationTopic } from '../../../common/api/notifications';
import { isCustomerRole, TICKET_STATUS_LABELS, type Role } from '../../../common/domain';
import type { Db } from '../../db/client';
import { notificationPreferences, notifications, outbox, ticketFollowers, users } from '../../db/schema';
import type { EventConsumer } from '../events';
import { customerMailKind, reporterAddress } from '../mail/outgoing';
import { publishPush } from '../push';

/** Which topic each event kind belongs to; kinds not listed tell nobody. */
const TOPIC: Partial<Record<DomainEventKind, NotificationTopic>> = {
  'ticket.assigned': 'assigned',
  'ticket.commented': 'commented',
  'ticket.status_changed': 'status',
  'ticket.severity_changed': 'severity',
  'ticket.attachment_added': 'attachment',
  'ticket.milestone_met': 'milestone',
  'sla.warned': 'sla',
  'sla.breached': 'sla',
  'escalation.fired': 'sla',
  // Being asked to help or consult (专家会诊) is work given to you, like an assignment.
  'ticket.engineer_added': 'assigned',
  'ticket.engineer_removed': 'assigned',
};
export const NOTIFIED_KINDS = Object.keys(TOPIC) as DomainEventKind[];

/** Events the customer's side may hear of (what its timeline shows them). */
function customerMayKnow(event: DomainEvent): boolean {
  switch (event.kind) {
    case 'ticket.commented':
      return event.payload.public;
    case 'ticket.attachment_added':
      return event.payload.public;
    case 'ticket.status_changed':
    case 'ticket.severity_changed':
    case 'ticket.milestone_met':
      return true;
    default:
      return false;
  }
}

interface Person {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  customerId: string | null;
}

export type NotificationParams = Record<string, string | number | boolean | null>;

export interface NotificationText {
  /** The bell line and the mail subject (Chinese first, like the rest of the desk's messages). */
  title: string;
  /** Chinese, then English, then the link. */
  body: string;
  /** What the web words in the reader's language: `variant` picks the sentence, the rest fill it. */
  params: NotificationParams;
}

/** The words of an event for one recipient. */
export function describe(event: DomainEvent, actorName: string | null, recipientId: string, link: string): NotificationText {
  const p = event.payload;
  const who = actorName ?? '系统';
  const whoEn = actorName ?? 'The system';
  const n = p.number;
  let zh: string;
  let en: string;
  const params: NotificationParams = { number: n, title: p.title, actor: actorName };
  switch (event.kind) {
    case 'ticket.assigned': {
      const { from, to } = event.payload;
      params.to = to?.name ?? null;
      if (to?.id === recipientId) {
        params.variant = 'toMe';
        [zh, en] = [`${n} 已指派给您：${p.title}`, `${n} was assigned to you: ${p.title}`];
      } else if (from?.id === recipientId) {
        params.variant = 'fromMe';
        [zh, en] = [`${n} 已改由${to ? ` ${to.name} ` : '他人'}处理`, `${n} was reassigned${to ? ` to ${to.name}` : ''}`];
      } else {
        params.variant = to ? 'other' : 'nobody';
        [zh, en] = [`${n} 指派给${to ? ` ${to.name}` : '（无人）'}`, `${n} assigned to ${to?.name ?? 'nobody'}`];
      }
      break;
    }
    case 'ticket.commented': {
      const { public: isPublic, excerpt } = event.payload;
      Object.assign(params, { variant: isPublic ? 'public' : 'internal', excerpt });
      [zh, en] = isPublic
        ? [`${n} ${who} 回复：${excerpt}`, `${n}: ${whoEn} replied: ${excerpt}`]
        : [`${n} ${who} 添加内部备注：${excerpt}`, `${n}: ${whoEn} added an internal note: ${excerpt}`];
      break;
    }
    case 'ticket.status_changed': {
      const { to } = event.payload;
      params.status = to;
      [zh, en] = [`${n} 状态变为「${TICKET_STATUS_LABELS[to].zh}」（${who}）`, `${n} is now ${TICKET_STATUS_LABELS[to].en} (${whoEn})`];
      break;
    }
    case 'ticket.severity_changed': {
      const { from, to, reason } = event.payload;
      Object.assign(params, { from, to, reason });
      [zh, en] = [`${n} 级别由 ${from} 调整为 ${to}：${reason}`, `${n} severity changed from ${from} to ${to}: ${reason}`];
      break;
    }
    case 'ticket.attachment_added':
      params.filename = event.payload.filename;
      [zh, en] = [`${n} ${who} 添加附件 ${event.payload.filename}`, `${n}: ${whoEn} attached ${event.payload.filename}`];
      break;
    case 'ticket.milestone_met':
      params.milestone = event.payload.milestone;
      [zh, en] = [`${n} 已记录里程碑「${event.payload.milestone}」（${who}）`, `${n}: milestone "${event.payload.milestone}" recorded (${whoEn})`];
      break;
    case 'sla.warned':
      params.milestone = event.payload.milestone;
      [zh, en] = [`【即将超时】${n}「${event.payload.milestone}」`, `${n}: "${event.payload.milestone}" is due soon`];
      break;
    case 'sla.breached':
      params.milestone = event.payload.milestone;
      [zh, en] = [`【已超时】${n}「${event.payload.milestone}」`, `${n}: "${event.payload.milestone}" is breached`];
      break;
    case 'ticket.engineer_added': {
      const { role, note } = event.payload;
      const excerpt = note ? (note.length > 80 ? `${note.slice(0, 80)}…` : note) : null;
      Object.assign(params, { variant: role === 'helper' ? 'helper' : excerpt ? 'question' : 'expert', note: excerpt });
      [zh, en] =
        role === 'helper'
          ? [`${who} 请您协助处理 ${n} ${p.title}`, `${whoEn} asks you to help on ${n} ${p.title}`]
          : [`${who} 邀请您会诊 ${n}：${excerpt ?? p.title}`, `${whoEn} asks you to consult on ${n}: ${excerpt ?? p.title}`];
      break;
    }
    case 'ticket.engineer_removed':
      [zh, en] = [`${who} 已将您从 ${n} 的工程师中移除`, `${whoEn} took you off ${n}`];
      break;
    case 'escalation.fired':
      params.level = event.payload.level;
      [zh, en] = [`【升级 L${event.payload.level}】${n} ${p.title}`, `${n} escalated to level ${event.payload.level}`];
      break;
    default:
      [zh, en] = [`${n} 有更新`, `${n} was updated`];
  }
  return { title: zh, body: [zh, en, link].join('\n'), params };
}

/** One mail about an event to one address, at most once (unique per event, channel and recipient). */
async function queueMail(tx: Db, event: DomainEvent, to: { userId: string | null; email: string }, text: NotificationText) {
  await tx
    .insert(outbox)
    .values({
      channel: 'email',
      userId: to.userId,
      email: to.email,
      subject: `[${event.payload.number}] ${text.title}`,
      body: text.body,
      ticketId: event.payload.ticketId,
      eventId: event.id,
      kind: event.kind,
      nextAttemptAt: event.occurredAt,
      createdAt: event.occurredAt,
    })
    .onConflictDoNothing();
}

export function createNotificationConsumer(deps: { emailEnabled: boolean; publicUrl: string }): EventConsumer {
  async function people(tx: Db, ids: readonly string[]): Promise<Person[]> {
    if (ids.length === 0) return [];
    return tx
      .select({ id: users.id, name: users.name, email: users.email, role: users.role, customerId: users.customerId })
      .from(users)
      .where(and(inArray(users.id, [...ids]), eq(users.active, true)));
  }

  /** topic × channel choices of these people, defaults filled in. */
  async function choices(tx: Db, ids: readonly string[], topic: NotificationTopic) {
    const rows = ids.length
      ? await tx
          .select()
          .from(notificationPreferences)
          .where(and(inArray(notificationPreferences.userId, [...ids]), eq(notificationPreferences.topic, topic)))
      : [];
    return (userId: string, channel: 'inapp' | 'email') =>
      rows.find((r) => r.userId === userId && r.channel === channel)?.enabled ?? NOTIFICATION_DEFAULTS[topic][channel];
  }

  /** Who was already told of this firing by the SLA engine's own messages (escalation recipients). */
  async function alreadyToldOfFiring(tx: Db, event: DomainEvent): Promise<Set<string>> {
    const rows = await tx
      .select({ userId: outbox.userId })
      .from(outbox)
      .where(
        and(
          eq(outbox.ticketId, event.payload.ticketId),
          inArray(outbox.kind, ['escalation', 'sla_warning', 'sla_breach']),
          sql`${outbox.createdAt} = ${event.occurredAt.toISOString()}::timestamptz`,
        ),
      );
    return new Set(rows.map((r) => r.userId).filter((x): x is string => Boolean(x)));
  }

  return {
    name: 'notifications',
    kinds: NOTIFIED_KINDS,
    async handle(tx, event) {
      const topic = TOPIC[event.kind];
      if (!topic) return;
      // new ↔ assigned only follows an assignment, which its own event already tells.
      if (event.kind === 'ticket.status_changed' && [event.payload.from, event.payload.to].every((s) => s === 'new' || s === 'assigned')) return;
      const p = event.payload;
      const ticketId = p.ticketId;

      const engineerEvent = event.kind === 'ticket.engineer_added' || event.kind === 'ticket.engineer_removed';
      // Helpers and experts: only the person added or taken off hears of it (the timeline tells the rest).
      const followerRows = engineerEvent ? [] : await tx.select({ userId: ticketFollowers.userId }).from(ticketFollowers).where(eq(ticketFollowers.ticketId, ticketId));
      const ids = new Set(followerRows.map((f) => f.userId));
      if (engineerEvent) ids.add(event.payload.user.id);
      else if (p.assigneeId) ids.add(p.assigneeId);
      if (event.kind === 'ticket.assigned' && event.payload.from) ids.add(event.payload.from.id);
      if (event.actorId) ids.delete(event.actorId);
      if (event.kind === 'sla.warned' || event.kind === 'sla.breached' || event.kind === 'escalation.fired') {
        for (const told of await alreadyToldOfFiring(tx, event)) ids.delete(told);
      }

      const candidates = await people(tx, [...ids]);
      const visible = customerMayKnow(event);
      const recipients = candidates.filter((u) => !isCustomerRole(u.role) || (visible && u.customerId === p.customerId));
      const [actor] = event.actorId ? await people(tx, [event.actorId]) : [];
      const link = `${deps.publicUrl}/tickets/${ticketId}`;
      const wants = await choices(tx, recipients.map((r) => r.id), topic);

      // The reporter gets what the desk tells the customer as threaded customer mail
      // (modules/mail/outgoing.ts); a portal user with that very address is not mailed it twice.
      const reporter = deps.emailEnabled && customerMailKind(event) ? await reporterAddress(tx, ticketId) : null;
      const mailedAsCustomer = (person: Person) => isCustomerRole(person.role) && person.email?.trim().toLowerCase() === reporter;
      for (const person of recipients) {
        const text = describe(event, actor?.name ?? null, person.id, link);
        if (wants(person.id, 'inapp')) {
          const [bell] = await tx
            .insert(notifications)
            .values({
              userId: person.id,
              ticketId,
              kind: event.kind,
              title: text.title,
              body: text.body,
              params: text.params,
              eventId: event.id,
              createdAt: event.occurredAt,
            })
            .onConflictDoNothing()
            .returning({ id: notifications.id });
          if (bell) {
            await publishPush(tx, {
              userId: person.id,
              type: 'notification',
              data: { id: bell.id, kind: event.kind, title: text.title, params: text.params, ticketId },
            });
          }
        }
        if (deps.emailEnabled && person.email && wants(person.id, 'email') && !mailedAsCustomer(person)) {
          await queueMail(tx, event, { userId: person.id, email: person.email }, text);
        }
      }

      // The reporting contact (who has no account) is mailed by the customer-mail consumer
      // (modules/mail/outgoing.ts): threaded, templated, from the mailbox they wrote to.
    },
  };
}
