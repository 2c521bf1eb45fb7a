/**
 * Error and success toasts reachable from outside React (query caches, event handlers). The bridge
 * renders antd's message and notification holders inside the ConfigProvider, so toasts follow the
 * theme and locale. (Not antd's <App>, which would also bring the whole Modal into the first load.)
 */
import type { MessageInstance } from 'antd/es/message/interface';
import useMessage from 'antd/es/message/useMessage';
import type { ArgsProps, NotificationInstance } from 'antd/es/notification/interface';
import useNotification from 'antd/es/notification/useNotification';
import i18next from 'i18next';
import { useEffect } from 'react';
import { ApiError, type FieldError } from '../api/client';
import { ROLE_LABELS, type Role } from '../../../common/domain';

let messageApi: MessageInstance | null = null;
let notificationApi: NotificationInstance | null = null;

export function FeedbackBridge() {
  const [message, messageHolder] = useMessage();
  const [notification, notificationHolder] = useNotification();
  useEffect(() => {
    messageApi = message;
    notificationApi = notification;
  }, [message, notification]);
  return (
    <>
      {messageHolder}
      {notificationHolder}
    </>
  );
}

/** An information toast in the top right (the bell's live notifications). */
export function showNotification(config: ArgsProps) {
  notificationApi?.info(config);
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
  if (notificationApi) {
    notificationApi.error({ title: text, placement: 'topRight', duration: 6, key: text });
  } else {
    console.error(text);
  }
}

export function showSuccess(text: string) {
  messageApi?.success(text);
}

export function showInfo(text: string) {
  messageApi?.info(text);
}
