/**
 * Recording domain events: in the writer's transaction, so an event exists exactly when its change
 * does. Payloads are checked against their schema in common/api/events.ts (a wrong payload is our
 * bug, caught at the write). The insert itself wakes the consumers of every process: a trigger
 * (migration 0009) sends one NOTIFY on EVENTS_CHANNEL, delivered at commit.
 */
import { DOMAIN_EVENT_PAYLOADS, DOMAIN_EVENT_VERSION, type DomainEventKind, type DomainEventPayload } from '../../../common/api/events';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../../db/client';
import { domainEvents } from '../../db/schema';

/** Named again in migration 0009's trigger. */
export const EVENTS_CHANNEL = 'fuwutai_events';

export interface NewDomainEvent<K extends DomainEventKind = DomainEventKind> {
  kind: K;
  subjectType: string;
  subjectId: string;
  ticketId?: string | null;
  actorId: string | null;
  payload: DomainEventPayload<K>;
  occurredAt: Date;
}

/**
 * Records the events. `alongside`: other inserts of the same write (its audit rows), sent in the
 * same statement as data-modifying CTEs — one round trip where there were two; every part commits
 * or none does, as before.
 */
export async function recordEvents(tx: Db, events: readonly NewDomainEvent[], alongside: readonly SQL[] = []): Promise<number[]> {
  if (events.length === 0) {
    for (const statement of alongside) await tx.execute(statement);
    return [];
  }
  const insert = tx
    .insert(domainEvents)
    .values(
      events.map((e) => ({
        kind: e.kind,
        version: DOMAIN_EVENT_VERSION,
        subjectType: e.subjectType,
        subjectId: e.subjectId,
        ticketId: e.ticketId ?? null,
        actorId: e.actorId,
        payload: DOMAIN_EVENT_PAYLOADS[e.kind].parse(e.payload) as Record<string, unknown>,
        occurredAt: e.occurredAt,
      })),
    )
    .returning({ id: domainEvents.id });
  if (alongside.length === 0) return (await insert).map((r) => r.id);
  const ctes = sql.join(
    alongside.map((statement, i) => sql`${sql.identifier(`alongside_${i}`)} as (${statement})`),
    sql`, `,
  );
  const result = await rows<{ id: string | number }>(tx, sql`with ${ctes} ${insert.getSQL()}`);
  return result.map((r) => Number(r.id));
}
