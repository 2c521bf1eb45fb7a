/**
 * Inbound mail through ingestMail on a real database (PGlite, or PostgreSQL with DATABASE_URL):
 * tickets, threading, foreign senders, reopen, closed → linked, auto mail, bounces, unknown senders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments, contacts, contracts, mailboxes, mailMessages, outbox, ticketLinks, ticketMilestones, tickets, type MailboxRow } from '../../db/schema';
import type { MailKind, ParsedMail } from '../../domain/mail/types';
import { SYSTEM_ACTOR } from '../tickets/command';
import { createTestApp, type TestApp } from '../../test/harness';
import { createMailParser, ingestMail, withInlineImages, type IngestDeps } from './ingest';

let t: TestApp;
let deps: IngestDeps;
let seq = 0;

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

function mail(fields: Partial<Omit<ParsedMail, 'from'>> & { from?: string; kind?: MailKind } = {}): ParsedMail {
  const { from, kind, ...rest } = fields;
  const text = rest.text ?? rest.body ?? '打印机无法打印';
  return {
    messageId: `m${++seq}-${Date.now()}@customer.example`,
    messageIdSynthetic: false,
    inReplyTo: null,
    references: [],
    subject: '打印机故障',
    from: { address: from ?? 'someone@nowhere.example', name: '张三' },
    replyTo: [],
    to: [{ address: 'support@desk.example', name: '' }],
    cc: [],
    date: null,
    text,
    body: text,
    html: null,
    attachments: [],
    classification: { kind: kind ?? 'normal', reason: kind && kind !== 'normal' ? `rule for ${kind}` : null },
    bounce: null,
    size: 1000,
    ...rest,
  };
}
const RAW = Buffer.from('From: x@y\r\nSubject: t\r\n\r\nbody\r\n');

async function mailbox(fields: Partial<typeof mailboxes.$inferInsert> = {}): Promise<MailboxRow> {
  const [row] = await t.database.db
    .insert(mailboxes)
    .values({ name: 'Support', address: `support${++seq}@desk.example`, imapHost: 'imap.desk.example', imapPort: 993, imapSecurity: 'tls', imapUser: 'support', ...fields })
    .returning();
  return row!;
}

/** A customer with one contact writing from `email`. */
async function customerWith(email: string) {
  const customer = await t.factory.customer();
  const contact = await t.services.customers.addContact(await t.factory.actor(), customer.id, { name: '李四', email, phones: [] });
  return { customer, contact };
}

