/**
 * The bell (my in-app notifications), my notification choices and, for administrators, the
 * delivery queue and the domain-event consumers.
 */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { EventConsumerStatus } from '../../../common/api/events';
import type { NotificationChannel, NotificationPreferences, NotificationTopic } from '../../../common/api/notifications';
import { api, qs } from './client';
import type { DeliveryOverview, NotificationPage } from './types';

export const notificationKeys = {
  bell: ['notifications'] as const,
  deliveries: (status?: string) => ['deliveries', status ?? 'all'] as const,
  preferences: ['notification-preferences'] as const,
  consumers: ['event-consumers'] as const,
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
        page?.items.some((n) => n.id === id && !n.readAt)
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

export function useNotificationPreferences() {
  return useQuery({
    queryKey: notificationKeys.preferences,
    queryFn: ({ signal }) => api.get<NotificationPreferences>('/api/me/notification-preferences', { signal }),
  });
}

export interface PreferenceChange {
  topic: NotificationTopic;
  channel: NotificationChannel;
  enabled: boolean;
}

const withChoice = (prefs: NotificationPreferences, { topic, channel, enabled }: PreferenceChange): NotificationPreferences => ({
  ...prefs,
  items: prefs.items.map((p) => (p.topic === topic ? { ...p, [channel]: enabled } : p)),
});

const preferenceMutation = ['notification-preferences', 'save'] as const;

/**
 * Saves one switch at once. The switch moves before the server answers; on failure that one
 * choice moves back (the toast comes from the mutation cache) and the server's state is fetched.
 * While several saves are in flight, answers are not written over choices still being saved.
 */
export function useSavePreference() {
  const client = useQueryClient();
  const lastInFlight = () => client.isMutating({ mutationKey: preferenceMutation }) <= 1;
  return useMutation({
    mutationKey: preferenceMutation,
    mutationFn: (change: PreferenceChange) => api.patch<NotificationPreferences>('/api/me/notification-preferences', { items: [change] }),
    onMutate: async (change) => {
      await client.cancelQueries({ queryKey: notificationKeys.preferences });
      client.setQueryData<NotificationPreferences>(notificationKeys.preferences, (prefs) => prefs && withChoice(prefs, change));
    },
    onSuccess: (saved) => {
      if (lastInFlight()) client.setQueryData(notificationKeys.preferences, saved);
    },
    onError: (_error, change) => {
      client.setQueryData<NotificationPreferences>(notificationKeys.preferences, (prefs) => prefs && withChoice(prefs, { ...change, enabled: !change.enabled }));
      if (lastInFlight()) void client.invalidateQueries({ queryKey: notificationKeys.preferences });
    },
  });
}

/** The domain-event consumers; every 10 s while the page is visible (react-query pauses in the background). */
export function useEventConsumers(enabled = true) {
  return useQuery({
    queryKey: notificationKeys.consumers,
    queryFn: ({ signal }) => api.get<{ items: EventConsumerStatus[] }>('/api/admin/event-consumers', { signal }),
    refetchInterval: 10_000,
    staleTime: 5_000,
    enabled,
  });
}

export function useRetryConsumer() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<void>(`/api/admin/event-consumers/${encodeURIComponent(name)}/retry`),
    onSettled: () => void client.invalidateQueries({ queryKey: notificationKeys.consumers }),
  });
}

export function useSkipConsumerEvent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ name, eventId }: { name: string; eventId: number }) =>
      api.post<void>(`/api/admin/event-consumers/${encodeURIComponent(name)}/skip`, { eventId }),
    // A 409 means the consumer moved on meanwhile: either way the list is refetched.
    onSettled: () => void client.invalidateQueries({ queryKey: notificationKeys.consumers }),
  });
}
