/**
 * Customer mail (issue 10, "Mail out"): the `customer-mail` event consumer that decides what the
 * customer is told by mail, each mailbox's sending identity, and what the delivery job needs to
 * send as that identity.
 *
 * What is mailed, to whom (decisions):
 * - Acknowledgement (ticket.created): email tickets → the reporter (the ticket's contact's address,
 *   else the From of the mail that made it), never for an auto-generated mail. Portal, phone, chat,
 *   fax, walk-in and on-site tickets → the ticket's contact when it has an address: the customer
 *   learns the number and that replying by mail reaches the ticket. API tickets (monitoring,
 *   integrations) → nobody: machines do not read acknowledgements.
 * - Public staff comments (ticket.commented, public, not by the customer's side, `notifyCustomer`
 *   not false) → the reporter and the customer's contacts that were on Cc of the latest inbound
 *   mail (only known contacts of the ticket's customer; never our own mailbox addresses). Internal
 *   notes and the customer's own words are never mailed back.
 * - ticket.assigned (to someone, not at creation — the acknowledgement covers that),
 *   status → pending_customer (we need your answer), status → resolved (confirm or reopen, with the
 *   portal link) → the reporter. Changes made by the customer's side are not mailed back to it.
 * - Every recipient is checked: an address marked failing (contacts.email_failing_at) is skipped;
 *   acknowledgements are capped per address and hour; nothing is sent when neither the mailbox has
 *   an identity nor the desk a global SMTP server. Every skip is a `customer_mails` row with why.
 *
 * Each mail gets our own Message-ID (threading.makeMessageId) at enqueue time, recorded in
 * mail_messages (direction out) in the same transaction as its outbox row, so a retry sends the
 * same id and a customer's reply to it finds the ticket. In-Reply-To is the ticket's latest
 * inbound message (else our latest mail), References its chain plus it. Idempotent per event and
 * recipient (unique customer_mails and outbox keys): running an event twice sends nothing twice.
 */
import path from 'node:path';
import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type { DomainEvent, DomainEventKind } from '../../../common/api/events';
import type { CustomerMail, MailSenderPut, MailSenderTestResult, MailSenderView } from '../../../common/api/mail-out';
import { MailSenderPut as MailSenderPutSchema } from '../../../common/api/mail-out';
import { isCustomerRole, TICKET_STATUS_LABELS, type Role } from '../../../common/domain';
import { rows, type Db } from '../../db/client';
import {
  attachments,
  contacts,
  customerMails,
  customers,
  emailKey,
  mailboxes,
  mailMessages,
  mailSenders,
  outbox,
  ticketEvents,
  tickets,
  users,
  type CustomerMailEvent,
  type MailLanguage,
  type MailSenderRow,
  type OutboxMailHeaders,
} from '../../db/schema';
import { makeMessageId, referencesFor, replySubject, ticketSubject } from '../../domain/mail/threading';
import { toSendMail, type Mailer, type OutgoingMail, type SenderTransports } from '../../jobs/delivery';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, notFound } from '../../platform/errors';
import { decryptSecret, encryptSecret } from '../../platform/secrets';
import type { Audit } from '../audit';
import type { EventConsumer } from '../events';
import { findVisibleTicket } from '../tickets/repository';
import { renderParts, type TemplateService, type TemplateValues } from './templates';

export const CUSTOMER_MAIL_CONSUMER = 'customer-mail';
export const DEFAULT_ACKS_PER_HOUR = 5;
const DESK_LANGUAGE: MailLanguage = 'zh-CN';
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };
const NO_ACK_CHANNELS = new Set(['api']);
const passwordContext = (mailboxId: string) => `mail-sender:${mailboxId}`;

export interface OutgoingConfig {
  publicUrl: string;
  /** FUWUTAI_SMTP_URL is set: the desk's default identity can send. */
  globalSmtp: boolean;
  /** FUWUTAI_MAIL_FROM: the default identity's From. */
  mailFrom: string;
  acksPerHour: number;
  /** Our X-Loop mark: the same one inbound classification recognises (the public URL's host name). */
  loopMark: string;
}

/** "Name <a@b>" or "a@b" → its address (lower case) and name. */
export function parseAddress(value: string): { address: string; name: string } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>]+)>\s*$/.exec(value);
  if (m) return { address: m[2]!.trim().toLowerCase(), name: (m[1] ?? '').trim() };
  return { address: value.trim().toLowerCase(), name: '' };
}

