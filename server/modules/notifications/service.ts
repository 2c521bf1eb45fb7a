/**
 * Notifications: a person's bell (list, mark read), their choices of what reaches them by which
 * channel, and for administrators the delivery queue (outbox) with its failures and retries.
 * What creates bell entries and mail is the `notifications` event consumer (consumer.ts) and the
 * SLA engine's firings; this service only reads and tidies them.
 */
import { and, count, desc, eq, isNull, lt, sql } from 'drizzle-orm';
import {
  NOTIFICATION_DEFAULTS,
  NOTIFICATION_TOPICS,
  type DeliveryListQuery,
  type DeliveryOverview,
  type NotificationPage,
  type NotificationPreferences,
  type NotificationPreferencesUpdate,
} from '../../../common/api/notifications';
import type { Db } from '../../db/client';
import { notificationPreferences, notifications, outbox, tickets, users } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { Audit } from '../audit';

export function createNotificationService(deps: { db: Db; clock: Clock; audit: Audit; emailConfigured: boolean }) {
  const { db, clock, audit } = deps;

  return {
    async list(actor: Actor, query: { unread?: 'true' | 'false'; before?: number; limit: number }): Promise<NotificationPage> {
      const mine = eq(notifications.userId, actor.id);
      const items = await db
        .select({ x: notifications, number: tickets.number, ticketTitle: tickets.title })
        .from(notifications)
        .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
        .where(and(mine, query.unread === 'true' ? isNull(notifications.readAt) : undefined, query.before ? lt(notifications.id, query.before) : undefined))
        .orderBy(desc(notifications.id))
        .limit(query.limit);
      const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(notifications).where(and(mine, isNull(notifications.readAt)));
      return {
        unreadCount: n,
        items: items.map(({ x, number, ticketTitle }) => ({
          id: x.id,
          kind: x.kind,
          title: x.title,
          body: x.body,
          ticketId: x.ticketId,
          params: x.params ?? null,
          // The ticket as it is named now, for entries that do not carry it (the SLA engine's, older ones).
          ticket: number && ticketTitle ? { number, title: ticketTitle } : null,
          createdAt: x.createdAt.toISOString(),
          readAt: x.readAt?.toISOString() ?? null,
        })),
      };
    },

    async markRead(actor: Actor, id: number) {
      const updated = await db
        .update(notifications)
        .set({ readAt: clock.now() })
        .where(and(eq(notifications.id, id), eq(notifications.userId, actor.id), isNull(notifications.readAt)))
        .returning({ id: notifications.id });
      if (updated.length) return;
      const [own] = await db.select({ id: notifications.id }).from(notifications).where(and(eq(notifications.id, id), eq(notifications.userId, actor.id)));
      if (!own) throw new AppError('notification.not_found', 'Notification not found');
    },

    async markAllRead(actor: Actor) {
      await db.update(notifications).set({ readAt: clock.now() }).where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt)));
    },

    async preferences(actor: Actor): Promise<NotificationPreferences> {
      const rows = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, actor.id));
      const [me] = await db.select({ email: users.email }).from(users).where(eq(users.id, actor.id));
      const chosen = (topic: string, channel: 'inapp' | 'email') => rows.find((r) => r.topic === topic && r.channel === channel)?.enabled;
      return {
        emailConfigured: deps.emailConfigured,
        email: me?.email ?? null,
        items: NOTIFICATION_TOPICS.map((topic) => ({
          topic,
          inapp: chosen(topic, 'inapp') ?? NOTIFICATION_DEFAULTS[topic].inapp,
          email: chosen(topic, 'email') ?? NOTIFICATION_DEFAULTS[topic].email,
        })),
      };
    },

    /** Stores the choices sent; a choice equal to the default is stored too, so later default changes do not flip it. */
    async updatePreferences(actor: Actor, input: NotificationPreferencesUpdate): Promise<NotificationPreferences> {
      const now = clock.now();
      await db.transaction(async (tx) => {
        for (const item of input.items) {
          await tx
            .insert(notificationPreferences)
            .values({ userId: actor.id, topic: item.topic, channel: item.channel, enabled: item.enabled, updatedAt: now })
            .onConflictDoUpdate({
              target: [notificationPreferences.userId, notificationPreferences.topic, notificationPreferences.channel],
              set: { enabled: item.enabled, updatedAt: now },
            });
        }
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'user', actor.id, 'notification_preferences', null, { items: input.items });
      });
      return this.preferences(actor);
    },

    async deliveries(query: DeliveryListQuery): Promise<DeliveryOverview> {
      const counts = await db.select({ status: outbox.status, n: count() }).from(outbox).groupBy(outbox.status);
      const items = await db
        .select({ row: outbox, userName: users.name })
        .from(outbox)
        .leftJoin(users, eq(users.id, outbox.userId))
        .where(and(query.status ? eq(outbox.status, query.status) : undefined, query.before ? lt(outbox.id, query.before) : undefined))
        .orderBy(desc(outbox.id))
        .limit(query.limit);
      const n = (status: string) => counts.find((c) => c.status === status)?.n ?? 0;
      return {
        emailConfigured: deps.emailConfigured,
        counts: { pending: n('pending'), sent: n('sent'), failed: n('failed') },
        items: items.map(({ row, userName }) => ({
          id: row.id,
          channel: row.channel,
          recipient: row.channel === 'email' ? (row.email ?? '') : (userName ?? ''),
          subject: row.subject,
          kind: row.kind,
          ticketId: row.ticketId,
          status: row.status,
          attempts: row.attempts,
          lastError: row.lastError,
          nextAttemptAt: row.nextAttemptAt.toISOString(),
          createdAt: row.createdAt.toISOString(),
          sentAt: row.sentAt?.toISOString() ?? null,
        })),
      };
    },

    async retryDelivery(actor: Actor, id: number) {
      await db.transaction(async (tx) => {
        const [target] = await tx.select({ channel: outbox.channel, email: outbox.email }).from(outbox).where(eq(outbox.id, id));
        if (target?.channel === 'email' && !target.email) {
          throw new AppError('delivery.no_address', 'The recipient has no e-mail address; add one before retrying');
        }
        const [row] = await tx
          .update(outbox)
          .set({ status: 'pending', attempts: 0, nextAttemptAt: clock.now(), leaseUntil: null })
          .where(and(eq(outbox.id, id), eq(outbox.status, 'failed')))
          .returning({ id: outbox.id });
        if (!row) throw new AppError('delivery.not_failed', 'Only a failed delivery can be retried');
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'delivery', String(id), 'retried', { status: 'failed' }, { status: 'pending' });
      });
    },

    /** How many bell entries and mails the consumers wrote for an event (tests, diagnostics). */
    async countForEvent(eventId: number) {
      const [bell] = await db.select({ n: count() }).from(notifications).where(eq(notifications.eventId, eventId));
      const [mail] = await db.select({ n: count() }).from(outbox).where(sql`${outbox.eventId} = ${eventId}`);
      return { bell: bell?.n ?? 0, mail: mail?.n ?? 0 };
    },
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
