/**
 * Event consumers: named readers of the domain-event log, each with its own cursor, run at least
 * once and in order. How a consumer stays correct across processes, crashes and slow writers:
 *
 * - A process works a consumer only while holding its `event_consumers` row (FOR UPDATE SKIP
 *   LOCKED): one process at a time per consumer, any number of consumers in parallel.
 * - Events are read in (txid, id) order and only below the oldest transaction still running, so an
 *   event whose transaction commits late is never skipped by a cursor that moved past its id.
 * - Each event is handled in a savepoint of the transaction that advances the cursor: what the
 *   handler writes (bell rows, outbox mail, push messages) commits together with "handled".
 *   A failing event rolls back alone; the cursor stops before it and the consumer retries it with
 *   backoff (1 s, 2 s, 4 s … 5 min). After STUCK_AFTER attempts it shows as stuck to admins, who
 *   may retry it now or skip it. Handlers must still be idempotent (unique keys), because an
 *   admin may rewind, and because a future consumer may do work outside the database.
 * - A NOTIFY from every event-writing transaction wakes the runners of all processes; a poll is
 *   the safety net.
 */
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'drizzle-orm';
import type { DomainEvent, DomainEventKind, EventConsumerStatus } from '../../../common/api/events';
import { rows, type Database, type Db } from '../../db/client';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { Audit } from '../audit';
import { EVENTS_CHANNEL } from './record';

export const STUCK_AFTER = 5;
const MAX_BACKOFF_MS = 5 * 60_000;
export const consumerBackoffMs = (attempts: number) => Math.min(1000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);

export interface EventConsumer {
  name: string;
  /** The kinds it wants; others are passed over (and still advance its cursor). */
  kinds: readonly DomainEventKind[];
  handle(tx: Db, event: DomainEvent): Promise<void>;
}

interface ConsumerRow {
  name: string;
  cursor_txid: string;
  cursor_id: number;
  failing_event_id: number | null;
  attempts: number;
}

interface EventRow {
  id: number;
  txid: string;
  kind: DomainEventKind;
  version: number;
  subject_type: string;
  subject_id: string;
  ticket_id: string | null;
  actor_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date | string;
}

export interface RunResult {
  handled: number;
  failed: boolean;
  /** Events exist past the cursor that were not readable yet (an older transaction still open) or past the batch. */
  more: boolean;
}

