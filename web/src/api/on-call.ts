/** The on-call rota (issue 12): shifts of a center over a span, add and delete. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { OnCallShift, OnCallShiftCreate } from '../../../common/api/field-service';
import { api, qs } from './client';

export type { OnCallShift, OnCallShiftCreate } from '../../../common/api/field-service';

export const onCallKeys = {
  all: ['on-call'] as const,
  list: (centerId: string, from: string, to: string) => ['on-call', centerId, from, to] as const,
};

/** Shifts of one center overlapping [from, to). */
export function useOnCallShifts(centerId: string | undefined, from: string, to: string) {
  return useQuery<OnCallShift[]>({
    queryKey: onCallKeys.list(centerId ?? '', from, to),
    queryFn: ({ signal }) => api.get<{ items: OnCallShift[] }>(`/api/on-call${qs({ centerId, from, to })}`, { signal }).then((r) => r.items),
    enabled: Boolean(centerId),
    placeholderData: keepPreviousData,
  });
}

export function useCreateShift() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: OnCallShiftCreate; idempotencyKey?: string }) => api.post<OnCallShift>('/api/on-call', body, { idempotencyKey }),
    meta: { form: true },
    onSuccess: () => void client.invalidateQueries({ queryKey: onCallKeys.all }),
  });
}

export function useDeleteShift() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/on-call/${encodeURIComponent(id)}`),
    onSuccess: () => void client.invalidateQueries({ queryKey: onCallKeys.all }),
  });
}
