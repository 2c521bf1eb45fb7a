/**
 * Inbound mail → ticket, comment, reopen, linked ticket, bounce mark or a recorded nothing (issue 10).
 *
 * Guarantees: one message is one transaction; the Message-ID is checked inside it and the unique
 * index (message_id, direction) catches a racing twin, so a message fetched twice (a crash between
 * commit and the IMAP flag) is recorded once and answers 'duplicate' the second time. Files (the
 * original .eml, accepted attachments) are written to the data folder before the transaction and
 * removed again when it does not commit or does not need them, so the transaction does no slow I/O.
 * Every ticket write goes through the ticket command helper as the desk itself (SYSTEM_ACTOR, no
 * person on the timeline), with the mail's sender in the event data.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, desc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import { fileTypeFromBuffer } from 'file-type';
import type { Db } from '../../db/client';
import { attachments, contacts, customers, emailKey, mailboxes, mailMessages, outbox, ticketCounters, ticketLinks, tickets, type MailboxRow, type MailOutcome } from '../../db/schema';
import { sanitiseMailHtml } from '../../domain/mail/html';
import { ticketNumberFromSubject, withoutTicketToken } from '../../domain/mail/threading';
import type { ParsedMail, ParseOutcome } from '../../domain/mail/types';
import { checkTransition } from '../../domain/ticket-lifecycle';
import { formatTicketNumber, yearIn } from '../../domain/ticket-number';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import type { Audit } from '../audit';
import { SYSTEM_ACTOR, type TicketCommands, type TicketWrite } from '../tickets/command';
import { addEvent } from '../tickets/events';
import { entitlementFactsSql, judge } from '../installed-base/entitlements';
import type { TicketRow } from '../tickets/repository';
import { classifyUpload, INLINE_TYPES, sanitizeFilename } from '../tickets/upload-policy';
import { parseMail } from './parse';

export interface IngestDeps {
  db: Db;
  clock: Clock;
  audit: Audit;
  commands: TicketCommands;
  /** The attachments folder (data folder/attachments), as the attachment service uses it. */
  filesDir: string;
  timeZone: string;
  maxUploadBytes: number;
}

export type IngestOutcome = MailOutcome | 'duplicate';
export interface IngestResult {
  outcome: IngestOutcome;
  ticketId: string | null;
  /** Why, for staff, when the outcome needs a reason (foreign sender, closed ticket, rejection). */
  detail: string | null;
}

/** The customer unassigned senders' tickets go to until staff move them (rescope): tickets need a customer. */
export const UNASSIGNED_CUSTOMER_CODE = 'MAIL-UNASSIGNED';
/** Polite rejection replies per sender and hour (the rest are recorded, not answered). */
export const REJECT_REPLIES_PER_HOUR = 3;
const NO_SUBJECT = '(无主题)';

/**
 * The customer's side writing by mail: their reply must count as the customer's (it does not stamp
 * the first response, as a staff comment would, in the SLA subscriber), with no person behind it.
 */
const customerSide = (customerId: string): Actor => ({ ...SYSTEM_ACTOR, username: 'mail', name: '邮件', role: 'customer_user', customerId });

const excerpt = (body: string) => {
  const text = body.replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
};

interface StoredFile {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  storageKey: string;
  public: boolean;
}

