/** The dispatch board, engineer suggestions and field-service settings: HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DispatchBoard, DispatchBoardQuery, EngineerSuggestion, FieldServiceSettings } from '../../../common/api/field-service';
import { IdParams } from '../../../common/api/shared';
import { actorOf } from '../../platform/http';
import type { DispatchService } from './service';

export function dispatchRoutes(app: FastifyInstance, deps: { dispatch: DispatchService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { dispatch } = deps;
  r.get(
    '/api/dispatch/board',
    {
      config: { auth: 'visits.plan', token: 'field_service:read' },
      schema: {
        tags: ['field-service'],
        summary: 'The dispatch board: unassigned and to-be-visited work, engineers with their load, the visits of a day or week',
        querystring: DispatchBoardQuery,
        response: { 200: DispatchBoard },
      },
    },
    async (request) => dispatch.board(actorOf(request), request.query),
  );
  r.get(
    '/api/tickets/:id/suggestions',
    {
      config: { auth: 'visits.plan', token: 'field_service:read' },
      schema: {
        tags: ['field-service'],
        summary: 'Engineers for a ticket, best first, with the reasons (skills, level, distance, load, on call)',
        params: IdParams,
        response: { 200: z.object({ items: z.array(EngineerSuggestion) }) },
      },
    },
    async (request) => ({ items: await dispatch.suggestions(actorOf(request), request.params.id) }),
  );
  r.get(
    '/api/settings/field-service',
    {
      config: { auth: 'visits.read', token: 'field_service:read' },
      schema: { tags: ['field-service'], summary: 'The level each severity needs and the default visit length', response: { 200: FieldServiceSettings } },
    },
    async (request) => dispatch.settings(actorOf(request)),
  );
  r.put(
    '/api/settings/field-service',
    {
      config: { auth: 'field_service.settings', token: 'field_service:write' },
      schema: { tags: ['field-service'], body: FieldServiceSettings, response: { 200: FieldServiceSettings } },
    },
    async (request) => dispatch.saveSettings(actorOf(request), request.body),
  );
}