const formatFrom = (name: string, address: string) => (name ? { name, address } : address);
const norm = (a: string) => a.trim().toLowerCase();

/** Which customer mail an event is, or null (the notifications consumer asks too, not to mail the reporter twice). */
export function customerMailKind(event: DomainEvent): CustomerMailEvent | null {
  switch (event.kind) {
    case 'ticket.created':
      return 'ack';
    case 'ticket.commented':
      return event.payload.public && !event.payload.byCustomer ? 'comment' : null;
    case 'ticket.assigned':
      return event.payload.to ? 'assigned' : null;
    case 'ticket.status_changed':
      return event.payload.to === 'pending_customer' || event.payload.to === 'resolved' ? event.payload.to : null;
    default:
      return null;
  }
}

/** The address the customer mail of a ticket goes to first: its contact's, else the From of the mail that opened it. */
export async function reporterAddress(tx: Db, ticketId: string): Promise<string | null> {
  const [row] = await rows<{ address: string | null }>(
    tx,
    sql`select coalesce(${emailKey(sql`c.email`)},
              (select m.from_address from mail_messages m where m.ticket_id = t.id and m.direction = 'in' order by m.id limit 1)) as address
        from tickets t left join contacts c on c.id = t.contact_id where t.id = ${ticketId}`,
  );
  return row?.address ?? null;
}

const KINDS: DomainEventKind[] = ['ticket.created', 'ticket.commented', 'ticket.assigned', 'ticket.status_changed'];

