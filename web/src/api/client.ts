/**
 * The one way the web talks to the server: JSON over fetch with the session cookie. Every non-2xx
 * answer becomes an ApiError carrying the server's `{error:{code,key,message,params,details}}`
 * (people see key + params translated, components/feedback.tsx, never the English message); a 401 on any
 * call but login tells the session to return to the login page.
 * Every POST carries an `Idempotency-Key` (server/platform/idempotency.ts): fresh per call unless
 * the caller passes the key of the submission it is retrying, so a retried create happens once.
 */
import i18next from 'i18next';

export interface FieldError {
  path: string;
  /** The server's English text (for logs); show `key` + `params` translated instead. */
  message: string;
  key?: string;
  params?: Record<string, unknown>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** The error's key in common/api/errors.ts ERROR_KEYS, and what fills its translation. */
    readonly key?: string,
    readonly params?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field errors from `details.fields` (dotted paths, `weekly.1.0.end`), with the `body.` prefix of schema validation removed. */
  get fieldErrors(): FieldError[] {
    const fields = (this.details as { fields?: unknown } | undefined)?.fields;
    if (!Array.isArray(fields)) return [];
    return fields
      .filter((f): f is FieldError => typeof f?.path === 'string' && typeof f?.message === 'string')
      .map((f) => ({
        path: f.path.replace(/^(body|querystring|params)\.?/, ''),
        message: f.message,
        key: typeof f.key === 'string' ? f.key : undefined,
        params: f.params && typeof f.params === 'object' ? f.params : undefined,
      }));
  }
}

export const isNotFound = (error: unknown) =>
  error instanceof ApiError && (error.status === 404 || error.status === 403 || (error.status === 400 && error.code === 'validation'));

let unauthenticatedHandler: (() => void) | null = null;

/** The session registers what to do when the server says the session is gone. */
export function onUnauthenticated(handler: () => void) {
  unauthenticatedHandler = handler;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Return null on 401 instead of leaving the page (used by GET /api/me). */
  allowAnonymous?: boolean;
  /** The key of this submission (POST): the same key when the same submission is sent again. */
  idempotencyKey?: string;
}

/** A random UUID; crypto.randomUUID needs a secure context, getRandomValues works over plain http too. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function request<T>(method: string, url: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') headers['idempotency-key'] = options.idempotencyKey ?? newIdempotencyKey();
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body instanceof Blob) {
    // A file sent as the raw body (an iCalendar import): its own content type.
    headers['content-type'] = body.type || 'application/octet-stream';
    payload = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', signal: options.signal });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network', i18next.t('common.networkError'));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (response.ok) return parsed as T;

  const error = (
    parsed as { error?: { code?: string; key?: string; message?: string; params?: Record<string, unknown>; details?: unknown } } | undefined
  )?.error;
  const apiError = new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? `${response.status} ${response.statusText || i18next.t('common.unknownError')}`,
    error?.details,
    error?.key,
    error?.params,
  );
  if (response.status === 401) {
    if (options.allowAnonymous) return null as T;
    if (url !== '/api/auth/login') unauthenticatedHandler?.();
  }
  throw apiError;
}

export const api = {
  get: <T>(url: string, options?: RequestOptions) => request<T>('GET', url, undefined, options),
  post: <T>(url: string, body?: unknown, options?: RequestOptions) => request<T>('POST', url, body, options),
  patch: <T>(url: string, body: unknown) => request<T>('PATCH', url, body),
  put: <T>(url: string, body?: unknown) => request<T>('PUT', url, body),
  delete: <T>(url: string) => request<T>('DELETE', url),
};

/** A query string from an object, leaving out empty values. */
export function qs(params: Record<string, string | number | boolean | readonly string[] | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    if (Array.isArray(value)) {
      if (value.length) search.set(key, value.join(','));
    } else search.set(key, String(value));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
}
