/** /api/calendars, /api/sla-policies, /api/escalation-rules, /api/escalation-contacts. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AddWorkingTimeQuery,
  AddWorkingTimeResult,
  Calendar,
  CalendarCreate,
  CalendarDetail,
  CalendarException,
  CalendarExceptionInput,
  CalendarUpdate,
  EscalationContact,
  EscalationContactInput,
  EscalationContactPatch,
  EscalationRuleDto,
  EscalationRuleInput,
  EscalationRulePatch,
  Id,
  IdParams,
  IcalImportResult,
  SlaPolicy,
  SlaPolicyCreate,
  SlaPolicyTemplate,
  SlaPolicyUpdate,
} from '../../../common/api';
import { AppError } from '../../platform/errors';
import { actorOf } from '../../platform/http';
import type { CalendarService } from './calendars';
import type { EscalationService } from './escalation-rules';
import type { PolicyService } from './policies';

const MAX_ICAL_BYTES = 2 * 1024 * 1024;

export function timeRuleRoutes(
  app: FastifyInstance,
  deps: { calendars: CalendarService; policies: PolicyService; escalation: EscalationService },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = { auth: 'time_rules.read' as const, token: 'time_rules:read' as const };
  const write = { auth: 'time_rules.write' as const, token: 'admin' as const };
  const { calendars, policies, escalation } = deps;

  // iCalendar files arrive as text/calendar (or plain text) bodies.
  app.addContentTypeParser(['text/calendar', 'text/plain'], { parseAs: 'string', bodyLimit: MAX_ICAL_BYTES }, (_req, body, done) => done(null, body));

  let tags = ['calendars'];
  r.get('/api/calendars', { config: read, schema: { tags, response: { 200: z.array(Calendar) } } }, async () => calendars.list());
  r.post('/api/calendars', { config: write, schema: { tags, body: CalendarCreate, response: { 201: Calendar } } }, async (request, reply) =>
    reply.status(201).send(await calendars.create(actorOf(request), request.body)),
  );
  r.get(
    '/api/calendars/:id',
    { config: read, schema: { tags, params: IdParams, querystring: z.object({ year: z.coerce.number().int().min(1970).max(2200).optional() }), response: { 200: CalendarDetail } } },
    async (request) => calendars.get(request.params.id, request.query.year),
  );
  r.patch('/api/calendars/:id', { config: write, schema: { tags, params: IdParams, body: CalendarUpdate, response: { 200: Calendar } } }, async (request) =>
    calendars.update(actorOf(request), request.params.id, request.body),
  );
  r.delete('/api/calendars/:id', { config: write, schema: { tags, params: IdParams } }, async (request, reply) => {
    await calendars.remove(actorOf(request), request.params.id);
    return reply.status(204).send();
  });
  r.put(
    '/api/calendars/:id/exceptions',
    { config: write, schema: { tags, summary: 'Add or replace the holiday / make-up working day on a date', params: IdParams, body: CalendarExceptionInput, response: { 200: CalendarException } } },
    async (request) => calendars.putException(actorOf(request), request.params.id, request.body),
  );
  r.delete(
    '/api/calendars/:id/exceptions/:exceptionId',
    { config: write, schema: { tags, params: z.object({ id: Id, exceptionId: Id }) } },
    async (request, reply) => {
      await calendars.removeException(actorOf(request), request.params.id, request.params.exceptionId);
      return reply.status(204).send();
    },
  );
  r.get('/api/calendars/:id/ical', { config: read, schema: { tags, summary: 'Holidays and make-up days as iCalendar', params: IdParams } }, async (request, reply) => {
    const file = await calendars.exportIcal(request.params.id);
    return reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .send(file.text);
  });
  r.post(
    '/api/calendars/:id/ical',
    {
      config: write,
      schema: { tags, summary: 'Import holidays and make-up days from an iCalendar file (body: text/calendar)', params: IdParams, consumes: ['text/calendar'], response: { 200: IcalImportResult } },
    },
    async (request) => {
      if (typeof request.body !== 'string' || !request.body.trim()) {
        throw new AppError('calendar.ical_body_required', 'Send the iCalendar file as the request body with content-type text/calendar');
      }
      return calendars.importIcal(actorOf(request), request.params.id, request.body);
    },
  );
  r.get(
    '/api/calendars/:id/add-working-time',
    { config: read, schema: { tags, summary: 'When would this much working time have passed? (due-time preview)', params: IdParams, querystring: AddWorkingTimeQuery, response: { 200: AddWorkingTimeResult } } },
    async (request) => calendars.addWorkingTime(request.params.id, request.query.start, request.query.minutes),
  );

  tags = ['sla-policies'];
  r.get('/api/sla-policies', { config: read, schema: { tags, response: { 200: z.array(SlaPolicy) } } }, async () => policies.list());
  r.get('/api/sla-policies/templates', { config: read, schema: { tags, summary: 'The shipped policy templates (seeds 000, 002, 004)', response: { 200: z.array(SlaPolicyTemplate) } } }, async () =>
    policies.templates(),
  );
  r.post('/api/sla-policies', { config: write, schema: { tags, body: SlaPolicyCreate, response: { 201: SlaPolicy } } }, async (request, reply) =>
    reply.status(201).send(await policies.create(actorOf(request), request.body)),
  );
  r.get('/api/sla-policies/:id', { config: read, schema: { tags, params: IdParams, response: { 200: SlaPolicy } } }, async (request) => policies.get(request.params.id));
  r.patch('/api/sla-policies/:id', { config: write, schema: { tags, params: IdParams, body: SlaPolicyUpdate, response: { 200: SlaPolicy } } }, async (request) =>
    policies.update(actorOf(request), request.params.id, request.body),
  );
  r.delete('/api/sla-policies/:id', { config: write, schema: { tags, params: IdParams } }, async (request, reply) => {
    await policies.remove(actorOf(request), request.params.id);
    return reply.status(204).send();
  });

  tags = ['escalation'];
  r.get('/api/escalation-rules', { config: read, schema: { tags, response: { 200: z.array(EscalationRuleDto) } } }, async () => escalation.list());
  r.post('/api/escalation-rules', { config: write, schema: { tags, body: EscalationRuleInput, response: { 201: EscalationRuleDto } } }, async (request, reply) =>
    reply.status(201).send(await escalation.create(actorOf(request), request.body)),
  );
  r.patch(
    '/api/escalation-rules/:id',
    { config: write, schema: { tags, params: IdParams, body: EscalationRulePatch, response: { 200: EscalationRuleDto } } },
    async (request) => escalation.update(actorOf(request), request.params.id, request.body),
  );
  r.delete('/api/escalation-rules/:id', { config: write, schema: { tags, params: IdParams } }, async (request, reply) => {
    await escalation.remove(actorOf(request), request.params.id);
    return reply.status(204).send();
  });
  r.get('/api/escalation-contacts', { config: read, schema: { tags, response: { 200: z.array(EscalationContact) } } }, async () => escalation.contacts());
  r.post('/api/escalation-contacts', { config: write, schema: { tags, body: EscalationContactInput, response: { 201: EscalationContact } } }, async (request, reply) =>
    reply.status(201).send(await escalation.saveContact(actorOf(request), null, request.body)),
  );
  r.patch(
    '/api/escalation-contacts/:id',
    { config: write, schema: { tags, params: IdParams, body: EscalationContactPatch, response: { 200: EscalationContact } } },
    async (request) => escalation.saveContact(actorOf(request), request.params.id, request.body),
  );
}