/** What the mail brings as files: the original .eml (always kept) and the attachments the upload policy accepts. */
async function prepareFiles(deps: IngestDeps, parsed: ParsedMail, raw: Buffer, now: Date) {
  const stored: StoredFile[] = [];
  const refused: { filename: string; reason: string }[] = [];
  const dir = path.posix.join(String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'));
  const write = async (content: Buffer, file: Omit<StoredFile, 'storageKey' | 'sha256' | 'size'>) => {
    const storageKey = path.posix.join(dir, crypto.randomUUID());
    const destination = path.join(deps.filesDir, storageKey);
    await fs.promises.mkdir(path.dirname(destination), { recursive: true });
    await fs.promises.writeFile(destination, content);
    stored.push({ ...file, storageKey, size: content.length, sha256: crypto.createHash('sha256').update(content).digest('hex') });
  };
  // The original as received: written by the desk, never a customer upload (the policy refuses .eml there).
  await write(raw, { filename: sanitizeFilename(`${parsed.subject || 'mail'}.eml`), contentType: 'message/rfc822', public: false });
  for (const attachment of parsed.attachments) {
    const filename = sanitizeFilename(attachment.filename || 'attachment');
    if (attachment.content.length > deps.maxUploadBytes) {
      refused.push({ filename, reason: `larger than ${Math.round(deps.maxUploadBytes / 1048576)} MB` });
      continue;
    }
    const head = attachment.content.subarray(0, 4100);
    const detected = await fileTypeFromBuffer(head);
    const verdict = classifyUpload(detected?.mime, filename, head);
    if (!verdict.ok) refused.push({ filename, reason: verdict.reason });
    else await write(attachment.content, { filename, contentType: verdict.contentType, public: true });
  }
  return {
    original: stored[0]!,
    accepted: stored.slice(1),
    refused,
    async discard() {
      await Promise.all(stored.map((f) => fs.promises.rm(path.join(deps.filesDir, f.storageKey), { force: true })));
    },
  };
}
type Files = Awaited<ReturnType<typeof prepareFiles>>;

export async function ingestMail(deps: IngestDeps, mailbox: MailboxRow, parsed: ParsedMail, raw: Buffer): Promise<IngestResult> {
  const now = deps.clock.now();
  // Cheap check first: a message fetched again writes no files at all.
  if (await alreadyReceived(deps.db, parsed.messageId)) return { outcome: 'duplicate', ticketId: null, detail: null };
  const files = parsed.classification.kind === 'normal' ? await prepareFiles(deps, parsed, raw, now) : null;
  if (parsed.classification.kind === 'normal') parsed = { ...parsed, html: await withInlineImages(parsed) };
  let keepFiles = false;
  try {
    const result = await deps.db.transaction(async (tx) => {
      if (await alreadyReceived(tx, parsed.messageId)) return { outcome: 'duplicate' as const, ticketId: null, detail: null };
      const run = new Ingest(deps, tx, mailbox, parsed, now, files);
      const r = await run.decide();
      keepFiles = run.filesUsed;
      return r;
    });
    return result;
  } catch (error) {
    keepFiles = false;
    // A twin committed between our check and our insert: the same message, recorded once.
    if (isUniqueViolation(error)) return { outcome: 'duplicate', ticketId: null, detail: null };
    throw error;
  } finally {
    if (files && !keepFiles) await files.discard();
  }
}

/** Inline images shown in the timeline's mail view: each at most this big, all together at most 4×. */
export const INLINE_IMAGE_BYTES = 512 * 1024;

/**
 * The mail's HTML with its inline `cid:` images in place, as `data:` URLs: the page shows the mail
 * in a sandboxed frame (no origin, no cookies), where an attachment URL would not load. Only images
 * whose content sniffs as a type a browser shows inline (never SVG), within the size limits; the
 * others stay `cid:` (a broken image) and are still attachments of the ticket.
 */
export async function withInlineImages(mail: ParsedMail): Promise<string | null> {
  if (!mail.html || !/cid:/i.test(mail.html)) return mail.html;
  const cidMap: Record<string, string> = {};
  let budget = 4 * INLINE_IMAGE_BYTES;
  for (const a of mail.attachments) {
    if (!a.contentId || a.size > INLINE_IMAGE_BYTES || a.size > budget) continue;
    const type = (await fileTypeFromBuffer(a.content))?.mime;
    if (!type || !INLINE_TYPES.has(type)) continue;
    cidMap[a.contentId] = `data:${type};base64,${a.content.toString('base64')}`;
    budget -= a.size;
  }
  return sanitiseMailHtml(mail.html, { cidMap });
}

/** The unassigned-mail customer, made on first use (tickets need a customer; staff move them on). */
export async function unassignedCustomerId(tx: Db): Promise<string> {
  const find = () => tx.select({ id: customers.id }).from(customers).where(sql`lower(${customers.code}) = lower(${UNASSIGNED_CUSTOMER_CODE})`);
  const [found] = await find();
  if (found) return found.id;
  await tx
    .insert(customers)
    .values({ name: '未识别的邮件发件人 (Unassigned mail)', code: UNASSIGNED_CUSTOMER_CODE, notes: 'Tickets from mail senders no contact matches; move each to its customer.' })
    .onConflictDoNothing();
  const [row] = await find();
  return row!.id;
}

/** parseMail with this desk's options: the size limit, our own mailbox addresses (loops), our X-Loop mark. */
export function createMailParser(deps: { db: Db; maxBytes: number; loopMark: string }) {
  return async (raw: Buffer): Promise<ParseOutcome> => {
    const own = await deps.db.select({ address: mailboxes.address }).from(mailboxes);
    return parseMail(raw, { maxBytes: deps.maxBytes, ownAddresses: own.map((o) => o.address), loopMark: deps.loopMark });
  };
}

async function alreadyReceived(db: Db, messageId: string) {
  const [row] = await db
    .select({ id: mailMessages.id })
    .from(mailMessages)
    .where(and(eq(mailMessages.messageId, messageId), eq(mailMessages.direction, 'in')));
  return Boolean(row);
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === '23505') return true;
  }
  return false;
}