export function createCustomerMailConsumer(deps: OutgoingConfig & { templates: TemplateService }): EventConsumer {
  const defaultFrom = parseAddress(deps.mailFrom);

  return {
    name: CUSTOMER_MAIL_CONSUMER,
    kinds: KINDS,
    async handle(tx, event) {
      const kind = customerMailKind(event);
      if (!kind) return;
      const ticketId = event.payload.ticketId;
      const [ticket] = await tx
        .select({
          id: tickets.id,
          number: tickets.number,
          title: tickets.title,
          status: tickets.status,
          severity: tickets.severity,
          channel: tickets.channel,
          contactId: tickets.contactId,
          customerId: tickets.customerId,
          assigneeId: tickets.assigneeId,
        })
        .from(tickets)
        .where(eq(tickets.id, ticketId));
      if (!ticket) return;

      // Who acted: the customer's side is not mailed what it did itself.
      let actorName: string | null = null;
      if (event.actorId) {
        const [actor] = await tx.select({ name: users.name, role: users.role }).from(users).where(eq(users.id, event.actorId));
        if (actor && isCustomerRole(actor.role as Role)) return;
        actorName = actor?.name ?? null;
      }

      let comment: { body: string; attachmentIds: string[] } | null = null;
      let statusNote: string | null = null;
      if (event.kind === 'ticket.created' && NO_ACK_CHANNELS.has(event.payload.channel)) return;
      if (event.kind === 'ticket.assigned') {
        // Assigned as it was created: the acknowledgement covers it.
        const [atCreation] = await rows<{ one: number }>(
          tx,
          sql`select 1 as one from domain_events c join domain_events a on a.txid = c.txid
              where a.id = ${event.id} and c.ticket_id = ${ticketId} and c.kind = 'ticket.created' limit 1`,
        );
        if (atCreation) return;
      }
      if (event.kind === 'ticket.commented') {
        const [row] = await tx
          .select({ body: ticketEvents.body, data: ticketEvents.data, public: ticketEvents.public })
          .from(ticketEvents)
          .where(and(eq(ticketEvents.id, event.payload.eventId), eq(ticketEvents.ticketId, ticketId)));
        if (!row?.public || !row.body) return;
        if (row.data.notifyCustomer === false) return;
        // Desk notes written as the system (bounces, refused attachments) are never public, but be sure.
        if (row.data.mail) return;
        const ids = Array.isArray(row.data.attachmentIds) ? row.data.attachmentIds.filter((x): x is string => typeof x === 'string') : [];
        comment = { body: row.body, attachmentIds: ids };
      }
      if (event.kind === 'ticket.status_changed') statusNote = event.payload.note;

      // The thread: every mail recorded on the ticket, newest first.
      const thread = await tx
        .select({
          messageId: mailMessages.messageId,
          direction: mailMessages.direction,
          references: mailMessages.references,
          mailboxId: mailMessages.mailboxId,
          fromAddress: mailMessages.fromAddress,
          ccAddresses: mailMessages.ccAddresses,
          subject: mailMessages.subject,
          classificationKind: mailMessages.classificationKind,
          outcome: mailMessages.outcome,
        })
        .from(mailMessages)
        .where(eq(mailMessages.ticketId, ticketId))
        .orderBy(desc(mailMessages.id))
        .limit(200);
      const inbound = thread.filter((m) => m.direction === 'in' && m.outcome !== 'ignored_auto' && m.outcome !== 'bounce_recorded' && m.outcome !== 'rejected');
      const first = inbound.at(-1) ?? null;
      const latestIn = inbound[0] ?? null;

      const recipients: string[] = [];
      const skips: { recipient: string; reason: string; detail: string | null }[] = [];
      const [contact] = ticket.contactId
        ? await tx.select({ email: contacts.email, name: contacts.name, language: contacts.language }).from(contacts).where(eq(contacts.id, ticket.contactId))
        : [];
      const reporter = contact?.email ? norm(contact.email) : ticket.channel === 'email' && first?.fromAddress ? first.fromAddress : null;
      if (!reporter) return; // nobody to write to: nothing to record
      if (kind === 'ack' && ticket.channel === 'email' && first && first.classificationKind !== 'normal') {
        skips.push({ recipient: reporter, reason: 'auto_mail', detail: first.classificationKind });
      } else {
        recipients.push(reporter);
      }
      if (kind === 'comment' && latestIn && latestIn.ccAddresses.length) {
        const cc = [...new Set(latestIn.ccAddresses.map(norm))].filter((a) => a !== reporter);
        if (cc.length) {
          const known = await tx
            .select({ email: emailKey(contacts.email) })
            .from(contacts)
            .where(and(eq(contacts.customerId, ticket.customerId), isNotNull(contacts.email), inArray(emailKey(contacts.email), cc)));
          const knownSet = new Set(known.map((k) => k.email));
          recipients.push(...cc.filter((a) => knownSet.has(a)));
        }
      }

      // Never our own mailboxes (a loop), never an address that bounced.
      const own = new Set((await tx.select({ address: mailboxes.address }).from(mailboxes)).map((m) => norm(m.address)));
      own.add(defaultFrom.address);
      const failing = recipients.length
        ? await tx
            .select({ email: emailKey(contacts.email), reason: contacts.emailFailingReason })
            .from(contacts)
            .where(and(isNotNull(contacts.emailFailingAt), inArray(emailKey(contacts.email), recipients)))
        : [];
      let sendTo: string[] = [];
      for (const r of recipients) {
        if (own.has(r)) continue;
        const bad = failing.find((f) => f.email === r);
        if (bad) skips.push({ recipient: r, reason: 'address_failing', detail: bad.reason });
        else sendTo.push(r);
      }

      // The acknowledgement cap, per address and hour.
      if (kind === 'ack' && sendTo.length) {
        const since = new Date(event.occurredAt.getTime() - 3600_000);
        const [{ n } = { n: 0 }] = await tx
          .select({ n: sql<number>`count(*)::int` })
          .from(customerMails)
          .where(and(eq(customerMails.recipient, sendTo[0]!), eq(customerMails.kind, 'ack'), eq(customerMails.status, 'queued'), sql`${customerMails.createdAt} > ${since.toISOString()}::timestamptz`, sql`${customerMails.eventId} <> ${event.id}`));
        if (n >= deps.acksPerHour) {
          skips.push({ recipient: sendTo[0]!, reason: 'ack_cap', detail: `${n} acknowledgements to this address in the last hour (limit ${deps.acksPerHour})` });
          sendTo = [];
        }
      }

      // The identity: the mailbox the customer wrote to, else the desk's default.
      const mailboxId = latestIn?.mailboxId ?? thread.find((m) => m.mailboxId)?.mailboxId ?? null;
      const [identity] = mailboxId ? await tx.select().from(mailSenders).where(eq(mailSenders.mailboxId, mailboxId)) : [];
      const [mailbox] = mailboxId ? await tx.select({ address: mailboxes.address, name: mailboxes.name }).from(mailboxes).where(eq(mailboxes.id, mailboxId)) : [];
      if (sendTo.length && !identity && !deps.globalSmtp) {
        for (const r of sendTo) skips.push({ recipient: r, reason: 'no_smtp', detail: 'neither the mailbox has a sending identity nor is FUWUTAI_SMTP_URL set' });
        sendTo = [];
      }

      const at = event.occurredAt;
      const record = async (rows: (typeof customerMails.$inferInsert)[]) => {
        if (rows.length) await tx.insert(customerMails).values(rows).onConflictDoNothing();
      };
      const skipRows = skips.map((s) => ({ eventId: event.id, ticketId, kind, recipient: s.recipient, status: 'skipped' as const, reason: s.reason, detail: s.detail?.slice(0, 500) ?? null, createdAt: at }));
      if (!sendTo.length) {
        await record(skipRows);
        return;
      }
      // Already queued for this event (a rerun): nothing more.
      const [done] = await tx
        .select({ id: customerMails.id })
        .from(customerMails)
        .where(and(eq(customerMails.eventId, event.id), eq(customerMails.recipient, sendTo[0]!)));
      if (done) return;

      const [customer] = await tx.select({ name: customers.name }).from(customers).where(eq(customers.id, ticket.customerId));
      const [assignee] = ticket.assigneeId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, ticket.assigneeId)) : [];
      const fromAddress = identity?.fromAddress ?? defaultFrom.address;
      const fromName = identity ? identity.fromName : defaultFrom.name;
      // The reporter's own language when set, else the mailbox's, else the desk's.
      const language = contact?.language ?? identity?.language ?? DESK_LANGUAGE;
      const threadSubject = first?.subject?.trim() || ticket.title;
      const values: TemplateValues = {
        'ticket.number': ticket.number,
        'ticket.title': ticket.title,
        'ticket.subject': threadSubject,
        'ticket.status': TICKET_STATUS_LABELS[ticket.status][language === 'en' ? 'en' : 'zh'],
        'ticket.severity': ticket.severity,
        'comment.body': comment?.body ?? '',
        'comment.author': actorName ?? '',
        'engineer.name': event.kind === 'ticket.assigned' ? (event.payload.to?.name ?? '') : (assignee?.name ?? ''),
        'contact.name': contact?.name ?? '',
        'customer.name': customer?.name ?? '',
        'status.note': statusNote ?? '',
        'portal.url': `${deps.publicUrl.replace(/\/+$/, '')}/tickets/${ticket.id}`,
        'desk.name': fromName || mailbox?.name || 'Fuwutai',
      };
      const rendered = renderParts(await deps.templates.effective(tx, kind, language), values);
      const subject = kind === 'ack' ? ticketSubject(ticket.number, rendered.subject) : replySubject(ticket.number, rendered.subject);

      const parent = latestIn ?? thread.find((m) => m.direction === 'out') ?? null;
      const messageId = makeMessageId(ticket.number, fromAddress.split('@')[1] || deps.loopMark);
      const headers: OutboxMailHeaders = {
        messageId,
        inReplyTo: parent?.messageId ?? null,
        references: parent ? referencesFor(parent.messageId, parent.references) : [],
        xLoop: deps.loopMark,
        replyTo: !identity && mailbox ? mailbox.address : null,
      };
      if (kind === 'ack') headers.autoSubmitted = 'auto-replied';
      else if (kind !== 'comment') headers.autoSubmitted = 'auto-generated';

      const [to, ...cc] = sendTo as [string, ...string[]];
      const [queued] = await tx
        .insert(outbox)
        .values({
          channel: 'email',
          email: to,
          cc,
          subject,
          body: rendered.text,
          html: rendered.html,
          mailboxId: identity ? identity.mailboxId : null,
          headers,
          attachmentIds: comment?.attachmentIds ?? [],
          ticketId,
          eventId: event.id,
          kind: `mail.${kind}`,
          nextAttemptAt: at,
          createdAt: at,
        })
        .onConflictDoNothing()
        .returning({ id: outbox.id });
      if (!queued) return; // the same event already queued a mail to this address
      await tx.insert(mailMessages).values({
        mailboxId,
        direction: 'out',
        messageId,
        inReplyTo: headers.inReplyTo,
        references: headers.references,
        ticketId,
        eventId: event.kind === 'ticket.commented' ? event.payload.eventId : null,
        contactId: ticket.contactId,
        fromAddress,
        fromName: fromName || null,
        toAddresses: [to],
        ccAddresses: cc,
        subject,
        outcome: 'sent',
        outcomeDetail: `queued as outbox ${queued.id}`,
        createdAt: at,
      });
      await record([
        ...sendTo.map((r) => ({ eventId: event.id, ticketId, kind, recipient: r, status: 'queued' as const, outboxId: queued.id, messageId, createdAt: at })),
        ...skipRows,
      ]);
    },
  };
}

