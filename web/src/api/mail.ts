/**
 * The email channel for administrators (issue 10): mailboxes (IMAP in, connection test, fetch now)
 * and the quarantine of messages that became nothing. Types only from common/api (no zod in the bundle).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Mailbox,
  MailboxConnection,
  MailboxCreate,
  MailboxTestResult,
  MailboxUpdate,
  QuarantineConvert,
  QuarantinedMail,
  QuarantineResolution,
} from '../../../common/api/mail';
import { api, qs } from './client';

export type { Mailbox, MailboxCreate, MailboxTestResult, MailboxUpdate, QuarantinedMail };

/** The vocabulary of common/api/mail.ts and mail-out.ts, repeated here so the page carries no zod. */
export const UNKNOWN_SENDER_RULES = ['domain_contact', 'unassigned', 'reject'] as const;
export const IMAP_SECURITY = ['tls', 'starttls'] as const;
export const PROCESSED_ACTIONS = ['seen', 'move'] as const;
export const MIN_POLL_SECONDS = 30;
export const QUARANTINE_STATES = ['held', 'retried', 'converted', 'dismissed'] as const;
export type QuarantineState = (typeof QUARANTINE_STATES)[number];

/** What POST /api/mailboxes/:id/poll answers (server/modules/mail/poll-routes.ts). */
export interface MailPollResult {
  taken: number;
  outcomes: Record<string, number>;
  messages: { uid: number; outcome: string; ticketId: string | null }[];
  resynced: boolean;
  error: { key: string; detail: string } | null;
}

export const mailKeys = {
  mailboxes: ['mailboxes'] as const,
  quarantine: (state: string) => ['mail-quarantine', state] as const,
};

export function useMailboxes(enabled = true) {
  return useQuery({ queryKey: mailKeys.mailboxes, queryFn: ({ signal }) => api.get<Mailbox[]>('/api/mailboxes', { signal }), enabled });
}

export function useSaveMailbox(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: MailboxCreate | MailboxUpdate) =>
      id ? api.patch<Mailbox>(`/api/mailboxes/${id}`, body) : api.post<Mailbox>('/api/mailboxes', body as MailboxCreate),
    meta: { form: true },
    onSuccess: () => void client.invalidateQueries({ queryKey: mailKeys.mailboxes }),
  });
}

export function useDeleteMailbox() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/mailboxes/${id}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: mailKeys.mailboxes }),
  });
}

/** The connection test: of settings not saved yet (with the typed password), or of a saved mailbox (its stored password). */
export function useTestMailbox() {
  return useMutation({
    mutationFn: (target: { id: string } | { settings: MailboxConnection }) =>
      'id' in target
        ? api.post<MailboxTestResult>(`/api/mailboxes/${target.id}/test`)
        : api.post<MailboxTestResult>('/api/mailboxes/test', target.settings),
  });
}

export function usePollMailbox() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<MailPollResult>(`/api/mailboxes/${id}/poll`),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: mailKeys.mailboxes });
      void client.invalidateQueries({ queryKey: ['mail-quarantine'] });
      void client.invalidateQueries({ queryKey: ['tickets'] });
    },
  });
}

export function useQuarantine(state: QuarantineState | 'all', enabled = true) {
  return useQuery({
    queryKey: mailKeys.quarantine(state),
    queryFn: ({ signal }) => api.get<QuarantinedMail[]>(`/api/mail/quarantine${qs({ state })}`, { signal }),
    enabled,
  });
}

export function useQuarantineAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action, body }: { id: string; action: 'retry' | 'convert' | 'dismiss'; body?: QuarantineConvert }) =>
      action === 'dismiss'
        ? api.post<QuarantinedMail>(`/api/mail/quarantine/${id}/dismiss`).then((item): QuarantineResolution => ({ item, outcome: 'dismissed', ticketId: null }))
        : api.post<QuarantineResolution>(`/api/mail/quarantine/${id}/${action}`, action === 'convert' ? (body ?? {}) : undefined),
    onSettled: () => void client.invalidateQueries({ queryKey: ['mail-quarantine'] }),
  });
}
