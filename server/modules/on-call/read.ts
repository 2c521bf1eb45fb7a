/**
 * Who is on call at a moment (field service, issue 12): read by the dispatch suggestions, the
 * dispatch board and the escalation recipients.
 */
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/client';

export interface OnCallNow {
  shiftId: string;
  centerId: string;
  endsAt: Date;
}

/**
 * The users on call at `at` (starts_at <= at < ends_at) in the given centers (exactly those
 * centers, not their subtrees; null: every center), by user. A user with two shifts at once in
 * different centers keeps the one ending last.
 */
export async function onCallAt(db: Db, centerIds: string[] | null, at: Date): Promise<Map<string, OnCallNow>> {
  const result = new Map<string, OnCallNow>();
  if (centerIds && centerIds.length === 0) return result;
  const inCenters = centerIds ? sql`and s.center_id in (${sql.join(centerIds.map((id) => sql`${id}::uuid`), sql`, `)})` : sql``;
  const found = await rows<{ id: string; user_id: string; center_id: string; ends_at: Date | string }>(
    db,
    sql`select s.id, s.user_id, s.center_id, s.ends_at from on_call_shifts s
        where s.starts_at <= ${at.toISOString()}::timestamptz and s.ends_at > ${at.toISOString()}::timestamptz ${inCenters}
        order by s.ends_at`,
  );
  for (const r of found) result.set(r.user_id, { shiftId: r.id, centerId: r.center_id, endsAt: new Date(r.ends_at) });
  return result;
}
