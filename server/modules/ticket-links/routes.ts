/** /api/tickets/:id/links, /merge, /parent: thin HTTP over the ticket relations service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  IdParams,
  TicketLinkCreate,
  TicketLinkParams,
  TicketMerge,
  TicketMergeResult,
  TicketParentSet,
  TicketRelations,
} from '../../../common/api';
import { actorOf } from '../../platform/http';
import type { TicketLinkService } from './service';

export function ticketLinkRoutes(app: FastifyInstance, deps: { ticketLinks: TicketLinkService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['tickets'];
  const { ticketLinks } = deps;

  r.get(
    '/api/tickets/:id/links',
    {
      config: { auth: 'tickets.read', token: 'tickets:read' },
      schema: {
        tags,
        summary: 'Linked tickets in this ticket’s words (duplicate_of / has_duplicate, caused_by / causes, related), parent, children, merged-into. Customers get only mergedInto.',
        params: IdParams,
        response: { 200: TicketRelations },
      },
    },
    async (request) => ticketLinks.relations(actorOf(request), request.params.id),
  );
  r.post(
    '/api/tickets/:id/links',
    {
      config: { auth: 'tickets.update', token: 'tickets:write' },
      schema: {
        tags,
        summary: 'Link another ticket (by id or number): this ticket is a duplicate of / caused by / related to it; 409 if that link exists either way',
        params: IdParams,
        body: TicketLinkCreate,
        response: { 201: TicketRelations },
      },
    },
    async (request, reply) => reply.status(201).send(await ticketLinks.addLink(actorOf(request), request.params.id, request.body)),
  );
  r.delete(
    '/api/tickets/:id/links/:linkId',
    {
      config: { auth: 'tickets.update', token: 'tickets:write' },
      schema: { tags, summary: 'Remove a link (from either of its tickets)', params: TicketLinkParams, response: { 200: TicketRelations } },
    },
    async (request) => ticketLinks.removeLink(actorOf(request), request.params.id, request.params.linkId),
  );
  r.post(
    '/api/tickets/:id/merge',
    {
      config: { auth: 'tickets.update', token: 'tickets:write' },
      schema: {
        tags,
        summary:
          'Merge this ticket (the duplicate) into another of the same customer: comments, attachments and followers move there, this one closes with mergedInto. One transaction.',
        params: IdParams,
        body: TicketMerge,
        response: { 200: TicketMergeResult },
      },
    },
    async (request) => ticketLinks.merge(actorOf(request), request.params.id, request.body),
  );
  r.put(
    '/api/tickets/:id/parent',
    {
      config: { auth: 'tickets.update', token: 'tickets:write' },
      schema: {
        tags,
        summary: 'Make this ticket a child of another of the same customer (one level), or detach it with parent: null',
        params: IdParams,
        body: TicketParentSet,
        response: { 200: TicketRelations },
      },
    },
    async (request) => ticketLinks.setParent(actorOf(request), request.params.id, request.body),
  );
}
