/** Service records (服务记录单): draft, sign or refuse, versions, verify, PDF: HTTP routes (field service, issue 12). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import { ServiceRecord, ServiceRecordRefuse, ServiceRecordSign, ServiceRecordUpdate, ServiceRecordVerification } from '../../../common/api/field-service';
import { actorOf } from '../../platform/http';
import type { ServiceRecordService } from './service';

const tags = ['field-service'];

export function serviceRecordRoutes(app: FastifyInstance, deps: { serviceRecords: ServiceRecordService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { serviceRecords } = deps;
  const read = { auth: 'visits.read', token: 'field_service:read' } as const;
  const work = { auth: 'visits.work', token: 'field_service:write' } as const;

  r.get(
    '/api/tickets/:id/service-records',
    { config: read, schema: { tags, summary: "Every version of the service records of a ticket's visits", params: IdParams, response: { 200: z.array(ServiceRecord) } } },
    async (request) => serviceRecords.listForTicket(actorOf(request), request.params.id),
  );
  r.get(
    '/api/visits/:id/record',
    { config: read, schema: { tags, summary: "The visit's service record (its newest version); 404 when it has none", params: IdParams, response: { 200: ServiceRecord } } },
    async (request) => serviceRecords.forVisit(actorOf(request), request.params.id),
  );
  r.put(
    '/api/visits/:id/record',
    {
      config: work,
      schema: { tags, summary: "Create the visit's draft record or edit it (on site or finished visits)", params: IdParams, body: ServiceRecordUpdate, response: { 200: ServiceRecord } },
    },
    async (request) => serviceRecords.saveForVisit(actorOf(request), request.params.id, request.body),
  );
  r.get(
    '/api/service-records/:id',
    { config: read, schema: { tags, params: IdParams, response: { 200: ServiceRecord } } },
    async (request) => serviceRecords.get(actorOf(request), request.params.id),
  );
  r.patch(
    '/api/service-records/:id',
    { config: work, schema: { tags, summary: 'Edit a draft record (409 when signed or refused)', params: IdParams, body: ServiceRecordUpdate, response: { 200: ServiceRecord } } },
    async (request) => serviceRecords.update(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/api/service-records/:id/sign',
    { config: work, schema: { tags, summary: "The customer's signature freezes the record", params: IdParams, body: ServiceRecordSign, response: { 200: ServiceRecord } } },
    async (request) => serviceRecords.sign(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/api/service-records/:id/refuse',
    { config: work, schema: { tags, summary: 'The customer refuses to sign: the reason is recorded and the record frozen', params: IdParams, body: ServiceRecordRefuse, response: { 200: ServiceRecord } } },
    async (request) => serviceRecords.refuse(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/api/service-records/:id/correct',
    { config: work, schema: { tags, summary: 'A new draft version of a frozen record, its content copied', params: IdParams, response: { 200: ServiceRecord } } },
    async (request) => serviceRecords.correct(actorOf(request), request.params.id),
  );
  r.get(
    '/api/service-records/:id/verify',
    { config: read, schema: { tags, summary: 'Recompute the content hash from the stored data and compare', params: IdParams, response: { 200: ServiceRecordVerification } } },
    async (request) => serviceRecords.verify(actorOf(request), request.params.id),
  );
  r.get(
    '/api/service-records/:id/pdf',
    { config: read, schema: { tags, summary: 'The printable record (A4 PDF)', params: IdParams } },
    async (request, reply) => {
      const { filename, bytes } = await serviceRecords.pdf(actorOf(request), request.params.id);
      const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`)
        .header('cache-control', 'private, max-age=0')
        .header('x-content-type-options', 'nosniff')
        .send(bytes);
    },
  );
}
