/**
 * The bell (in-app notifications of the logged-in user), each person's notification choices, and
 * for administrators the delivery queue and the domain-event consumers: what is pending, what
 * failed and why, retry and skip.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  DeliveryListQuery,
  DeliveryOverview,
  EventConsumerStatus,
  NotificationListQuery,
  NotificationPage,
  NotificationPreferences,
  NotificationPreferencesUpdate,
} from '../../../common/api';
import { actorOf } from '../../platform/http';
import type { EventConsumers } from '../events';
import type { NotificationService } from './service';

const NumericId = z.object({ id: z.coerce.number().int().positive() });
const ConsumerName = z.object({ name: z.string().min(1).max(100) });

export function notificationRoutes(app: FastifyInstance, deps: { notifications: NotificationService; consumers: EventConsumers }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { notifications, consumers } = deps;

  r.get(
    '/api/notifications',
    { config: { auth: 'user', token: false }, schema: { tags: ['notifications'], querystring: NotificationListQuery, response: { 200: NotificationPage } } },
    async (request) => notifications.list(actorOf(request), request.query),
  );

  r.post(
    '/api/notifications/:id/read',
    { config: { auth: 'user', token: false }, schema: { tags: ['notifications'], params: NumericId } },
    async (request, reply) => {
      await notifications.markRead(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/notifications/read-all',
    { config: { auth: 'user', token: false }, schema: { tags: ['notifications'] } },
    async (request, reply) => {
      await notifications.markAllRead(actorOf(request));
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/me/notification-preferences',
    {
      config: { auth: 'user', token: false },
      schema: { tags: ['notifications'], summary: 'What reaches me, by topic and channel', response: { 200: NotificationPreferences } },
    },
    async (request) => notifications.preferences(actorOf(request)),
  );

  r.patch(
    '/api/me/notification-preferences',
    {
      config: { auth: 'user', token: false },
      schema: { tags: ['notifications'], body: NotificationPreferencesUpdate, response: { 200: NotificationPreferences } },
    },
    async (request) => notifications.updatePreferences(actorOf(request), request.body),
  );

  r.get(
    '/api/admin/deliveries',
    { config: { auth: 'deliveries.manage', token: 'admin' }, schema: { tags: ['notifications'], querystring: DeliveryListQuery, response: { 200: DeliveryOverview } } },
    async (request) => notifications.deliveries(request.query),
  );

  r.post(
    '/api/admin/deliveries/:id/retry',
    { config: { auth: 'deliveries.manage', token: 'admin' }, schema: { tags: ['notifications'], summary: 'Send a failed message again', params: NumericId } },
    async (request, reply) => {
      await notifications.retryDelivery(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/admin/event-consumers',
    {
      config: { auth: 'deliveries.manage', token: 'admin' },
      schema: { tags: ['notifications'], summary: 'Domain-event consumers: lag, failures', response: { 200: z.object({ items: z.array(EventConsumerStatus) }) } },
    },
    async () => ({ items: await consumers.status() }),
  );

  r.post(
    '/api/admin/event-consumers/:name/retry',
    { config: { auth: 'deliveries.manage', token: 'admin' }, schema: { tags: ['notifications'], summary: 'Retry the failing event now', params: ConsumerName } },
    async (request, reply) => {
      await consumers.retry(request.params.name);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/admin/event-consumers/:name/skip',
    {
      config: { auth: 'deliveries.manage', token: 'admin' },
      schema: {
        tags: ['notifications'],
        summary: 'Pass over the event a consumer is stuck on',
        params: ConsumerName,
        body: z.object({ eventId: z.number().int().positive() }),
      },
    },
    async (request, reply) => {
      await consumers.skip(actorOf(request), request.params.name, request.body.eventId);
      return reply.status(204).send();
    },
  );
}
