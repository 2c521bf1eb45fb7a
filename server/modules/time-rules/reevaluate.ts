/** After a rule change, every open ticket's clocks are derived again by the next sweep. */
import { and, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { tickets } from '../../db/schema';
import { OPEN_STATUSES } from '../../domain/ticket-lifecycle';

export async function reevaluateOpenTickets(tx: Db, now: Date, which?: SQL) {
  await tx
    .update(tickets)
    .set({ nextDueAt: now })
    .where(and(inArray(tickets.status, [...OPEN_STATUSES]), which));
}
