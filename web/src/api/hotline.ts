/** The hotline form's context: the customer's open and recent tickets (likely duplicates marked), and the due-time preview. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Severity } from '../../../common/domain';
import type { DuePreview, HotlineTickets } from '../../../common/api';
import { api, qs } from './client';

export interface HotlineTicketsParams {
  customerId?: string;
  contactId?: string | null;
  siteId?: string | null;
  callerNumber?: string;
  title?: string;
}

export function useHotlineTickets(params: HotlineTicketsParams, enabled = true) {
  return useQuery({
    // Under 'tickets': any ticket change refreshes it.
    queryKey: ['tickets', 'hotline', params],
    queryFn: ({ signal }) => api.get<HotlineTickets>(`/api/hotline/tickets${qs({ ...params })}`, { signal }),
    enabled: enabled && Boolean(params.customerId),
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
}

export function useDuePreview(params: { customerId?: string; severity?: Severity; reportedAt?: string }, enabled = true) {
  return useQuery({
    queryKey: ['hotline', 'due-preview', params],
    queryFn: ({ signal }) => api.get<DuePreview>(`/api/hotline/due-preview${qs({ ...params })}`, { signal }),
    enabled: enabled && Boolean(params.customerId && params.severity),
    placeholderData: keepPreviousData,
    // "Now" moves: a preview of a report made now is refreshed every minute.
    refetchInterval: params.reportedAt ? false : 60_000,
  });
}
