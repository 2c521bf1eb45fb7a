/** POST /api/mailboxes/:id/poll (admin): "收取" — fetch a mailbox now and answer what became of each message. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParams } from '../../../common/api';
import type { MailJobs } from '../../jobs/mail-poll';

const Outcome = z.enum([
  'ticket_created',
  'comment_added',
  'reopened',
  'new_linked_ticket',
  'rejected',
  'ignored_auto',
  'bounce_recorded',
  'quarantined',
  'quarantined_before',
  'sent',
  'duplicate',
  'failed',
]);

export const MailPollResult = z.object({
    /** Messages taken in this poll (each flagged on the server and passed), whatever they became. */
    taken: z.number().int(),
    outcomes: z.record(z.string(), z.number().int()),
    messages: z.array(z.object({ uid: z.number().int(), outcome: Outcome, ticketId: z.string().uuid().nullable() })),
    /** The folder was recreated (UIDVALIDITY changed): it was read again from the start, without duplicates. */
    resynced: z.boolean(),
    /** What stopped the poll, also shown on the mailbox (mail.auth_failed …); null when it ran to the end. */
    error: z.object({ key: z.string(), detail: z.string() }).nullable(),
  });
export type MailPollResult = z.infer<typeof MailPollResult>;

export function mailPollRoutes(app: FastifyInstance, deps: { mailJobs: MailJobs }) {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/mailboxes/:id/poll',
    { config: { auth: 'mail.manage', token: 'admin' }, schema: { tags: ['mail'], params: IdParams, response: { 200: MailPollResult } } },
    async (request): Promise<MailPollResult> => {
      const { taken, outcomes, messages, resynced, error } = await deps.mailJobs.pollNow(request.params.id);
      return { taken, outcomes, messages, resynced, error };
    },
  );
}
