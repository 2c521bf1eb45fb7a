/**
 * The bell (in-app notifications of the logged-in user) and, for administrators, the delivery
 * queue: what is pending, what was sent, what failed and why, and a retry.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { and, count, desc, eq, isNull, lt } from 'drizzle-orm';
import { z } from 'zod';
import { DeliveryListQuery, DeliveryOverview, NotificationListQuery, NotificationPage } from '../../../common/api';
import type { Db } from '../../db/client';
import { notifications, outbox, users } from '../../db/schema';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import { actorOf } from '../../platform/http';

const NumericId = z.object({ id: z.coerce.number().int().positive() });

export function notificationRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock; emailConfigured: boolean }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = deps;

  r.get(
    '/api/notifications',
    { config: { auth: 'user', token: false }, schema: { tags: ['notifications'], querystring: NotificationListQuery, response: { 200: NotificationPage } } },
    async (request) => {
      const actor = actorOf(request);
      const q = request.query;
      const mine = eq(notifications.userId, actor.id);
      const items = await db
        .select()
        .from(notifications)
        .where(and(mine, q.unread === 'true' ? isNull(notifications.readAt) : undefined, q.before ? lt(notifications.id, q.before) : undefined))
        .orderBy(desc(notifications.id))
        .limit(q.limit);
      const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(notifications).where(and(mine, isNull(notifications.readAt)));
      return {
        unreadCount: n,
        items: items.map((x) => ({
          id: x.id,
          kind: x.kind,
          title: x.title,
          body: x.body,
          ticketId: x.ticketId,
          createdAt: x.createdAt.toISOString(),
          readAt: x.readAt?.toISOString() ?? null,
        })),
      };
    },
  );

  r.post(
    '/api/notifications/:id/read',
    { config: { auth: 'user', token: false }, schema: { tags: ['notifications'], params: NumericId } },
    async (request, reply) => {
      const actor = actorOf(request);
      const updated = await db
        .update(notifications)
        .set({ readAt: clock.now() })
        .where(and(eq(notifications.id, request.params.id), eq(notifications.userId, actor.id), isNull(notifications.readAt)))
        .returning({ id: notifications.id });
      if (!updated.length) {
        const [own] = await db.select({ id: notifications.id }).from(notifications).where(and(eq(notifications.id, request.params.id), eq(notifications.userId, actor.id)));
        if (!own) throw new AppError('notification.not_found', 'Notification not found');
      }
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/notifications/read-all',
    { config: { auth: 'user', token: false }, schema: { tags: ['notifications'] } },
    async (request, reply) => {
      await db.update(notifications).set({ readAt: clock.now() }).where(and(eq(notifications.userId, actorOf(request).id), isNull(notifications.readAt)));
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/admin/deliveries',
    { config: { auth: 'deliveries.manage', token: 'admin' }, schema: { tags: ['notifications'], querystring: DeliveryListQuery, response: { 200: DeliveryOverview } } },
    async (request) => {
      const counts = await db.select({ status: outbox.status, n: count() }).from(outbox).groupBy(outbox.status);
      const items = await db
        .select({ row: outbox, userName: users.name })
        .from(outbox)
        .leftJoin(users, eq(users.id, outbox.userId))
        .where(and(request.query.status ? eq(outbox.status, request.query.status) : undefined, request.query.before ? lt(outbox.id, request.query.before) : undefined))
        .orderBy(desc(outbox.id))
        .limit(request.query.limit);
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
  );

  r.post(
    '/api/admin/deliveries/:id/retry',
    { config: { auth: 'deliveries.manage', token: 'admin' }, schema: { tags: ['notifications'], summary: 'Send a failed message again', params: NumericId } },
    async (request, reply) => {
      const [row] = await db
        .update(outbox)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: clock.now(), leaseUntil: null })
        .where(and(eq(outbox.id, request.params.id), eq(outbox.status, 'failed')))
        .returning({ id: outbox.id });
      if (!row) throw new AppError('delivery.not_failed', 'Only a failed delivery can be retried');
      return reply.status(204).send();
    },
  );
}
