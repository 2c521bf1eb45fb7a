/**
 * Live events from GET /api/stream: one EventSource per tab, opened while something listens and
 * closed when nothing does (logging out unmounts every listener). The browser reconnects by itself
 * after a dropped connection, sending Last-Event-ID; when it gives up (the server answered an
 * error) we open a new one after a pause, passing the last id in the URL so nothing is missed.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { NotificationPushData, TicketChangedData } from '../../../common/api/push';
import { PUSH_EVENTS, type PushEvent } from '../../../common/push';
import { notificationKeys } from './notifications';
import { ticketKeys } from './tickets';

// biome-ignore lint/suspicious/noExplicitAny: each subscriber names its own data type (useLiveEvent<T>)
type Handler = (data: any) => void;


const handlers = new Map<string, Set<Handler>>();
let source: EventSource | null = null;
let lastEventId: string | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryMs = 2_000;
const MAX_RETRY_MS = 60_000;

function dispatch(type: string, event: MessageEvent) {
  if (event.lastEventId) lastEventId = event.lastEventId;
  let data: unknown;
  try {
    data = event.data ? JSON.parse(event.data as string) : undefined;
  } catch {
    return;
  }
  if (type === 'ready') {
    retryMs = 2_000;
    markLive('ready');
  }
  for (const handler of [...(handlers.get(type) ?? [])]) handler(data);
}

/** The stream's state on <html data-live>: 'ready' once the server has said so (tests wait for it). */
function markLive(state: 'connecting' | 'ready' | 'closed') {
  document.documentElement.dataset.live = state;
}

function open() {
  markLive('connecting');
  const url = lastEventId ? `/api/stream?lastEventId=${encodeURIComponent(lastEventId)}` : '/api/stream';
  const es = new EventSource(url);
  source = es;
  for (const type of PUSH_EVENTS) es.addEventListener(type, (e) => dispatch(type, e as MessageEvent));
  es.onerror = () => {
    if (source === es) markLive('connecting');
    // CONNECTING: the browser is already retrying. CLOSED: it gave up; we try again later.
    if (es.readyState !== EventSource.CLOSED || source !== es) return;
    source = null;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (listenerCount() > 0 && !source) open();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  };
}

const listenerCount = () => [...handlers.values()].reduce((n, s) => n + s.size, 0);

function close() {
  clearTimeout(retryTimer);
  retryTimer = undefined;
  source?.close();
  source = null;
  lastEventId = null;
  markLive('closed');
}

/** Listens to one event type; returns the function that stops listening. */
export function subscribeLive(type: PushEvent, handler: Handler): () => void {
  let set = handlers.get(type);
  if (!set) handlers.set(type, (set = new Set()));
  set.add(handler);
  if (!source && !retryTimer) open();
  return () => {
    set.delete(handler);
    if (listenerCount() === 0) close();
  };
}

/** Calls `handler` for every `type` event while the component is mounted (the latest handler wins). */
export function useLiveEvent<T = unknown>(type: PushEvent, handler: (data: T) => void, enabled = true) {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    return subscribeLive(type, (data) => latest.current(data as T));
  }, [type, enabled]);
}

/**
 * Keeps the query caches current: a new notification refreshes the bell, a ticket change
 * refreshes the lists and that ticket, a resync refreshes everything. Mounted once, in the header.
 */
export function useLiveCacheSync(onNotification?: (n: NotificationPushData) => void) {
  const client = useQueryClient();
  useLiveEvent<NotificationPushData>('notification', (n) => {
    void client.invalidateQueries({ queryKey: notificationKeys.bell });
    onNotification?.(n);
  });
  useLiveEvent<TicketChangedData>('ticket.changed', (change) => {
    void client.invalidateQueries({ queryKey: [...ticketKeys.all, 'list'] });
    void client.invalidateQueries({
      predicate: (q) => q.queryKey[0] === ticketKeys.all[0] && q.queryKey[1] !== 'list' && q.queryKey[2] === change.ticketId,
    });
  });
  useLiveEvent('resync', () => void client.invalidateQueries());
}
