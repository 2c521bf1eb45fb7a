/** Ticket queries and mutations. Every mutation refreshes all ticket data (lists, detail, timeline). */
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Severity, TicketStatus } from '../../../common/domain';
import { api, qs } from './client';
import type { Attachment, EscalationFiring, MilestoneStamp, Ticket, TicketCreate, TicketEvent, TicketPage, TicketPatch } from './types';

export interface TicketListParams {
  status?: readonly TicketStatus[];
  severity?: readonly Severity[];
  customerId?: string;
  assigneeId?: string;
  q?: string;
  open?: boolean;
  sort?: '-reportedAt' | 'reportedAt' | 'severity' | 'due';
  cursor?: string;
  limit?: number;
}

export const ticketKeys = {
  all: ['tickets'] as const,
  list: (params: TicketListParams) => ['tickets', 'list', params] as const,
  detail: (id: string) => ['tickets', 'detail', id] as const,
  events: (id: string) => ['tickets', 'events', id] as const,
  attachments: (id: string) => ['tickets', 'attachments', id] as const,
  escalations: (id: string) => ['tickets', 'escalations', id] as const,
};

/** One page of the queue; also asked for before the first render when the queue opens (app.tsx). */
export const ticketListQuery = (params: TicketListParams) =>
  queryOptions({
    queryKey: ticketKeys.list(params),
    queryFn: ({ signal }) =>
      api.get<TicketPage>(`/api/tickets${qs({ ...params, open: params.open ? 'true' : undefined, limit: params.limit ?? 50 })}`, { signal }),
  });

export function useTicketList(params: TicketListParams) {
  return useQuery({ ...ticketListQuery(params), placeholderData: keepPreviousData });
}

/** `enabled`: the ticket page waits for its opening read (ticket-overview.ts), which fills this cache. */
export function useTicket(id: string, enabled = true) {
  return useQuery({
    queryKey: ticketKeys.detail(id),
    queryFn: ({ signal }) => api.get<Ticket>(`/api/tickets/${encodeURIComponent(id)}`, { signal }),
    retry: false,
    enabled,
  });
}

export function useTicketEvents(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ticketKeys.events(id),
    queryFn: ({ signal }) => api.get<TicketEvent[]>(`/api/tickets/${encodeURIComponent(id)}/events`, { signal }),
    enabled,
  });
}

export function useTicketAttachments(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ticketKeys.attachments(id),
    queryFn: ({ signal }) => api.get<Attachment[]>(`/api/tickets/${encodeURIComponent(id)}/attachments`, { signal }),
    enabled,
  });
}

/** Shared plumbing: on success put the returned ticket in the cache and refresh the rest. */
function useTicketMutation<V>(id: string, fn: (vars: V) => Promise<Ticket>, form = false) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    meta: { form },
    onSuccess: (ticket) => {
      client.setQueryData(ticketKeys.detail(id), ticket);
      void client.invalidateQueries({ queryKey: ticketKeys.all });
    },
    onError: () => void client.invalidateQueries({ queryKey: ticketKeys.detail(id) }),
  });
}

export const usePatchTicket = (id: string, form = false) =>
  useTicketMutation(id, (patch: TicketPatch) => api.patch<Ticket>(`/api/tickets/${id}`, patch), form);

export const useTransitionTicket = (id: string) =>
  useTicketMutation(id, (body: { to: TicketStatus; note?: string; resolveChildren?: boolean }) => api.post<Ticket>(`/api/tickets/${id}/transitions`, body), true);

export const useFollowTicket = (id: string) =>
  useTicketMutation(id, (on: boolean) => (on ? api.put<Ticket>(`/api/tickets/${id}/follow`) : api.delete<Ticket>(`/api/tickets/${id}/follow`)));

/** Plan submitted, arrived on site, service restored, or a custom milestone of the policy. */
export const useStampMilestone = (id: string) =>
  useTicketMutation(id, (body: MilestoneStamp) => api.post<Ticket>(`/api/tickets/${id}/milestones`, body), true);

/** The devices the ticket names, in order (PUT replaces the list; the entitlement and SLA policy follow). */
export const useSetTicketDevices = (id: string) =>
  useTicketMutation(id, (deviceIds: string[]) => api.put<Ticket>(`/api/tickets/${id}/devices`, { deviceIds }));

export function useTicketEscalations(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ticketKeys.escalations(id),
    queryFn: ({ signal }) => api.get<EscalationFiring[]>(`/api/tickets/${encodeURIComponent(id)}/escalations`, { signal }),
    enabled,
  });
}

export function useCommentTicket(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { body: string; public: boolean; notifyCustomer?: boolean }) => api.post<TicketEvent>(`/api/tickets/${id}/comments`, body),
    onSuccess: () => void client.invalidateQueries({ queryKey: ticketKeys.all }),
  });
}

export function useUploadAttachment(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ file, isPublic }: { file: File; isPublic: boolean }) => {
      const form = new FormData();
      // The server reads fields in order: "public" must come before the file.
      form.append('public', String(isPublic));
      form.append('file', file, file.name);
      return api.post<Attachment>(`/api/tickets/${id}/attachments`, form);
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ticketKeys.all }),
  });
}

export function useCreateTicket() {
  const client = useQueryClient();
  return useMutation({
    /** `idempotencyKey`: one per submission, the same when that submission is sent again. */
    mutationFn: ({ body, idempotencyKey }: { body: TicketCreate; idempotencyKey?: string }) =>
      api.post<Ticket>('/api/tickets', body, { idempotencyKey }),
    meta: { form: true },
    onSuccess: (ticket) => {
      client.setQueryData(ticketKeys.detail(ticket.id), ticket);
      void client.invalidateQueries({ queryKey: ticketKeys.all });
      void client.invalidateQueries({ queryKey: ['customers'] });
    },
  });
}
