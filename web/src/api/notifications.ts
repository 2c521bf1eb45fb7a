/** The bell (my in-app notifications) and, for administrators, the delivery queue. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, qs } from './client';
import type { DeliveryOverview, NotificationPage } from './types';

export const notificationKeys = {
  bell: ['notifications'] as const,
  deliveries: (status?: string) => ['deliveries', status ?? 'all'] as const,
};

/**
 * The bell's notifications. No polling: live push (api/live.ts) refreshes it when one arrives;
 * it also asks when the window regains focus, in case the live connection was down.
 */
export function useNotifications() {
  return useQuery({
    queryKey: notificationKeys.bell,
    queryFn: ({ signal }) => api.get<NotificationPage>(`/api/notifications${qs({ limit: 20 })}`, { signal }),
    refetchOnWindowFocus: 'always',
    staleTime: 10_000,
  });
}

export function useMarkNotificationRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<void>(`/api/notifications/${id}/read`),
    onMutate: (id) => {
      // Mark it at once; the refetch below brings the server's word.
      client.setQueryData<NotificationPage>(notificationKeys.bell, (page) =>
        page && page.items.some((n) => n.id === id && !n.readAt)
          ? {
              unreadCount: Math.max(0, page.unreadCount - 1),
              items: page.items.map((n) => (n.id === id ? { ...n, readAt: new Date().toISOString() } : n)),
            }
          : page,
      );
    },
    onSettled: () => void client.invalidateQueries({ queryKey: notificationKeys.bell }),
  });
}

export function useMarkAllNotificationsRead() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/api/notifications/read-all'),
    onSettled: () => void client.invalidateQueries({ queryKey: notificationKeys.bell }),
  });
}

/** Messages per request; "load more" asks for the next ones older than the last shown. */
export const DELIVERY_PAGE = 100;

/** The delivery queue, newest first, a page at a time (`before` = the oldest id shown). */
export function useDeliveries(status: 'pending' | 'sent' | 'failed' | undefined, enabled = true) {
  return useInfiniteQuery({
    queryKey: notificationKeys.deliveries(status),
    queryFn: ({ pageParam, signal }) =>
      api.get<DeliveryOverview>(`/api/admin/deliveries${qs({ status, before: pageParam, limit: DELIVERY_PAGE })}`, { signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.items.length === DELIVERY_PAGE ? last.items[last.items.length - 1]!.id : undefined),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    enabled,
  });
}

export function useRetryDelivery() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<void>(`/api/admin/deliveries/${id}/retry`),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['deliveries'] }),
  });
}
