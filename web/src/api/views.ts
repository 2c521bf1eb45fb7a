/** Saved queue views and bulk actions on the queue. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SavedView, SavedViewCreate, SavedViewUpdate, TicketBulk, TicketBulkResult } from '../../../common/api/views';
import { api } from './client';
import { ticketKeys } from './tickets';

export type { BulkAction, BulkItemResult, SavedView, TicketBulkResult, ViewColumn, ViewQuery } from '../../../common/api/views';

export const viewKeys = { all: ['views'] as const };

export function useSavedViews(enabled = true) {
  return useQuery({
    queryKey: viewKeys.all,
    queryFn: ({ signal }) => api.get<SavedView[]>('/api/views', { signal }),
    enabled,
  });
}

export function useCreateView() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: SavedViewCreate; idempotencyKey?: string }) =>
      api.post<SavedView>('/api/views', body, { idempotencyKey }),
    onSuccess: () => void client.invalidateQueries({ queryKey: viewKeys.all }),
  });
}

export function useUpdateView() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: SavedViewUpdate }) => api.patch<SavedView>(`/api/views/${encodeURIComponent(id)}`, patch),
    onSuccess: () => void client.invalidateQueries({ queryKey: viewKeys.all }),
  });
}

export function useDeleteView() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/views/${encodeURIComponent(id)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: viewKeys.all }),
  });
}

/** One bulk action on up to 100 tickets; the answer says, per ticket, ok or why not. */
export function useBulkAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: TicketBulk; idempotencyKey: string }) =>
      api.post<TicketBulkResult>('/api/tickets/bulk', body, { idempotencyKey }),
    onSettled: () => void client.invalidateQueries({ queryKey: ticketKeys.all }),
  });
}
