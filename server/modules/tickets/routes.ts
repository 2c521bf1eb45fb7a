/** /api/tickets/* and /api/attachments/*: thin HTTP over the ticket services. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Attachment,
  CommentCreate,
  IdParams,
  Ticket,
  TicketCreate,
  TicketEvent,
  TicketListQuery,
  TicketPage,
  TicketPatch,
  TicketTransition,
} from '../../../common/api';
import { actorOf } from '../../platform/http';
import { AppError } from '../../platform/errors';
import type { AttachmentService, ReceivedFile } from './attachments';
import type { TicketService } from './service';
import { INLINE_TYPES } from './upload-policy';

/** The multipart field `public`: true|false (1|0); anything else is a 400. */
function visibilityOf(value: unknown): boolean {
  const text = String(value).trim().toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new AppError('request.validation', 'public: expected true or false', {
    fields: [{ path: 'body.public', message: 'expected true or false', key: 'field.invalid_value' }],
  });
}

export function ticketRoutes(app: FastifyInstance, deps: { tickets: TicketService; attachments: AttachmentService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['tickets'];
  const { tickets, attachments } = deps;

  r.get(
    '/api/tickets',
    { config: { auth: 'tickets.read', token: 'tickets:read' }, schema: { tags, querystring: TicketListQuery, response: { 200: TicketPage } } },
    async (request) => tickets.list(actorOf(request), request.query),
  );
  r.post(
    '/api/tickets',
    { config: { auth: 'tickets.create', token: 'tickets:write' }, schema: { tags, body: TicketCreate, response: { 201: Ticket } } },
    async (request, reply) => reply.status(201).send(await tickets.create(actorOf(request), request.body)),
  );
  r.get(
    '/api/tickets/:id',
    { config: { auth: 'tickets.read', token: 'tickets:read' }, schema: { tags, params: IdParams, response: { 200: Ticket } } },
    async (request) => tickets.get(actorOf(request), request.params.id),
  );
  r.patch(
    '/api/tickets/:id',
    {
      config: { auth: 'tickets.update', token: 'tickets:write' },
      schema: { tags, summary: 'Edit fields, assign, change severity (with severityReason)', params: IdParams, body: TicketPatch, response: { 200: Ticket } },
    },
    async (request) => tickets.patch(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/api/tickets/:id/transitions',
    {
      config: { auth: 'tickets.transition', token: 'tickets:write' },
      schema: { tags, summary: 'Move the ticket to another status; 409 lists the allowed ones', params: IdParams, body: TicketTransition, response: { 200: Ticket } },
    },
    async (request) => tickets.transition(actorOf(request), request.params.id, request.body),
  );
  r.post(
    '/api/tickets/:id/comments',
    { config: { auth: 'tickets.comment', token: 'tickets:write' }, schema: { tags, params: IdParams, body: CommentCreate, response: { 201: TicketEvent } } },
    async (request, reply) => reply.status(201).send(await tickets.comment(actorOf(request), request.params.id, request.body)),
  );
  r.get(
    '/api/tickets/:id/events',
    { config: { auth: 'tickets.read', token: 'tickets:read' }, schema: { tags, params: IdParams, response: { 200: z.array(TicketEvent) } } },
    async (request) => tickets.events(actorOf(request), request.params.id),
  );
  r.put(
    '/api/tickets/:id/follow',
    { config: { auth: 'tickets.read', token: 'tickets:write' }, schema: { tags, summary: 'Follow the ticket (notifications)', params: IdParams, response: { 200: Ticket } } },
    async (request) => tickets.follow(actorOf(request), request.params.id, true),
  );
  r.delete(
    '/api/tickets/:id/follow',
    { config: { auth: 'tickets.read', token: 'tickets:write' }, schema: { tags, summary: 'Stop following the ticket', params: IdParams, response: { 200: Ticket } } },
    async (request) => tickets.follow(actorOf(request), request.params.id, false),
  );

  r.get(
    '/api/tickets/:id/attachments',
    { config: { auth: 'tickets.read', token: 'tickets:read' }, schema: { tags, params: IdParams, response: { 200: z.array(Attachment) } } },
    async (request) => attachments.list(actorOf(request), request.params.id),
  );
  r.post(
    '/api/tickets/:id/attachments',
    {
      config: { auth: 'tickets.attach', token: 'tickets:write' },
      schema: {
        tags,
        summary: 'Upload one file (multipart/form-data, field "file"; optional field "public" = true|false, in any order; staff uploads are internal unless public=true, customers’ always public)',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: Attachment },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new AppError('attachment.multipart_required', 'Send the file as multipart/form-data in a field named "file"');
      }
      // The file is streamed to a temporary file first and stored only once every part was read,
      // so a `public` field after the file counts just like one before it.
      const actor = actorOf(request);
      let isPublic: boolean | undefined;
      let received: { filename: string; file: ReceivedFile } | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (part.fieldname === 'public') isPublic = visibilityOf(part.value);
            continue;
          }
          received = { filename: part.filename, file: await attachments.receive(part.file) };
        }
        if (!received) {
          throw new AppError('attachment.file_required', 'No file in the request; send it in a multipart field named "file"', {
            fields: [{ path: 'file', message: 'required', key: 'field.file_required' }],
          });
        }
        const attachment = await attachments.store(actor, request.params.id, {
          filename: received.filename,
          received: received.file,
          public: isPublic,
        });
        return reply.status(201).send(attachment);
      } finally {
        if (received) await attachments.discard(received.file);
      }
    },
  );
  r.get(
    '/api/attachments/:id',
    { config: { auth: 'tickets.read', token: 'tickets:read' }, schema: { tags, summary: 'Download an attachment', params: IdParams, querystring: z.object({ inline: z.enum(['1', 'true']).optional() }) } },
    async (request, reply) => {
      const { attachment, stream } = await attachments.open(actorOf(request), request.params.id);
      const inline = Boolean(request.query.inline) && INLINE_TYPES.has(attachment.contentType);
      const ascii = attachment.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
      return reply
        .header('content-type', attachment.contentType)
        .header('content-length', String(attachment.size))
        .header(
          'content-disposition',
          `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, max-age=0')
        .send(stream);
    },
  );
}
