/**
 * The platform under every module: domain events and their consumers, scheduled jobs, live-push
 * messages, API tokens and notification preferences.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, instant } from './columns';
import { users } from './organisation';

/**
 * A PostgreSQL 64-bit transaction id. Events are read in (txid, id) order, and only below the
 * oldest transaction still running, so a consumer never skips an event whose transaction
 * committed after a later one (a plain serial cursor would).
 */
export const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * Domain events: what happened, recorded in the same transaction as the change itself.
 * `kind` is dotted (`ticket.created`), `version` the payload schema version (common/api/events.ts).
 */
export const domainEvents = pgTable(
  'domain_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    txid: xid8('txid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    kind: text('kind').notNull(),
    version: integer('version').notNull().default(1),
    /** What the event is about: `ticket`, later `visit`, `part`, `inspection` … */
    subjectType: text('subject_type').notNull(),
    subjectId: uuid('subject_id').notNull(),
    /** Set for everything that concerns a ticket, so a ticket's events are found without parsing payloads. */
    ticketId: uuid('ticket_id'),
    actorId: uuid('actor_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    occurredAt: instant('occurred_at').notNull(),
  },
  (t) => [index('domain_events_order_idx').on(t.txid, t.id), index('domain_events_ticket_idx').on(t.ticketId, t.id)],
);

/**
 * One row per named consumer: where it has read up to, and how its current failure (if any) is
 * being retried. A process works a consumer while holding its row lock, so each consumer runs in
 * one process at a time and in event order.
 */
export const eventConsumers = pgTable('event_consumers', {
  name: text('name').primaryKey(),
  cursorTxid: xid8('cursor_txid').notNull().default(sql`'0'::xid8`),
  cursorId: bigint('cursor_id', { mode: 'number' }).notNull().default(0),
  processed: bigint('processed', { mode: 'number' }).notNull().default(0),
  /** The event it fails on; it is retried with backoff until it succeeds or an admin skips it. */
  failingEventId: bigint('failing_event_id', { mode: 'number' }),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  retryAt: instant('retry_at'),
  lastRunAt: instant('last_run_at'),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

/**
 * Scheduled jobs: recurring (cron in a time zone) or one-off (run once at `nextRunAt`). A process
 * claims a due job with FOR UPDATE SKIP LOCKED and leases it; each scheduled slot is recorded in
 * `job_runs` under a unique (job, slot), so a slot runs once whatever crashes or races.
 */
export const scheduledJobs = pgTable(
  'scheduled_jobs',
  {
    name: text('name').primaryKey(),
    /** The handler that runs it (several one-off jobs can share a handler). */
    handler: text('handler').notNull(),
    /** Cron expression (5 or 6 fields) in `timeZone`; or every `intervalSeconds`; neither: a one-off job. */
    cron: text('cron'),
    intervalSeconds: integer('interval_seconds'),
    timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    enabled: boolean('enabled').notNull().default(true),
    nextRunAt: instant('next_run_at'),
    /** An admin's "run now" (when it was asked): the next claim runs this moment as a manual slot, even if disabled. */
    runRequestedAt: instant('run_requested_at'),
    /** Set while a process runs it; a crashed process's lease simply runs out. */
    leaseUntil: instant('lease_until'),
    leaseOwner: text('lease_owner'),
    lastStartedAt: instant('last_started_at'),
    lastFinishedAt: instant('last_finished_at'),
    lastStatus: text('last_status').$type<'ok' | 'error'>(),
    lastError: text('last_error'),
    lastDurationMs: integer('last_duration_ms'),
    runCount: bigint('run_count', { mode: 'number' }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('scheduled_jobs_due_idx').on(t.nextRunAt).where(sql`${t.enabled} and ${t.nextRunAt} is not null`)],
);

/** Each scheduled slot of a job, once: the history admins see, and the exactly-once guard. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    jobName: text('job_name').notNull(),
    slot: instant('slot').notNull(),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
    status: text('status').$type<'running' | 'ok' | 'error'>().notNull(),
    error: text('error'),
    owner: text('owner'),
    /** Requested by an admin's "run now" rather than by the schedule. */
    manual: boolean('manual').notNull().default(false),
  },
  (t) => [uniqueIndex('job_runs_slot_key').on(t.jobName, t.slot), index('job_runs_job_idx').on(t.jobName, t.id)],
);

/**
 * Messages for live push (server-sent events). Each row is NOTIFYed to every process, which
 * forwards it to the connected users it concerns; a reconnecting browser replays what it missed
 * from its Last-Event-ID. Either one user or an audience (the scoping of a ticket) is named.
 */
export const pushMessages = pgTable(
  'push_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id'),
    /** Who may see it when it is not for one user: `{ customerId, centerPath }` of the ticket, `staff`, … */
    audience: jsonb('audience').$type<Record<string, unknown>>(),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('push_messages_created_idx').on(t.createdAt)],
);