/** nodemailer transport options for an identity (password opened only here, at send time). */
function transportFor(row: MailSenderRow, secret: string | undefined) {
  const password = row.passwordEnc ? decryptSecret(secret, row.passwordEnc, passwordContext(row.mailboxId)) : null;
  return nodemailer.createTransport({
    host: row.smtpHost,
    port: row.smtpPort,
    secure: row.smtpSecurity === 'tls',
    requireTLS: row.smtpSecurity === 'starttls',
    ignoreTLS: row.smtpSecurity === 'none',
    auth: row.smtpUser ? { user: row.smtpUser, pass: password ?? '' } : undefined,
    ...SMTP_TIMEOUTS,
  });
}

function mailerFor(row: MailSenderRow, secret: string | undefined): Mailer {
  return {
    async send(message: OutgoingMail) {
      const transport = transportFor(row, secret);
      try {
        await transport.sendMail(toSendMail(message, formatFrom(row.fromName, row.fromAddress)));
      } finally {
        transport.close();
      }
    },
  };
}

/** What the delivery job needs for customer mail: identities (password decrypted at send time) and attachment files. */
export function createSenderTransports(deps: { db: Db; secret: string | undefined; filesDir: string }): SenderTransports {
  return {
    async forMailbox(mailboxId) {
      const [row] = await deps.db.select().from(mailSenders).where(eq(mailSenders.mailboxId, mailboxId));
      return row ? mailerFor(row, deps.secret) : null;
    },
    async attachments(ticketId, ids) {
      if (!ids.length) return [];
      const rows = await deps.db
        .select({ id: attachments.id, filename: attachments.filename, contentType: attachments.contentType, storageKey: attachments.storageKey })
        .from(attachments)
        .where(and(inArray(attachments.id, ids), ticketId ? eq(attachments.ticketId, ticketId) : sql`false`, eq(attachments.public, true)));
      return rows.map((r) => ({ filename: r.filename, contentType: r.contentType, path: path.join(deps.filesDir, r.storageKey) }));
    },
  };
}

