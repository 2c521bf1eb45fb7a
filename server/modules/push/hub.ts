/**
 * The push hub of one process: one LISTEN on `fuwutai_push` (started by the first stream), the
 * connected streams by user, and the fan-out. A NOTIFY carries a message id; ids arriving together
 * are read in one query, in id order, one batch at a time. After the LISTEN connection was lost
 * (`null`) everything after the last id seen is read instead. Each message goes to the streams its
 * user or audience admits — the same rule as `visibleTo` (tickets/audience.ts).
 */
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../../db/client';
import { audienceAllows, type Viewer } from '../tickets/audience';
import { PUSH_CHANNEL } from './publish';

export interface PushRow {
  id: number;
  userId: string | null;
  audience: Record<string, unknown> | null;
  type: string;
  data: Record<string, unknown>;
}

export interface PushSubscriber {
  viewer: Viewer;
  deliver(message: PushRow): void;
  /** Asked to go away (shutdown). */
  close(): void;
}

export interface PushHubOptions {
  database: Database;
  log: { warn(obj: unknown, msg?: string): void };
  maxConnectionsPerUser?: number;
}

interface RawPushRow {
  id: number | string;
  user_id: string | null;
  audience: Record<string, unknown> | null;
  type: string;
  data: Record<string, unknown>;
}

export const toPushRow = (r: RawPushRow): PushRow => ({
  id: Number(r.id),
  userId: r.user_id,
  audience: r.audience,
  type: r.type,
  data: r.data,
});

/** Whether a message is for this viewer: their own, or an audience that admits them. */
export function isFor(viewer: Viewer, message: Pick<PushRow, 'userId' | 'audience'>): boolean {
  if (message.userId) return message.userId === viewer.id && (!message.audience || audienceAllows(viewer, message.audience));
  return audienceAllows(viewer, message.audience);
}

const CATCH_UP_BATCH = 500;
const RETRY_MS = 1000;

export function createPushHub(options: PushHubOptions) {
  const { database, log } = options;
  const db = database.db;
  const maxPerUser = options.maxConnectionsPerUser ?? 10;
  const byUser = new Map<string, Set<PushSubscriber>>();
  let lastSeenId = 0;
  let starting: Promise<void> | null = null;
  let unlisten: (() => Promise<void>) | null = null;
  let closed = false;
  const pending = new Set<number>();
  let catchUp = false;
  let flushing: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | undefined;

  const dispatch = (message: PushRow) => {
    if (message.userId) {
      for (const s of byUser.get(message.userId) ?? []) if (isFor(s.viewer, message)) s.deliver(message);
      return;
    }
    for (const subscribers of byUser.values()) for (const s of subscribers) if (isFor(s.viewer, message)) s.deliver(message);
  };

  const readBatch = async (): Promise<void> => {
    const ids = [...pending].sort((a, b) => a - b);
    pending.clear();
    const wasCatchUp = catchUp;
    catchUp = false;
    try {
      if (ids.length > 0) {
        const found = await rows<RawPushRow>(
          db,
          sql`select id, user_id, audience, type, data from push_messages
              where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) order by id`,
        );
        for (const r of found) deliverRow(toPushRow(r));
      }
      if (wasCatchUp) {
        for (;;) {
          const after = lastSeenId;
          const found = await rows<RawPushRow>(
            db,
            sql`select id, user_id, audience, type, data from push_messages where id > ${after} order by id limit ${CATCH_UP_BATCH}`,
          );
          for (const r of found) deliverRow(toPushRow(r));
          if (found.length < CATCH_UP_BATCH) break;
        }
      }
    } catch (error) {
      // The database is unreachable for now: keep what we owe and try again shortly.
      for (const id of ids) pending.add(id);
      if (wasCatchUp) catchUp = true;
      if (!closed) {
        log.warn({ err: error }, 'live push: reading messages failed; retrying');
        clearTimeout(retryTimer);
        retryTimer = setTimeout(schedule, RETRY_MS);
        retryTimer.unref();
      }
    }
  };

  const deliverRow = (message: PushRow) => {
    lastSeenId = Math.max(lastSeenId, message.id);
    dispatch(message);
  };

  /** Runs one read at a time; whatever arrives meanwhile waits for the next read, as one batch. */
  const schedule = () => {
    if (closed || flushing) return;
    if (pending.size === 0 && !catchUp) return;
    flushing = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      await readBatch();
    })().finally(() => {
      flushing = null;
      if (pending.size > 0 || catchUp) schedule();
    });
  };

  const onNotify = (payload: string | null) => {
    if (closed) return;
    if (payload === null) catchUp = true;
    else {
      const id = Number(payload);
      if (!Number.isSafeInteger(id) || id <= 0) return;
      pending.add(id);
    }
    schedule();
  };

  const start = () =>
    (starting ??= (async () => {
      // Listen first, then note where we are: nothing committed in between is lost.
      unlisten = await database.listen(PUSH_CHANNEL, onNotify);
      const [row] = await rows<{ max: number | string | null }>(db, sql`select max(id) as max from push_messages`);
      lastSeenId = Math.max(lastSeenId, Number(row?.max ?? 0));
    })().catch((error) => {
      starting = null;
      throw error;
    }));

  return {
    /** Starts listening (once); streams call it before they subscribe. */
    ready: start,

    connectionCount(userId: string) {
      return byUser.get(userId)?.size ?? 0;
    },

    canAccept(userId: string) {
      return !closed && (byUser.get(userId)?.size ?? 0) < maxPerUser;
    },

    /** Adds a stream; returns the function that removes it. */
    subscribe(subscriber: PushSubscriber): () => void {
      if (closed) throw new Error('push hub is closed');
      let set = byUser.get(subscriber.viewer.id);
      if (!set) byUser.set(subscriber.viewer.id, (set = new Set()));
      set.add(subscriber);
      return () => {
        const s = byUser.get(subscriber.viewer.id);
        if (!s) return;
        s.delete(subscriber);
        if (s.size === 0) byUser.delete(subscriber.viewer.id);
      };
    },

    /** Ends every stream and stops listening (app shutdown). */
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      for (const subscribers of [...byUser.values()]) for (const s of [...subscribers]) s.close();
      byUser.clear();
      await starting?.catch(() => {});
      await flushing?.catch(() => {});
      await unlisten?.().catch(() => {});
    },
  };
}

export type PushHub = ReturnType<typeof createPushHub>;
