/**
 * Polling the mailboxes (issue 10) on the scheduler.
 *
 * Each enabled mailbox is a recurring job of its own, `mail.poll:<mailbox id>` (handler
 * `mail.poll`, every `poll_interval_seconds`), kept in step with the mailboxes table by the
 * `mail.mailboxes` job every 30 s. The job's lease is the mailbox's lease: one process polls a
 * mailbox at a time, a crashed process's mailbox is taken over when its lease runs out, and the
 * admin's jobs page shows each mailbox's runs.
 *
 * A mailbox with `use_idle` on a server offering IDLE is watched for the rest of its slot by the
 * process running it: poll, sleep in IDLE, poll again on EXISTS, reconnect with backoff when the
 * connection drops, until the next slot is due (the next run carries on, here or elsewhere). At most
 * `MAX_WATCHERS` watch at once per process so mailboxes never occupy all the scheduler's places;
 * the others are just polled each slot. `stop()` ends the watchers (graceful shutdown).
 *
 * "收取" (POST /api/mailboxes/:id/poll) polls now: inside the job's run when this process holds
 * it, else after taking the job's lease itself for the poll (409 mail.poll_busy when another
 * process keeps it).
 */
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { rows, type Db } from '../db/client';
import { mailboxes } from '../db/schema';
import type { MailPoller, PollResult } from '../modules/mail/poller';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import { firstSlot } from './schedule';
import { type JobContext, type JobRegistry, processOwner } from './scheduler';

export const MAIL_JOBS = { sync: 'mail.mailboxes', poll: 'mail.poll' } as const;
export const mailPollJobName = (mailboxId: string) => `${MAIL_JOBS.poll}:${mailboxId}`;
export const MAX_WATCHERS = 4;
const SYNC_EVERY_SECONDS = 30;
const ROUTE_LEASE_MS = 60_000;
const BUSY_WAIT_MS = 10_000;
const BACKOFF_MAX_MS = 60_000;

const iso = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** One mailbox's job row, created or its interval brought up to date. */
async function upsertJob(db: Db, mailboxId: string, intervalSeconds: number, now: Date) {
  const next = firstSlot({ kind: 'interval', intervalSeconds }, now)!;
  await db.execute(sql`
    insert into scheduled_jobs (name, handler, interval_seconds, time_zone, payload, next_run_at)
    values (${mailPollJobName(mailboxId)}, ${MAIL_JOBS.poll}, ${intervalSeconds}, 'UTC', ${JSON.stringify({ mailboxId })}::jsonb, ${iso(next)})
    on conflict (name) do update set
      interval_seconds = excluded.interval_seconds, payload = excluded.payload,
      next_run_at = case when scheduled_jobs.lease_owner is null and scheduled_jobs.interval_seconds is distinct from excluded.interval_seconds
        then excluded.next_run_at else scheduled_jobs.next_run_at end`);
}

