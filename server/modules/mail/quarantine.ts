/**
 * The quarantine (issue 10): a message that could not be parsed, was over the size limit or could
 * not be ingested is kept as raw .eml in the data folder with its reason, listed for admins, and
 * retried (parsed and ingested again) or turned into a ticket by hand. Nothing is silently dropped.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { QuarantineConvert, QuarantinedMail, QuarantineListQuery, QuarantineResolution } from '../../../common/api/mail';
import type { Db } from '../../db/client';
import { attachments, contacts, emailKey, mailboxes, mailQuarantine, users, type MailQuarantineRow } from '../../db/schema';
import type { MailQuarantine, ParseOutcome } from '../../domain/mail/types';
import type { Actor } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { addEvent } from '../tickets/events';
import type { TicketService } from '../tickets/service';
import { ingestMail, unassignedCustomerId, type IngestDeps } from './ingest';

type Reason = MailQuarantineRow['reason'];

/** Subject and From as far as they can be read from the raw header (RFC 2047 words decoded when possible). */
export function readableHeaders(raw: Buffer): { subject: string | null; from: string | null; text: string } {
  const source = raw.toString('latin1');
  const split = source.search(/\r?\n\r?\n/);
  const header = (split >= 0 ? source.slice(0, split) : source.slice(0, 8192)).replace(/\r?\n[ \t]+/g, ' ');
  const field = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(header)?.[1]?.trim() ?? null;
  const decode = (value: string | null) =>
    value?.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=/gi, (whole, charset: string, encoding: string, text: string) => {
      try {
        const bytes =
          encoding.toLowerCase() === 'b'
            ? Buffer.from(text, 'base64')
            : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))), 'latin1');
        return new TextDecoder(charset.toLowerCase() === 'gb2312' ? 'gbk' : charset).decode(bytes);
      } catch {
        return whole;
      }
    }) ?? null;
  const body = split >= 0 ? raw.subarray(Buffer.byteLength(source.slice(0, split), 'latin1')).toString('utf8') : '';
  const fromField = decode(field('From'));
  const address = fromField ? (/<([^>]+)>/.exec(fromField)?.[1] ?? fromField).trim().toLowerCase() : null;
  return { subject: decode(field('Subject'))?.slice(0, 500) ?? null, from: address?.slice(0, 320) ?? null, text: body.trim().slice(0, 20_000) };
}

