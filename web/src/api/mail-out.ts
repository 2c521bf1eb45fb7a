/**
 * Mail out for administrators (issue 10): each mailbox's sending identity and the customer mail
 * templates with their preview. Types only from common/api (no zod in the bundle).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  MailLanguage,
  MailSenderPut,
  MailSenderTestResult,
  MailSenderView,
  MailTemplate,
  MailTemplateBody,
  MailTemplateEvent,
  MailTemplatePreview,
  MailTemplates,
} from '../../../common/api/mail-out';
import { api } from './client';

export type { MailLanguage, MailSenderView, MailTemplate, MailTemplateEvent };

export const MAIL_LANGUAGES = ['zh-CN', 'en'] as const;
export const MAIL_TEMPLATE_EVENTS = ['ack', 'comment', 'assigned', 'pending_customer', 'resolved'] as const;
export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;

export const mailOutKeys = {
  sender: (id: string) => ['mailboxes', id, 'sender'] as const,
  templates: ['mail-templates'] as const,
};

export function useMailSender(id: string | undefined, enabled = true) {
  return useQuery({
    queryKey: mailOutKeys.sender(id ?? ''),
    queryFn: ({ signal }) => api.get<MailSenderView>(`/api/mailboxes/${id}/sender`, { signal }),
    enabled: enabled && Boolean(id),
  });
}

export function useSaveMailSender(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: MailSenderPut) => api.put<MailSenderView>(`/api/mailboxes/${id}/sender`, body),
    meta: { form: true },
    onSuccess: (view) => client.setQueryData(mailOutKeys.sender(id), view),
  });
}

export function useRemoveMailSender(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete<void>(`/api/mailboxes/${id}/sender`),
    onSuccess: () => void client.invalidateQueries({ queryKey: mailOutKeys.sender(id) }),
  });
}

export function useTestMailSender(id: string) {
  return useMutation({ mutationFn: (to: string) => api.post<MailSenderTestResult>(`/api/mailboxes/${id}/sender/test`, { to }) });
}

export function useMailTemplates(enabled = true) {
  return useQuery({ queryKey: mailOutKeys.templates, queryFn: ({ signal }) => api.get<MailTemplates>('/api/mail-templates', { signal }), enabled });
}

export function useSaveMailTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ event, lang, body }: { event: MailTemplateEvent; lang: MailLanguage; body: MailTemplateBody }) =>
      api.put<MailTemplate>(`/api/mail-templates/${event}/${lang}`, body),
    meta: { form: true },
    onSuccess: () => void client.invalidateQueries({ queryKey: mailOutKeys.templates }),
  });
}

export function useResetMailTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ event, lang }: { event: MailTemplateEvent; lang: MailLanguage }) => api.delete<MailTemplate>(`/api/mail-templates/${event}/${lang}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: mailOutKeys.templates }),
  });
}

export const previewMailTemplate = (body: MailTemplatePreview, signal?: AbortSignal) =>
  api.post<{ subject: string; text: string; html: string }>('/api/mail-templates/preview', body, { signal });