/** One message's decisions inside its transaction. */
class Ingest {
  filesUsed = false;
  private readonly sender: string | null;

  constructor(
    private readonly deps: IngestDeps,
    private readonly tx: Db,
    private readonly mailbox: MailboxRow,
    private readonly mail: ParsedMail,
    private readonly now: Date,
    private readonly files: Files | null,
  ) {
    this.sender = mail.from?.address.trim().toLowerCase() || null;
  }

  async decide(): Promise<IngestResult> {
    const { kind, reason } = this.mail.classification;
    if (kind === 'auto_reply' || kind === 'bulk' || kind === 'own_loop') return this.record('ignored_auto', null, { detail: reason });
    if (kind === 'bounce') return this.bounce();

    const contact = this.sender ? await this.findContact(this.sender) : null;
    const threaded = await this.findThread();
    if (threaded) {
      // The ticket's customer's contact, or the address that opened it (an unknown sender's unassigned ticket).
      const belongs = contact ? contact.customerId === threaded.customerId : await this.openedBySender(threaded.id);
      if (!belongs) {
        const why = `来信地址 ${this.sender ?? '(无)'} 不属于工单 ${threaded.number} 的客户，另开新工单 / the sender does not belong to ${threaded.number}'s customer: a new ticket`;
        return this.newTicket(contact, { note: why, outcome: 'ticket_created', detail: 'foreign_sender', relatedTo: null });
      }
      if (threaded.status === 'closed' || threaded.status === 'cancelled') {
        const why = `回复已关闭的工单 ${threaded.number}，另开新工单并关联 / a reply to ${threaded.status} ticket ${threaded.number}: a new linked ticket`;
        return this.newTicket(contact, { note: why, outcome: 'new_linked_ticket', detail: `replied_to_${threaded.status}`, relatedTo: threaded });
      }
      return this.comment(threaded, contact);
    }
    return this.newTicket(contact, { note: null, outcome: 'ticket_created', detail: null, relatedTo: null });
  }

  private async openedBySender(ticketId: string) {
    if (!this.sender) return false;
    const [row] = await this.tx
      .select({ id: mailMessages.id })
      .from(mailMessages)
      .where(and(eq(mailMessages.ticketId, ticketId), eq(mailMessages.direction, 'in'), eq(mailMessages.fromAddress, this.sender), inArray(mailMessages.outcome, ['ticket_created', 'new_linked_ticket'])))
      .limit(1);
    return Boolean(row);
  }

  private async findContact(address: string) {
    const [row] = await this.tx
      .select({ id: contacts.id, customerId: contacts.customerId, name: contacts.name })
      .from(contacts)
      .where(and(eq(emailKey(contacts.email), address), isNotNull(contacts.email)))
      .orderBy(contacts.createdAt, contacts.id)
      .limit(1);
    return row ?? null;
  }

