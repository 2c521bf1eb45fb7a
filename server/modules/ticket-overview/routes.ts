/** GET /api/tickets/:id/overview: the ticket page's opening read (service.ts). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams, TicketOverview } from '../../../common/api';
import { isCustomer } from '../../platform/actor';
import { actorOf, mayCall } from '../../platform/http';
import type { TicketOverviewService } from './service';

export function ticketOverviewRoutes(app: FastifyInstance, deps: { ticketOverview: TicketOverviewService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/tickets/:id/overview',
    {
      config: { auth: 'tickets.read', token: 'tickets:read' },
      schema: {
        tags: ['tickets'],
        summary:
          'Everything the ticket page shows on opening, in one response: the ticket, its timeline, attachments, relations, and — for readers who may ask for them on their own routes — escalations, the first 30 assignee candidates, canned replies, calendars, visits, service records and (staff) the engineers on the ticket (null otherwise). Each part equals what its own route answers.',
        params: IdParams,
        response: { 200: TicketOverview },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      // Each optional part for exactly those who could call its own route (role and token scope).
      return deps.ticketOverview.get(actor, request.params.id, {
        escalations: mayCall(actor, 'tickets.internal', 'tickets:read'),
        assignees: mayCall(actor, 'tickets.update', 'tickets:read'),
        macros: mayCall(actor, 'macros.use', 'tickets:read'),
        calendars: mayCall(actor, 'time_rules.read', 'time_rules:read'),
        visits: mayCall(actor, 'visits.read', 'field_service:read'),
        // Customers see who comes on each visit; the ticket's staffing (helpers, experts) is the desk's.
        engineers: !isCustomer(actor) && mayCall(actor, 'visits.read', 'field_service:read'),
        serviceRecords: mayCall(actor, 'visits.read', 'field_service:read'),
      });
    },
  );
}
