/**
 * What a reconnecting browser missed: the messages after its Last-Event-ID that it may see, if
 * that id is recent enough to replay (within the last day and the last `limit` messages). An id
 * we cannot vouch for — too old, pruned, from another database — asks for a resync instead.
 */
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/client';
import { isCustomer } from '../../platform/actor';
import type { Viewer } from '../tickets/audience';
import { isFor, toPushRow, type PushRow } from './hub';
import { EPHEMERAL_PUSH_TYPES } from './publish';

export const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const REPLAY_LIMIT = 1000;

export type Replay = { kind: 'replay'; messages: PushRow[]; headId: number } | { kind: 'resync'; headId: number };

/** The newest message id now: where a fresh connection starts. */
export async function headId(db: Db): Promise<number> {
  const [row] = await rows<{ max: number | string | null }>(db, sql`select max(id) as max from push_messages`);
  return Number(row?.max ?? 0);
}

export async function replayAfter(db: Db, viewer: Viewer, lastId: number, now: Date, limit = REPLAY_LIMIT): Promise<Replay> {
  const cutoff = new Date(now.getTime() - REPLAY_WINDOW_MS);
  // One statement, one snapshot: the head, the anchor and the candidates agree with each other.
  const [state] = await rows<{ head: number | string | null; anchor_at: Date | string | null; stale: boolean }>(
    db,
    sql`select (select max(id) from push_messages) as head,
               (select created_at from push_messages where id <= ${lastId} order by id desc limit 1) as anchor_at,
               exists (select 1 from push_messages where id > ${lastId} and created_at < ${cutoff.toISOString()}::timestamptz) as stale`,
  );
  const head = Number(state?.head ?? 0);
  const anchorMissing = lastId > 0 && state?.anchor_at == null;
  const anchorOld = state?.anchor_at != null && new Date(state.anchor_at) < cutoff;
  if (lastId > head || anchorMissing || anchorOld || state?.stale) return { kind: 'resync', headId: head };

  const own = sql`user_id = ${viewer.id}::uuid`;
  // Customers: only their organisation's rows are candidates (the audience check below still decides).
  const scope = isCustomer(viewer as never)
    ? sql`(${own} or (user_id is null and audience->>'customerId' = ${viewer.customerId ?? ''}))`
    : sql`(${own} or user_id is null)`;
  const ephemeral = EPHEMERAL_PUSH_TYPES.length
    ? sql`and type not in (${sql.join(EPHEMERAL_PUSH_TYPES.map((t) => sql`${t}`), sql`, `)})`
    : sql``;
  const candidates = await rows<Parameters<typeof toPushRow>[0]>(
    db,
    sql`select id, user_id, audience, type, data from push_messages
        where id > ${lastId} and id <= ${head} and ${scope} ${ephemeral}
        order by id limit ${limit + 1}`,
  );
  if (candidates.length > limit) return { kind: 'resync', headId: head };
  return { kind: 'replay', headId: head, messages: candidates.map(toPushRow).filter((m) => isFor(viewer, m)) };
}
