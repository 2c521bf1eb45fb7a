/** Engineers on a ticket: helpers and invited experts (专家会诊): HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import { TicketEngineer, TicketEngineerAdd } from '../../../common/api/field-service';
import { Id } from '../../../common/api/shared';
import { actorOf } from '../../platform/http';
import type { TicketEngineerService } from './service';

export function ticketEngineerRoutes(app: FastifyInstance, deps: { ticketEngineers: TicketEngineerService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { ticketEngineers } = deps;
  r.get(
    '/api/tickets/:id/engineers',
    {
      config: { auth: 'visits.read', token: 'field_service:read' },
      schema: { tags: ['field-service'], summary: 'The engineers on a ticket: the lead (assignee) first, then helpers and invited experts', params: IdParams, response: { 200: z.array(TicketEngineer) } },
    },
    async (request) => ticketEngineers.list(actorOf(request), request.params.id),
  );
  r.post(
    '/api/tickets/:id/engineers',
    {
      config: { auth: 'ticket_engineers.manage', token: 'field_service:write' },
      schema: {
        tags: ['field-service'],
        summary: 'Add a helper or invite an expert (any center: 专家会诊); adding someone already on the ticket changes nothing',
        params: IdParams,
        body: TicketEngineerAdd,
        response: { 200: z.array(TicketEngineer) },
      },
    },
    async (request) => ticketEngineers.add(actorOf(request), request.params.id, request.body),
  );
  r.delete(
    '/api/tickets/:id/engineers/:userId',
    {
      config: { auth: 'ticket_engineers.manage', token: 'field_service:write' },
      schema: { tags: ['field-service'], summary: 'Take a helper or expert off the ticket', params: z.object({ id: Id, userId: Id }), response: { 200: z.array(TicketEngineer) } },
    },
    async (request) => ticketEngineers.remove(actorOf(request), request.params.id, request.params.userId),
  );
}
