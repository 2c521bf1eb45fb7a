/** Ticket relations: links, merge, parent/child (server/modules/ticket-links). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  TicketLinkCreate,
  TicketMerge,
  TicketMergeResult,
  TicketParentSet,
  TicketRelations,
} from '../../../common/api/ticket-links';
import { api } from './client';
import { ticketKeys } from './tickets';

export type { RelatedTicket, TicketLink, TicketLinkView, TicketRelations, TicketMergeResult } from '../../../common/api/ticket-links';

/** Under `tickets`, so every ticket mutation (and live push) refreshes it too. */
export const linkKeys = { relations: (id: string) => ['tickets', 'links', id] as const };

export function useTicketRelations(id: string, enabled = true) {
  return useQuery({
    queryKey: linkKeys.relations(id),
    queryFn: ({ signal }) => api.get<TicketRelations>(`/api/tickets/${encodeURIComponent(id)}/links`, { signal }),
    enabled,
  });
}

function useRelationsMutation<V, R>(fn: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void client.invalidateQueries({ queryKey: ticketKeys.all }),
  });
}

export const useAddLink = (id: string) =>
  useRelationsMutation(({ body, idempotencyKey }: { body: TicketLinkCreate; idempotencyKey: string }) =>
    api.post<TicketRelations>(`/api/tickets/${id}/links`, body, { idempotencyKey }),
  );

export const useRemoveLink = (id: string) => useRelationsMutation((linkId: string) => api.delete<TicketRelations>(`/api/tickets/${id}/links/${linkId}`));

export const useSetParent = (id: string) => useRelationsMutation((body: TicketParentSet) => api.put<TicketRelations>(`/api/tickets/${id}/parent`, body));

export const useMergeTicket = (id: string) =>
  useRelationsMutation(({ body, idempotencyKey }: { body: TicketMerge; idempotencyKey: string }) =>
    api.post<TicketMergeResult>(`/api/tickets/${id}/merge`, body, { idempotencyKey }),
  );
