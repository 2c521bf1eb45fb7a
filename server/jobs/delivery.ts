/**
 * The outbox delivery worker. In-app notifications are written to the bell table; emails go over
 * SMTP with nodemailer. A row is leased (claimed with SKIP LOCKED, lease written and committed)
 * before sending, so no transaction stays open during network I/O and a crashed worker's rows
 * come back when the lease runs out. Failures retry with exponential backoff; after the last
 * attempt the row is `failed` and shows in the admin's delivery list.
 *
 * Customer mail (modules/mail/outgoing.ts) rides the same rows: Cc, an HTML part, the threading
 * and loop headers fixed at enqueue time (a retry sends the same Message-ID), ticket attachments,
 * and the mailbox identity it is sent as — its SMTP password decrypted only here, at send time,
 * and never logged. A row without those columns is a plain staff notification, as before.
 */
import { and, eq, sql } from 'drizzle-orm';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { rows, type Db } from '../db/client';
import { notifications, outbox, type OutboxMailHeaders } from '../db/schema';
import { publishPush } from '../modules/push';

export const MAX_ATTEMPTS = 6;
/**
 * Long enough for a whole batch of slow sends (10 rows × at most ~40 s with the SMTP timeouts
 * below), so a live worker never loses its lease; every write after sending also checks that the
 * lease is still ours, so a worker that did lose it cannot undo what another one recorded.
 */
const LEASE_MS = 10 * 60_000;
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/** 30 s, 1 min, 2 min, 4 min, 8 min … capped at one hour. */
export const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  cc?: string[];
  html?: string | null;
  from?: string;
  /** Message-ID, In-Reply-To, References (bare ids), Auto-Submitted, X-Loop, Reply-To. */
  headers?: OutboxMailHeaders | null;
  attachments?: { filename: string; path: string; contentType: string }[];
}

export interface Mailer {
  send(message: OutgoingMail): Promise<void>;
}

/** Per-mailbox sending identities and attachment files, for customer mail (modules/mail/outgoing.ts). */
export interface SenderTransports {
  /** The mailer of a mailbox's identity, or null when it has none (the desk's global mailer sends). */
  forMailbox(mailboxId: string): Promise<Mailer | null>;
  /** The public attachments of the ticket among `ids`, with their files' paths. */
  attachments(ticketId: string | null, ids: string[]): Promise<{ filename: string; path: string; contentType: string }[]>;
}

export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS });
  return {
    async send(message) {
      await transport.sendMail(toSendMail(message, from));
    },
  };
}

/** An OutgoingMail as nodemailer options: Message-IDs stored bare, written bracketed. */
export function toSendMail(message: OutgoingMail, defaultFrom: string | { name: string; address: string }): SendMailOptions {
  const h = message.headers;
  const extra: Record<string, string> = {};
  if (h?.autoSubmitted) {
    extra['Auto-Submitted'] = h.autoSubmitted;
    extra['X-Auto-Response-Suppress'] = 'All';
  }
  if (h?.xLoop) extra['X-Loop'] = h.xLoop;
  return {
    from: message.from ?? defaultFrom,
    to: message.to,
    cc: message.cc?.length ? message.cc : undefined,
    replyTo: h?.replyTo ?? undefined,
    subject: message.subject,
    text: message.text,
    html: message.html ?? undefined,
    messageId: h ? `<${h.messageId}>` : undefined,
    inReplyTo: h?.inReplyTo ? `<${h.inReplyTo}>` : undefined,
    references: h?.references.length ? h.references.map((r) => `<${r}>`) : undefined,
    headers: Object.keys(extra).length ? extra : undefined,
    attachments: message.attachments?.map((a) => ({ filename: a.filename, path: a.path, contentType: a.contentType })),
  };
}

interface OutboxRow {
  id: number;
  channel: 'email' | 'inapp';
  user_id: string | null;
  email: string | null;
  subject: string;
  body: string;
  ticket_id: string | null;
  kind: string;
  attempts: number;
  cc: string[];
  html: string | null;
  mailbox_id: string | null;
  headers: OutboxMailHeaders | null;
  attachment_ids: string[];
}

export async function deliverOnce(
  db: Db,
  mailer: Mailer | null,
  now: Date,
  batchSize = 10,
  senders?: SenderTransports,
): Promise<{ sent: number; failed: number; retried: number }> {
  const result = { sent: 0, failed: 0, retried: 0 };
  const lease = new Date(now.getTime() + LEASE_MS);
  const stillOurs = (id: number) => and(eq(outbox.id, id), eq(outbox.status, 'pending'), eq(outbox.leaseUntil, lease));
  const leased = await db.transaction(async (tx) => {
    const claimed = await rows<OutboxRow>(
      tx,
      sql`select id, channel, user_id, email, subject, body, ticket_id, kind, attempts, cc, html, mailbox_id, headers, attachment_ids from outbox
          where status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
            and (lease_until is null or lease_until <= ${now.toISOString()}::timestamptz)
          order by next_attempt_at, id limit ${batchSize} for update skip locked`,
    );
    if (claimed.length) {
      await tx.execute(
        sql`update outbox set lease_until = ${lease.toISOString()}::timestamptz, attempts = attempts + 1
            where id in (${sql.join(claimed.map((r) => sql`${r.id}`), sql`, `)})`,
      );
    }
    return claimed;
  });

  for (const row of leased) {
    const attempts = row.attempts + 1;
    try {
      if (row.channel === 'inapp') {
        const delivered = await db.transaction(async (tx) => {
          const [mine] = await tx
            .update(outbox)
            .set({ status: 'sent', sentAt: now, leaseUntil: null, lastError: null })
            .where(stillOurs(row.id))
            .returning({ id: outbox.id });
          if (!mine) return false; // another worker took it over; it writes the bell entry
          const [bell] = await tx
            .insert(notifications)
            .values({ userId: row.user_id!, ticketId: row.ticket_id, kind: row.kind, title: row.subject, body: row.body, createdAt: now })
            .returning({ id: notifications.id });
          // The bell of whoever it is for rings at once, whichever process they are connected to.
          await publishPush(tx, {
            userId: row.user_id!,
            type: 'notification',
            data: { id: bell!.id, kind: row.kind, title: row.subject, ticketId: row.ticket_id },
          });
          return true;
        });
        if (delivered) result.sent++;
      } else {
        // A mailbox identity when the row names one that still exists, else the desk's global SMTP.
        const own = row.mailbox_id && senders ? await senders.forMailbox(row.mailbox_id) : null;
        const via = own ?? mailer;
        if (!via) throw new Error('No SMTP server is configured (FUWUTAI_SMTP_URL)');
        const files = row.attachment_ids?.length && senders ? await senders.attachments(row.ticket_id, row.attachment_ids) : [];
        await via.send({
          to: row.email!,
          subject: row.subject,
          text: row.body,
          cc: row.cc ?? [],
          html: row.html,
          headers: row.headers,
          attachments: files,
        });
        await db.update(outbox).set({ status: 'sent', sentAt: now, leaseUntil: null, lastError: null }).where(stillOurs(row.id));
        result.sent++;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failed = attempts >= MAX_ATTEMPTS;
      await db
        .update(outbox)
        .set({
          status: failed ? 'failed' : 'pending',
          lastError: message.slice(0, 1000),
          leaseUntil: null,
          nextAttemptAt: new Date(now.getTime() + backoffMs(attempts)),
        })
        .where(stillOurs(row.id));
      if (failed) result.failed++;
      else result.retried++;
    }
  }
  return result;
}
