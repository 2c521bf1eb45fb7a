/**
 * Idempotency-Key on every POST: the same key from the same caller (user session or API token)
 * within 24 h answers with the first request's status and body, plus `Idempotency-Replayed: true`,
 * and runs nothing. A double-clicked 创建工单 or a retried request after a lost answer creates once.
 *
 * - The first request inserts a pending row (ON CONFLICT DO NOTHING) before its handler runs; its
 *   answer is stored when it is sent (onSend): 2xx and 4xx are replayed, a 5xx drops the row so a
 *   retry can try again. A row whose answer was never stored (the process died) is taken over
 *   after `staleAfterMs`.
 * - A second request while the first is running waits up to `waitMs` for its answer and replays
 *   it (so two parallel requests both get the first's 201); after that it is 409
 *   `idempotency.in_progress`.
 * - The same key with another method, URL or body is 400 `idempotency.key_reused`.
 * - JSON bodies are compared by a hash of their canonical form; multipart uploads by method, URL
 *   and key only (the file is streamed to the handler, nobody reads it before).
 * - Applies to POSTs of signed-in callers; login, logout and other anonymous POSTs are left alone
 *   (no principal to key on). A response field `secret` (an API token's, shown once) is never
 *   stored: its replay carries the rest of the token.
 */
import crypto from 'node:crypto';
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../db/client';
import { idempotencyKeys } from '../db/schema';
import type { Clock } from './clock';
import { AppError } from './errors';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotency-replayed';
/** How long a key is remembered; jobs/purge.ts deletes older rows. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/** Response fields never written to the table (one-time secrets). */
const UNSTORED_FIELDS = ['secret'];

export interface IdempotencyOptions {
  db: Db;
  clock: Clock;
  /** How long a repeat waits for a running first request before answering 409. */
  waitMs?: number;
  /** A pending row older than this belongs to a request that died; a new request takes it over. */
  staleAfterMs?: number;
}

interface Claim {
  principal: string;
  key: string;
  stored: boolean;
}

const claims = new WeakMap<FastifyRequest, Claim>();

/** 1–200 printable ASCII characters (space to tilde). */
export const isValidIdempotencyKey = (key: string) => /^[\x20-\x7e]{1,200}$/.test(key);

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function requestHash(request: FastifyRequest): string {
  const body = request.isMultipart() ? 'multipart' : canonical(request.body);
  return crypto.createHash('sha256').update(`${request.method}\n${request.url}\n${body}`).digest('hex');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function installIdempotency(app: FastifyInstance, options: IdempotencyOptions) {
  const { db, clock } = options;
  const waitMs = options.waitMs ?? 10_000;
  const staleAfterMs = options.staleAfterMs ?? 10 * 60_000;

  /** Inserts the pending row; true when this request owns the key now. */
  async function claim(principal: string, key: string, request: FastifyRequest, hash: string): Promise<boolean> {
    const now = clock.now();
    // An expired key (not purged yet) or a pending row left by a dead request is free again.
    await db
      .delete(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.principal, principal),
          eq(idempotencyKeys.key, key),
          or(
            lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)),
            and(isNull(idempotencyKeys.completedAt), lt(idempotencyKeys.createdAt, new Date(now.getTime() - staleAfterMs))),
          ),
        ),
      );
    const inserted = await db
      .insert(idempotencyKeys)
      .values({
        principal,
        key,
        method: request.method,
        route: request.routeOptions.url ?? request.url.split('?')[0]!,
        requestHash: hash,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    return inserted.length > 0;
  }

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST') return;
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined) return;
    if (typeof header !== 'string' || !isValidIdempotencyKey(header)) {
      throw new AppError('idempotency.key_invalid', 'Idempotency-Key must be one header of 1–200 printable ASCII characters');
    }
    const actor = request.actor;
    const { url: route, config } = request.routeOptions;
    // Anonymous POSTs have nobody to key on; signing in and out is not a create.
    if (!actor || !config?.auth || config.auth === 'public' || route?.startsWith('/api/auth/')) return;
    const principal = actor.tokenId ? `token:${actor.tokenId}` : `user:${actor.id}`;
    const hash = requestHash(request);

    if (await claim(principal, header, request, hash)) {
      claims.set(request, { principal, key: header, stored: false });
      return;
    }
    const deadline = Date.now() + waitMs;
    for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
      const [row] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, header)));
      if (!row) {
        // The first request failed (5xx) and dropped its row: this one runs instead.
        if (await claim(principal, header, request, hash)) {
          claims.set(request, { principal, key: header, stored: false });
          return;
        }
        continue;
      }
      if (row.requestHash !== hash) {
        throw new AppError('idempotency.key_reused', `Idempotency-Key "${header}" was already used for another request (${row.method} ${row.route})`);
      }
      if (row.completedAt && row.status !== null) {
        return reply
          .status(row.status)
          .header(REPLAYED_HEADER, 'true')
          .header('content-type', 'application/json; charset=utf-8')
          .send(JSON.stringify(row.responseBody ?? null));
      }
      if (Date.now() >= deadline) {
        throw new AppError('idempotency.in_progress', `A request with Idempotency-Key "${header}" is still being processed`);
      }
      await sleep(delay);
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const held = claims.get(request);
    if (!held || held.stored) return payload;
    held.stored = true;
    const where = and(eq(idempotencyKeys.principal, held.principal), eq(idempotencyKeys.key, held.key), isNull(idempotencyKeys.completedAt));
    const status = reply.statusCode;
    const body = status < 500 ? storableBody(payload, reply.getHeader('content-type')) : undefined;
    try {
      if (body === undefined) await db.delete(idempotencyKeys).where(where);
      else await db.update(idempotencyKeys).set({ status, responseBody: body, completedAt: clock.now() }).where(where);
    } catch (error) {
      request.log.error({ err: error }, 'idempotency: storing the answer failed');
    }
    return payload;
  });

  // An answer that never reached onSend (the client went away): free the key for a retry.
  app.addHook('onResponse', async (request) => {
    const held = claims.get(request);
    if (!held || held.stored) return;
    held.stored = true;
    await db
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.principal, held.principal), eq(idempotencyKeys.key, held.key), isNull(idempotencyKeys.completedAt)));
  });
}

/** The JSON body to store (null for an empty one), or undefined when it cannot be replayed (a stream, a file). */
function storableBody(payload: unknown, contentType: unknown): unknown {
  if (payload === null || payload === undefined || payload === '') return null;
  if (typeof payload !== 'string' || !String(contentType ?? '').includes('json')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const copy = { ...(body as Record<string, unknown>) };
    for (const field of UNSTORED_FIELDS) delete copy[field];
    return copy;
  }
  return body;
}
