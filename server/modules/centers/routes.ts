/** /api/centers: the service organisation tree. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Center, CenterCreate, CenterUpdate, IdParams } from '../../../common/api';
import { actorOf } from '../../platform/http';
import type { CenterService } from './service';

export function centerRoutes(app: FastifyInstance, deps: { centers: CenterService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['centers'];

  r.get(
    '/api/centers',
    { config: { auth: 'centers.read', token: 'directory:read' }, schema: { tags, response: { 200: z.array(Center) } } },
    async () => deps.centers.list(),
  );
  r.post(
    '/api/centers',
    { config: { auth: 'centers.write', token: 'admin' }, schema: { tags, body: CenterCreate, response: { 201: Center } } },
    async (request, reply) => reply.status(201).send(await deps.centers.create(actorOf(request), request.body)),
  );
  r.get(
    '/api/centers/:id',
    { config: { auth: 'centers.read', token: 'directory:read' }, schema: { tags, params: IdParams, response: { 200: Center } } },
    async (request) => deps.centers.get(request.params.id),
  );
  r.patch(
    '/api/centers/:id',
    { config: { auth: 'centers.write', token: 'admin' }, schema: { tags, params: IdParams, body: CenterUpdate, response: { 200: Center } } },
    async (request) => deps.centers.update(actorOf(request), request.params.id, request.body),
  );
}
