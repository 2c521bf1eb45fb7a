/** The hotline form's context: the customer's open and recent tickets (likely duplicates marked), and the due-time preview. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Severity } from '../../../common/domain';
import type { Device, DevicePage, DuePreview, HotlineTickets } from '../../../common/api';
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

export interface DuePreviewParams {
  customerId?: string;
  severity?: Severity;
  reportedAt?: string;
  /** The site and devices named so far: they decide the entitlement and the policy chain's contract and product links. */
  siteId?: string | null;
  deviceIds?: readonly string[];
}

export function useDuePreview(params: DuePreviewParams, enabled = true) {
  return useQuery({
    queryKey: ['hotline', 'due-preview', params],
    queryFn: ({ signal }) => api.get<DuePreview>(`/api/hotline/due-preview${qs({ ...params })}`, { signal }),
    enabled: enabled && Boolean(params.customerId && params.severity),
    placeholderData: keepPreviousData,
    // "Now" moves: a preview of a report made now is refreshed every minute.
    refetchInterval: params.reportedAt ? false : 60_000,
  });
}

/** The portal's 报修 form: the organisation's own devices (first 50), by serial or asset-tag prefix when typed. */
export function useOwnDevices(customerId: string | null | undefined, q: string) {
  return useQuery({
    queryKey: ['devices', 'own', customerId ?? null, q],
    queryFn: ({ signal }) => api.get<DevicePage>(`/api/devices${qs({ customerId, q, limit: 50 })}`, { signal }),
    enabled: Boolean(customerId),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** The device finder: devices whose serial or asset tag starts with `q` (3+ characters), optionally of one customer. */
export function useDeviceSearch(q: string, customerId?: string | null, enabled = true) {
  return useQuery({
    queryKey: ['devices', 'search', q, customerId ?? null],
    queryFn: ({ signal }) => api.get<Device[]>(`/api/devices/search${qs({ q, customerId })}`, { signal }),
    enabled: enabled && q.length >= 3,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