/** SMTP failures in words a person can act on (the same keys as the IMAP connection test). */
export function smtpErrorKey(error: unknown): { key: string; detail: string } {
  const e = error as { code?: string; responseCode?: number; message?: string; command?: string };
  const message = e?.message ?? String(error);
  const code = e?.code ?? '';
  if (code === 'EAUTH' || e?.responseCode === 535 || e?.responseCode === 534) return { key: 'mail.auth_failed', detail: message };
  if (code === 'ETLS' || /certificate|self[- ]signed|ssl|tls|wrong version number|STARTTLS/i.test(message)) return { key: 'mail.tls_failed', detail: message };
  if (code === 'ETIMEDOUT' || /timeout|timed out/i.test(message)) return { key: 'mail.timeout', detail: message };
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EDNS'].includes(code) || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(message)) {
    return { key: 'mail.host_unreachable', detail: message };
  }
  return { key: 'mail.connection_failed', detail: message };
}

const toSender = (row: MailSenderRow) => ({
  mailboxId: row.mailboxId,
  fromAddress: row.fromAddress,
  fromName: row.fromName,
  smtpHost: row.smtpHost,
  smtpPort: row.smtpPort,
  smtpSecurity: row.smtpSecurity,
  smtpUser: row.smtpUser,
  passwordSet: row.passwordEnc !== null,
  language: row.language,
  updatedAt: row.updatedAt.toISOString(),
});

/** The row without its secret, for the audit log. */
const audited = (row: MailSenderRow) => {
  const { passwordEnc, ...rest } = row;
  return { ...rest, passwordSet: passwordEnc !== null };
};

