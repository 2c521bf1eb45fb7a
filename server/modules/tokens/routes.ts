/** /api/tokens: API tokens of the logged-in user, and (admins) everyone's. Never reachable with a token. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api/shared';
import { ApiToken, CreatedApiToken, TokenCreate, TokenListQuery } from '../../../common/api/tokens';
import { actorOf } from '../../platform/http';
import type { TokenService } from './service';

export function tokenRoutes(app: FastifyInstance, deps: { tokens: TokenService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/tokens',
    {
      config: { auth: 'user', token: false },
      schema: { tags: ['tokens'], summary: 'My API tokens (admins: ?all=true for every token)', querystring: TokenListQuery, response: { 200: z.array(ApiToken) } },
    },
    async (request) => deps.tokens.list(actorOf(request), request.query.all === 'true'),
  );

  r.post(
    '/api/tokens',
    {
      config: { auth: 'user', token: false },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the secret is in this response only',
        body: TokenCreate,
        response: { 201: CreatedApiToken },
      },
    },
    async (request, reply) => reply.status(201).send(await deps.tokens.create(actorOf(request), request.body)),
  );

  r.post(
    '/api/tokens/:id/revoke',
    {
      config: { auth: 'user', token: false },
      schema: { tags: ['tokens'], summary: 'Revoke an API token', params: IdParams, response: { 200: ApiToken } },
    },
    async (request) => deps.tokens.revoke(actorOf(request), request.params.id),
  );
}
