/**
 * The engineers on a ticket as the API shows them (field service, issue 12): the lead (the
 * ticket's assignee) first, then helpers and invited experts in the order they joined.
 */
import { sql } from 'drizzle-orm';
import type { TicketEngineer } from '../../../common/api/field-service';
import { rows, type Db } from '../../db/client';

interface Row {
  id: string;
  name: string;
  level: TicketEngineer['user']['level'];
  center: { id: string; name: string } | null;
  role: TicketEngineer['role'];
  note: string | null;
  invited_by: { id: string; name: string } | null;
  created_at: Date | string | null;
}

/** Lead + helpers + experts of one ticket (no scope check: the caller has done it). */
export async function readTicketEngineers(db: Db, ticketId: string, options: { internal: boolean }): Promise<TicketEngineer[]> {
  const found = await rows<Row>(
    db,
    sql`select u.id, u.name, u.engineer_level as level,
          (select json_build_object('id', c.id, 'name', c.name) from service_centers c where c.id = u.center_id) as center,
          x.role, x.note, x.invited_by, x.created_at
        from (
          select t.assignee_id as user_id, 'lead' as role, null::text as note, null::json as invited_by, null::timestamptz as created_at, 0 as rank
            from tickets t where t.id = ${ticketId} and t.assignee_id is not null
          union all
          select e.user_id, e.role, e.note,
                 (select json_build_object('id', i.id, 'name', i.name) from users i where i.id = e.invited_by_id),
                 e.created_at, 1
            from ticket_engineers e where e.ticket_id = ${ticketId}
        ) x join users u on u.id = x.user_id
        order by x.rank, x.created_at, u.name`,
  );
  return found.map((r) => ({
    user: { id: r.id, name: r.name, level: r.level ?? null, center: r.center },
    role: r.role,
    note: options.internal ? r.note : null,
    invitedBy: options.internal ? r.invited_by : null,
    createdAt: r.created_at === null ? null : new Date(r.created_at).toISOString(),
  }));
}
