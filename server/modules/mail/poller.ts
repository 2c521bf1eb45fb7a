/**
 * The inbound mail poller (issue 10): one mailbox's new messages from IMAP into tickets.
 *
 * Per message, in this order — so a crash anywhere loses nothing and duplicates nothing:
 *   1. take it in: `ingestMail` commits the ticket/comment and its `mail_messages` row in one
 *      transaction (deduped by Message-ID), or the quarantine keeps it (deduped here by mailbox,
 *      UID and the very bytes, see `quarantineOnce`);
 *   2. `markProcessed` flags it \Seen (or moves it) on the server;
 *   3. the mailbox row's `last_uid` / `uid_validity` move past it.
 * A crash before 1 commits leaves nothing; between 1 and 3 the message is fetched again by UID
 * (never by "unseen") and answers `duplicate` (or finds its quarantine row), is flagged and passed.
 * `last_uid` only ever names a message that is taken in and flagged, so nothing below it is lost.
 *
 * A message that fails with an unexpected error (a bug, a database hiccup) stops this poll there:
 * `last_uid` cannot pass it, the error is recorded on the mailbox (`mail.message_failed`), and the
 * next poll tries it again. After `MAX_ATTEMPTS` failures of the same message in this process it is
 * quarantined (`unparseable` when parsing threw, `ingest_failed` otherwise) and the mailbox moves on.
 *
 * One poll of a mailbox at a time: across processes by the mailbox's scheduled-job lease
 * (jobs/mail-poll.ts), inside a process by `serial` here (the job, its IDLE watcher and the admin's
 * "收取" share it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { mailboxes, mailQuarantine, type MailboxRow } from '../../db/schema';
import type { ParseOutcome } from '../../domain/mail/types';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import { decryptSecret } from '../../platform/secrets';
import { mailboxPasswordContext } from './mailboxes';
import { type FetchedMessage, type ImapSettings, type MailboxSession, type MailboxState, openMailbox } from './imap';
import { createMailParser, ingestMail, type IngestDeps, type IngestOutcome } from './ingest';
import type { QuarantineService } from './quarantine';

/** Failures of one message (same mailbox, UIDVALIDITY and UID) before it is quarantined and passed. */
export const MAX_ATTEMPTS = 3;
/** Messages fetched per IMAP round trip. */
export const DEFAULT_BATCH = 50;

export type PollOutcome = IngestOutcome | 'quarantined' | 'quarantined_before' | 'failed';

export interface PolledMessage {
  uid: number;
  outcome: PollOutcome;
  ticketId: string | null;
}

export interface PollResult {
  mailboxId: string;
  /** Not polled: the mailbox is disabled (or was deleted). */
  skipped: 'disabled' | 'missing' | null;
  /** Messages taken this poll (each flagged and passed), whatever became of them. */
  taken: number;
  outcomes: Partial<Record<PollOutcome, number>>;
  messages: PolledMessage[];
  resynced: boolean;
  /** What stopped the poll (also stored on the mailbox); null when it ran to the end. */
  error: { key: string; detail: string } | null;
}

export interface PollerDeps {
  db: Db;
  clock: Clock;
  /** FUWUTAI_SECRET: mailbox passwords are encrypted under it with the mailbox id as context. */
  secret: string | undefined;
  ingest: IngestDeps;
  quarantine: Pick<QuarantineService, 'store' | 'root'>;
  /** Larger messages come as headers only and are quarantined as too_large. */
  maxBytes: number;
  /** Our X-Loop mark (loops are recorded, never ticketed). */
  loopMark: string;
  batch?: number;
  imapTimeoutMs?: number;
  /** Replaced by tests that need to fail at a chosen point; the real one otherwise. */
  open?: typeof openMailbox;
}

