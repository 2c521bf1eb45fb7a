/**
 * The visit page's outbox in localStorage (rules in common/offline-queue.ts): `perform` sends an
 * action at once when it can, and queues it — with the Idempotency-Key made when the person
 * acted and the moment they acted — when the phone is offline, the answer never came, or older
 * actions still wait (order matters: a signature follows its record). `flushQueue` sends the
 * waiting ones again: when the browser says it is back online, every 15 s, and from the 待发送
 * indicator.
 */
import type { QueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { drain, enqueue, outcomeOfStatus, parseQueue, type QueuedAction, settle } from '../../../../common/offline-queue';
import { ApiError, request } from '../../api/client';
import { refreshField } from '../../api/service-records';

const STORAGE_KEY = 'fuwutai.field.outbox';
const RETRY_MS = 15_000;

const listeners = new Set<() => void>();
let cachedRaw: string | null | undefined;
let cached: QueuedAction[] = [];

function readRaw(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The waiting actions (the same array while nothing changed, for useSyncExternalStore). */
export function readQueue(): QueuedAction[] {
  const raw = readRaw();
  if (raw !== cachedRaw) {
    cachedRaw = raw;
    cached = parseQueue(raw);
  }
  return cached;
}

function writeQueue(queue: QueuedAction[]) {
  try {
    if (queue.length) localStorage.setItem(STORAGE_KEY, JSON.stringify(queue));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage full or blocked: the action stays only in this page's memory.
  }
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab of the same phone changed the outbox.
  const onStorage = (event: StorageEvent) => event.key === STORAGE_KEY && listener();
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function usePendingActions(): QueuedAction[] {
  return useSyncExternalStore(subscribe, readQueue, () => []);
}

export class QueueFullError extends Error {}

export type Performed<T> = { status: 'done'; value: T } | { status: 'queued' };

const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/**
 * Sends one action of the person, or queues it. The caller makes `key` (and `at`) once per tap;
 * the body is sent unchanged on every retry.
 */
export async function perform<T>(client: QueryClient, action: Omit<QueuedAction, 'attempts'>): Promise<Performed<T>> {
  const queued = { ...action, attempts: 0 };
  const put = () => {
    const next = enqueue(readQueue(), queued);
    if (!next) throw new QueueFullError('the outbox is full');
    writeQueue(next);
    return { status: 'queued' } as const;
  };
  if (isOffline() || readQueue().length > 0) {
    const result = put();
    if (!isOffline()) void flushQueue(client);
    return result;
  }
  try {
    const value = await request<T>(action.method, action.url, action.body, { idempotencyKey: action.key });
    refreshField(client, action.visitId);
    return { status: 'done', value };
  } catch (error) {
    if (error instanceof ApiError && outcomeOfStatus(error.status, error.key) === 'retry') return put();
    throw error;
  }
}

let flushing: Promise<FlushResult> | null = null;

export interface FlushResult {
  sent: number;
  refused: Array<{ action: QueuedAction; error: ApiError | Error }>;
}

/** Sends what waits, in order; one flush at a time. */
export function flushQueue(client: QueryClient): Promise<FlushResult> {
  flushing ??= (async () => {
    const errors = new Map<string, ApiError | Error>();
    try {
      const result = await drain(readQueue(), async (action) => {
        try {
          await request(action.method, action.url, action.body, { idempotencyKey: action.key });
          return { outcome: 'sent' };
        } catch (error) {
          const outcome = error instanceof ApiError ? outcomeOfStatus(error.status, error.key) : 'retry';
          if (outcome !== 'refused') return { outcome: 'retry' };
          errors.set(action.key, error as Error);
          return { outcome: 'refused', error: (error as Error).message };
        }
      });
      writeQueue(settle(readQueue(), result));
      for (const visitId of new Set([...result.sent, ...result.refused.map((r) => r.action)].map((a) => a.visitId))) refreshField(client, visitId);
      return { sent: result.sent.length, refused: result.refused.map((r) => ({ action: r.action, error: errors.get(r.action.key) ?? new Error(r.error) })) };
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

/**
 * Keeps trying while anything waits: when the browser is back online, every 15 s, and once when
 * the page opens (not at once after a send that got no answer: the network needs a moment).
 */
export function useOutboxSync(client: QueryClient, onRefused: (refused: FlushResult['refused']) => void) {
  useEffect(() => {
    const run = () => {
      if (isOffline() || readQueue().length === 0) return;
      void flushQueue(client).then((r) => r.refused.length && onRefused(r.refused));
    };
    run();
    window.addEventListener('online', run);
    const timer = window.setInterval(run, RETRY_MS);
    return () => {
      window.removeEventListener('online', run);
      window.clearInterval(timer);
    };
  }, [client, onRefused]);
}
