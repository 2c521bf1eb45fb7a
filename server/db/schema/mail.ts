/**
 * The email channel (issue 10): the mailboxes we read, every message received or sent, and the
 * quarantine of messages that could not become anything.
 *
 * Message-ID uniqueness: one row per (message_id, direction). Inbound dedupe is "this Message-ID
 * was already received", whatever mailbox it came through (a customer writing To one desk address
 * and Cc another gets one ticket). Outbound ids are ours (generated, unique by construction); one of
 * them may come back to us (a loop, a Bcc to ourselves) and is then recorded as inbound under the same
 * id, which a unique index on message_id alone would refuse. Threading looks a reference up in both
 * directions through the same index (message_id first).
 */
import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { Category, Severity, TicketType } from '../../../common/domain';
import { createdAt, id, instant } from './columns';
import { contacts, serviceCenters, users } from './organisation';
import { tickets } from './tickets';

export const mailboxes = pgTable(
  'mailboxes',
  {
    id: id(),
    name: text('name').notNull(),
    /** The desk address customers write to (normalised: lower case). */
    address: text('address').notNull(),
    imapHost: text('imap_host').notNull(),
    imapPort: integer('imap_port').notNull(),
    /** 'tls' (implicit, 993) or 'starttls' (143). */
    imapSecurity: text('imap_security').$type<'tls' | 'starttls'>().notNull(),
    imapUser: text('imap_user').notNull(),
    /** false accepts a certificate that does not verify (a self-signed server on the LAN): the admin's explicit choice. */
    tlsVerify: boolean('tls_verify').notNull().default(true),
    /** platform/secrets.ts format (FUWUTAI_SECRET); never leaves the server. */
    passwordEnc: text('password_enc'),
    folder: text('folder').notNull().default('INBOX'),
    /** After the ticket is committed: flag \Seen, or move to `processedFolder`. */
    processedAction: text('processed_action').$type<'seen' | 'move'>().notNull().default('seen'),
    processedFolder: text('processed_folder'),
    pollIntervalSeconds: integer('poll_interval_seconds').notNull().default(60),
    useIdle: boolean('use_idle').notNull().default(true),
    centerId: uuid('center_id').references(() => serviceCenters.id),
    defaultSeverity: text('default_severity').$type<Severity>().notNull().default('P3'),
    defaultType: text('default_type').$type<TicketType>().notNull().default('fault'),
    defaultCategory: text('default_category').$type<Category>().notNull().default('other'),
    unknownSenderRule: text('unknown_sender_rule').$type<'domain_contact' | 'unassigned' | 'reject'>().notNull().default('unassigned'),
    enabled: boolean('enabled').notNull().default(true),
    uidValidity: text('uid_validity'),
    lastUid: integer('last_uid').notNull().default(0),
    lastPolledAt: instant('last_polled_at'),
    lastErrorKey: text('last_error_key'),
    lastErrorDetail: text('last_error_detail'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('mailboxes_address_key').on(sql`lower(${t.address})`),
    check('mailboxes_poll_interval_check', sql`${t.pollIntervalSeconds} >= 30`),
    check('mailboxes_security_check', sql`${t.imapSecurity} in ('tls','starttls')`),
    check('mailboxes_processed_check', sql`${t.processedAction} in ('seen','move')`),
    check('mailboxes_unknown_rule_check', sql`${t.unknownSenderRule} in ('domain_contact','unassigned','reject')`),
  ],
);

export type MailOutcome =
  | 'ticket_created'
  | 'comment_added'
  | 'reopened'
  | 'new_linked_ticket'
  | 'rejected'
  | 'ignored_auto'
  | 'bounce_recorded'
  | 'quarantined'
  | 'sent';

export const mailMessages = pgTable(
  'mail_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    mailboxId: uuid('mailbox_id').references(() => mailboxes.id, { onDelete: 'set null' }),
    direction: text('direction').$type<'in' | 'out'>().notNull(),
    /** Without angle brackets. */
    messageId: text('message_id').notNull(),
    messageIdSynthetic: boolean('message_id_synthetic').notNull().default(false),
    inReplyTo: text('in_reply_to'),
    references: text('references').array().notNull().default(sql`'{}'::text[]`),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    /** The timeline event it became (comment, note), when any. */
    eventId: integer('event_id'),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    /** Normalised (lower case). */
    fromAddress: text('from_address'),
    fromName: text('from_name'),
    toAddresses: text('to_addresses').array().notNull().default(sql`'{}'::text[]`),
    ccAddresses: text('cc_addresses').array().notNull().default(sql`'{}'::text[]`),
    subject: text('subject').notNull().default(''),
    classificationKind: text('classification_kind').notNull().default('normal'),
    classificationReason: text('classification_reason'),
    outcome: text('outcome').$type<MailOutcome>().notNull(),
    /** Why, in words for staff (foreign sender, closed ticket …), when the outcome needs one. */
    outcomeDetail: text('outcome_detail'),
    /** SHA-256 of the text as written. */
    bodyHash: text('body_hash'),
    /** The original .eml, kept as a ticket attachment. */
    rawAttachmentId: uuid('raw_attachment_id'),
    size: integer('size').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    // Inbound dedupe and threading lookups (message_id first serves both).
    uniqueIndex('mail_messages_message_id_key').on(t.messageId, t.direction),
    index('mail_messages_ticket_idx').on(t.ticketId),
    // The acknowledgement cap (per sender per hour) and the rejection replies' cap read this.
    index('mail_messages_from_idx').on(t.fromAddress, t.createdAt),
    check('mail_messages_direction_check', sql`${t.direction} in ('in','out')`),
  ],
);

export const mailQuarantine = pgTable(
  'mail_quarantine',
  {
    id: id(),
    mailboxId: uuid('mailbox_id').references(() => mailboxes.id, { onDelete: 'set null' }),
    /** The IMAP UID it was fetched under, when it came from IMAP. */
    uid: integer('uid'),
    reason: text('reason').$type<'too_large' | 'unparseable' | 'no_sender' | 'ingest_failed'>().notNull(),
    detail: text('detail').notNull(),
    /** Relative to the data folder. */
    rawPath: text('raw_path').notNull(),
    size: integer('size').notNull(),
    /** What could be read of it, for the admin list. */
    subject: text('subject'),
    fromAddress: text('from_address'),
    state: text('state').$type<'held' | 'retried' | 'converted' | 'dismissed'>().notNull().default('held'),
    /** The ticket a retry or a conversion made or reached. */
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    resolvedById: uuid('resolved_by_id').references(() => users.id),
    resolvedAt: instant('resolved_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('mail_quarantine_state_idx').on(t.state, t.createdAt),
    check('mail_quarantine_state_check', sql`${t.state} in ('held','retried','converted','dismissed')`),
  ],
);

export type MailboxRow = typeof mailboxes.$inferSelect;
export type MailMessageRow = typeof mailMessages.$inferSelect;
export type MailQuarantineRow = typeof mailQuarantine.$inferSelect;
