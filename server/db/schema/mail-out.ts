/**
 * The outgoing half of the email channel (issue 10): how each mailbox sends (its identity and SMTP
 * account), the admins' template overrides, and a record of every customer mail decided — queued
 * into the outbox, or skipped with the reason (failing address, acknowledgement cap, no address).
 *
 * Kept apart from schema/mail.ts so the mailboxes table (the inbound side) needs no change: a
 * mailbox without a `mail_senders` row answers through the desk's global SMTP configuration.
 */
import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, instant } from './columns';
import { mailboxes } from './mail';
import { users } from './organisation';
import { tickets } from './tickets';

export type SmtpSecurity = 'tls' | 'starttls' | 'none';
export type MailLanguage = 'zh-CN' | 'en';
export type CustomerMailEvent = 'ack' | 'comment' | 'assigned' | 'pending_customer' | 'resolved';

/** One sending identity per mailbox: replies come from the address the customer wrote to. */
export const mailSenders = pgTable(
  'mail_senders',
  {
    mailboxId: uuid('mailbox_id')
      .primaryKey()
      .references(() => mailboxes.id, { onDelete: 'cascade' }),
    /** Normalised (lower case). */
    fromAddress: text('from_address').notNull(),
    fromName: text('from_name').notNull().default(''),
    smtpHost: text('smtp_host').notNull(),
    smtpPort: integer('smtp_port').notNull(),
    /** 'tls' (implicit, 465), 'starttls' (587, required), 'none' (plain; only for relays on a trusted network). */
    smtpSecurity: text('smtp_security').$type<SmtpSecurity>().notNull(),
    smtpUser: text('smtp_user'),
    /** platform/secrets.ts format, `mail-sender:<mailbox id>` as associated data; never leaves the server. */
    passwordEnc: text('password_enc'),
    /** The language of this mailbox's customer mail when the ticket's contact has none (contacts.language). */
    language: text('language').$type<MailLanguage>().notNull().default('zh-CN'),
    updatedById: uuid('updated_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('mail_senders_security_check', sql`${t.smtpSecurity} in ('tls','starttls','none')`),
    check('mail_senders_port_check', sql`${t.smtpPort} between 1 and 65535`),
    check('mail_senders_language_check', sql`${t.language} in ('zh-CN','en')`),
  ],
);

/** An admin's version of a shipped template (modules/mail/templates.ts); deleting it restores the default. */
export const mailTemplates = pgTable(
  'mail_templates',
  {
    event: text('event').$type<CustomerMailEvent>().notNull(),
    language: text('language').$type<MailLanguage>().notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    updatedById: uuid('updated_by_id').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.event, t.language] }),
    check('mail_templates_event_check', sql`${t.event} in ('ack','comment','assigned','pending_customer','resolved')`),
    check('mail_templates_language_check', sql`${t.language} in ('zh-CN','en')`),
  ],
);

/**
 * Each customer mail the `customer-mail` consumer decided on, one row per (domain event, recipient):
 * 'queued' (an outbox row carries it; its Message-ID is in mail_messages) or 'skipped' with why.
 * The acknowledgement cap counts the queued acknowledgements per address and hour here.
 */
export const customerMails = pgTable(
  'customer_mails',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<CustomerMailEvent>().notNull(),
    /** Normalised (lower case). */
    recipient: text('recipient').notNull(),
    status: text('status').$type<'queued' | 'skipped'>().notNull(),
    /** Why it was skipped: address_failing, ack_cap, no_smtp … */
    reason: text('reason'),
    detail: text('detail'),
    outboxId: bigint('outbox_id', { mode: 'number' }),
    messageId: text('message_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('customer_mails_event_recipient_key').on(t.eventId, t.recipient),
    index('customer_mails_ticket_idx').on(t.ticketId, t.id),
    index('customer_mails_cap_idx').on(t.recipient, t.kind, t.createdAt),
    check('customer_mails_status_check', sql`${t.status} in ('queued','skipped')`),
  ],
);

export type MailSenderRow = typeof mailSenders.$inferSelect;
export type MailTemplateRow = typeof mailTemplates.$inferSelect;
export type CustomerMailRow = typeof customerMails.$inferSelect;
