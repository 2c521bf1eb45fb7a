/** The installed base's devices (issue 11): the filtered list with keyset paging, the device page, create and edit. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Device,
  DeviceCreate,
  DeviceDetail,
  DeviceHistoryItem,
  DevicePage,
  DeviceStatus,
  DeviceUpdate,
  WarrantyState,
} from '../../../common/api/installed-base';
import { api, qs } from './client';

export type { Device, DeviceCreate, DeviceDetail, DeviceHistoryItem, DevicePage, DeviceStatus, DeviceUpdate, WarrantyState };

/** The list's filters, as they stand in the page's URL. */
export interface DeviceFilters {
  q?: string;
  customerId?: string;
  siteId?: string;
  productId?: string;
  status?: DeviceStatus;
  warranty?: WarrantyState;
}

export const DEVICE_PAGE_SIZE = 50;

export const deviceKeys = {
  all: ['devices'] as const,
  list: (filters: DeviceFilters) => ['devices', 'list', filters] as const,
  detail: (id: string) => ['devices', 'detail', id] as const,
};

const filterParams = (f: DeviceFilters) => ({
  q: f.q,
  customerId: f.customerId,
  siteId: f.siteId,
  productId: f.productId,
  status: f.status,
  warranty: f.warranty,
});

/** Pages of DEVICE_PAGE_SIZE, each continuing after the previous one's `nextCursor`. */
export function useDeviceList(filters: DeviceFilters, enabled = true) {
  return useInfiniteQuery({
    queryKey: deviceKeys.list(filters),
    queryFn: ({ signal, pageParam }) =>
      api.get<DevicePage>(`/api/devices${qs({ ...filterParams(filters), cursor: pageParam, limit: DEVICE_PAGE_SIZE })}`, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The spreadsheet of every device the filters match (the browser downloads it with the session cookie). */
export const deviceExportUrl = (filters: DeviceFilters) => `/api/devices/export.xlsx${qs(filterParams(filters))}`;

export function useDevice(id: string | null | undefined) {
  return useQuery({
    queryKey: deviceKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api.get<DeviceDetail>(`/api/devices/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });
}

export function useSaveDevice(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: DeviceCreate | Partial<DeviceCreate>) => (id ? api.patch<Device>(`/api/devices/${id}`, body) : api.post<Device>('/api/devices', body)),
    meta: { form: true },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: deviceKeys.all });
      // A product's device count.
      void client.invalidateQueries({ queryKey: ['products'] });
    },
  });
}
