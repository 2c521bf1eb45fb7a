/** GET /api/tickets/:id/assignees: the assignee picker (rules in service.ts). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { IdParams } from '../../../common/api';
import { AssigneeList, AssigneeQuery } from '../../../common/api/macros';
import { actorOf } from '../../platform/http';
import type { AssigneeService } from './service';

export function assigneeRoutes(app: FastifyInstance, deps: { assignees: AssigneeService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/tickets/:id/assignees',
    {
      config: { auth: 'tickets.update', token: 'tickets:read' },
      schema: {
        tags: ['tickets'],
        summary: 'People the ticket can be assigned to, with center, level, skills and open tickets; q: name, username, pinyin or its initials',
        params: IdParams,
        querystring: AssigneeQuery,
        response: { 200: AssigneeList },
      },
    },
    async (request) => deps.assignees.list(actorOf(request), request.params.id, request.query),
  );
}
