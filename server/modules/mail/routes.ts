/** /api/mailboxes (admin: IMAP mailboxes, connection tests) and /api/mail/quarantine (admin). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import {
  Mailbox,
  MailboxConnection,
  MailboxCreate,
  MailboxTestResult,
  MailboxUpdate,
  QuarantineConvert,
  QuarantinedMail,
  QuarantineListQuery,
  QuarantineResolution,
} from '../../../common/api/mail';
import { actorOf } from '../../platform/http';
import type { MailboxService } from './mailboxes';
import type { QuarantineService } from './quarantine';

export function mailRoutes(app: FastifyInstance, deps: { mailboxes: MailboxService; mailQuarantine: QuarantineService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['mail'];
  const manage = { auth: 'mail.manage', token: 'admin' } as const;
  const quarantine = { auth: 'mail.quarantine', token: 'admin' } as const;

  r.get('/api/mailboxes', { config: manage, schema: { tags, response: { 200: z.array(Mailbox) } } }, async () => deps.mailboxes.list());
  r.post('/api/mailboxes', { config: manage, schema: { tags, body: MailboxCreate, response: { 201: Mailbox } } }, async (request, reply) =>
    reply.status(201).send(await deps.mailboxes.create(actorOf(request), request.body)),
  );
  r.get('/api/mailboxes/:id', { config: manage, schema: { tags, params: IdParams, response: { 200: Mailbox } } }, async (request) => deps.mailboxes.get(request.params.id));
  r.patch('/api/mailboxes/:id', { config: manage, schema: { tags, params: IdParams, body: MailboxUpdate, response: { 200: Mailbox } } }, async (request) =>
    deps.mailboxes.update(actorOf(request), request.params.id, request.body),
  );
  r.delete('/api/mailboxes/:id', { config: manage, schema: { tags, summary: 'Delete a mailbox (204)', params: IdParams } }, async (request, reply) => {
    await deps.mailboxes.remove(actorOf(request), request.params.id);
    return reply.status(204).send();
  });
  // A failed connection is an answer (ok: false with its key), not an error: the form shows it in words.
  r.post('/api/mailboxes/test', { config: manage, schema: { tags, body: MailboxConnection, response: { 200: MailboxTestResult } } }, async (request) =>
    deps.mailboxes.testUnsaved(request.body),
  );
  r.post('/api/mailboxes/:id/test', { config: manage, schema: { tags, params: IdParams, response: { 200: MailboxTestResult } } }, async (request) =>
    deps.mailboxes.testSaved(request.params.id),
  );

  r.get('/api/mail/quarantine', { config: quarantine, schema: { tags, querystring: QuarantineListQuery, response: { 200: z.array(QuarantinedMail) } } }, async (request) =>
    deps.mailQuarantine.list(request.query),
  );
  if (deps.mailQuarantine.canRetry) {
    r.post('/api/mail/quarantine/:id/retry', { config: quarantine, schema: { tags, params: IdParams, response: { 200: QuarantineResolution } } }, async (request) =>
      deps.mailQuarantine.retry(actorOf(request), request.params.id),
    );
  }
  r.post(
    '/api/mail/quarantine/:id/convert',
    { config: quarantine, schema: { tags, params: IdParams, body: QuarantineConvert.default({}), response: { 200: QuarantineResolution } } },
    async (request) => deps.mailQuarantine.convert(actorOf(request), request.params.id, request.body),
  );
  r.post('/api/mail/quarantine/:id/dismiss', { config: quarantine, schema: { tags, params: IdParams, response: { 200: QuarantinedMail } } }, async (request) =>
    deps.mailQuarantine.dismiss(actorOf(request), request.params.id),
  );
}
