/** /api/users: account administration. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams, User, UserCreate, UserListQuery, UserUpdate } from '../../../common/api';
import { actorOf } from '../../platform/http';
import type { UserService } from './service';

export function userRoutes(app: FastifyInstance, deps: { users: UserService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['users'];

  r.get(
    '/api/users',
    { config: { auth: 'users.read', token: 'directory:read' }, schema: { tags, querystring: UserListQuery, response: { 200: z.array(User) } } },
    async (request) => deps.users.list(request.query),
  );

  r.post(
    '/api/users',
    { config: { auth: 'users.write', token: 'admin' }, schema: { tags, body: UserCreate, response: { 201: User } } },
    // An administrator chose this password: its owner replaces it at first login unless the body says otherwise.
    async (request, reply) =>
      reply.status(201).send(await deps.users.create(actorOf(request), { ...request.body, mustChangePassword: request.body.mustChangePassword ?? true })),
  );

  r.get(
    '/api/users/:id',
    { config: { auth: 'users.read', token: 'directory:read' }, schema: { tags, params: IdParams, response: { 200: User } } },
    async (request) => deps.users.get(request.params.id),
  );

  r.patch(
    '/api/users/:id',
    { config: { auth: 'users.write', token: 'admin' }, schema: { tags, params: IdParams, body: UserUpdate, response: { 200: User } } },
    async (request) => deps.users.update(actorOf(request), request.params.id, request.body),
  );

  r.post(
    '/api/users/:id/unlock',
    {
      config: { auth: 'users.write', token: 'admin' },
      schema: { tags, summary: 'Lift a login lock (forget failed password checks); audited', params: IdParams, response: { 200: User } },
    },
    async (request) => deps.users.unlock(actorOf(request), request.params.id),
  );
}
