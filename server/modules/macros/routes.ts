/**
 * /api/macros: canned replies (personal and shared), and applying one to a ticket
 * (/api/tickets/:id/macros/:macroId/preview|apply). Staff only; rules in service.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import { Macro, MacroApplied, MacroApply, MacroCreate, MacroListQuery, MacroPreview, MacroTicketParams, MacroUpdate } from '../../../common/api/macros';
import { actorOf } from '../../platform/http';
import type { MacroService } from './service';

export function macroRoutes(app: FastifyInstance, deps: { macros: MacroService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['macros'];
  const { macros } = deps;

  r.get(
    '/api/macros',
    {
      config: { auth: 'macros.use', token: 'tickets:read' },
      schema: { tags, summary: 'My canned replies and the shared ones (mine first)', querystring: MacroListQuery, response: { 200: z.array(Macro) } },
    },
    async (request) => macros.list(actorOf(request), request.query),
  );
  r.post(
    '/api/macros',
    {
      config: { auth: 'macros.use', token: 'tickets:write' },
      schema: { tags, summary: 'Create a canned reply (shared: managers and administrators only)', body: MacroCreate, response: { 201: Macro } },
    },
    async (request, reply) => reply.status(201).send(await macros.create(actorOf(request), request.body)),
  );
  r.get(
    '/api/macros/:id',
    { config: { auth: 'macros.use', token: 'tickets:read' }, schema: { tags, params: IdParams, response: { 200: Macro } } },
    async (request) => macros.get(actorOf(request), request.params.id),
  );
  r.patch(
    '/api/macros/:id',
    { config: { auth: 'macros.use', token: 'tickets:write' }, schema: { tags, params: IdParams, body: MacroUpdate, response: { 200: Macro } } },
    async (request) => macros.update(actorOf(request), request.params.id, request.body),
  );
  r.delete(
    '/api/macros/:id',
    { config: { auth: 'macros.use', token: 'tickets:write' }, schema: { tags, summary: 'Delete a canned reply (204)', params: IdParams } },
    async (request, reply) => {
      await macros.remove(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
  r.get(
    '/api/tickets/:id/macros/:macroId/preview',
    {
      config: { auth: 'macros.use', token: 'tickets:read' },
      schema: { tags, summary: 'The text and settings a canned reply would post on this ticket (nothing written)', params: MacroTicketParams, response: { 200: MacroPreview } },
    },
    async (request) => macros.preview(actorOf(request), request.params.id, request.params.macroId),
  );
  r.post(
    '/api/tickets/:id/macros/:macroId/apply',
    {
      config: { auth: 'macros.use', token: 'tickets:write' },
      schema: {
        tags,
        summary: 'Post the canned reply (rendered, or the edited text) and set its status and severity in one write; 409 (nothing written) when the status move is refused',
        params: MacroTicketParams,
        body: MacroApply,
        response: { 201: MacroApplied },
      },
    },
    async (request, reply) => reply.status(201).send(await macros.apply(actorOf(request), request.params.id, request.params.macroId, request.body ?? {})),
  );
}
