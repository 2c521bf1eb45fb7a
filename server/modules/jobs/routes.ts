/** Admin routes of scheduled jobs: list, run now, enable/disable. Admins only (`jobs.manage`). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { JobList, JobNameParams, JobUpdate, JobView } from '../../../common/api/jobs';
import type { JobService } from './service';

export function jobRoutes(app: FastifyInstance, deps: { jobs: JobService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { jobs } = deps;

  r.get(
    '/api/admin/jobs',
    { config: { auth: 'jobs.manage', token: 'admin' }, schema: { tags: ['jobs'], summary: 'Scheduled jobs with their state and recent runs', response: { 200: JobList } } },
    async () => jobs.list(),
  );

  r.post(
    '/api/admin/jobs/:name/run',
    {
      config: { auth: 'jobs.manage', token: 'admin' },
      schema: { tags: ['jobs'], summary: 'Run a job as soon as a process polls (recorded as a manual run)', params: JobNameParams, response: { 202: JobView } },
    },
    async (request, reply) => reply.status(202).send(await jobs.runNow(request.params.name)),
  );

  r.patch(
    '/api/admin/jobs/:name',
    { config: { auth: 'jobs.manage', token: 'admin' }, schema: { tags: ['jobs'], summary: 'Enable or disable a job', params: JobNameParams, body: JobUpdate, response: { 200: JobView } } },
    async (request) =>
      request.body.enabled === undefined ? jobs.get(request.params.name) : jobs.setEnabled(request.params.name, request.body.enabled),
  );
}
