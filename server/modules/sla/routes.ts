/** SLA routes on a ticket: record a milestone, list fired escalations. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EscalationFiring, IdParams, MilestoneStamp, Ticket } from '../../../common/api';
import { actorOf } from '../../platform/http';
import type { TicketService } from '../tickets/service';
import type { SlaService } from './service';

export function slaRoutes(app: FastifyInstance, deps: { sla: SlaService; tickets: TicketService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['sla'];

  r.post(
    '/api/tickets/:id/milestones',
    {
      config: { auth: 'tickets.milestones', token: 'tickets:write' },
      schema: {
        tags,
        summary: 'Record a milestone met: plan (solution plan submitted, with its text), arrive (on-site check-in), restore (service restored) or a custom one',
        params: IdParams,
        body: MilestoneStamp,
        response: { 200: Ticket },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      await deps.sla.stampMilestone(actor, request.params.id, request.body);
      return deps.tickets.get(actor, request.params.id);
    },
  );

  r.get(
    '/api/tickets/:id/escalations',
    {
      config: { auth: 'tickets.internal', token: 'tickets:read' },
      schema: { tags, summary: 'Escalation steps fired for this ticket, with time, rule and recipients (staff only)', params: IdParams, response: { 200: z.array(EscalationFiring) } },
    },
    async (request) => deps.sla.escalations(actorOf(request), request.params.id),
  );
}