  /** The ticket this answers: a Message-ID we sent or received (the nearest reference first), then the [FW-…] token. */
  private async findThread(): Promise<TicketRow | null> {
    const ids = [...new Set([this.mail.inReplyTo, ...[...this.mail.references].reverse()].filter((x): x is string => Boolean(x)))];
    let ticketId: string | null = null;
    if (ids.length) {
      const rows = await this.tx
        .select({ messageId: mailMessages.messageId, ticketId: mailMessages.ticketId })
        .from(mailMessages)
        .where(and(inArray(mailMessages.messageId, ids), isNotNull(mailMessages.ticketId)));
      for (const id of ids) {
        const hit = rows.find((r) => r.messageId === id);
        if (hit) {
          ticketId = hit.ticketId;
          break;
        }
      }
    }
    let ticket: TicketRow | undefined;
    if (ticketId) [ticket] = await this.tx.select().from(tickets).where(eq(tickets.id, ticketId));
    if (!ticket) {
      // The token as customers' clients mangle it too: full-width brackets, lower case, spaces.
      const number = ticketNumberFromSubject(this.mail.subject);
      if (number) [ticket] = await this.tx.select().from(tickets).where(eq(tickets.number, number));
    }
    // A merged duplicate lives on in its survivor.
    for (let hops = 0; ticket?.mergedIntoId && hops < 5; hops++) [ticket] = await this.tx.select().from(tickets).where(eq(tickets.id, ticket.mergedIntoId));
    return ticket ?? null;
  }

  private async record(outcome: MailOutcome, ticketId: string | null, more: { eventId?: number | null; contactId?: string | null; detail?: string | null; rawAttachmentId?: string | null } = {}): Promise<IngestResult> {
    const m = this.mail;
    await this.tx.insert(mailMessages).values({
      mailboxId: this.mailbox.id,
      direction: 'in',
      messageId: m.messageId,
      messageIdSynthetic: m.messageIdSynthetic,
      inReplyTo: m.inReplyTo,
      references: m.references,
      ticketId,
      eventId: more.eventId ?? null,
      contactId: more.contactId ?? null,
      fromAddress: this.sender,
      fromName: m.from?.name || null,
      toAddresses: m.to.map((a) => a.address),
      ccAddresses: m.cc.map((a) => a.address),
      subject: m.subject,
      classificationKind: m.classification.kind,
      classificationReason: m.classification.reason,
      outcome,
      outcomeDetail: more.detail ?? null,
      bodyHash: crypto.createHash('sha256').update(m.text.replace(/\s+/g, ' ').trim()).digest('hex'),
      rawAttachmentId: more.rawAttachmentId ?? null,
      size: m.size,
      createdAt: this.now,
    });
    return { outcome, ticketId, detail: more.detail ?? null };
  }

  /** A delivery report: the failing addresses marked on their contacts, a note on the ticket our mail belonged to. */
  private async bounce(): Promise<IngestResult> {
    const report = this.mail.bounce;
    const failed = report?.failedRecipients.map((a) => a.trim().toLowerCase()).filter(Boolean) ?? [];
    const reason = [report?.status, report?.diagnostic].filter(Boolean).join(' ') || 'delivery failed';
    if (failed.length && report?.permanent !== false) {
      await this.tx
        .update(contacts)
        .set({ emailFailingAt: this.now, emailFailingReason: reason.slice(0, 500) })
        .where(and(isNotNull(contacts.email), inArray(emailKey(contacts.email), failed)));
    }
    const refs = [report?.originalMessageId, this.mail.inReplyTo, ...this.mail.references].filter((x): x is string => Boolean(x));
    let ticketId: string | null = null;
    if (refs.length) {
      const [row] = await this.tx
        .select({ ticketId: mailMessages.ticketId })
        .from(mailMessages)
        .where(and(inArray(mailMessages.messageId, refs), isNotNull(mailMessages.ticketId)))
        .orderBy(desc(mailMessages.id))
        .limit(1);
      ticketId = row?.ticketId ?? null;
    }
    let eventId: number | null = null;
    if (ticketId) {
      const body = `邮件退信：${failed.join(', ') || '(未知地址)'} — ${reason} / Mail bounced: ${failed.join(', ')} (${report?.permanent === false ? 'delayed' : 'failed'})`;
      eventId = await this.deps.commands.within(this.tx, SYSTEM_ACTOR, ticketId, this.now, (write) =>
        this.note(write, body, { bounce: { failedRecipients: failed, status: report?.status ?? null, permanent: report?.permanent ?? true } }),
      );
    }
    return this.record('bounce_recorded', ticketId, { eventId, detail: reason });
  }

