/** /api/admin/setup: the administrator's first-start checklist. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { SetupChecklist, SetupStepMark, SetupStepParams } from '../../../common/api';
import { actorOf } from '../../platform/http';
import type { SetupService } from './service';

export function setupRoutes(app: FastifyInstance, deps: { setup: SetupService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['setup'];
  r.get(
    '/api/admin/setup',
    { config: { auth: 'setup.manage', token: 'admin' }, schema: { tags, response: { 200: SetupChecklist } } },
    async () => deps.setup.get(),
  );
  r.put(
    '/api/admin/setup/steps/:step',
    { config: { auth: 'setup.manage', token: 'admin' }, schema: { tags, params: SetupStepParams, body: SetupStepMark, response: { 200: SetupChecklist } } },
    async (request) => deps.setup.mark(actorOf(request), request.params.step, request.body.mark),
  );
  r.post(
    '/api/admin/setup/dismiss',
    { config: { auth: 'setup.manage', token: 'admin' }, schema: { tags, response: { 200: SetupChecklist } } },
    async (request) => deps.setup.dismiss(actorOf(request)),
  );
}
