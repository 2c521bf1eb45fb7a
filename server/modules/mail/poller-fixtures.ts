/** Test and benchmark helpers for the poller: a mailbox row pointing at a test Dovecot user, and real-shaped messages. */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { mailboxes, type MailboxRow } from '../../db/schema';
import { encryptSecret } from '../../platform/secrets';
import { mailboxPasswordContext } from './mailboxes';

/** A mailbox row for a Dovecot test user (STARTTLS on the plain port, its self-signed certificate accepted). */
export async function mailboxForImapUser(
  db: Db,
  secret: string | undefined,
  imap: { host: string; port: number },
  user: { user: string; password: string },
  fields: Partial<typeof mailboxes.$inferInsert> = {},
): Promise<MailboxRow> {
  const [row] = await db
    .insert(mailboxes)
    .values({
      name: `Support ${user.user}`,
      address: `${user.user}@desk.example`,
      imapHost: imap.host,
      imapPort: imap.port,
      imapSecurity: 'starttls',
      tlsVerify: false,
      imapUser: user.user,
      ...fields,
    })
    .returning();
  const passwordEnc = encryptSecret(secret, user.password, mailboxPasswordContext(row!.id));
  const [updated] = await db.update(mailboxes).set({ passwordEnc }).where(eq(mailboxes.id, row!.id)).returning();
  return updated!;
}

let seq = 0;
/** A plain customer mail (UTF-8), optionally answering earlier ids. */
export function customerMail(fields: { from: string; subject: string; body?: string; messageId?: string; inReplyTo?: string; to?: string }): { raw: string; messageId: string } {
  const messageId = fields.messageId ?? `poll-${process.pid}-${Date.now()}-${++seq}@customer.example`;
  const raw = [
    `From: 客户 <${fields.from}>`,
    `To: ${fields.to ?? 'support@desk.example'}`,
    `Subject: =?UTF-8?B?${Buffer.from(fields.subject).toString('base64')}?=`,
    `Message-ID: <${messageId}>`,
    ...(fields.inReplyTo ? [`In-Reply-To: <${fields.inReplyTo}>`, `References: <${fields.inReplyTo}>`] : []),
    'Date: Mon, 07 Dec 2026 10:00:00 +0800',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    fields.body ?? '设备报警，请尽快处理。',
    '',
  ].join('\r\n');
  return { raw, messageId };
}