export function createEventConsumers(deps: { db: Db; clock: Clock; audit: Audit; batchSize?: number }) {
  const { db, clock } = deps;
  const batchSize = deps.batchSize ?? 200;
  const consumers = new Map<string, EventConsumer>();

  /** New consumers start at the end of the log: a consumer added later does not replay history. */
  async function ensureRow(name: string) {
    await db.execute(sql`
      insert into event_consumers (name, cursor_txid, cursor_id, updated_at)
      values (${name}, pg_snapshot_xmin(pg_current_snapshot()), 0, ${clock.now().toISOString()}::timestamptz)
      on conflict (name) do nothing`);
  }

  async function runConsumer(consumer: EventConsumer): Promise<RunResult> {
    const now = clock.now();
    return db.transaction(async (tx) => {
      // First statement, before this transaction holds an id of its own: every transaction with an
      // id below this bound has ended, so no event can still appear below it.
      const [snapshot] = await rows<{ xmin: string }>(tx, sql`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`);
      const xmin = snapshot!.xmin;
      const [row] = await rows<ConsumerRow>(
        tx,
        sql`select name, cursor_txid::text as cursor_txid, cursor_id, failing_event_id, attempts from event_consumers
            where name = ${consumer.name} and (retry_at is null or retry_at <= ${now.toISOString()}::timestamptz)
            for update skip locked`,
      );
      if (!row) return { handled: 0, failed: false, more: false };
      const events = await rows<EventRow>(
        tx,
        sql`select id, txid::text as txid, kind, version, subject_type, subject_id, ticket_id, actor_id, payload, occurred_at
            from domain_events
            where (txid, id) > (${row.cursor_txid}::xid8, ${row.cursor_id}) and txid < ${xmin}::xid8
            order by txid, id limit ${batchSize}`,
      );
      let cursor = { txid: row.cursor_txid, id: row.cursor_id };
      let handled = 0;
      let failure: { event: EventRow; error: unknown } | null = null;
      // Fast path: the whole batch in one savepoint. Only when it fails (or the consumer is
      // already retrying) is each event given a savepoint of its own, to find the one that fails
      // and keep the work of those before it.
      const wanted = events.filter((e) => consumer.kinds.includes(e.kind));
      let oneByOne = row.failing_event_id !== null;
      if (!oneByOne && wanted.length > 0) {
        try {
          await tx.transaction(async (sp) => {
            for (const event of wanted) await consumer.handle(sp, toDomainEvent(event));
          });
          handled = wanted.length;
          const last = events.at(-1)!;
          cursor = { txid: last.txid, id: last.id };
        } catch {
          oneByOne = true;
        }
      } else if (!oneByOne && events.length > 0) {
        const last = events.at(-1)!;
        cursor = { txid: last.txid, id: last.id };
      }
      if (oneByOne) {
        for (const event of events) {
          if (consumer.kinds.includes(event.kind)) {
            try {
              await tx.transaction((sp) => consumer.handle(sp, toDomainEvent(event)));
            } catch (error) {
              failure = { event, error };
              break;
            }
            handled++;
          }
          cursor = { txid: event.txid, id: event.id };
        }
      }
      const attempts = failure ? (failure.event.id === row.failing_event_id ? row.attempts : 0) + 1 : 0;
      await tx.execute(sql`
        update event_consumers set
          cursor_txid = ${cursor.txid}::xid8, cursor_id = ${cursor.id},
          processed = processed + ${handled},
          failing_event_id = ${failure ? failure.event.id : null},
          attempts = ${attempts},
          last_error = ${failure ? errorText(failure.error) : null},
          retry_at = ${failure ? new Date(now.getTime() + consumerBackoffMs(attempts)).toISOString() : null}::timestamptz,
          last_run_at = ${now.toISOString()}::timestamptz,
          updated_at = ${now.toISOString()}::timestamptz
        where name = ${consumer.name}`);
      let more = events.length === batchSize;
      if (!failure && !more) {
        const [pending] = await rows<{ one: number }>(
          tx,
          sql`select 1 as one from domain_events where (txid, id) > (${cursor.txid}::xid8, ${cursor.id}) limit 1`,
        );
        more = Boolean(pending);
      }
      return { handled, failed: Boolean(failure), more: more && !failure };
    });
  }

  const api = {
    register(consumer: EventConsumer) {
      if (consumers.has(consumer.name)) throw new Error(`event consumer "${consumer.name}" registered twice`);
      consumers.set(consumer.name, consumer);
    },

    names: () => [...consumers.keys()],

    /** Creates the cursor rows of the registered consumers (at the log's end for new ones). */
    async init() {
      for (const name of consumers.keys()) await ensureRow(name);
    },

    /** One batch of every consumer (or of one), the consumers side by side. */
    async runOnce(name?: string): Promise<Record<string, RunResult>> {
      const chosen = [...consumers.values()].filter((c) => !name || c.name === name);
      const results = await Promise.all(chosen.map((c) => runConsumer(c)));
      return Object.fromEntries(chosen.map((c, i) => [c.name, results[i]!]));
    },

    /**
     * Runs every consumer until nothing readable is left or `maxRounds` pass (tests, and catch-up
     * after start). Failures stop a consumer for this call; its retry comes on a later run.
     */
    async drain(maxRounds = 100) {
      let total = 0;
      for (let round = 0; round < maxRounds; round++) {
        const results = Object.values(await api.runOnce());
        total += results.reduce((n, r) => n + r.handled, 0);
        if (!results.some((r) => r.more && r.handled > 0)) break;
      }
      return total;
    },

    async status(): Promise<EventConsumerStatus[]> {
      const list = await rows<{
        name: string;
        processed: number;
        failing_event_id: number | null;
        failing_kind: string | null;
        attempts: number;
        last_error: string | null;
        retry_at: Date | string | null;
        last_run_at: Date | string | null;
        lag: number;
      }>(
        db,
        sql`select c.name, c.processed, c.failing_event_id, e.kind as failing_kind, c.attempts, c.last_error, c.retry_at, c.last_run_at,
              (select count(*) from domain_events d where (d.txid, d.id) > (c.cursor_txid, c.cursor_id))::int as lag
            from event_consumers c left join domain_events e on e.id = c.failing_event_id
            order by c.name`,
      );
      const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
      return list
        .filter((c) => consumers.has(c.name))
        .map((c) => ({
          name: c.name,
          lag: Number(c.lag),
          processed: Number(c.processed),
          state: c.failing_event_id === null ? 'ok' : c.attempts >= STUCK_AFTER ? 'stuck' : 'retrying',
          failingEventId: c.failing_event_id === null ? null : Number(c.failing_event_id),
          failingEventKind: c.failing_kind,
          attempts: c.attempts,
          lastError: c.last_error,
          retryAt: iso(c.retry_at),
          lastRunAt: iso(c.last_run_at),
        }));
    },

    /** Admin: try the failing event again now. */
    async retry(name: string) {
      if (!consumers.has(name)) throw new AppError('event_consumer.not_found', `No event consumer "${name}"`, { name });
      await db.execute(sql`update event_consumers set retry_at = null where name = ${name}`);
    },

    /** Admin: pass over the event a consumer is stuck on (it stays in the log, unhandled by this consumer). */
    async skip(actor: Actor, name: string, eventId: number) {
      if (!consumers.has(name)) throw new AppError('event_consumer.not_found', `No event consumer "${name}"`, { name });
      return db.transaction(async (tx) => {
        const [row] = await rows<{ failing_event_id: number | null }>(
          tx,
          sql`select failing_event_id from event_consumers where name = ${name} for update`,
        );
        if (!row || row.failing_event_id === null || Number(row.failing_event_id) !== eventId) {
          throw new AppError('event_consumer.not_failing_on', `Event ${eventId} is not the one "${name}" is stuck on; reload and try again`, { name, eventId });
        }
        await tx.execute(sql`
          update event_consumers c set cursor_txid = e.txid, cursor_id = e.id, failing_event_id = null, attempts = 0,
            last_error = null, retry_at = null, updated_at = ${clock.now().toISOString()}::timestamptz
          from domain_events e where e.id = ${eventId} and c.name = ${name}`);
        await deps.audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'event_consumer', name, 'skipped_event', { failingEventId: eventId }, null);
      });
    },

    /**
     * Runs the consumers in the background: woken by NOTIFY from any process, polled every
     * `pollMs` as a safety net, again at once while there is more to read, and never two runs at
     * the same time in one process.
     */
    async start(options: { database: Database; pollMs: number; log: FastifyBaseLogger }) {
      await api.init();
      let stopped = false;
      let running: Promise<void> | null = null;
      let again = false;
      let timer: NodeJS.Timeout | undefined;
      const schedule = (ms: number) => {
        if (stopped) return;
        clearTimeout(timer);
        timer = setTimeout(kick, ms);
      };
      const kick = () => {
        if (stopped) return;
        if (running) {
          again = true;
          return;
        }
        running = (async () => {
          let delay = options.pollMs;
          try {
            const results = Object.values(await api.runOnce());
            if (results.some((r) => r.more)) delay = results.some((r) => r.handled > 0) ? 0 : 50;
          } catch (error) {
            options.log.error({ err: error }, 'event consumers failed');
          }
          running = null;
          if (again) {
            again = false;
            delay = 0;
          }
          schedule(delay);
        })();
      };
      const unlisten = await options.database.listen(EVENTS_CHANNEL, () => kick());
      kick();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await unlisten();
          await running;
        },
      };
    },
  };
  return api;
}

export type EventConsumers = ReturnType<typeof createEventConsumers>;

function toDomainEvent(row: EventRow): DomainEvent {
  return {
    id: Number(row.id),
    kind: row.kind,
    version: row.version,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    ticketId: row.ticket_id,
    actorId: row.actor_id,
    payload: row.payload,
    occurredAt: new Date(row.occurred_at),
  } as DomainEvent;
}

function errorText(error: unknown): string {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return message.slice(0, 2000);
}