const ticketOf = async (id: string) => (await t.database.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
const eventsOf = (id: string) => t.services.tickets.events(SYSTEM_ACTOR, id);

beforeAll(async () => {
  t = await createTestApp({ config: { maxUploadBytes: 64 * 1024 } });
  deps = t.services.mailIngest;
});
afterAll(() => t?.close());

describe('ingestMail', () => {
  it('judges what covers a mailed ticket: a contract for the whole customer (issue 11)', async () => {
    const box = await mailbox();
    const { customer } = await customerWith('covered@bank.example');
    const [contract] = await t.database.db
      .insert(contracts)
      .values({ number: `HT-MAIL-${++seq}`, title: '全年维保', customerId: customer.id, startsOn: '2020-01-01', endsOn: '2099-12-31', status: 'active' })
      .returning();
    const result = await ingestMail(deps, box, mail({ from: 'covered@bank.example' }), RAW);
    const ticket = await ticketOf(result.ticketId!);
    expect(ticket.contractId).toBe(contract!.id);
    expect(ticket.entitlement).toMatchObject({ kind: 'contract', contract: { id: contract!.id }, billable: false });
  });

  it('turns a new mail into an email ticket of the contact’s customer, original and accepted attachments kept, refused ones named', async () => {
    const box = await mailbox({ defaultSeverity: 'P2', defaultType: 'consultation' });
    const { customer, contact } = await customerWith('Li.Si@Bank.example');
    const m = mail({
      from: 'li.si@bank.example',
      attachments: [
        { filename: 'screen.png', contentType: 'image/png', content: PNG, size: PNG.length, contentId: null, inline: false },
        { filename: 'tool.exe', contentType: 'application/octet-stream', content: Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), size: 10, contentId: null, inline: false },
      ],
    });
    const result = await ingestMail(deps, box, m, RAW);
    expect(result.outcome).toBe('ticket_created');
    const ticket = await ticketOf(result.ticketId!);
    expect(ticket).toMatchObject({ channel: 'email', customerId: customer.id, contactId: contact.id, severity: 'P2', type: 'consultation', title: '打印机故障', description: '打印机无法打印', status: 'new' });
    const files = await t.database.db.select().from(attachments).where(eq(attachments.ticketId, ticket.id));
    expect(files.map((f) => [f.filename, f.contentType, f.public]).sort()).toEqual([
      ['screen.png', 'image/png', true],
      ['打印机故障.eml', 'message/rfc822', false],
    ]);
    const events = await eventsOf(ticket.id);
    expect(events.some((e) => e.kind === 'comment' && !e.public && e.body?.includes('tool.exe'))).toBe(true);
    const [row] = await t.database.db.select().from(mailMessages).where(eq(mailMessages.messageId, m.messageId));
    expect(row).toMatchObject({ direction: 'in', outcome: 'ticket_created', ticketId: ticket.id, contactId: contact.id, fromAddress: 'li.si@bank.example' });
  });

  it('records the same Message-ID once: the second delivery is a duplicate and writes nothing', async () => {
    const box = await mailbox();
    await customerWith('dup@bank.example');
    const m = mail({ from: 'dup@bank.example' });
    const first = await ingestMail(deps, box, m, RAW);
    const before = (await t.database.db.select().from(tickets)).length;
    const second = await ingestMail(deps, box, { ...m }, RAW);
    expect(first.outcome).toBe('ticket_created');
    expect(second.outcome).toBe('duplicate');
    expect((await t.database.db.select().from(tickets)).length).toBe(before);
    const parallel = mail({ from: 'dup@bank.example' });
    const both = await Promise.all([ingestMail(deps, box, parallel, RAW), ingestMail(deps, box, { ...parallel }, RAW)]);
    expect(both.map((r) => r.outcome).sort()).toEqual(['duplicate', 'ticket_created']);
    expect((await t.database.db.select().from(mailMessages).where(eq(mailMessages.messageId, parallel.messageId))).length).toBe(1);
  });

  it('threads a reply by In-Reply-To, by References, and by the [FW-…] token alone, as public comments', async () => {
    const box = await mailbox();
    await customerWith('thread@bank.example');
    const first = mail({ from: 'thread@bank.example' });
    const created = await ingestMail(deps, box, first, RAW);
    const reply = mail({ from: 'thread@bank.example', inReplyTo: first.messageId, subject: 'Re: 打印机故障', body: '还是不行', text: '还是不行\n> 打印机无法打印' });
    expect(await ingestMail(deps, box, reply, RAW)).toMatchObject({ outcome: 'comment_added', ticketId: created.ticketId });
    const viaRefs = mail({ from: 'thread@bank.example', references: ['unknown@x', reply.messageId], subject: 'Re: again' });
    expect(await ingestMail(deps, box, viaRefs, RAW)).toMatchObject({ outcome: 'comment_added', ticketId: created.ticketId });
    const number = (await ticketOf(created.ticketId!)).number;
    const token = mail({ from: 'THREAD@bank.example', subject: `回复：[${number}] 打印机`, body: '附上日志' });
    expect(await ingestMail(deps, box, token, RAW)).toMatchObject({ outcome: 'comment_added', ticketId: created.ticketId });
    // As a Chinese mail client may write it back: full-width brackets, lower case, spaces.
    const mangled = mail({ from: 'thread@bank.example', subject: `答复: 【 ${number.toLowerCase()} 】打印机`, body: '已重启' });
    expect(await ingestMail(deps, box, mangled, RAW)).toMatchObject({ outcome: 'comment_added', ticketId: created.ticketId });
    // The customer's mail is the customer speaking: it is not the desk's first response.
    expect(await t.database.db.select().from(ticketMilestones).where(eq(ticketMilestones.ticketId, created.ticketId!))).toEqual([]);
    const comments = (await eventsOf(created.ticketId!)).filter((e) => e.kind === 'comment' && e.public);
    expect(comments.map((c) => c.body)).toEqual(['还是不行', '打印机无法打印', '附上日志', '已重启']);
    expect(comments[0]!.data).toMatchObject({ mail: { from: 'thread@bank.example', messageId: reply.messageId } });
  });

  it('never puts a reply from another customer’s address on the ticket: its own ticket, with the reason for staff', async () => {
    const box = await mailbox();
    await customerWith('owner@bank.example');
    const { customer: other } = await customerWith('stranger@other.example');
    const first = mail({ from: 'owner@bank.example' });
    const created = await ingestMail(deps, box, first, RAW);
    const foreign = mail({ from: 'stranger@other.example', inReplyTo: first.messageId, subject: 'Re: 打印机故障' });
    const result = await ingestMail(deps, box, foreign, RAW);
    expect(result.outcome).toBe('ticket_created');
    expect(result.detail).toBe('foreign_sender');
    expect(result.ticketId).not.toBe(created.ticketId);
    expect((await ticketOf(result.ticketId!)).customerId).toBe(other.id);
    const notes = (await eventsOf(result.ticketId!)).filter((e) => e.kind === 'comment' && !e.public);
    expect(notes[0]!.body).toContain((await ticketOf(created.ticketId!)).number);
    expect((await eventsOf(created.ticketId!)).filter((e) => e.kind === 'comment')).toEqual([]);
  });

  it('reopens a resolved ticket with the comment; a reply to a closed one opens a new ticket linked to it', async () => {
    const box = await mailbox();
    await customerWith('reopen@bank.example');
    const first = mail({ from: 'reopen@bank.example' });
    const { ticketId } = await ingestMail(deps, box, first, RAW);
    await t.database.db.update(tickets).set({ status: 'resolved', resolvedAt: new Date() }).where(eq(tickets.id, ticketId!));
    const again = mail({ from: 'reopen@bank.example', inReplyTo: first.messageId, body: '又坏了' });
    expect(await ingestMail(deps, box, again, RAW)).toMatchObject({ outcome: 'reopened', ticketId });
    expect(await ticketOf(ticketId!)).toMatchObject({ status: 'in_progress', resolvedAt: null });
    expect((await eventsOf(ticketId!)).some((e) => e.kind === 'status_changed' && e.data.from === 'resolved' && e.data.to === 'in_progress')).toBe(true);

    await t.database.db.update(tickets).set({ status: 'closed', closedAt: new Date() }).where(eq(tickets.id, ticketId!));
    const late = mail({ from: 'reopen@bank.example', inReplyTo: again.messageId, body: '再次故障' });
    const linked = await ingestMail(deps, box, late, RAW);
    expect(linked.outcome).toBe('new_linked_ticket');
    expect(linked.ticketId).not.toBe(ticketId);
    expect((await ticketOf(ticketId!)).status).toBe('closed');
    const links = await t.database.db.select().from(ticketLinks).where(eq(ticketLinks.ticketId, linked.ticketId!));
    expect(links).toMatchObject([{ otherTicketId: ticketId, kind: 'related' }]);
    expect((await eventsOf(ticketId!)).some((e) => e.kind === 'link')).toBe(true);
  });

  it('records auto-replies, bulk mail and our own mail coming back, and does nothing else', async () => {
    const box = await mailbox();
    await customerWith('auto@bank.example');
    const before = (await t.database.db.select().from(tickets)).length;
    for (const kind of ['auto_reply', 'bulk', 'own_loop'] as const) {
      const result = await ingestMail(deps, box, mail({ from: 'auto@bank.example', kind }), RAW);
      expect(result).toMatchObject({ outcome: 'ignored_auto', ticketId: null });
    }
    expect((await t.database.db.select().from(tickets)).length).toBe(before);
  });

  it('marks a bounced address failing on its contact and notes it on the ticket whose mail bounced; never a ticket', async () => {
    const box = await mailbox();
    const { contact } = await customerWith('gone@bank.example');
    const first = mail({ from: 'gone@bank.example' });
    const { ticketId } = await ingestMail(deps, box, first, RAW);
    // Our outgoing mail on that ticket (the mail-out helper records these).
    await t.database.db.insert(mailMessages).values({ direction: 'out', messageId: 'ours-1@fuwutai', ticketId, outcome: 'sent', subject: 'ack' });
    const before = (await t.database.db.select().from(tickets)).length;
    const bounce = mail({
      from: 'mailer-daemon@bank.example',
      kind: 'bounce',
      subject: 'Undelivered Mail Returned to Sender',
      bounce: { failedRecipients: ['Gone@Bank.example'], status: '5.1.1', diagnostic: 'user unknown', originalMessageId: 'ours-1@fuwutai', permanent: true },
    });
    expect(await ingestMail(deps, box, bounce, RAW)).toMatchObject({ outcome: 'bounce_recorded', ticketId });
    expect((await t.database.db.select().from(tickets)).length).toBe(before);
    const [c] = await t.database.db.select().from(contacts).where(eq(contacts.id, contact.id));
    expect(c!.emailFailingAt).not.toBeNull();
    expect(c!.emailFailingReason).toContain('5.1.1');
    expect((await eventsOf(ticketId!)).some((e) => e.kind === 'comment' && !e.public && e.body?.includes('gone@bank.example'))).toBe(true);
  });

  describe('unknown senders follow the mailbox rule', () => {
    it('domain_contact: a new contact on the one customer whose contacts use that domain', async () => {
      const box = await mailbox({ unknownSenderRule: 'domain_contact' });
      const { customer } = await customerWith('known@unique-domain.example');
      const result = await ingestMail(deps, box, mail({ from: 'new.person@unique-domain.example' }), RAW);
      expect(result.outcome).toBe('ticket_created');
      const ticket = await ticketOf(result.ticketId!);
      expect(ticket.customerId).toBe(customer.id);
      const [made] = await t.database.db.select().from(contacts).where(eq(contacts.email, 'new.person@unique-domain.example'));
      expect(made).toMatchObject({ customerId: customer.id, name: '张三' });
      expect(ticket.contactId).toBe(made!.id);
      // Two customers share a domain: nobody's contact is made up, the ticket waits unassigned.
      await customerWith('a@shared-domain.example');
      await customerWith('b@shared-domain.example');
      const shared = await ingestMail(deps, box, mail({ from: 'c@shared-domain.example' }), RAW);
      expect((await t.database.db.select().from(contacts).where(eq(contacts.email, 'c@shared-domain.example'))).length).toBe(0);
      expect((await ticketOf(shared.ticketId!)).contactId).toBeNull();
    });

    it('unassigned: a ticket on the unassigned-mail customer, in the mailbox’s center', async () => {
      const center = await t.factory.center();
      const box = await mailbox({ unknownSenderRule: 'unassigned', centerId: center.id });
      const a = await ingestMail(deps, box, mail({ from: 'who@random.example' }), RAW);
      const b = await ingestMail(deps, box, mail({ from: 'who2@random.example' }), RAW);
      const [ta, tb] = [await ticketOf(a.ticketId!), await ticketOf(b.ticketId!)];
      expect(ta.customerId).toBe(tb.customerId);
      expect(ta).toMatchObject({ centerId: center.id, contactId: null, channel: 'email' });
      // The unknown sender's own reply lands on the ticket they opened; another unknown address's does not.
      const first = (await t.database.db.select().from(mailMessages).where(eq(mailMessages.ticketId, ta.id)))[0]!;
      expect(await ingestMail(deps, box, mail({ from: 'who@random.example', inReplyTo: first.messageId }), RAW)).toMatchObject({ outcome: 'comment_added', ticketId: ta.id });
      const other = await ingestMail(deps, box, mail({ from: 'who3@random.example', inReplyTo: first.messageId }), RAW);
      expect(other).toMatchObject({ outcome: 'ticket_created', detail: 'foreign_sender' });
    });

    it('reject: recorded as rejected with a polite reply queued (capped per sender and hour), no ticket', async () => {
      const box = await mailbox({ unknownSenderRule: 'reject' });
      const before = (await t.database.db.select().from(tickets)).length;
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await ingestMail(deps, box, mail({ from: 'spam@random.example' }), RAW));
      expect(results.map((r) => r.outcome)).toEqual(Array(5).fill('rejected'));
      expect((await t.database.db.select().from(tickets)).length).toBe(before);
      const replies = await t.database.db.select().from(outbox).where(and(eq(outbox.email, 'spam@random.example'), eq(outbox.kind, 'mail.rejected')));
      expect(replies.length).toBe(3);
      expect(replies[0]!.body).toContain('registered customers');
    });
  });
});

