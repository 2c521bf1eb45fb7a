/**
 * The due-time sweep: claims tickets whose next due moment has come with
 * `SELECT … FOR NO KEY UPDATE SKIP LOCKED` (so any number of server processes share the work without
 * waiting on each other), fires what is due through the SLA engine, and stores each ticket's next
 * due moment. Oldest due first, in small batches, so transactions stay short (PGlite is one
 * connection shared with every request).
 *
 * NO KEY UPDATE rather than UPDATE: it still keeps every other sweeper off the row, but does not
 * conflict with the key-share locks that requests take when they add a comment, an event or a
 * firing for the ticket, so a busy ticket is not skipped by the sweep.
 */
import { sql } from 'drizzle-orm';
import { rows, type Db } from '../db/client';
import type { SlaEngine } from '../modules/sla/engine';
import type { Clock } from '../platform/clock';

export interface SweepResult {
  tickets: number;
  fired: number;
}

/**
 * @param time a fixed instant (tests) or a clock read afresh for every batch, so a long catch-up
 *   sweep stamps each firing with when it really fired and picks up what fell due meanwhile
 */
export async function sweepOnce(db: Db, engine: SlaEngine, time: Date | Clock, batchSize = 50, maxBatches = 200): Promise<SweepResult> {
  const total: SweepResult = { tickets: 0, fired: 0 };
  for (let batch = 0; batch < maxBatches; batch++) {
    const now = time instanceof Date ? time : time.now();
    const claimed = await db.transaction(async (tx) => {
      const due = await rows<{ id: string }>(
        tx,
        sql`select id from tickets where next_due_at <= ${now.toISOString()}::timestamptz
            order by next_due_at limit ${batchSize} for no key update skip locked`,
      );
      for (const { id } of due) {
        const result = await engine.evaluate(tx, id, now, { fire: true });
        total.fired += result?.fired ?? 0;
      }
      return due.length;
    });
    total.tickets += claimed;
    if (claimed < batchSize) break;
    // PGlite runs every query on this thread with no real I/O, so a sweep that never yields would
    // hold off requests and timers until its last batch; let them in between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return total;
}
