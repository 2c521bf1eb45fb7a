/**
 * Error and success toasts reachable from outside React (query caches, event handlers). The bridge
 * captures antd's App-context message API so toasts follow the theme and locale.
 */
import { App } from 'antd';
import i18next from 'i18next';
import { useEffect } from 'react';
import { ApiError } from '../api/client';

type AppApi = ReturnType<typeof App.useApp>;
let messageApi: AppApi['message'] | null = null;
let notificationApi: AppApi['notification'] | null = null;

export function FeedbackBridge() {
  const { message, notification } = App.useApp();
  useEffect(() => {
    messageApi = message;
    notificationApi = notification;
  }, [message, notification]);
  return null;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return i18next.t('common.unknownError');
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