describe('raw .eml → parseMail → ingestMail', () => {
  const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name));
  const parse = (raw: Buffer) => createMailParser({ db: t.database.db, maxBytes: 25 * 1024 * 1024, loopMark: 'fuwutai.example' })(raw);

  it('a GB18030 mail from a known contact becomes a ticket with the decoded subject; fetched twice, one ticket', async () => {
    const box = await mailbox();
    const { customer } = await customerWith('wang.fang@yanyan.example');
    const raw = fixture('foxmail-gb18030.eml');
    const parsed = await parse(raw);
    if (!parsed.ok) throw new Error(parsed.quarantine.detail);
    const result = await ingestMail(deps, box, parsed.mail, raw);
    expect(result.outcome).toBe('ticket_created');
    const ticket = await ticketOf(result.ticketId!);
    expect(ticket).toMatchObject({ customerId: customer.id, channel: 'email', title: parsed.mail.subject });
    expect(ticket.title).toContain('复印机');
    const again = await parse(raw);
    expect(again.ok && (await ingestMail(deps, box, again.mail, raw)).outcome).toBe('duplicate');
  });

  it('an inline cid: image shows in the mail view as a data: image; content that is no inline image type never does', async () => {
    const box = await mailbox();
    const raw = fixture('outlook-gb2312-reply.eml');
    const parsed = await parse(raw);
    if (!parsed.ok) throw new Error(parsed.quarantine.detail);
    await customerWith(parsed.mail.from!.address);
    expect(parsed.mail.html).toContain('cid:image001.png');
    const result = await ingestMail(deps, box, parsed.mail, raw);
    const data = (await eventsOf(result.ticketId!)).find((e) => e.kind === 'created' || e.kind === 'comment')!.data as { mail: { html: string } };
    expect(data.mail.html).toMatch(/<img[^>]* src="data:image\/png;base64,iVBORw0KGgo[^"]*"/);
    expect(data.mail.html).not.toContain('cid:');
    // Not an image a browser shows inline (an SVG, say): left as cid:, never inlined.
    const svg = { ...parsed.mail, attachments: parsed.mail.attachments.map((a) => ({ ...a, content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>') })) };
    expect(await withInlineImages(svg)).toContain('cid:image001.png');
  });

  it('a real bounce report marks the contact failing and becomes no ticket', async () => {
    const box = await mailbox();
    const raw = fixture('postfix-bounce.eml');
    const parsed = await parse(raw);
    if (!parsed.ok) throw new Error(parsed.quarantine.detail);
    expect(parsed.mail.classification.kind).toBe('bounce');
    const failed = parsed.mail.bounce!.failedRecipients[0]!;
    const { contact } = await customerWith(failed);
    const before = (await t.database.db.select().from(tickets)).length;
    expect((await ingestMail(deps, box, parsed.mail, raw)).outcome).toBe('bounce_recorded');
    expect((await t.database.db.select().from(tickets)).length).toBe(before);
    expect((await t.database.db.select().from(contacts).where(eq(contacts.id, contact.id)))[0]!.emailFailingAt).not.toBeNull();
  });

  it('broken MIME is quarantined by the parser, and the quarantine keeps it', async () => {
    const raw = fixture('broken-mime.eml');
    const parsed = await parse(raw);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const held = await t.services.mailQuarantine.store({ mailboxId: null, uid: 1, raw, reason: parsed.quarantine.reason, detail: parsed.quarantine.detail });
    expect(held).toMatchObject({ state: 'held', reason: parsed.quarantine.reason, size: raw.length });
  });
});