export function createQuarantineService(deps: {
  ingest: IngestDeps;
  /** The data folder; raw messages live in its mail-quarantine/ folder. */
  dataDir: string;
  /** modules/mail/parse.ts: raw → parsed mail or the reason it cannot be; without it there is no retry (route not registered). */
  parse?: (raw: Buffer) => ParseOutcome | Promise<ParseOutcome>;
  tickets: TicketService;
}) {
  const { db, clock, audit, commands } = deps.ingest;
  const root = path.join(deps.dataDir, 'mail-quarantine');

  async function load(tx: Db, id: string) {
    const [row] = await tx.select().from(mailQuarantine).where(eq(mailQuarantine.id, id));
    if (!row) throw notFound('mail.quarantine_not_found', 'Quarantined mail');
    return row;
  }
  const held = (row: MailQuarantineRow) => {
    if (row.state !== 'held') throw new AppError('mail.quarantine_resolved', `This message was already ${row.state}`, { state: row.state });
  };
  async function readRaw(row: MailQuarantineRow) {
    try {
      return await fs.promises.readFile(path.join(deps.dataDir, row.rawPath));
    } catch {
      throw new AppError('mail.raw_missing', 'The quarantined message is missing from the data folder; restore it from backup');
    }
  }
  async function present(id: string): Promise<QuarantinedMail> {
    const [row] = await db
      .select({ q: mailQuarantine, byName: users.name })
      .from(mailQuarantine)
      .leftJoin(users, eq(users.id, mailQuarantine.resolvedById))
      .where(eq(mailQuarantine.id, id));
    return toDto(row!.q, row!.byName);
  }
  const toDto = (q: MailQuarantineRow, byName: string | null): QuarantinedMail => ({
    id: q.id,
    mailboxId: q.mailboxId,
    uid: q.uid,
    reason: q.reason,
    detail: q.detail,
    size: q.size,
    subject: q.subject,
    fromAddress: q.fromAddress,
    state: q.state,
    ticketId: q.ticketId,
    resolvedBy: q.resolvedById ? { id: q.resolvedById, name: byName ?? '' } : null,
    resolvedAt: q.resolvedAt?.toISOString() ?? null,
    createdAt: q.createdAt.toISOString(),
  });
  async function resolve(tx: Db, actor: Actor, row: MailQuarantineRow, state: 'retried' | 'converted' | 'dismissed', ticketId: string | null) {
    await tx.update(mailQuarantine).set({ state, ticketId, resolvedById: actor.id, resolvedAt: clock.now() }).where(eq(mailQuarantine.id, row.id));
    await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'mail_quarantine', row.id, state === 'retried' ? 'quarantine_retried' : state === 'converted' ? 'quarantine_converted' : 'quarantine_dismissed', { state: row.state }, { state, ticketId });
  }

  return {
    /** Keeps a message that cannot become anything (the poller calls this, then flags it as processed). */
    async store(input: { mailboxId: string | null; uid: number | null; raw: Buffer; reason: Reason; detail: string }): Promise<QuarantinedMail> {
      const now = clock.now();
      const rawPath = path.posix.join('mail-quarantine', String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), `${crypto.randomUUID()}.eml`);
      await fs.promises.mkdir(path.dirname(path.join(deps.dataDir, rawPath)), { recursive: true });
      await fs.promises.writeFile(path.join(deps.dataDir, rawPath), input.raw);
      const readable = readableHeaders(input.raw);
      const [row] = await db
        .insert(mailQuarantine)
        .values({ mailboxId: input.mailboxId, uid: input.uid, reason: input.reason, detail: input.detail.slice(0, 2000), rawPath, size: input.raw.length, subject: readable.subject, fromAddress: readable.from, createdAt: now })
        .returning();
      return toDto(row!, null);
    },

    root,
    canRetry: Boolean(deps.parse),

    async list(query: QuarantineListQuery): Promise<QuarantinedMail[]> {
      const state = query.state ?? 'held';
      const rows = await db
        .select({ q: mailQuarantine, byName: users.name })
        .from(mailQuarantine)
        .leftJoin(users, eq(users.id, mailQuarantine.resolvedById))
        .where(state === 'all' ? undefined : eq(mailQuarantine.state, state))
        .orderBy(desc(mailQuarantine.createdAt), desc(mailQuarantine.id))
        .limit(500);
      return rows.map((r) => toDto(r.q, r.byName));
    },

    /** Parses and ingests again (after a fix, a larger limit): resolved when it became something, else held with the new reason. */
    async retry(actor: Actor, id: string): Promise<QuarantineResolution> {
      if (!deps.parse) throw new Error('no mail parser wired');
      const row = await load(db, id);
      held(row);
      const raw = await readRaw(row);
      const parsed = await deps.parse(raw);
      if (!parsed.ok) {
        const q: MailQuarantine = parsed.quarantine;
        await db.update(mailQuarantine).set({ reason: q.reason, detail: q.detail.slice(0, 2000) }).where(eq(mailQuarantine.id, id));
        return { item: await present(id), outcome: 'quarantined', ticketId: null };
      }
      const [box] = row.mailboxId ? await db.select().from(mailboxes).where(eq(mailboxes.id, row.mailboxId)) : [];
      if (!box) throw notFound('mail.mailbox_not_found', 'Mailbox');
      const result = await ingestMail(deps.ingest, box, parsed.mail, raw);
      await db.transaction((tx) => resolve(tx, actor, row, 'retried', result.ticketId));
      return { item: await present(id), outcome: result.outcome, ticketId: result.ticketId };
    },

    /**
     * A ticket made by hand from what can be read (subject, sender, text), the raw message attached.
     * The customer is the one chosen, else the sender's contact's, else the unassigned-mail customer.
     */
    async convert(actor: Actor, id: string, input: QuarantineConvert): Promise<QuarantineResolution> {
      const row = await load(db, id);
      held(row);
      const raw = await readRaw(row);
      const readable = readableHeaders(raw);
      let customerId = input.customerId ?? null;
      let contactId: string | null = null;
      if (!customerId && readable.from) {
        const [c] = await db
          .select({ id: contacts.id, customerId: contacts.customerId })
          .from(contacts)
          .where(and(eq(emailKey(contacts.email), readable.from), sql`${contacts.email} is not null`))
          .limit(1);
        if (c) [customerId, contactId] = [c.customerId, c.id];
      }
      customerId ??= await db.transaction((tx) => unassignedCustomerId(tx));
      const [box] = row.mailboxId ? await db.select().from(mailboxes).where(eq(mailboxes.id, row.mailboxId)) : [];
      const ticket = await deps.tickets.create(actor, {
        title: (input.title || readable.subject || '(无主题)').slice(0, 200),
        description: [readable.from ? `发件人 / From: ${readable.from}` : null, `隔离原因 / Quarantined: ${row.reason} — ${row.detail}`, '', readable.text || '(无法读取正文 / body unreadable)']
          .filter((l) => l !== null)
          .join('\n')
          .slice(0, 20_000),
        channel: 'email',
        severity: box?.defaultSeverity ?? 'P3',
        type: box?.defaultType ?? 'fault',
        category: box?.defaultCategory ?? 'other',
        customerId,
        contactId: contactId ?? undefined,
        centerId: box?.centerId ?? undefined,
      });
      // The original on the ticket, and the quarantine row resolved, in one ticket write.
      const now = clock.now();
      const storageKey = path.posix.join(String(now.getUTCFullYear()), String(now.getUTCMonth() + 1).padStart(2, '0'), crypto.randomUUID());
      const destination = path.join(deps.ingest.filesDir, storageKey);
      await fs.promises.mkdir(path.dirname(destination), { recursive: true });
      await fs.promises.writeFile(destination, raw);
      try {
        await commands.change(actor, ticket.id, async (write) => {
          const filename = 'original.eml';
          const [a] = await write.tx
            .insert(attachments)
            .values({ ticketId: ticket.id, filename, contentType: 'message/rfc822', size: raw.length, sha256: crypto.createHash('sha256').update(raw).digest('hex'), storageKey, public: false, uploadedById: actor.id, createdAt: write.now })
            .returning({ id: attachments.id });
          const eventId = await addEvent(write.tx, ticket.id, actor.id, write.now, { kind: 'attachment', public: false, data: { attachmentId: a!.id, filename, size: raw.length, contentType: 'message/rfc822' } });
          await write.tx.update(attachments).set({ eventId }).where(eq(attachments.id, a!.id));
          write.emit('ticket.attachment_added', { attachmentId: a!.id, filename, public: false });
          await audit.record(write.tx, { actorId: actor.id, ip: actor.ip }, 'attachment', a!.id, 'uploaded', null, { ticketId: ticket.id, filename, size: raw.length });
          await resolve(write.tx, actor, await load(write.tx, id), 'converted', ticket.id);
        });
      } catch (error) {
        await fs.promises.rm(destination, { force: true });
        throw error;
      }
      return { item: await present(id), outcome: 'ticket_created', ticketId: ticket.id };
    },

    async dismiss(actor: Actor, id: string): Promise<QuarantinedMail> {
      await db.transaction(async (tx) => {
        const row = await load(tx, id);
        held(row);
        await resolve(tx, actor, row, 'dismissed', null);
      });
      return present(id);
    },
  };
}

export type QuarantineService = ReturnType<typeof createQuarantineService>;
