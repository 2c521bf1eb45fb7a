/**
 * The outbox delivery worker. In-app notifications are written to the bell table; emails go over
 * SMTP with nodemailer. A row is leased (claimed with SKIP LOCKED, lease written and committed)
 * before sending, so no transaction stays open during network I/O and a crashed worker's rows
 * come back when the lease runs out. Failures retry with exponential backoff; after the last
 * attempt the row is `failed` and shows in the admin's delivery list.
 */
import { and, eq, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { rows, type Db } from '../db/client';
import { notifications, outbox } from '../db/schema';
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

export interface Mailer {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
}

export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS });
  return {
    async send(message) {
      await transport.sendMail({ from, ...message });
    },
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
}

export async function deliverOnce(db: Db, mailer: Mailer | null, now: Date, batchSize = 10): Promise<{ sent: number; failed: number; retried: number }> {
  const result = { sent: 0, failed: 0, retried: 0 };
  const lease = new Date(now.getTime() + LEASE_MS);
  const stillOurs = (id: number) => and(eq(outbox.id, id), eq(outbox.status, 'pending'), eq(outbox.leaseUntil, lease));
  const leased = await db.transaction(async (tx) => {
    const claimed = await rows<OutboxRow>(
      tx,
      sql`select id, channel, user_id, email, subject, body, ticket_id, kind, attempts from outbox
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
        if (!mailer) throw new Error('No SMTP server is configured (FUWUTAI_SMTP_URL)');
        await mailer.send({ to: row.email!, subject: row.subject, text: row.body });
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
