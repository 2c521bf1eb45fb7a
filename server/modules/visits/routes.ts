/** Visits: plan, re-plan, step through (start trip, check in, finish), list: HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Visit, VisitCreate, VisitListQuery, VisitTransition, VisitUpdate } from '../../../common/api/field-service';
import { IdParams } from '../../../common/api/shared';
import { actorOf } from '../../platform/http';
import type { VisitService } from './service';

export function visitRoutes(app: FastifyInstance, deps: { visits: VisitService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { visits } = deps;
  r.post(
    '/api/tickets/:id/visits',
    {
      config: { auth: 'visits.plan', token: 'field_service:write' },
      schema: {
        tags: ['field-service'],
        summary: "Plan a visit of an open ticket: window, engineers (the first leads), site and devices (default: the ticket's)",
        params: IdParams,
        body: VisitCreate,
        response: { 201: Visit },
      },
    },
    async (request, reply) => reply.code(201).send(await visits.create(actorOf(request), request.params.id, request.body)),
  );
  r.get(
    '/api/tickets/:id/visits',
    {
      config: { auth: 'visits.read', token: 'field_service:read' },
      schema: { tags: ['field-service'], summary: "A ticket's visits by planned start (customers: their own tickets')", params: IdParams, response: { 200: z.array(Visit) } },
    },
    async (request) => visits.listForTicket(actorOf(request), request.params.id),
  );
  r.get(
    '/api/visits',
    {
      config: { auth: 'visits.read', token: 'field_service:read' },
      schema: {
        tags: ['field-service'],
        summary: 'Visits: overlapping a window (from/to), mine (open first), of an engineer, of a ticket, by status; staff only',
        querystring: VisitListQuery,
        response: { 200: z.object({ items: z.array(Visit) }) },
      },
    },
    async (request) => visits.list(actorOf(request), request.query),
  );
  r.get(
    '/api/visits/:id',
    {
      config: { auth: 'visits.read', token: 'field_service:read' },
      schema: { tags: ['field-service'], params: IdParams, response: { 200: Visit } },
    },
    async (request) => visits.get(actorOf(request), request.params.id),
  );
  r.patch(
    '/api/visits/:id',
    {
      config: { auth: 'visits.plan', token: 'field_service:write' },
      schema: { tags: ['field-service'], summary: 'Re-plan a visit that has not started (409 once it has)', params: IdParams, body: VisitUpdate, response: { 200: Visit } },
    },
    async (request) => visits.update(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/api/visits/:id/transitions',
    {
      config: { auth: 'visits.work', token: 'field_service:write' },
      schema: {
        tags: ['field-service'],
        summary: 'Start the trip, check in (stamps arrive), finish (restored stamps restore) or cancel; the step already taken answers the visit unchanged',
        params: IdParams,
        body: VisitTransition,
        response: { 200: Visit },
      },
    },
    async (request) => visits.transition(actorOf(request), request.params.id, request.body),
  );
}
