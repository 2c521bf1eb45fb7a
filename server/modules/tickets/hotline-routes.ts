/** /api/hotline/*: what the hotline form shows around a call (staff who take calls only). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { DuePreview, DuePreviewQuery, HotlineTickets, HotlineTicketsQuery } from '../../../common/api';
import { actorOf } from '../../platform/http';
import type { DuePreviewService } from '../sla/preview';
import type { HotlineContext } from './hotline-context';

export function hotlineRoutes(app: FastifyInstance, deps: { hotline: HotlineContext; duePreview: DuePreviewService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['hotline'];

  r.get(
    '/api/hotline/tickets',
    {
      config: { auth: 'contacts.lookup', token: 'tickets:read' },
      schema: {
        tags,
        summary: "A customer's open tickets and those of the last 30 days (the caller's own first), likely duplicates of the call being logged marked",
        querystring: HotlineTicketsQuery,
        response: { 200: HotlineTickets },
      },
    },
    async (request) => deps.hotline.customerTickets(actorOf(request), request.query),
  );
  r.get(
    '/api/hotline/due-preview',
    {
      config: { auth: 'contacts.lookup', token: 'tickets:read' },
      schema: {
        tags,
        summary: "The SLA due times a new ticket of this customer and severity would get (the customer's policy or the default, on its business calendars)",
        querystring: DuePreviewQuery,
        response: { 200: DuePreview },
      },
    },
    async (request) => deps.duePreview(request.query),
  );
}
