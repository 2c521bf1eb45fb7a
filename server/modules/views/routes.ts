/** /api/views: saved queue views (personal and shared). Staff only; rules in service.ts. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import { SavedView, SavedViewCreate, SavedViewUpdate } from '../../../common/api/views';
import { actorOf } from '../../platform/http';
import type { ViewService } from './service';

export function viewRoutes(app: FastifyInstance, deps: { views: ViewService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['views'];
  const { views } = deps;

  r.get(
    '/api/views',
    { config: { auth: 'views.use', token: 'tickets:read' }, schema: { tags, summary: 'My saved queue views and every shared one', response: { 200: z.array(SavedView) } } },
    async (request) => views.list(actorOf(request)),
  );
  r.post(
    '/api/views',
    {
      config: { auth: 'views.use', token: false },
      schema: { tags, summary: 'Save a queue view (shared: managers and administrators only)', body: SavedViewCreate, response: { 201: SavedView } },
    },
    async (request, reply) => reply.status(201).send(await views.create(actorOf(request), request.body)),
  );
  r.patch(
    '/api/views/:id',
    { config: { auth: 'views.use', token: false }, schema: { tags, params: IdParams, body: SavedViewUpdate, response: { 200: SavedView } } },
    async (request) => views.update(actorOf(request), request.params.id, request.body),
  );
  r.delete(
    '/api/views/:id',
    { config: { auth: 'views.use', token: false }, schema: { tags, summary: 'Delete a view (204)', params: IdParams } },
    async (request, reply) => {
      await views.remove(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