/** Sending identities (admin) and the customer mail a ticket got (staff). */
export function createOutgoingService(deps: { db: Db; clock: Clock; audit: Audit; secret: string | undefined; globalSmtp: boolean; mailFrom: string; loopMark: string }) {
  const { db, clock, audit } = deps;

  async function mailboxExists(tx: Db, id: string) {
    const [row] = await tx.select({ id: mailboxes.id }).from(mailboxes).where(eq(mailboxes.id, id));
    if (!row) throw notFound('mail.mailbox_not_found', 'Mailbox');
  }

  return {
    async getSender(mailboxId: string): Promise<MailSenderView> {
      await mailboxExists(db, mailboxId);
      const [row] = await db.select().from(mailSenders).where(eq(mailSenders.mailboxId, mailboxId));
      return { sender: row ? toSender(row) : null, defaultIdentity: { configured: deps.globalSmtp, from: deps.mailFrom } };
    },

    async putSender(actor: Actor, mailboxId: string, raw: MailSenderPut): Promise<MailSenderView> {
      const input = MailSenderPutSchema.parse(raw);
      const now = clock.now();
      // Encrypt before the transaction: refused without FUWUTAI_SECRET, nothing written.
      const passwordEnc = input.password ? encryptSecret(deps.secret, input.password, passwordContext(mailboxId)) : input.password;
      await db.transaction(async (tx) => {
        await mailboxExists(tx, mailboxId);
        const [before] = await tx.select().from(mailSenders).where(eq(mailSenders.mailboxId, mailboxId)).for('update');
        const values = {
          fromAddress: input.fromAddress,
          fromName: input.fromName,
          smtpHost: input.smtpHost,
          smtpPort: input.smtpPort,
          smtpSecurity: input.smtpSecurity,
          smtpUser: input.smtpUser,
          language: input.language,
          // undefined keeps the stored password, null removes it.
          passwordEnc: passwordEnc === undefined ? (before?.passwordEnc ?? null) : passwordEnc,
          updatedById: actor.id,
          updatedAt: now,
        };
        const [after] = await tx
          .insert(mailSenders)
          .values({ mailboxId, ...values, createdAt: now })
          .onConflictDoUpdate({ target: mailSenders.mailboxId, set: values })
          .returning();
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'mailbox', mailboxId, 'sender_updated', before ? audited(before) : null, audited(after!));
      });
      return this.getSender(mailboxId);
    },

    async removeSender(actor: Actor, mailboxId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await mailboxExists(tx, mailboxId);
        const [removed] = await tx.delete(mailSenders).where(eq(mailSenders.mailboxId, mailboxId)).returning();
        if (removed) await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'mailbox', mailboxId, 'sender_removed', audited(removed), null);
      });
    },

    /** Sends a short test mail as the mailbox's saved identity; failures answered in words, never thrown. */
    async testSender(mailboxId: string, to: string): Promise<MailSenderTestResult> {
      await mailboxExists(db, mailboxId);
      const [row] = await db.select().from(mailSenders).where(eq(mailSenders.mailboxId, mailboxId));
      if (!row) throw new AppError('mail.sender_not_set', 'This mailbox has no sending identity yet; save one first');
      try {
        await mailerFor(row, deps.secret).send({
          to,
          subject: 'Fuwutai 发信测试 / test mail',
          text: `这是一封测试邮件：邮箱 ${row.fromAddress} 的发信设置可以使用。\nThis is a test mail: the sending settings of ${row.fromAddress} work.`,
          headers: { messageId: makeMessageId(null, row.fromAddress.split('@')[1] || deps.loopMark), inReplyTo: null, references: [], xLoop: deps.loopMark, autoSubmitted: 'auto-generated' },
        });
        return { ok: true, key: null, detail: null };
      } catch (error) {
        if (error instanceof AppError) throw error; // secrets.undecryptable: the admin must enter the password again
        const { key, detail } = smtpErrorKey(error);
        return { ok: false, key, detail: detail.slice(0, 500) };
      }
    },

    /** The customer mail of a ticket the actor may see: queued (with its delivery) and skipped. */
    async ticketMails(actor: Actor, ticketId: string): Promise<CustomerMail[]> {
      if (!(await findVisibleTicket(db, actor, ticketId))) throw notFound('ticket.not_found', 'Ticket');
      const rows = await db
        .select({
          mail: customerMails,
          delivery: { id: outbox.id, status: outbox.status, attempts: outbox.attempts, lastError: outbox.lastError },
        })
        .from(customerMails)
        .leftJoin(outbox, eq(outbox.id, customerMails.outboxId))
        .where(eq(customerMails.ticketId, ticketId))
        .orderBy(customerMails.id);
      return rows.map(({ mail, delivery }) => ({
        id: mail.id,
        kind: mail.kind,
        recipient: mail.recipient,
        status: mail.status,
        reason: mail.reason,
        detail: mail.detail,
        messageId: mail.messageId,
        delivery: delivery?.id ? { id: delivery.id, status: delivery.status, attempts: delivery.attempts, lastError: delivery.lastError } : null,
        createdAt: mail.createdAt.toISOString(),
      }));
    },
  };
}

export type OutgoingService = ReturnType<typeof createOutgoingService>;
