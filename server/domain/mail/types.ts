/**
 * The email channel's shared shapes (issue 10). A raw RFC 5322 message is parsed once
 * (modules/mail/parse.ts) into a `ParsedMail`; the pure rules in this folder classify and thread
 * it; the ingest service (modules/mail/ingest.ts) turns it into a ticket, a comment, a bounce mark
 * or a quarantine row. The IMAP side (modules/mail/imap.ts) hands raw messages with their UID.
 */

/** One address as written in a header: the address normalised (lower case, trimmed), the display name as given. */
export interface MailAddress {
  address: string;
  name: string;
}

/** Why a message must not open or reopen a ticket, nor get an acknowledgement. */
export type MailKind =
  /** A person wrote it: it may open a ticket, comment, reopen, get an acknowledgement. */
  | 'normal'
  /** Auto-Submitted, X-Auto-Response-Suppress, out-of-office subjects: no ticket, no acknowledgement. */
  | 'auto_reply'
  /** Precedence bulk/junk/list, List-Id, List-Unsubscribe: no ticket, no acknowledgement. */
  | 'bulk'
  /** multipart/report delivery status notifications, mailer-daemon: marks the failing address. */
  | 'bounce'
  /** Our own mail coming back (X-Loop with our mark, From one of our own mailbox addresses). */
  | 'own_loop';

export interface MailClassification {
  kind: MailKind;
  /** Which header or rule decided it, in words for staff ("Auto-Submitted: auto-replied"). */
  reason: string | null;
}

/** What a delivery status notification says about the mail we sent. */
export interface BounceReport {
  /** The recipients that failed, normalised. */
  failedRecipients: string[];
  /** The DSN status (5.1.1) and diagnostic text when present. */
  status: string | null;
  diagnostic: string | null;
  /** The Message-ID of our original mail, when the report quotes it: finds the ticket it answers. */
  originalMessageId: string | null;
  /** true for 5.x.x (permanent), false for 4.x.x (delayed). */
  permanent: boolean;
}

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  size: number;
  /** Content-ID without angle brackets, for inline `cid:` images. */
  contentId: string | null;
  inline: boolean;
}

export interface ParsedMail {
  /** Message-ID without angle brackets; when the message has none, `sha256-<hex>@fuwutai.invalid` of the raw bytes. */
  messageId: string;
  /** true when messageId was made from the body hash. */
  messageIdSynthetic: boolean;
  inReplyTo: string | null;
  /** References in order, without angle brackets. */
  references: string[];
  subject: string;
  from: MailAddress | null;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  date: Date | null;
  /** The whole text as the sender wrote it: text/plain when present, else text made from the HTML. */
  text: string;
  /** The text for the timeline: quoted history and signature removed. Never empty when `text` is not. */
  body: string;
  /** Sanitised HTML (no scripts, handlers, forms; remote images blocked; cid: images kept), or null. */
  html: string | null;
  attachments: MailAttachment[];
  classification: MailClassification;
  /** Present when classification.kind is 'bounce'. */
  bounce: BounceReport | null;
  /** The raw message size in bytes. */
  size: number;
}

/** A message that could not become anything, with the reason staff see. */
export interface MailQuarantine {
  reason: 'too_large' | 'unparseable' | 'no_sender';
  detail: string;
}

export type ParseOutcome = { ok: true; mail: ParsedMail } | { ok: false; quarantine: MailQuarantine };
