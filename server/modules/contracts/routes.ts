/** /api/contracts/*: thin HTTP over the contract service. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Contract, ContractCreate, ContractDetail, ContractListQuery, ContractUpdate } from '../../../common/api/installed-base';
import { Id, IdParams } from '../../../common/api/shared';
import { AppError } from '../../platform/errors';
import { actorOf } from '../../platform/http';
import { downloadHeaders, type ReceivedFile } from '../tickets/uploads';
import type { ContractService } from './service';

const AttachmentParams = z.object({ id: Id, attachmentId: Id });
const ContractAttachment = ContractDetail.shape.attachments.element;

export function contractRoutes(app: FastifyInstance, deps: { contracts: ContractService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['contracts'];
  const { contracts } = deps;
  const read = { auth: 'installed_base.read', token: 'installed_base:read' } as const;
  const write = { auth: 'contracts.write', token: 'installed_base:write' } as const;

  r.get(
    '/api/contracts',
    {
      config: read,
      schema: {
        tags,
        summary: 'Contracts, newest first; state is derived for today in the desk time zone (expiring: active, ending within 90 days)',
        querystring: ContractListQuery,
        response: { 200: z.array(Contract) },
      },
    },
    async (request) => contracts.list(actorOf(request), request.query),
  );
  r.get(
    '/api/contracts/:id',
    { config: read, schema: { tags, summary: 'One contract with its coverage, files and the renewal reminders sent for its current end', params: IdParams, response: { 200: ContractDetail } } },
    async (request) => contracts.get(actorOf(request), request.params.id),
  );
  r.post(
    '/api/contracts',
    { config: write, schema: { tags, body: ContractCreate, response: { 201: Contract } } },
    async (request, reply) => reply.status(201).send(await contracts.create(actorOf(request), request.body)),
  );
  r.patch(
    '/api/contracts/:id',
    {
      config: write,
      schema: { tags, summary: 'Change a contract; `coverage`, when given, replaces the listed coverage', params: IdParams, body: ContractUpdate, response: { 200: Contract } },
    },
    async (request) => contracts.update(actorOf(request), request.params.id, request.body),
  );

  r.post(
    '/api/contracts/:id/attachments',
    {
      config: write,
      schema: {
        tags,
        summary: 'Add a file to the contract (multipart/form-data, field "file"): the signed PDF, scans, Office documents',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: ContractAttachment },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new AppError('attachment.multipart_required', 'Send the file as multipart/form-data in a field named "file"');
      }
      let received: { filename: string; file: ReceivedFile } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') continue;
          if (received) {
            part.file.resume();
            continue;
          }
          received = { filename: part.filename, file: await contracts.receiveAttachment(part.file) };
        }
        if (!received) {
          throw new AppError('attachment.file_required', 'No file in the request; send it in a multipart field named "file"', {
            fields: [{ path: 'file', message: 'required', key: 'field.file_required' }],
          });
        }
        const attachment = await contracts.addAttachment(actorOf(request), request.params.id, { filename: received.filename, received: received.file });
        return reply.status(201).send(attachment);
      } finally {
        if (received) await contracts.discardAttachment(received.file);
      }
    },
  );
  r.get(
    '/api/contracts/:id/attachments/:attachmentId',
    { config: read, schema: { tags, summary: 'Download a contract file', params: AttachmentParams } },
    async (request, reply) => {
      const { attachment, stream } = await contracts.openAttachment(actorOf(request), request.params.id, request.params.attachmentId);
      return reply.headers(downloadHeaders(attachment)).send(stream);
    },
  );
  r.delete(
    '/api/contracts/:id/attachments/:attachmentId',
    { config: write, schema: { tags, summary: 'Remove a contract file (204)', params: AttachmentParams } },
    async (request, reply) => {
      await contracts.deleteAttachment(actorOf(request), request.params.id, request.params.attachmentId);
      return reply.status(204).send();
    },
  );
}