  /** An internal timeline note by the desk (staff see it), as its own ticket.commented event. */
  private async note(write: TicketWrite, body: string, data: Record<string, unknown>) {
    const eventId = await addEvent(write.tx, write.ticket.id, null, write.now, { kind: 'comment', public: false, body, data: { mail: { messageId: this.mail.messageId, ...data } } });
    write.emit('ticket.commented', { eventId, public: false, byCustomer: false, excerpt: excerpt(body) });
    return eventId;
  }

  /** Mail's attachments and original on the ticket, each with its timeline line; refused ones named in a note. */
  private async attach(write: TicketWrite) {
    if (!this.files) return null;
    this.filesUsed = true;
    let originalId: string | null = null;
    for (const file of [this.files.original, ...this.files.accepted]) {
      const [row] = await write.tx
        .insert(attachments)
        .values({ ticketId: write.ticket.id, ...file, uploadedById: null, createdAt: write.now })
        .returning({ id: attachments.id });
      const eventId = await addEvent(write.tx, write.ticket.id, null, write.now, {
        kind: 'attachment',
        public: file.public,
        data: { attachmentId: row!.id, filename: file.filename, size: file.size, contentType: file.contentType, mail: { messageId: this.mail.messageId } },
      });
      await write.tx.update(attachments).set({ eventId }).where(eq(attachments.id, row!.id));
      write.emit('ticket.attachment_added', { attachmentId: row!.id, filename: file.filename, public: file.public });
      await this.deps.audit.record(write.tx, { actorId: null }, 'attachment', row!.id, 'uploaded', null, { ticketId: write.ticket.id, filename: file.filename, size: file.size, sha256: file.sha256 });
      originalId ??= row!.id;
    }
    if (this.files.refused.length) {
      const lines = this.files.refused.map((r) => `- ${r.filename}: ${r.reason}`).join('\n');
      await this.note(write, `以下邮件附件未被接收 / Attachments not accepted:\n${lines}`, { refused: this.files.refused });
    }
    return originalId;
  }

  private async setStatus(write: TicketWrite, to: TicketRow['status'], note: string | null) {
    const from = write.ticket.status;
    const fields: Partial<TicketRow> = { status: to };
    if (from === 'resolved') Object.assign(fields, { resolvedAt: null, autoCloseWarnedAt: null });
    await write.update(fields);
    await addEvent(write.tx, write.ticket.id, null, write.now, { kind: 'status_changed', public: true, body: note, data: { from, to, mail: true } });
    write.emit('ticket.status_changed', { from, to, note });
    await this.deps.audit.record(write.tx, { actorId: null }, 'ticket', write.ticket.id, 'status_changed', { status: from }, { status: to, note });
    write.ticket.status = to;
  }

  /** The customer's reply on their open or resolved ticket: a public comment; a resolution is reopened, a wait for them ends. */
  private async comment(ticket: TicketRow, contact: { id: string; name: string } | null): Promise<IngestResult> {
    const mail = this.mail;
    const reopen = ticket.status === 'resolved';
    return this.deps.commands.within(this.tx, customerSide(ticket.customerId), ticket.id, this.now, async (write) => {
      // The customer's own move in the lifecycle: reopening a resolution, answering a question.
      if (reopen && checkTransition('resolved', 'in_progress', 'customer_leader').ok) {
        await this.setStatus(write, 'in_progress', `客户邮件回复，工单重新打开 / reopened by the customer's mail`);
      } else if (ticket.status === 'pending_customer') {
        await this.setStatus(write, 'in_progress', null);
      }
      const body = mail.body || mail.text || '(空邮件 / empty mail)';
      const eventId = await addEvent(write.tx, ticket.id, null, write.now, {
        kind: 'comment',
        public: true,
        body,
        data: { mail: { messageId: mail.messageId, from: this.sender, name: mail.from?.name ?? '', contactId: contact?.id ?? null, contactName: contact?.name ?? null, html: mail.html } },
      });
      write.emit('ticket.commented', { eventId, public: true, byCustomer: true, excerpt: excerpt(body) });
      await this.deps.audit.record(write.tx, { actorId: null }, 'ticket', ticket.id, 'commented', null, { eventId, messageId: mail.messageId });
      const rawAttachmentId = await this.attach(write);
      return this.record(reopen ? 'reopened' : 'comment_added', ticket.id, { eventId, contactId: contact?.id ?? null, rawAttachmentId });
    });
  }

