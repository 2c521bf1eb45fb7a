/**
 * Device imports (issue 11): upload a spreadsheet (with upload progress, hence XMLHttpRequest),
 * read the checked preview, start the import and poll its progress until it is done or failed.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import i18next from 'i18next';
import type { DeviceImport, DeviceImportError, DeviceImportRow } from '../../../common/api/installed-base';
import { api, ApiError, newIdempotencyKey } from './client';

export type { DeviceImport, DeviceImportError, DeviceImportRow };

export const DEVICE_IMPORT_TEMPLATE_URL = '/api/devices/import-template.xlsx';
export const DEVICE_IMPORT_MAX_ROWS = 20_000;

const importKey = (id: string) => ['device-imports', id] as const;

/** POSTs the file as multipart; `onProgress` gets 0–100 while the bytes go up. */
export function uploadDeviceImport(file: File, onProgress: (percent: number) => void, signal?: AbortSignal): Promise<DeviceImport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/devices/imports');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('idempotency-key', newIdempotencyKey());
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onload = () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        parsed = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed as DeviceImport);
      const error = (parsed as { error?: { code?: string; key?: string; message?: string; params?: Record<string, unknown>; details?: unknown } } | undefined)?.error;
      reject(new ApiError(xhr.status, error?.code ?? `http_${xhr.status}`, error?.message ?? `${xhr.status}`, error?.details, error?.key, error?.params));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', i18next.t('common.networkError')));
    xhr.onabort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    signal?.addEventListener('abort', () => xhr.abort());
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

/** The import, polled every 500 ms while it runs. */
export function useDeviceImport(id: string | null, initial?: DeviceImport) {
  return useQuery({
    queryKey: importKey(id ?? ''),
    queryFn: ({ signal }) => api.get<DeviceImport>(`/api/devices/imports/${id}`, { signal }),
    enabled: Boolean(id),
    initialData: initial && initial.id === id ? initial : undefined,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? 500 : false),
  });
}

export function useRunDeviceImport() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<DeviceImport>(`/api/devices/imports/${id}/run`),
    onSuccess: (result) => {
      client.setQueryData(importKey(result.id), result);
      void client.invalidateQueries({ queryKey: ['devices'] });
    },
  });
}
