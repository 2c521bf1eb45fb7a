/**
 * One attachment upload with progress (fetch cannot report upload progress; XMLHttpRequest can).
 * Same contract as `api.post`: session cookie, an Idempotency-Key, the server's keyed error as an
 * ApiError (so `errorText` translates a refused type or size like everywhere else).
 */
import i18next from 'i18next';
import { ApiError, newIdempotencyKey } from '../../api/client';
import type { Attachment } from '../../api/types';

export function uploadWithProgress(ticketId: string, file: File, onProgress: (percent: number) => void): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/tickets/${encodeURIComponent(ticketId)}/attachments`);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('idempotency-key', newIdempotencyKey());
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.min(99, Math.round((e.loaded / e.total) * 100)));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', i18next.t('common.networkError')));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(100);
        resolve(body as Attachment);
        return;
      }
      const error = (body as { error?: { code?: string; key?: string; message?: string; params?: Record<string, unknown>; details?: unknown } } | undefined)?.error;
      reject(new ApiError(xhr.status, error?.code ?? `http_${xhr.status}`, error?.message ?? `${xhr.status}`, error?.details, error?.key, error?.params));
    };
    const form = new FormData();
    // The server reads fields in order: "public" must come before the file. A customer's files are for both sides.
    form.append('public', 'true');
    form.append('file', file, file.name);
    xhr.send(form);
  });
}