export function createMailPoller(deps: PollerDeps) {
  const parse = createMailParser({ db: deps.db, maxBytes: deps.maxBytes, loopMark: deps.loopMark });
  const attempts = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier poll of this mailbox in this process. */
  function serial<T>(mailboxId: string, work: () => Promise<T>): Promise<T> {
    const before = queues.get(mailboxId) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => {});
    queues.set(mailboxId, tail);
    void tail.then(() => {
      if (queues.get(mailboxId) === tail) queues.delete(mailboxId);
    });
    return run;
  }

  const load = async (mailboxId: string) => (await deps.db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)))[0] ?? null;

  function settingsOf(box: MailboxRow): ImapSettings {
    if (!box.passwordEnc) throw new AppError('mail.auth_failed', 'No password is stored for this mailbox', { detail: 'no password stored' });
    return {
      host: box.imapHost,
      port: box.imapPort,
      security: box.imapSecurity,
      user: box.imapUser,
      password: decryptSecret(deps.secret, box.passwordEnc, mailboxPasswordContext(box.id)),
      folder: box.folder,
      processedAction: box.processedAction,
      ...(box.processedFolder ? { processedFolder: box.processedFolder } : {}),
      rejectUnauthorized: box.tlsVerify,
    };
  }

  async function recordEnd(mailboxId: string, error: { key: string; detail: string } | null) {
    await deps.db
      .update(mailboxes)
      .set({ lastPolledAt: deps.clock.now(), lastErrorKey: error?.key ?? null, lastErrorDetail: error?.detail.slice(0, 1000) ?? null })
      .where(eq(mailboxes.id, mailboxId));
  }

  /**
   * Keeps a message in the quarantine once per mailbox and UID: a row of this mailbox and UID
   * whose stored bytes are these bytes is this message quarantined before a crash (a UID reused
   * after a UIDVALIDITY change holds other bytes). One poller per mailbox, so no race here.
   */
  async function quarantineOnce(box: MailboxRow, message: FetchedMessage, bytes: Buffer, reason: 'too_large' | 'unparseable' | 'no_sender' | 'ingest_failed', detail: string) {
    const dataDir = path.dirname(deps.quarantine.root);
    const earlier = await deps.db
      .select({ id: mailQuarantine.id, rawPath: mailQuarantine.rawPath })
      .from(mailQuarantine)
      .where(and(eq(mailQuarantine.mailboxId, box.id), eq(mailQuarantine.uid, message.uid), eq(mailQuarantine.size, bytes.length)));
    for (const row of earlier) {
      const stored = await fs.promises.readFile(path.join(dataDir, row.rawPath)).catch(() => null);
      if (stored?.equals(bytes)) return 'quarantined_before' as const;
    }
    await deps.quarantine.store({ mailboxId: box.id, uid: message.uid, raw: bytes, reason, detail });
    return 'quarantined' as const;
  }

  /** Steps 1 of the header: the message taken in (or kept), or an error thrown. */
  async function takeIn(box: MailboxRow, message: FetchedMessage): Promise<PolledMessage> {
    if (!message.raw) {
      const detail = `The message is ${Math.ceil(message.size / 1024)} KB; the limit is ${Math.ceil(deps.maxBytes / 1024)} KB (headers kept).`;
      return { uid: message.uid, outcome: await quarantineOnce(box, message, message.headers ?? Buffer.alloc(0), 'too_large', detail), ticketId: null };
    }
    const key = `${box.id}:${message.uidValidity}:${message.uid}`;
    let stage: 'parse' | 'ingest' = 'parse';
    try {
      const parsed: ParseOutcome = await parse(message.raw);
      if (!parsed.ok) {
        attempts.delete(key);
        return { uid: message.uid, outcome: await quarantineOnce(box, message, message.raw, parsed.quarantine.reason, parsed.quarantine.detail), ticketId: null };
      }
      stage = 'ingest';
      const result = await ingestMail(deps.ingest, box, parsed.mail, message.raw);
      attempts.delete(key);
      return { uid: message.uid, outcome: result.outcome, ticketId: result.ticketId };
    } catch (error) {
      const count = (attempts.get(key) ?? 0) + 1;
      const detail = `UID ${message.uid}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1000);
      if (count < MAX_ATTEMPTS) {
        attempts.set(key, count);
        throw new MessageFailed(detail);
      }
      attempts.delete(key);
      const reason = stage === 'parse' ? 'unparseable' : 'ingest_failed';
      return { uid: message.uid, outcome: await quarantineOnce(box, message, message.raw, reason, `Failed ${count} times: ${detail}`), ticketId: null };
    }
  }

  /** Fetches and takes in everything new with an open session; the session stays open. */
  async function drain(box: MailboxRow, session: MailboxSession, result: PollResult) {
    let state: MailboxState = { uidValidity: box.uidValidity, lastUid: box.lastUid };
    for (;;) {
      const batch = await session.fetchNew(state, { batch: deps.batch ?? DEFAULT_BATCH, maxBytes: deps.maxBytes });
      if (batch.resynced) {
        result.resynced = true;
        // The old UIDs name nothing any more: start the new folder from zero (dedupe drops repeats).
        await deps.db.update(mailboxes).set({ uidValidity: batch.uidValidity, lastUid: 0 }).where(eq(mailboxes.id, box.id));
      } else if (state.uidValidity === null) {
        await deps.db.update(mailboxes).set({ uidValidity: batch.uidValidity }).where(eq(mailboxes.id, box.id));
      }
      state = { uidValidity: batch.uidValidity, lastUid: batch.resynced ? 0 : state.lastUid };
      for (const message of batch.messages) {
        const taken = await takeIn(box, message);
        // 2. only after the commit above; false: the folder changed under us, the next poll resyncs.
        if (!(await session.markProcessed(message.uid, message.uidValidity))) return;
        // 3. the high-water mark, never past a message that is not taken in and flagged.
        await deps.db
          .update(mailboxes)
          .set({ uidValidity: message.uidValidity, lastUid: message.uid })
          .where(and(eq(mailboxes.id, box.id), sql`(${mailboxes.lastUid} < ${message.uid} or ${mailboxes.uidValidity} is distinct from ${message.uidValidity})`));
        state.lastUid = message.uid;
        result.taken++;
        result.messages.push(taken);
        result.outcomes[taken.outcome] = (result.outcomes[taken.outcome] ?? 0) + 1;
      }
      if (!batch.more) return;
    }
  }

  const errorOf = (error: unknown): { key: string; detail: string } => {
    if (error instanceof MessageFailed) return { key: 'mail.message_failed', detail: error.message };
    if (error instanceof AppError) return { key: error.key, detail: String(error.details?.detail ?? error.message) };
    return { key: 'mail.connection_failed', detail: error instanceof Error ? error.message : String(error) };
  };

  /**
   * One poll of a mailbox: everything new is taken in, flagged and passed. With `session` the open
   * IMAP session is used (the IDLE watcher's) and left open; otherwise one is opened and closed.
   * Never throws for mail or IMAP trouble: the error is stored on the mailbox and answered.
   */
  async function poll(mailboxId: string, options: { session?: MailboxSession } = {}): Promise<PollResult> {
    const result: PollResult = { mailboxId, skipped: null, taken: 0, outcomes: {}, messages: [], resynced: false, error: null };
    const box = await load(mailboxId);
    if (!box) return { ...result, skipped: 'missing' };
    if (!box.enabled) return { ...result, skipped: 'disabled' };
    let session = options.session ?? null;
    const own = !session;
    try {
      session ??= await (deps.open ?? openMailbox)(settingsOf(box), { timeoutMs: deps.imapTimeoutMs });
      await drain(box, session, result);
    } catch (error) {
      result.error = errorOf(error);
    } finally {
      if (own && session) await session.close().catch(() => {});
    }
    await recordEnd(mailboxId, result.error);
    return result;
  }

  return {
    /** One poll now (after any poll of this mailbox already running in this process). */
    poll: (mailboxId: string, options: { session?: MailboxSession } = {}) => serial(mailboxId, () => poll(mailboxId, options)),
    /** The IMAP session of a mailbox, for a watcher that keeps it open between polls. */
    async open(mailboxId: string): Promise<MailboxSession | null> {
      const box = await load(mailboxId);
      if (!box?.enabled) return null;
      try {
        return await (deps.open ?? openMailbox)(settingsOf(box), { timeoutMs: deps.imapTimeoutMs });
      } catch (error) {
        await recordEnd(mailboxId, errorOf(error));
        return null;
      }
    },
    load,
  };
}

class MessageFailed extends Error {}

export type MailPoller = ReturnType<typeof createMailPoller>;

/** pollMailbox(deps, id): one poll with a poller of its own (tools, benchmarks). */
export function pollMailbox(deps: PollerDeps, mailboxId: string): Promise<PollResult> {
  return createMailPoller(deps).poll(mailboxId);
}
