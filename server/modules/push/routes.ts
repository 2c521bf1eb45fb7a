/**
 * GET /api/stream — the signed-in user's live events (server-sent events) — and
 * POST /api/tickets/:id/presence — "I am writing on this ticket", told to whoever sees it.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, PresenceUpdate, type TicketPresenceData } from '../../../common/api';
import type { Database } from '../../db/client';
import { isCustomer } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, fieldError, notFound } from '../../platform/errors';
import { actorOf } from '../../platform/http';
import { createPushHub, type PushRow } from './hub';
import { publishPush, visibleTicketAudience } from './publish';
import { headId, replayAfter } from './replay';
import { SseStream } from './sse';

export interface PushRouteOptions {
  database: Database;
  clock: Clock;
  heartbeatMs?: number;
  /**
   * A stream ends after this long (with jitter); the browser reconnects at once, resuming from its
   * Last-Event-ID, and its session is checked again — a logged-out or re-scoped user stops
   * receiving what they may no longer see.
   */
  maxStreamMs?: number;
  maxConnectionsPerUser?: number;
}

const LastEventId = z
  .string()
  .regex(/^\d{1,15}$/, 'must be the id of an event this server sent')
  .transform(Number);

export function pushRoutes(app: FastifyInstance, options: PushRouteOptions) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { database, clock } = options;
  const db = database.db;
  const heartbeatMs = options.heartbeatMs ?? 25_000;
  const maxStreamMs = options.maxStreamMs ?? 30 * 60_000;
  const hub = createPushHub({ database, log: app.log, maxConnectionsPerUser: options.maxConnectionsPerUser });
  // Open streams would keep app.close() (tests, graceful shutdown) waiting: end them first.
  app.addHook('preClose', async () => hub.close());

  r.get(
    '/api/stream',
    {
      // An integration may follow live events too, if it may read tickets (what most of them are about).
      config: { auth: 'user', token: 'tickets:read' },
      compress: false,
      schema: {
        tags: ['push'],
        summary: 'Live events (text/event-stream): notification, ticket.changed, ticket.presence, resync',
        description:
          'Send `Last-Event-ID` (browsers do so by themselves when they reconnect) or `?lastEventId=` (a new EventSource cannot set headers) to receive what was missed since that event.',
        querystring: z.object({ lastEventId: z.string().optional() }),
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const viewer = { id: actor.id, role: actor.role, customerId: actor.customerId, centerPath: actor.centerPath };
      const header = request.headers['last-event-id'];
      const given = typeof header === 'string' && header !== '' ? header : request.query.lastEventId || undefined;
      const parsed = given === undefined ? undefined : LastEventId.safeParse(given);
      if (parsed && !parsed.success) {
        throw fieldError(header ? 'headers.last-event-id' : 'querystring.lastEventId', 'field.invalid_format', parsed.error.issues[0]!.message);
      }
      const lastEventId = parsed?.data;
      await hub.ready();
      if (!hub.canAccept(actor.id)) {
        throw new AppError('request.rate_limited', 'Too many live connections for this user; close some browser tabs', { retryAfterSeconds: 60 });
      }

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // nginx and similar proxies: do not buffer the stream.
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n\n');
      const stream = new SseStream(res, heartbeatMs);

      // Live messages wait while the replay is read, then go out after it, each once.
      let buffered: PushRow[] | null = [];
      let cursor = 0;
      const sent = new Set<number>();
      const write = (m: PushRow) => {
        if (sent.has(m.id)) return;
        // An id below the cursor (a transaction that committed late) must not move the browser's resume point back.
        stream.send({ id: m.id > cursor ? m.id : undefined, event: m.type, data: m.data });
        cursor = Math.max(cursor, m.id);
      };
      const unsubscribe = hub.subscribe({
        viewer,
        deliver: (m) => (buffered ? buffered.push(m) : write(m)),
        close: () => stream.close(),
      });
      const lifetime = setTimeout(() => stream.close(), maxStreamMs * (0.9 + Math.random() * 0.2));
      lifetime.unref();
      stream.onClose(() => {
        clearTimeout(lifetime);
        unsubscribe();
      });

      try {
        if (lastEventId === undefined) {
          cursor = await headId(db);
        } else {
          const replay = await replayAfter(db, viewer, lastEventId, clock.now());
          if (replay.kind === 'resync') {
            stream.send({ id: replay.headId, event: 'resync', data: {} });
          } else {
            for (const m of replay.messages) {
              write(m);
              sent.add(m.id);
            }
          }
          cursor = Math.max(cursor, replay.headId);
        }
        stream.send({ id: cursor, event: 'ready', data: { userId: actor.id } });
        const waiting = buffered;
        buffered = null;
        for (const m of waiting) write(m);
        sent.clear();
      } catch (error) {
        request.log.warn({ err: error }, 'live push: opening a stream failed');
        stream.close();
      }
    },
  );

  r.post(
    '/api/tickets/:id/presence',
    {
      config: { auth: 'tickets.read', token: false },
      schema: { tags: ['push'], summary: 'Tell others on this ticket that I am (no longer) writing', params: IdParams, body: PresenceUpdate },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const found = await visibleTicketAudience(db, actor, request.params.id);
      if (!found) throw notFound('ticket.not_found', 'Ticket');
      const internal = Boolean(request.body.internal);
      if (internal && isCustomer(actor)) {
        throw fieldError('body.internal', 'field.invalid_value', 'customers do not write internal notes');
      }
      const data: TicketPresenceData = { ticketId: request.params.id, userId: actor.id, userName: actor.name, editing: request.body.editing, internal };
      await publishPush(db, { audience: { ...found.audience, staffOnly: internal }, type: 'ticket.presence', data });
      return reply.status(204).send();
    },
  );

  return hub;
}