/** Job rows for the enabled mailboxes; the rows of disabled or deleted ones go (when not running). */
export async function syncMailboxJobs(db: Db, now: Date): Promise<number> {
  const boxes = await db.select({ id: mailboxes.id, interval: mailboxes.pollIntervalSeconds }).from(mailboxes).where(sql`${mailboxes.enabled}`);
  for (const box of boxes) await upsertJob(db, box.id, box.interval, now);
  const keep = boxes.length ? sql`and name not in (${sql.join(boxes.map((b) => sql`${mailPollJobName(b.id)}`), sql`, `)})` : sql``;
  await db.execute(sql`delete from scheduled_jobs where handler = ${MAIL_JOBS.poll} and lease_owner is null ${keep}`);
  return boxes.length;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

export function createMailJobs(deps: { db: Db; clock: Clock; poller: MailPoller; maxWatchers?: number }) {
  const { db, clock, poller } = deps;
  const stopping = new AbortController();
  const owner = `${processOwner()}:mail`;
  /** Mailboxes whose job this process runs right now (the lease is ours). */
  const held = new Map<string, number>();
  let watchers = 0;
  const hold = (id: string) => held.set(id, (held.get(id) ?? 0) + 1);
  const unhold = (id: string) => (held.get(id)! > 1 ? held.set(id, held.get(id)! - 1) : held.delete(id));
  let log: FastifyBaseLogger | undefined;
  const report = (result: PollResult) => {
    if (result.error) log?.warn({ mailboxId: result.mailboxId, error: result.error }, 'mail poll stopped with an error');
    else if (result.taken) log?.info({ mailboxId: result.mailboxId, outcomes: result.outcomes }, 'mail taken in');
  };

  /** Watches an IDLE mailbox until `until`: a poll on every EXISTS, reconnecting with backoff. */
  async function watch(mailboxId: string, until: number) {
    const { signal } = stopping;
    let backoff = 1_000;
    let first = true;
    while (!signal.aborted && clock.now().getTime() < until) {
      const session = await poller.open(mailboxId);
      if (!session) {
        // The error is on the mailbox; the first failure ends the run (the next slot retries).
        if (first) return;
        await sleep(Math.min(backoff, until - clock.now().getTime()), signal);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        continue;
      }
      try {
        let result = await poller.poll(mailboxId, { session });
        report(result);
        first = false;
        if (!session.idle || result.skipped) return;
        backoff = 1_000;
        while (!result.error && !signal.aborted && !session.closed) {
          const left = until - clock.now().getTime();
          if (left <= 0) return;
          const reason = await session.waitForNew({ signal, timeoutMs: left });
          if (reason !== 'exists') break;
          result = await poller.poll(mailboxId, { session });
          report(result);
        }
      } finally {
        await session.close().catch(() => {});
      }
    }
  }

  async function run(context: JobContext) {
    log = context.log;
    const mailboxId = String(context.payload.mailboxId ?? '');
    const box = mailboxId ? await poller.load(mailboxId) : null;
    if (!box?.enabled) return;
    hold(mailboxId);
    try {
      const until = context.slot.getTime() + box.pollIntervalSeconds * 1000;
      const maxWatchers = deps.maxWatchers ?? MAX_WATCHERS;
      if (box.useIdle && watchers < maxWatchers && !stopping.signal.aborted && clock.now().getTime() < until) {
        watchers++;
        try {
          await watch(mailboxId, until);
        } finally {
          watchers--;
        }
      } else {
        report(await poller.poll(mailboxId));
      }
    } finally {
      unhold(mailboxId);
    }
  }

  /** Takes the mailbox job's lease for a poll outside the schedule; false when another holds it. */
  async function takeLease(name: string): Promise<boolean> {
    const until = new Date(clock.now().getTime() + ROUTE_LEASE_MS);
    const taken = await rows<{ name: string }>(
      db,
      sql`update scheduled_jobs set lease_owner = ${owner}, lease_until = ${iso(until)} where name = ${name} and lease_owner is null returning name`,
    );
    return taken.length > 0;
  }

  return {
    owner,
    register(registry: JobRegistry) {
      registry.registerJob({
        name: MAIL_JOBS.sync,
        everySeconds: SYNC_EVERY_SECONDS,
        async run({ now }) {
          await syncMailboxJobs(db, now());
        },
      });
      registry.registerHandler(MAIL_JOBS.poll, run);
    },
    /** The admin's "收取": one poll now, by this process, answering what it took. */
    async pollNow(mailboxId: string): Promise<PollResult> {
      const box = await poller.load(mailboxId);
      if (!box) throw new AppError('mail.mailbox_not_found', 'Mailbox not found');
      if (!box.enabled) throw new AppError('mail.mailbox_disabled', 'This mailbox is disabled; enable it to fetch mail');
      // This process runs the mailbox's job: the poller's own queue keeps the polls apart.
      if (held.has(mailboxId)) return poller.poll(mailboxId);
      const name = mailPollJobName(mailboxId);
      await upsertJob(db, mailboxId, box.pollIntervalSeconds, clock.now());
      const deadline = Date.now() + BUSY_WAIT_MS;
      while (!(await takeLease(name))) {
        if (held.has(mailboxId)) return poller.poll(mailboxId);
        if (Date.now() > deadline) throw new AppError('mail.poll_busy', 'Another server process is fetching this mailbox right now; try again shortly');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      hold(mailboxId);
      const renew = setInterval(() => {
        void db
          .execute(sql`update scheduled_jobs set lease_until = ${iso(new Date(clock.now().getTime() + ROUTE_LEASE_MS))} where name = ${name} and lease_owner = ${owner}`)
          .catch(() => {});
      }, ROUTE_LEASE_MS / 4);
      renew.unref();
      try {
        return await poller.poll(mailboxId);
      } finally {
        clearInterval(renew);
        unhold(mailboxId);
        await db.execute(sql`update scheduled_jobs set lease_owner = null, lease_until = null where name = ${name} and lease_owner = ${owner}`);
      }
    },
    /** Ends the IDLE watchers (their runs then finish and are recorded by the scheduler's stop). */
    stop() {
      stopping.abort();
    },
  };
}

export type MailJobs = ReturnType<typeof createMailJobs>;
