/**
 * The outgoing half of the email channel (issue 10): each mailbox's sending identity (From and
 * SMTP account; the password is write-only), the customer mail templates with their preview, and
 * what was mailed to the customer about a ticket (or skipped, and why).
 */
import { z } from 'zod';
import { Host } from './mail';
import { Id, Instant } from './shared';

export const MAIL_LANGUAGES = ['zh-CN', 'en'] as const;
export type MailLanguage = (typeof MAIL_LANGUAGES)[number];
export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;
/** The customer mails there are templates for. */
export const MAIL_TEMPLATE_EVENTS = ['ack', 'comment', 'assigned', 'pending_customer', 'resolved'] as const;
export type MailTemplateEvent = (typeof MAIL_TEMPLATE_EVENTS)[number];
/** Every name a template may use as {{name}}. */
export const MAIL_PLACEHOLDERS = [
  'ticket.number',
  'ticket.title',
  /** The thread's subject: the customer's first mail's subject, else the ticket title. */
  'ticket.subject',
  'ticket.status',
  'ticket.severity',
  'comment.body',
  'comment.author',
  'engineer.name',
  'contact.name',
  'customer.name',
  /** The note staff wrote with a status change (pending_customer, resolved). */
  'status.note',
  'portal.url',
  'desk.name',
] as const;


export const MailSender = z.object({
  mailboxId: Id,
  fromAddress: z.string(),
  fromName: z.string(),
  smtpHost: z.string(),
  smtpPort: z.number().int(),
  smtpSecurity: z.enum(SMTP_SECURITY),
  smtpUser: z.string().nullable(),
  /** Whether a password is stored; the password itself never leaves the server. */
  passwordSet: z.boolean(),
  language: z.enum(MAIL_LANGUAGES),
  updatedAt: Instant,
});
export type MailSender = z.infer<typeof MailSender>;

export const MailSenderView = z.object({
  /** null: this mailbox has no identity of its own; mail about its tickets goes out as the desk's default. */
  sender: MailSender.nullable(),
  /** The desk's default identity (FUWUTAI_SMTP_URL, FUWUTAI_MAIL_FROM). */
  defaultIdentity: z.object({ configured: z.boolean(), from: z.string() }),
});
export type MailSenderView = z.infer<typeof MailSenderView>;

export const MailSenderPut = z.object({
  fromAddress: z.email('must be an email address').max(200).transform((a) => a.trim().toLowerCase()),
  fromName: z.string().trim().max(100).default(''),
  smtpHost: Host,
  smtpPort: z.number().int().min(1).max(65535),
  smtpSecurity: z.enum(SMTP_SECURITY),
  smtpUser: z.string().trim().max(200).nullish().transform((v) => v || null),
  /** Write-only. Omitted: keep the stored one; null: remove it (a relay without login). */
  password: z.string().min(1).max(500).nullable().optional(),
  language: z.enum(MAIL_LANGUAGES).default('zh-CN'),
});
export type MailSenderPut = z.input<typeof MailSenderPut>;

export const MailSenderTest = z.object({ to: z.email('must be an email address').max(200) });
export const MailSenderTestResult = z.object({
  ok: z.boolean(),
  /** mail.auth_failed, mail.tls_failed, mail.host_unreachable, mail.timeout, mail.connection_failed; null when ok. */
  key: z.string().nullable(),
  detail: z.string().nullable(),
});
export type MailSenderTestResult = z.infer<typeof MailSenderTestResult>;

const TemplateText = (max: number) => z.string().max(max);
export const MailTemplateBody = z.object({
  subject: z.string().trim().min(1, 'must not be empty').max(300),
  text: TemplateText(20_000).refine((v) => v.trim().length > 0, 'must not be empty'),
  html: TemplateText(50_000).refine((v) => v.trim().length > 0, 'must not be empty'),
});
export type MailTemplateBody = z.infer<typeof MailTemplateBody>;

export const MailTemplateParams = z.object({ event: z.enum(MAIL_TEMPLATE_EVENTS), lang: z.enum(MAIL_LANGUAGES) });

export const MailTemplate = z.object({
  event: z.enum(MAIL_TEMPLATE_EVENTS),
  language: z.enum(MAIL_LANGUAGES),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  /** An admin's version is in use (DELETE brings the shipped one back). */
  customized: z.boolean(),
  defaults: z.object({ subject: z.string(), text: z.string(), html: z.string() }),
});
export type MailTemplate = z.infer<typeof MailTemplate>;

export const MailTemplates = z.object({ items: z.array(MailTemplate), placeholders: z.array(z.string()) });
export type MailTemplates = z.infer<typeof MailTemplates>;

export const MailTemplatePreview = z.object({
  event: z.enum(MAIL_TEMPLATE_EVENTS),
  language: z.enum(MAIL_LANGUAGES),
  /** Unsaved edits to preview; a part left out is the template in use. */
  subject: z.string().max(300).optional(),
  text: z.string().max(20_000).optional(),
  html: z.string().max(50_000).optional(),
});
export type MailTemplatePreview = z.infer<typeof MailTemplatePreview>;
export const MailTemplateRendered = z.object({ subject: z.string(), text: z.string(), html: z.string() });

/** Why a customer mail was not sent. */
export const CUSTOMER_MAIL_SKIPS = ['address_failing', 'ack_cap', 'no_smtp', 'auto_mail'] as const;

/** A customer mail about a ticket, as staff see it on the ticket. */
export const CustomerMail = z.object({
  id: z.number().int(),
  kind: z.enum(MAIL_TEMPLATE_EVENTS),
  recipient: z.string(),
  status: z.enum(['queued', 'skipped']),
  reason: z.string().nullable(),
  detail: z.string().nullable(),
  messageId: z.string().nullable(),
  /** The outbox row and how far it got (pending, sent, failed); null for skipped ones. */
  delivery: z.object({ id: z.number().int(), status: z.enum(['pending', 'sent', 'failed']), attempts: z.number().int(), lastError: z.string().nullable() }).nullable(),
  createdAt: Instant,
});
export type CustomerMail = z.infer<typeof CustomerMail>;
