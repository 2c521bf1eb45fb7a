/**
 * The engineer's side of field service (issue 12): my visits, one visit, its service record
 * (save, sign, refuse, correct) and the photos. Steps and saves go through the offline outbox
 * (features/field-service/offline-sync.ts) so a dropped connection neither loses nor doubles them.
 */
import { useQuery, type QueryClient } from '@tanstack/react-query';
import type { ServiceRecord, Visit } from '../../../common/api/field-service';
import { api, ApiError, qs } from './client';
import { fieldKeys } from './field-service';

/** Under api/field-service.ts's `['field-service']` family, so its refreshes reach these and these reach its lists. */
/** Under the field-service family (`fieldKeys` in field-service.ts), so a visit's step refreshes these and back. */
export const recordKeys = {
  all: fieldKeys.all,
  mine: ['field-service', 'visits', 'mine'] as const,
  record: (visitId: string) => ['field-service', 'records', 'visit', visitId] as const,
};

/** My visits (the lead or a helper): today's and the upcoming, oldest first. */
export function useMyVisits() {
  return useQuery({
    queryKey: recordKeys.mine,
    queryFn: ({ signal }) => api.get<{ items: Visit[] }>(`/api/visits${qs({ mine: '1' })}`, { signal }),
    refetchOnWindowFocus: true,
  });
}

/** The visit's current record, or null before the first save. */
export function useVisitRecord(visitId: string, enabled = true) {
  return useQuery({
    queryKey: recordKeys.record(visitId),
    queryFn: async ({ signal }) => {
      try {
        return await api.get<ServiceRecord>(`/api/visits/${encodeURIComponent(visitId)}/record`, { signal });
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    enabled,
  });
}

/** After a step or a record change: the visit, my list, the record and the ticket pages read again. */
export function refreshField(client: QueryClient, visitId?: string) {
  if (visitId) void client.invalidateQueries({ queryKey: recordKeys.record(visitId) });
  void client.invalidateQueries({ queryKey: recordKeys.all });
  void client.invalidateQueries({ queryKey: ['tickets'] });
}

export const visitUrls = {
  transitions: (visitId: string) => `/api/visits/${encodeURIComponent(visitId)}/transitions`,
  record: (visitId: string) => `/api/visits/${encodeURIComponent(visitId)}/record`,
  sign: (recordId: string) => `/api/service-records/${encodeURIComponent(recordId)}/sign`,
  refuse: (recordId: string) => `/api/service-records/${encodeURIComponent(recordId)}/refuse`,
  correct: (recordId: string) => `/api/service-records/${encodeURIComponent(recordId)}/correct`,
  pdf: (recordId: string) => `/api/service-records/${encodeURIComponent(recordId)}/pdf`,
};