/** Personal and integration API tokens (`Authorization: Bearer fwt_…`), stored hashed. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: id(),
    name: text('name').notNull(),
    kind: text('kind').$type<'personal' | 'integration'>().notNull(),
    /** The first characters of the token, shown so people can tell tokens apart. */
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The user the token acts as: its role and scoping, narrowed by `scopes`. */
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    scopes: jsonb('scopes').$type<string[]>().notNull(),
    expiresAt: instant('expires_at'),
    lastUsedAt: instant('last_used_at'),
    lastUsedIp: text('last_used_ip'),
    /** Requests per minute this token may make. */
    rateLimitPerMinute: integer('rate_limit_per_minute').notNull().default(600),
    /** The current fixed one-minute window and its request count: the per-token rate limit, one UPDATE per request. */
    rateWindowStart: instant('rate_window_start'),
    rateWindowCount: integer('rate_window_count').notNull().default(0),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    revokedAt: instant('revoked_at'),
    revokedById: uuid('revoked_by_id').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    uniqueIndex('api_tokens_hash_key').on(t.tokenHash),
    index('api_tokens_user_idx').on(t.userId),
    check('api_tokens_kind_check', sql`${t.kind} in ('personal','integration')`),
  ],
);

/**
 * Which kinds of news reach a person on which channel. Only choices that differ from the
 * defaults (common/api/notifications.ts) are stored.
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    topic: text('topic').notNull(),
    channel: text('channel').$type<'inapp' | 'email'>().notNull(),
    enabled: boolean('enabled').notNull(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.topic, t.channel] })],
);

/**
 * Idempotency keys (`Idempotency-Key` on a POST): the first request with a key writes a pending row
 * (completedAt null), its answer is stored on completion, and the same key from the same principal
 * within 24 h replays that answer instead of running again. Purged after 24 h (jobs/purge.ts).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** `user:<id>` for a session, `token:<id>` for an API token: keys are per caller. */
    principal: text('principal').notNull(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    /** The route's URL pattern (`/api/tickets/:id/comments`), for people reading the table. */
    route: text('route').notNull(),
    /** SHA-256 of method, URL and body: the same key with another request is refused. */
    requestHash: text('request_hash').notNull(),
    /** The stored answer, null while the first request is still running. */
    status: integer('status'),
    responseBody: jsonb('response_body'),
    createdAt: instant('created_at').notNull(),
    completedAt: instant('completed_at'),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

/**
 * The administrator's first-start checklist (modules/setup): a step someone marked done or
 * skipped by hand, and `checklist` itself once dismissed. Steps not listed are judged from the
 * real state of the desk (centers, users, audit entries of calendars and policies, mail).
 */
export const setupSteps = pgTable(
  'setup_steps',
  {
    step: text('step').primaryKey(),
    state: text('state').$type<'done' | 'skipped' | 'dismissed'>().notNull(),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: instant('decided_at').notNull(),
  },
  (t) => [check('setup_steps_state_check', sql`${t.state} in ('done', 'skipped', 'dismissed')`)],
);
