/**
 * The engineer's outbox for a dropped connection (issue 12, the visit page on a phone): a step,
 * a record save or a signature taken while offline — or whose answer was lost — waits here, in
 * order, with the Idempotency-Key made when the person acted and the moment they acted, and is
 * sent again when the phone is back online. The server answers a repeated key with the first
 * answer and treats a repeated step as a no-op, so a retry never does anything twice.
 *
 * Pure: the web keeps the list in localStorage (features/field-service/offline-sync.ts) and
 * passes the sending in; common/offline-queue.test.ts covers the rules.
 */

export interface QueuedAction {
  /** The Idempotency-Key, made once when the person acted; every retry sends the same. */
  key: string;
  method: 'POST' | 'PUT';
  url: string;
  /** Sent unchanged on every retry (the server refuses a reused key with another body). */
  body: unknown;
  /** When the person acted (ISO 8601). */
  at: string;
  /** What it is, for the indicator: `step:on_site`, `record`, `sign`, `refuse`, `correct`. */
  kind: string;
  /** The visit it belongs to (the page shows that visit's waiting actions). */
  visitId: string;
  /** Sends tried so far that did not reach an answer. */
  attempts: number;
}

/** What one send came to: done, try again later (no answer, server trouble), or refused for good. */
export type SendOutcome = { outcome: 'sent' } | { outcome: 'retry' } | { outcome: 'refused'; error: string };

/** At most this many waiting actions; a full queue refuses new ones rather than dropping old ones. */
export const MAX_QUEUED = 50;

const isAction = (value: unknown): value is QueuedAction => {
  if (!value || typeof value !== 'object') return false;
  const a = value as Record<string, unknown>;
  return (
    typeof a.key === 'string' &&
    a.key.length > 0 &&
    (a.method === 'POST' || a.method === 'PUT') &&
    typeof a.url === 'string' &&
    a.url.startsWith('/api/') &&
    typeof a.at === 'string' &&
    typeof a.kind === 'string' &&
    typeof a.visitId === 'string' &&
    typeof a.attempts === 'number'
  );
};

/** The stored list; anything unreadable (another version's format, a hand edit) is left out, never thrown. */
export function parseQueue(raw: string | null | undefined): QueuedAction[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter(isAction) : [];
}

/**
 * Adds an action at the end. The same key again changes nothing (a double tap while queued).
 * A PUT to a URL already waiting replaces that one in its place: the latest draft of a record
 * is what counts, and keeping its place keeps it before a later signature.
 * Returns null when the queue is full.
 */
export function enqueue(queue: readonly QueuedAction[], action: QueuedAction): QueuedAction[] | null {
  if (queue.some((a) => a.key === action.key)) return [...queue];
  if (action.method === 'PUT') {
    const index = queue.findIndex((a) => a.method === 'PUT' && a.url === action.url);
    if (index >= 0) return queue.map((a, i) => (i === index ? { ...action, attempts: 0 } : a));
  }
  if (queue.length >= MAX_QUEUED) return null;
  return [...queue, action];
}

/**
 * How an answer (HTTP status, 0: none at all; the error's key) counts for a queued action. A 409
 * is retried only when it is the first send of the same key still running (`idempotency.in_progress`);
 * any other conflict (an illegal step, a frozen record) will not change by sending again.
 */
export function outcomeOfStatus(status: number, key?: string): 'sent' | 'retry' | 'refused' {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 409) return key === 'idempotency.in_progress' ? 'retry' : 'refused';
  // No answer, a timeout, too many requests, server trouble.
  if (status === 0 || status === 408 || status === 429 || status >= 500) return 'retry';
  return 'refused';
}

export interface DrainResult {
  /** What still waits (from the first that could not be sent, in order). */
  queue: QueuedAction[];
  sent: QueuedAction[];
  /** Refused by the server (a 4xx): retrying would not help, the person is told. */
  refused: Array<{ action: QueuedAction; error: string }>;
}

/**
 * Sends the waiting actions one at a time, in order. Stops at the first that gets no answer
 * (later ones may depend on it: a signature on the record saved before it) and keeps it and
 * the rest; a refused one is taken out and the next is tried.
 */
export async function drain(queue: readonly QueuedAction[], send: (action: QueuedAction) => Promise<SendOutcome>): Promise<DrainResult> {
  const sent: QueuedAction[] = [];
  const refused: DrainResult['refused'] = [];
  for (let i = 0; i < queue.length; i++) {
    const action = queue[i]!;
    const result = await send(action);
    if (result.outcome === 'sent') sent.push(action);
    else if (result.outcome === 'refused') refused.push({ action, error: result.error });
    else return { queue: [{ ...action, attempts: action.attempts + 1 }, ...queue.slice(i + 1)], sent, refused };
  }
  return { queue: [], sent, refused };
}

/**
 * Takes the actions `drained` sent or refused out of `current` (the stored list, which may have
 * grown while the sends were running) and records the failed attempt, keeping what was added meanwhile.
 */
export function settle(current: readonly QueuedAction[], result: DrainResult): QueuedAction[] {
  const done = new Set([...result.sent.map((a) => a.key), ...result.refused.map((r) => r.action.key)]);
  const attempts = new Map(result.queue.map((a) => [a.key, a.attempts]));
  return current.filter((a) => !done.has(a.key)).map((a) => (attempts.has(a.key) ? { ...a, attempts: Math.max(a.attempts, attempts.get(a.key)!) } : a));
}