  /** The customer (and contact) a new ticket from this sender belongs to, by the mailbox's rule for unknown senders. */
  private async senderCustomer(contact: { id: string; customerId: string } | null): Promise<{ customerId: string; contactId: string | null; how: string } | 'reject'> {
    if (contact) return { customerId: contact.customerId, contactId: contact.id, how: 'contact' };
    const rule = this.mailbox.unknownSenderRule;
    if (rule === 'reject') return 'reject';
    const domain = this.sender?.split('@')[1];
    if (rule === 'domain_contact' && domain) {
      const matches = await this.tx
        .selectDistinct({ customerId: contacts.customerId })
        .from(contacts)
        .where(and(isNotNull(contacts.email), sql`split_part(${emailKey(contacts.email)}, '@', 2) = ${domain}`))
        .limit(2);
      if (matches.length === 1) {
        const [created] = await this.tx
          .insert(contacts)
          .values({ customerId: matches[0]!.customerId, name: this.mail.from?.name || this.sender!.split('@')[0]!, email: this.sender, createdAt: this.now })
          .returning({ id: contacts.id });
        await this.deps.audit.record(this.tx, { actorId: null }, 'contact', created!.id, 'created', null, { customerId: matches[0]!.customerId, email: this.sender, via: 'mail' });
        return { customerId: matches[0]!.customerId, contactId: created!.id, how: 'domain_contact' };
      }
      // No single customer uses that domain: the unassigned queue, staff decide.
    }
    return { customerId: await unassignedCustomerId(this.tx), contactId: null, how: 'unassigned' };
  }

  private async reject(): Promise<IngestResult> {
    const since = new Date(this.now.getTime() - 3600_000);
    const [{ n } = { n: 0 }] = this.sender
      ? await this.tx
          .select({ n: sql<number>`count(*)::int` })
          .from(mailMessages)
          .where(and(eq(mailMessages.fromAddress, this.sender), eq(mailMessages.outcome, 'rejected'), eq(mailMessages.direction, 'in'), gte(mailMessages.createdAt, since)))
      : [];
    if (this.sender && n < REJECT_REPLIES_PER_HOUR) {
      const subject = `Re: ${this.mail.subject || NO_SUBJECT}`;
      await this.tx.insert(outbox).values({
        channel: 'email',
        email: this.sender,
        subject,
        body: [
          '您好，此邮箱只受理已登记客户的服务请求，您的邮件未能受理。如需帮助，请联系您的客户经理或拨打服务热线。',
          'Hello, this mailbox accepts service requests from registered customers only, so your message was not taken in. Please contact your account manager or call the service hotline.',
        ].join('\n\n'),
        kind: 'mail.rejected',
        nextAttemptAt: this.now,
        createdAt: this.now,
      });
    }
    return this.record('rejected', null, { detail: this.sender && n < REJECT_REPLIES_PER_HOUR ? 'unknown_sender' : 'unknown_sender_reply_capped' });
  }

