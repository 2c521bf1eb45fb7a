/**
 * Bulk actions on the queue: assign, change status or comment on up to 100 tickets. Each ticket
 * goes through the very service call of its single-ticket route (patch, transition, comment),
 * each in its own transaction through the ticket command helper, with that route's permission:
 * one ticket refused (not visible, not allowed from its status …) neither stops nor undoes the
 * others, and nothing of a refused ticket is written. The answer lists every ticket, in the
 * order asked, with ok or the keyed error its single route would have answered.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Permission } from '../../../common/permissions';
import { TicketBulk, TicketBulkResult, type BulkItemResult } from '../../../common/api/views';
import { actorOf } from '../../platform/http';
import { requirePermission, type Actor } from '../../platform/actor';
import { AppError, httpStatusFor } from '../../platform/errors';
import { findVisibleTicket } from './repository';
import type { Db } from '../../db/client';
import type { TicketService } from './service';

const PERMISSION: Record<TicketBulk['action']['type'], Permission> = {
  assign: 'tickets.update',
  status: 'tickets.transition',
  comment: 'tickets.comment',
};

export function createBulkService(deps: { db: Db; tickets: TicketService }) {
  const { db, tickets } = deps;

  async function one(actor: Actor, id: string, action: TicketBulk['action']): Promise<BulkItemResult> {
    try {
      switch (action.type) {
        case 'assign': {
          const t = await tickets.patch(actor, id, { assigneeId: action.assigneeId });
          return { id, ok: true, number: t.number, status: t.status };
        }
        case 'status': {
          const t = await tickets.transition(actor, id, { to: action.to, note: action.note });
          return { id, ok: true, number: t.number, status: t.status };
        }
        case 'comment': {
          await tickets.comment(actor, id, { body: action.body, public: action.public });
          const t = await findVisibleTicket(db, actor, id);
          return { id, ok: true, number: t?.number, status: t?.status };
        }
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // The number of a ticket the actor may see helps read the list; an invisible one stays a bare id.
      const seen = error.key === 'ticket.not_found' ? null : await findVisibleTicket(db, actor, id);
      return {
        id,
        ok: false,
        ...(seen ? { number: seen.number, status: seen.status } : {}),
        error: {
          status: httpStatusFor(error.code),
          code: error.code,
          key: error.key,
          message: error.message,
          ...(error.params ? { params: error.params } : {}),
        },
      };
    }
  }

  return {
    async run(actor: Actor, input: TicketBulk): Promise<TicketBulkResult> {
      // The permission of the single route, for the whole request (403 before anything is written).
      requirePermission(actor, PERMISSION[input.action.type]);
      if (input.action.type === 'comment' && !input.action.public) requirePermission(actor, 'tickets.comment_internal');
      const results: BulkItemResult[] = [];
      // One after the other: each is short, and tickets of one request never wait on each other's locks.
      for (const id of input.ids) results.push(await one(actor, id, input.action));
      const succeeded = results.filter((r) => r.ok).length;
      return { results, succeeded, failed: results.length - succeeded };
    },
  };
}

export type BulkService = ReturnType<typeof createBulkService>;

/** POST /api/tickets/bulk. Honours Idempotency-Key like every POST (platform/idempotency.ts). */
export function bulkRoutes(app: FastifyInstance, deps: { bulk: BulkService }) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/tickets/bulk',
    {
      config: { auth: 'tickets.read', token: 'tickets:write' },
      schema: {
        tags: ['tickets'],
        summary: 'Assign, change the status of, or comment on up to 100 tickets; each ticket on its own, with a result per ticket',
        body: TicketBulk,
        response: { 200: TicketBulkResult },
      },
    },
    async (request) => deps.bulk.run(actorOf(request), request.body),
  );
}
