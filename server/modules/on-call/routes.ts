/** The on-call rota per center: HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import { OnCallQuery, OnCallShift, OnCallShiftCreate } from '../../../common/api/field-service';
import { actorOf } from '../../platform/http';
import type { OnCallService } from './service';

export function onCallRoutes(app: FastifyInstance, deps: { onCall: OnCallService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { onCall } = deps;
  const tags = ['field-service'];
  r.get(
    '/api/on-call',
    {
      config: { auth: 'visits.read', token: 'field_service:read' },
      schema: {
        tags,
        summary: 'On-call shifts overlapping [from, to) of one center, or of the caller’s subtree (staff only)',
        querystring: OnCallQuery,
        response: { 200: z.object({ items: z.array(OnCallShift) }) },
      },
    },
    async (request) => onCall.list(actorOf(request), request.query),
  );
  r.post(
    '/api/on-call',
    {
      config: { auth: 'on_call.manage', token: 'field_service:write' },
      schema: { tags, summary: 'Add an on-call shift (a person of that center or a center under it; no overlap with their other shifts)', body: OnCallShiftCreate, response: { 201: OnCallShift } },
    },
    async (request, reply) => reply.status(201).send(await onCall.create(actorOf(request), request.body)),
  );
  r.delete(
    '/api/on-call/:id',
    { config: { auth: 'on_call.manage', token: 'field_service:write' }, schema: { tags, summary: 'Delete an on-call shift (204)', params: IdParams } },
    async (request, reply) => {
      await onCall.remove(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