  private async newTicket(
    contact: { id: string; customerId: string } | null,
    why: { note: string | null; outcome: MailOutcome; detail: string | null; relatedTo: TicketRow | null },
  ): Promise<IngestResult> {
    const owner = await this.senderCustomer(contact);
    if (owner === 'reject') return this.reject();
    const { tx, now, mail, mailbox } = this;
    // With what covers the customer (issue 11): a mail names no device or site, so a contract for the whole customer.
    const [customer] = await tx
      .select({ centerId: customers.centerId, facts: entitlementFactsSql(sql`${customers.id}`, null, []) })
      .from(customers)
      .where(eq(customers.id, owner.customerId));
    const year = yearIn(now, this.deps.timeZone);
    const [counter] = await tx
      .insert(ticketCounters)
      .values({ year, lastValue: 1 })
      .onConflictDoUpdate({ target: ticketCounters.year, set: { lastValue: sql`${ticketCounters.lastValue} + 1` } })
      .returning({ value: ticketCounters.lastValue });
    const title = (withoutTicketToken(mail.subject) || NO_SUBJECT).slice(0, 200);
    // When the customer wrote (mail waits in the mailbox while the poller is down): the Date header,
    // unless it is in the future or implausibly old (a wrong clock on their side).
    const reportedAt = mail.date && mail.date < now && mail.date.getTime() > now.getTime() - 7 * 86400_000 ? mail.date : now;
    const entitlement = customer ? judge(customer.facts, [], null, reportedAt, this.deps.timeZone) : null;
    const [ticket] = await tx
      .insert(tickets)
      .values({
        number: formatTicketNumber(year, counter!.value),
        title,
        description: mail.body || mail.text || NO_SUBJECT,
        type: mailbox.defaultType,
        channel: 'email',
        severity: mailbox.defaultSeverity,
        category: mailbox.defaultCategory,
        status: 'new',
        customerId: owner.customerId,
        contactId: owner.contactId,
        centerId: mailbox.centerId ?? customer?.centerId ?? null,
        createdById: null,
        reportedAt,
        contractId: entitlement?.contract?.id ?? null,
        entitlement,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const row = ticket!;
    await addEvent(tx, row.id, null, now, {
      kind: 'created',
      public: true,
      data: { number: row.number, severity: row.severity, channel: 'email', reportedAt: row.reportedAt.toISOString(), mail: { messageId: mail.messageId, from: this.sender, name: mail.from?.name ?? '', sender: owner.how, html: mail.html } },
    });
    const { search: _search, ...created } = row;
    await this.deps.audit.record(tx, { actorId: null }, 'ticket', row.id, 'created', null, created);
    const { write, pending, state } = this.deps.commands.open(tx, row, now, SYSTEM_ACTOR);
    write.emit('ticket.created', { channel: 'email', category: row.category, reportedAt: row.reportedAt.toISOString() });
    let eventId: number | null = null;
    if (why.note) eventId = await this.note(write, why.note, { reason: why.detail, from: this.sender });
    if (why.relatedTo) await this.link(write, why.relatedTo);
    const rawAttachmentId = await this.attach(write);
    await this.deps.commands.finish(tx, row.id, SYSTEM_ACTOR, now, pending, { current: state.latest ?? row, audit: state.audit });
    return this.record(why.outcome, row.id, { eventId, contactId: owner.contactId, detail: why.detail, rawAttachmentId });
  }

  /** The new ticket is related to the closed one it answers: the link row and its line on both timelines. */
  private async link(write: TicketWrite, old: TicketRow) {
    const { tx, now } = write;
    await tx.insert(ticketLinks).values({ ticketId: write.ticket.id, otherTicketId: old.id, kind: 'related', createdById: null, createdAt: now }).onConflictDoNothing();
    const ref = (t: TicketRow) => ({ id: t.id, number: t.number, title: t.title });
    await addEvent(tx, write.ticket.id, null, now, { kind: 'link', public: false, data: { action: 'added', link: 'related', other: ref(old) } });
    write.emit('ticket.linked', { action: 'added', link: 'related', other: ref(old) });
    await this.deps.commands.within(tx, SYSTEM_ACTOR, old.id, now, async (oldWrite) => {
      await addEvent(tx, old.id, null, now, { kind: 'link', public: false, data: { action: 'added', link: 'related', other: ref(write.ticket) } });
      oldWrite.emit('ticket.linked', { action: 'added', link: 'related', other: ref(write.ticket) });
    });
  }
}
