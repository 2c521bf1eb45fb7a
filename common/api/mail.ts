/**
 * The email channel's admin API (issue 10): mailboxes (IMAP in), the connection test, and the
 * quarantine of messages that could not become anything. A mailbox's password is write-only: the
 * API says whether one is set, never what it is.
 */
import { z } from 'zod';
import { CATEGORIES, SEVERITIES, TICKET_TYPES } from '../domain';
import { Id, Instant, patchOf, trimmed } from './shared';

export const UNKNOWN_SENDER_RULES = ['domain_contact', 'unassigned', 'reject'] as const;
export type UnknownSenderRule = (typeof UNKNOWN_SENDER_RULES)[number];
export const IMAP_SECURITY = ['tls', 'starttls'] as const;
export const PROCESSED_ACTIONS = ['seen', 'move'] as const;
export const MIN_POLL_SECONDS = 30;

/** A mail server: host name or IP address (IMAP here, SMTP in mail-out.ts). */
export const Host = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(253)
  .regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or an IP address');
const Folder = z.string().trim().min(1, 'must not be empty').max(200);

/** The connection settings alone: what the test button sends for settings not saved yet. */
export const MailboxConnection = z.object({
  imapHost: Host,
  imapPort: z.number().int().min(1).max(65535),
  imapSecurity: z.enum(IMAP_SECURITY),
  imapUser: trimmed(200),
  /** false: accept a certificate that does not verify (self-signed LAN servers). */
  tlsVerify: z.boolean().default(true),
  /** Write-only. */
  password: z.string().min(1).max(500),
  folder: Folder.default('INBOX'),
});
export type MailboxConnection = z.input<typeof MailboxConnection>;

export const MailboxCreate = z.object({
  name: trimmed(100),
  /** The desk address customers write to. */
  address: z.email('must be an email address').max(200).transform((a) => a.toLowerCase()),
  imapHost: Host,
  imapPort: z.number().int().min(1).max(65535),
  imapSecurity: z.enum(IMAP_SECURITY),
  imapUser: trimmed(200),
  /** false: accept a certificate that does not verify (self-signed LAN servers), the admin's explicit choice. */
  tlsVerify: z.boolean().default(true),
  /** Write-only: stored encrypted (FUWUTAI_SECRET), never returned. */
  password: z.string().min(1).max(500).optional(),
  folder: Folder.default('INBOX'),
  processedAction: z.enum(PROCESSED_ACTIONS).default('seen'),
  processedFolder: Folder.nullish(),
  pollIntervalSeconds: z.number().int().min(MIN_POLL_SECONDS).max(86_400).default(60),
  useIdle: z.boolean().default(true),
  centerId: Id.nullish(),
  defaultSeverity: z.enum(SEVERITIES).default('P3'),
  defaultType: z.enum(TICKET_TYPES).default('fault'),
  defaultCategory: z.enum(CATEGORIES).default('other'),
  unknownSenderRule: z.enum(UNKNOWN_SENDER_RULES).default('unassigned'),
  enabled: z.boolean().default(true),
});
export type MailboxCreate = z.input<typeof MailboxCreate>;

/** What a PATCH omits is kept; `password: null` removes the stored password. */
export const MailboxUpdate = patchOf(MailboxCreate.extend({ password: z.string().min(1).max(500).nullable() }));
export type MailboxUpdate = z.infer<typeof MailboxUpdate>;

export const Mailbox = z.object({
  id: Id,
  name: z.string(),
  address: z.string(),
  imapHost: z.string(),
  imapPort: z.number().int(),
  imapSecurity: z.enum(IMAP_SECURITY),
  imapUser: z.string(),
  tlsVerify: z.boolean(),
  /** Whether a password is stored; the password itself never leaves the server. */
  passwordSet: z.boolean(),
  folder: z.string(),
  processedAction: z.enum(PROCESSED_ACTIONS),
  processedFolder: z.string().nullable(),
  pollIntervalSeconds: z.number().int(),
  useIdle: z.boolean(),
  centerId: Id.nullable(),
  defaultSeverity: z.enum(SEVERITIES),
  defaultType: z.enum(TICKET_TYPES),
  defaultCategory: z.enum(CATEGORIES),
  unknownSenderRule: z.enum(UNKNOWN_SENDER_RULES),
  enabled: z.boolean(),
  lastUid: z.number().int(),
  lastPolledAt: Instant.nullable(),
  lastError: z.object({ key: z.string(), detail: z.string().nullable() }).nullable(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Mailbox = z.infer<typeof Mailbox>;

/** The answer of a connection test, in words the web translates from `key`. */
export const MailboxTestResult = z.object({
  ok: z.boolean(),
  /** An error key (mail.auth_failed, mail.tls_failed, mail.host_unreachable …) or null when ok. */
  key: z.string().nullable(),
  detail: z.string().nullable(),
  /** The server offers IMAP IDLE. */
  idle: z.boolean(),
  folders: z.array(z.string()),
});
export type MailboxTestResult = z.infer<typeof MailboxTestResult>;

export const QUARANTINE_STATES = ['held', 'retried', 'converted', 'dismissed'] as const;
export const QUARANTINE_REASONS = ['too_large', 'unparseable', 'no_sender', 'ingest_failed'] as const;

export const QuarantinedMail = z.object({
  id: Id,
  mailboxId: Id.nullable(),
  uid: z.number().int().nullable(),
  reason: z.enum(QUARANTINE_REASONS),
  detail: z.string(),
  size: z.number().int(),
  subject: z.string().nullable(),
  fromAddress: z.string().nullable(),
  state: z.enum(QUARANTINE_STATES),
  ticketId: Id.nullable(),
  resolvedBy: z.object({ id: Id, name: z.string() }).nullable(),
  resolvedAt: Instant.nullable(),
  createdAt: Instant,
});
export type QuarantinedMail = z.infer<typeof QuarantinedMail>;

export const QuarantineListQuery = z.object({
  /** Default: the held ones. */
  state: z.enum([...QUARANTINE_STATES, 'all']).default('held'),
});
export type QuarantineListQuery = z.input<typeof QuarantineListQuery>;

/** A retry's or a conversion's answer: what became of the message. */
export const QuarantineResolution = z.object({
  item: QuarantinedMail,
  /** For a retry: the ingest outcome (ticket_created, comment_added, duplicate …), or still quarantined. */
  outcome: z.string(),
  ticketId: Id.nullable(),
});
export type QuarantineResolution = z.infer<typeof QuarantineResolution>;

/** Turning a quarantined message into a ticket by hand: the customer chosen, else the sender's contact's, else unassigned. */
export const QuarantineConvert = z.object({
  customerId: Id.optional(),
  title: z.string().trim().max(200).optional(),
});
export type QuarantineConvert = z.infer<typeof QuarantineConvert>;
