/**
 * Publishing live-push messages: a `push_messages` row plus a NOTIFY carrying its id, in one
 * statement. Inside a transaction both land on commit (a rolled-back change pushes nothing); every
 * process's hub then reads the row and forwards it to the streams allowed to see it.
 */
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../../db/client';
import type { Actor } from '../../platform/actor';
import { visibleTo } from '../tickets/repository';
import type { TicketAudience } from '../tickets/audience';

export const PUSH_CHANNEL = 'fuwutai_push';

/** Types that only matter while they happen: not replayed to a reconnecting browser. */
export const EPHEMERAL_PUSH_TYPES: readonly string[] = ['ticket.presence'];

export interface NewPushMessage {
  /** One user receives it … */
  userId?: string;
  /** … or everyone the audience admits (see tickets/audience.ts): a ticket's scoping, `{ staff: true }`. */
  audience?: TicketAudience | { staff: true };
  type: string;
  data: Record<string, unknown>;
}

/** Records the message and wakes every process's hub; returns its id. */
export async function publishPush(db: Db, message: NewPushMessage): Promise<number> {
  if (!message.userId === !message.audience) throw new Error('publishPush needs exactly one of userId or audience');
  const audience = message.audience ? JSON.stringify(message.audience) : null;
  const [row] = await rows<{ id: number }>(
    db,
    sql`with m as (
          insert into push_messages (user_id, audience, type, data)
          values (${message.userId ?? null}::uuid, ${audience}::jsonb, ${message.type}, ${JSON.stringify(message.data)}::jsonb)
          returning id
        )
        select m.id, pg_notify(${PUSH_CHANNEL}, m.id::text) from m`,
  );
  return Number(row!.id);
}

interface AudienceRow {
  customer_id: string;
  center_id: string | null;
  center_path: string | null;
  assignee_id: string | null;
  engineer_ids: string[] | null;
}

const toAudience = (r: AudienceRow): TicketAudience => ({
  customerId: r.customer_id,
  centerId: r.center_id,
  centerPath: r.center_path,
  assigneeId: r.assignee_id,
  // Only when there are any: the audience of most tickets keeps its four fields.
  ...(r.engineer_ids?.length ? { engineerIds: r.engineer_ids } : {}),
});

const engineerIds = sql`(select array_agg(te.user_id::text order by te.user_id) from ticket_engineers te where te.ticket_id = t.id) as engineer_ids`;

/** Who may hear about a ticket as it stands now; null when there is no such ticket. */
export async function ticketAudience(db: Db, ticketId: string): Promise<TicketAudience | null> {
  const [row] = await rows<AudienceRow>(
    db,
    sql`select t.customer_id, t.center_id, sc.path as center_path, t.assignee_id, ${engineerIds}
        from tickets t left join service_centers sc on sc.id = t.center_id
        where t.id = ${ticketId}::uuid`,
  );
  return row ? toAudience(row) : null;
}

/** The audience of a ticket the actor may see, with its number; null when it is not theirs to see. */
export async function visibleTicketAudience(db: Db, actor: Actor, ticketId: string) {
  const visible = visibleTo(actor);
  const [row] = await rows<AudienceRow & { number: string }>(
    db,
    sql`select t.customer_id, t.center_id, sc.path as center_path, t.assignee_id, ${engineerIds}, t.number
        from tickets t left join service_centers sc on sc.id = t.center_id
        where t.id = ${ticketId}::uuid and t.id in (select tickets.id from tickets where ${visible ?? sql`true`})`,
  );
  return row ? { number: row.number, audience: toAudience(row) } : null;
}
