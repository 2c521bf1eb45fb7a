/**
 * Error and success toasts reachable from outside React (query caches, event handlers). The bridge
 * renders antd's message and notification holders inside the ConfigProvider, so toasts follow the
 * theme and locale. (Not antd's <App>, which would also bring the whole Modal into the first load.)
 * The holders themselves (`feedback-holders.tsx`) load when the first toast is asked for, or once
 * the page has been idle a while; toasts asked for before that are shown when they are in.
 */
import type { ArgsProps } from 'antd/es/notification/interface';
import i18next from 'i18next';
import { lazy, Suspense, useEffect, useState } from 'react';
import { ApiError, type FieldError } from '../api/client';
import { ROLE_LABELS, type Role } from '../../../common/domain';
import type { FeedbackApis } from './feedback-holders';

const FeedbackHolders = lazy(() => import('./feedback-holders').then((m) => ({ default: m.FeedbackHolders })));

let apis: FeedbackApis | null = null;
let pending: Array<(apis: FeedbackApis) => void> = [];
let requestHolders: (() => void) | null = null;

/** Runs `show` with the toast APIs: now when they are in, else once they have loaded. */
function withApis(show: (apis: FeedbackApis) => void) {
  if (apis) return show(apis);
  pending.push(show);
  requestHolders?.();
}

function ready(loaded: FeedbackApis) {
  apis = loaded;
  const waiting = pending;
  pending = [];
  for (const show of waiting) show(loaded);
}

export function FeedbackBridge() {
  const [load, setLoad] = useState(false);
  useEffect(() => {
    requestHolders = () => setLoad(true);
    if (pending.length > 0) setLoad(true);
    // Not in the first load, but in before anyone needs them.
    const timer = window.setTimeout(() => setLoad(true), 3000);
    return () => {
      requestHolders = null;
      window.clearTimeout(timer);
    };
  }, []);
  if (!load) return null;
  return (
    <Suspense fallback={null}>
      <FeedbackHolders onReady={ready} />
    </Suspense>
  );
}

/** An information toast in the top right (the bell's live notifications). */
export function showNotification(config: ArgsProps) {
  withApis((a) => a.notification.info(config));
}

/** Params as people read them: status and role codes in the UI language. */
function readableParams(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  for (const name of ['from', 'to', 'status']) {
    const value = out[name];
    if (typeof value === 'string' && i18next.exists(`status.${value}`)) out[name] = i18next.t(`status.${value}` as never);
  }
  if (typeof out.role === 'string' && ROLE_LABELS[out.role as Role]) {
    out.role = ROLE_LABELS[out.role as Role][i18next.language === 'en' ? 'en' : 'zh'];
  }
  return out;
}

const translate = (key: string, params?: Record<string, unknown>) =>
  i18next.exists(key) ? String(i18next.t(key as never, readableParams(params) as never)) : null;

/**
 * The text a person reads for a failed request: the translation of the server's key and params,
 * else a sentence for its code — never the server's English message.
 */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'validation' && error.fieldErrors.length === 1 && (error.key === 'validation.field' || error.key === 'request.validation')) {
      const only = error.fieldErrors[0]!;
      return i18next.t('errors.fieldPrefix', { field: only.path, message: fieldErrorText(only) });
    }
    return (
      (error.key && translate(`errors.server.${error.key}`, error.params)) ||
      translate(`errors.code.${error.code}`) ||
      i18next.t('errors.code.unknown')
    );
  }
  if (error instanceof Error && error.name === 'AbortError') return i18next.t('errors.code.unknown');
  return i18next.t('errors.code.unknown');
}

/** One field's message, translated from its key (the server's English text is never shown). */
export function fieldErrorText(field: FieldError): string {
  return (field.key && translate(`errors.${field.key}`, field.params)) || i18next.t('errors.field.invalid');
}

/** Shows the server's message for a failed request (nothing for a 401: the login page takes over). */
export function showError(error: unknown) {
  if (error instanceof ApiError && error.status === 401) return;
  if (error instanceof Error && error.name === 'AbortError') return;
  const text = errorText(error);
  withApis((a) => a.notification.error({ title: text, placement: 'topRight', duration: 6, key: text }));
}

export function showSuccess(text: string) {
  withApis((a) => a.message.success(text));
}

export function showInfo(text: string) {
  withApis((a) => a.message.info(text));
}
