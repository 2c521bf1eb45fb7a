/**
 * Mail out (issue 10): /api/mailboxes/:id/sender (admin: the mailbox's sending identity and its
 * test), /api/mail-templates (admin: customer mail templates, preview, back to the default) and
 * /api/tickets/:id/customer-mails (staff: what the customer was mailed about a ticket, or why not).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import {
  CustomerMail,
  MailSenderPut,
  MailSenderTest,
  MailSenderTestResult,
  MailSenderView,
  MailTemplate,
  MailTemplateBody,
  MailTemplateParams,
  MailTemplatePreview,
  MailTemplateRendered,
  MailTemplates,
} from '../../../common/api/mail-out';
import { actorOf } from '../../platform/http';
import type { OutgoingService } from './outgoing';
import type { TemplateService } from './templates';

export function outgoingMailRoutes(app: FastifyInstance, deps: { mailOut: OutgoingService; mailTemplates: TemplateService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['mail'];
  const manage = { auth: 'mail.manage', token: 'admin' } as const;

  r.get('/api/mailboxes/:id/sender', { config: manage, schema: { tags, params: IdParams, response: { 200: MailSenderView } } }, async (request) =>
    deps.mailOut.getSender(request.params.id),
  );
  r.put('/api/mailboxes/:id/sender', { config: manage, schema: { tags, params: IdParams, body: MailSenderPut, response: { 200: MailSenderView } } }, async (request) =>
    deps.mailOut.putSender(actorOf(request), request.params.id, request.body),
  );
  r.delete(
    '/api/mailboxes/:id/sender',
    { config: manage, schema: { tags, summary: "Remove the mailbox's identity: its mail goes out as the desk's default (204)", params: IdParams } },
    async (request, reply) => {
      await deps.mailOut.removeSender(actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/mailboxes/:id/sender/test',
    { config: manage, schema: { tags, summary: 'Send a test mail as the saved identity', params: IdParams, body: MailSenderTest, response: { 200: MailSenderTestResult } } },
    async (request) => deps.mailOut.testSender(request.params.id, request.body.to),
  );

  r.get('/api/mail-templates', { config: manage, schema: { tags, response: { 200: MailTemplates } } }, async () => deps.mailTemplates.list());
  r.put(
    '/api/mail-templates/:event/:lang',
    { config: manage, schema: { tags, params: MailTemplateParams, body: MailTemplateBody, response: { 200: MailTemplate } } },
    async (request) => deps.mailTemplates.save(actorOf(request), request.params.event, request.params.lang, request.body),
  );
  r.delete(
    '/api/mail-templates/:event/:lang',
    { config: manage, schema: { tags, summary: 'Back to the shipped template', params: MailTemplateParams, response: { 200: MailTemplate } } },
    async (request) => deps.mailTemplates.reset(actorOf(request), request.params.event, request.params.lang),
  );
  r.post(
    '/api/mail-templates/preview',
    { config: manage, schema: { tags, summary: 'Render a template with a sample ticket', body: MailTemplatePreview, response: { 200: MailTemplateRendered } } },
    async (request) => deps.mailTemplates.preview(request.body),
  );

  r.get(
    '/api/tickets/:id/customer-mails',
    { config: { auth: 'tickets.comment_internal', token: 'tickets:read' }, schema: { tags, params: IdParams, response: { 200: z.array(CustomerMail) } } },
    async (request) => deps.mailOut.ticketMails(actorOf(request), request.params.id),
  );
}
