/**
 * Customer mail end to end on a real database (PGlite, or PostgreSQL with DATABASE_URL) and real
 * SMTP servers: inbound mail → ticket → acknowledgement; staff replies threaded to the customer's
 * Message-ID; internal notes never mailed; failing addresses and the acknowledgement cap skipped
 * and recorded; templates (override, preview, escaping); the identity's password never answered;
 * a failed send retried with the same Message-ID.
 */
import net from 'node:net';
import { and, eq } from 'drizzle-orm';
import { simpleParser, type ParsedMail as MailparserMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contacts, customerMails, mailboxes, mailMessages, mailSenders, outbox, users, type MailboxRow } from '../../db/schema';
import { createSmtpMailer, deliverOnce, type Mailer } from '../../jobs/delivery';
import { FakeClock } from '../../platform/clock';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { startSmtpSink, type SmtpSink } from '../../test/mail-servers';
import { createMailParser, ingestMail } from './ingest';

const clock = new FakeClock('2026-03-02T10:00:00+08:00');
const PUBLIC_URL = 'https://desk.fuwutai.test';
const IDENTITY_PASSWORD = 'smtp-pass-which-must-never-leave';
let sink: SmtpSink;
let t: TestApp;
let admin: Client;
let mailer: Mailer;
let parse: ReturnType<typeof createMailParser>;
let seq = 0;

beforeAll(async () => {
  sink = await startSmtpSink();
  const smtpUrl = `smtp://127.0.0.1:${sink.port}`;
  t = await createTestApp({
    clock,
    config: { smtpUrl, mailFrom: 'Fuwutai 服务台 <desk@fuwutai.test>', publicUrl: PUBLIC_URL, mailAcksPerHour: 2, sessionTtlHours: 24 * 365 },
  });
  mailer = createSmtpMailer(smtpUrl, t.config.mailFrom);
  parse = createMailParser({ db: t.services.db, maxBytes: 1024 * 1024, loopMark: new URL(PUBLIC_URL).hostname });
  admin = await t.as('admin');
});
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

/** Consumers, then the outbox: what a running server does on its own. */
async function deliver() {
  await t.services.consumers.drain();
  return deliverOnce(t.services.db, mailer, clock.now(), 100, t.services.mailSenders);
}

async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function mailbox(): Promise<MailboxRow> {
  const [row] = await t.services.db
    .insert(mailboxes)
    .values({ name: 'Support', address: `support${++seq}@desk.example`, imapHost: 'imap.desk.example', imapPort: 993, imapSecurity: 'tls', imapUser: 'support' })
    .returning();
  return row!;
}

const identity = (port: number, more: Record<string, unknown> = {}) => ({
  fromAddress: 'Support@Desk.example',
  fromName: '售后服务台',
  smtpHost: '127.0.0.1',
  smtpPort: port,
  smtpSecurity: 'none',
  smtpUser: 'support-login',
  password: IDENTITY_PASSWORD,
  ...more,
});

async function customerWith(...emails: string[]) {
  const customer = await t.factory.customer();
  const list = [];
  for (const email of emails) list.push(await t.services.customers.addContact(await t.factory.actor(), customer.id, { name: `联系人${++seq}`, email, phones: [] }));
  return { customer, contacts: list };
}

/** A real RFC 5322 message from a customer, through the inbound parser and ingest. */
async function receive(box: MailboxRow, m: { from: string; cc?: string[]; subject: string; body: string; messageId: string; inReplyTo?: string; references?: string[] }) {
  const raw = Buffer.from(
    [
      `From: 客户 <${m.from}>`,
      `To: ${box.address}`,
      ...(m.cc?.length ? [`Cc: ${m.cc.join(', ')}`] : []),
      `Subject: =?UTF-8?B?${Buffer.from(m.subject).toString('base64')}?=`,
      `Message-ID: <${m.messageId}>`,
      ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
      ...(m.references?.length ? [`References: ${m.references.map((r) => `<${r}>`).join(' ')}`] : []),
      'Date: Mon, 02 Mar 2026 09:55:00 +0800',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(m.body).toString('base64'),
      '',
    ].join('\r\n'),
  );
  const parsed = await parse(raw);
  if (!parsed.ok) throw new Error(`test mail did not parse: ${JSON.stringify(parsed)}`);
  return ingestMail(t.services.mailIngest, box, parsed.mail, raw);
}

const read = async (raw: Buffer) => simpleParser(raw);
const header = (m: MailparserMail, name: string) => {
  const v = m.headers.get(name);
  return typeof v === 'string' ? v : v === undefined ? undefined : JSON.stringify(v);
};
const bare = (v: string | undefined) => v?.replace(/^<|>$/g, '');
const refsOf = (m: MailparserMail) => (Array.isArray(m.references) ? m.references : m.references ? [m.references] : []).map((r) => bare(r)!);

async function newMessages(before: number, n = 1) {
  await sink.waitFor(before + n, 5000);
  return Promise.all(sink.messages.slice(before).map(async (x) => ({ envelope: x, mail: await read(x.raw) })));
}

describe('customer mail', () => {
  let box: MailboxRow;
  beforeAll(async () => {
    box = await mailbox();
    const put = await admin.put(`/api/mailboxes/${box.id}/sender`, identity(sink.port));
    expect(put.status).toBe(200);
  });

  it('acknowledges an email ticket from the mailbox identity: token, Auto-Submitted, X-Loop, our Message-ID threaded to the customer’s; staff replies thread on', async () => {
    const { contacts: [reporter, colleague] } = await customerWith('li.si@bank.example', 'wang.wu@bank.example');
    const before = sink.messages.length;
    const first = await receive(box, {
      from: 'li.si@bank.example',
      cc: ['wang.wu@bank.example', 'stranger@elsewhere.example', box.address],
      subject: '3 号 ATM 吞卡',
      body: '今天上午 3 号 ATM 连续吞卡两次。',
      messageId: 'c1.atm@bank.example',
    });
    expect(first.outcome).toBe('ticket_created');
    const ticketId = first.ticketId!;
    const number = (await admin.get(`/api/tickets/${ticketId}`)).body.number as string;

    expect(await deliver()).toMatchObject({ sent: 1, failed: 0, retried: 0 });
    const [ack] = await newMessages(before);
    expect(ack!.envelope.user).toBe('support-login'); // sent through the identity's own SMTP login
    expect(ack!.envelope.to).toEqual([reporter!.email]);
    expect(ack!.mail.from?.value[0]).toMatchObject({ address: 'support@desk.example', name: '售后服务台' });
    expect(ack!.mail.subject).toBe(`3 号 ATM 吞卡 [${number}]`);
    expect(header(ack!.mail, 'auto-submitted')).toBe('auto-replied');
    expect(header(ack!.mail, 'x-loop')).toBe('desk.fuwutai.test');
    expect(bare(ack!.mail.inReplyTo)).toBe('c1.atm@bank.example');
    expect(refsOf(ack!.mail)).toEqual(['c1.atm@bank.example']);
    expect(ack!.mail.text).toContain(number);
    expect(ack!.mail.html).toContain(`<b>${number}</b>`);
    const ackId = bare(ack!.mail.messageId)!;
    expect(ackId).toMatch(new RegExp(`^fw\\.${number.toLowerCase()}\\.[0-9a-f]+@desk\\.example$`));
    const [recorded] = await t.services.db.select().from(mailMessages).where(and(eq(mailMessages.messageId, ackId), eq(mailMessages.direction, 'out')));
    expect(recorded).toMatchObject({ ticketId, mailboxId: box.id, inReplyTo: 'c1.atm@bank.example', toAddresses: [reporter!.email], outcome: 'sent' });
    // Our own mail coming back in is a loop, never a ticket.
    const echoed = await parse(ack!.envelope.raw);
    expect(echoed.ok && echoed.mail.classification.kind).toBe('own_loop');

    // The customer answers the acknowledgement: same ticket.
    const reply = await receive(box, {
      from: 'li.si@bank.example',
      cc: ['wang.wu@bank.example'],
      subject: `Re: 3 号 ATM 吞卡 [${number}]`,
      body: '补充：卡号尾号 1234。',
      messageId: 'c2.atm@bank.example',
      inReplyTo: ackId,
      references: ['c1.atm@bank.example', ackId],
    });
    expect(reply).toMatchObject({ outcome: 'comment_added', ticketId });
    await deliver(); // the customer's own words are not mailed back to them
    expect(sink.messages.length).toBe(before + 1);

    // An internal note: nothing. A public reply: to the reporter, Cc the contact they copied (not strangers, not us).
    expect((await admin.post(`/api/tickets/${ticketId}/comments`, { body: '内部：怀疑读卡器固件', public: false })).status).toBe(201);
    expect((await admin.post(`/api/tickets/${ticketId}/comments`, { body: '已远程重启，<请>再试一次。', public: true })).status).toBe(201);
    expect(await deliver()).toMatchObject({ sent: 1 });
    const [answer] = await newMessages(before + 1);
    expect(sink.messages.length).toBe(before + 2);
    expect(answer!.envelope.to.sort()).toEqual([reporter!.email, colleague!.email].sort());
    expect(answer!.mail.subject).toBe(`Re: 3 号 ATM 吞卡 [${number}]`);
    expect(bare(answer!.mail.inReplyTo)).toBe('c2.atm@bank.example');
    expect(refsOf(answer!.mail)).toEqual(['c1.atm@bank.example', ackId, 'c2.atm@bank.example']);
    expect(header(answer!.mail, 'auto-submitted')).toBeUndefined();
    expect(answer!.mail.text).toContain('已远程重启，<请>再试一次。');
    expect(answer!.mail.text).not.toContain('内部');
    expect(answer!.mail.html).toContain('已远程重启，&lt;请&gt;再试一次。');

    // notifyCustomer: false keeps a public comment off the mail.
    expect((await admin.post(`/api/tickets/${ticketId}/comments`, { body: '电话已沟通', public: true, notifyCustomer: false })).status).toBe(201);
    await deliver();
    expect(sink.messages.length).toBe(before + 2);
  });

  it('sends the comment’s public attachments with it and refuses internal or foreign ones', async () => {
    const { contacts: [reporter] } = await customerWith('zhao.liu@bank.example');
    const created = await receive(box, { from: reporter!.email!, subject: '打印机卡纸', body: '卡纸', messageId: `p${++seq}@bank.example` });
    await deliver();
    const ticketId = created.ticketId!;
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    const shared = await admin.upload(`/api/tickets/${ticketId}/attachments`, { name: '处理报告.png', content: png, type: 'image/png' }, { public: 'true' });
    const internal = await admin.upload(`/api/tickets/${ticketId}/attachments`, { name: 'internal.png', content: png, type: 'image/png' }, { public: 'false' });
    expect([shared.status, internal.status]).toEqual([201, 201]);
    const refused = await admin.post(`/api/tickets/${ticketId}/comments`, { body: '见附件', public: true, attachmentIds: [internal.body.id] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields[0]).toMatchObject({ path: 'attachmentIds' });
    const before = sink.messages.length;
    expect((await admin.post(`/api/tickets/${ticketId}/comments`, { body: '处理报告见附件。', public: true, attachmentIds: [shared.body.id] })).status).toBe(201);
    await deliver();
    const [withFile] = await newMessages(before);
    expect(withFile!.mail.attachments.map((a) => [a.filename, a.content.equals(png)])).toEqual([['处理报告.png', true]]);
  });

  it('skips and records a failing address; caps acknowledgements per sender and hour', async () => {
    const { contacts: [reporter] } = await customerWith('bounced@bank.example');
    const first = await receive(box, { from: 'bounced@bank.example', subject: '网点断网', body: '断网', messageId: `f${++seq}@bank.example` });
    await deliver();
    await t.services.db.update(contacts).set({ emailFailingAt: clock.now(), emailFailingReason: '550 5.1.1 user unknown' }).where(eq(contacts.id, reporter!.id));
    const before = sink.messages.length;
    expect((await admin.post(`/api/tickets/${first.ticketId}/comments`, { body: '请提供网点编号', public: true })).status).toBe(201);
    await deliver();
    expect(sink.messages.length).toBe(before);
    const listed = (await admin.get(`/api/tickets/${first.ticketId}/customer-mails`)).body;
    expect(listed.map((m: { kind: string; status: string; reason: string | null }) => [m.kind, m.status, m.reason])).toEqual([
      ['ack', 'queued', null],
      ['comment', 'skipped', 'address_failing'],
    ]);
    expect(listed[1].detail).toContain('550 5.1.1');
    expect(listed[0].delivery).toMatchObject({ status: 'sent' });
    expect((await (await t.as('customer_user')).get(`/api/tickets/${first.ticketId}/customer-mails`)).status).toBe(403);

    // Three new tickets from one address within the hour: two acknowledgements (the configured cap), the third recorded.
    await customerWith('busy@bank.example');
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await receive(box, { from: 'busy@bank.example', subject: `故障 ${i}`, body: `第 ${i} 台`, messageId: `b${++seq}@bank.example` })).ticketId!);
    const sentBefore = sink.messages.length;
    await deliver();
    expect(sink.messages.length - sentBefore).toBe(2);
    const rows = await t.services.db.select().from(customerMails).where(eq(customerMails.recipient, 'busy@bank.example')).orderBy(customerMails.id);
    expect(rows.map((r) => [r.status, r.reason])).toEqual([
      ['queued', null],
      ['queued', null],
      ['skipped', 'ack_cap'],
    ]);
    // An hour later the sender is acknowledged again.
    clock.advance(61); // minutes
    await receive(box, { from: 'busy@bank.example', subject: '故障 4', body: '第 4 台', messageId: `b${++seq}@bank.example` });
    await deliver();
    expect(sink.messages.length - sentBefore).toBe(3);
  });

  it('tells the reporter of a portal ticket by the desk’s default identity: acknowledgement, assignment, waiting for them, resolved', async () => {
    const { customer, contacts: [reporter] } = await customerWith('portal.user@bank.example');
    const dispatcher = await t.as('admin');
    const engineer = await t.as('engineer');
    const created = await dispatcher.post('/api/tickets', { title: '核心交换机告警', description: '告警灯亮', severity: 'P2', channel: 'phone', customerId: customer.id, contactId: reporter!.id });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const number = created.body.number as string;
    const before = sink.messages.length;
    await deliver();
    expect((await dispatcher.patch(`/api/tickets/${id}`, { assigneeId: engineer.user.id })).status).toBe(200);
    await deliver();
    expect((await dispatcher.post(`/api/tickets/${id}/transitions`, { to: 'in_progress' })).status).toBe(200);
    expect((await dispatcher.post(`/api/tickets/${id}/transitions`, { to: 'pending_customer', note: '请提供设备序列号' })).status).toBe(200);
    await deliver();
    expect((await dispatcher.post(`/api/tickets/${id}/transitions`, { to: 'in_progress' })).status).toBe(200);
    expect((await dispatcher.post(`/api/tickets/${id}/transitions`, { to: 'resolved', note: '已更换电源模块' })).status).toBe(200);
    await deliver();
    const mails = await newMessages(before, 4);
    expect(mails).toHaveLength(4); // in_progress is not news for the customer
    const [ack, assigned, pending, resolved] = mails.map((m) => m.mail);
    for (const m of mails) {
      expect(m.envelope.to).toEqual(['portal.user@bank.example']);
      expect(m.envelope.user).toBeNull(); // the global SMTP URL has no login
      expect(m.mail.from?.value[0]?.address).toBe('desk@fuwutai.test');
      expect(m.mail.subject).toContain(`[${number}]`);
    }
    expect(ack!.subject).toBe(`核心交换机告警 [${number}]`);
    expect(header(ack!, 'auto-submitted')).toBe('auto-replied');
    expect(assigned!.subject).toBe(`Re: 核心交换机告警 [${number}]`);
    const [engineerRow] = await t.services.db.select({ name: users.name }).from(users).where(eq(users.id, engineer.user.id));
    expect(assigned!.text).toContain(`已由工程师 ${engineerRow!.name} 负责处理`);
    expect(header(assigned!, 'auto-submitted')).toBe('auto-generated');
    expect(pending!.text).toContain('请提供设备序列号');
    expect(resolved!.text).toContain('已更换电源模块');
    expect(resolved!.text).toContain(`${PUBLIC_URL}/tickets/${id}`);
    // Each threads on the previous one (no inbound mail on a phone ticket).
    const ids = [ack, assigned, pending, resolved].map((m) => bare(m!.messageId)!);
    expect(bare(assigned!.inReplyTo)).toBe(ids[0]);
    expect(bare(resolved!.inReplyTo)).toBe(ids[2]);
    expect(refsOf(resolved!)).toEqual(ids.slice(0, 3));
  });
});

describe('the language of customer mail', () => {
  it('is the contact’s when set, else the mailbox identity’s, else Chinese', async () => {
    const { customer, contacts: [english, chinese, unset] } = await customerWith('john.smith@lang.example', 'sun.ba@lang.example', 'zhou.jiu@lang.example');
    for (const [contact, language] of [[english!, 'en'], [chinese!, 'zh-CN']] as const) {
      const set = await admin.patch(`/api/customers/${customer.id}/contacts/${contact.id}`, { language });
      expect(set.status).toBe(200);
      expect(set.body.language).toBe(language);
    }
    expect((await admin.get(`/api/customers/${customer.id}`)).body.contacts.find((c: { id: string }) => c.id === unset!.id).language).toBeNull();

    // A phone ticket goes out by the desk's default identity (no language): the contact's English wins.
    const phone = await admin.post('/api/tickets', { title: 'UPS alarm', description: 'beeping', severity: 'P3', channel: 'phone', customerId: customer.id, contactId: english!.id });
    expect(phone.status).toBe(201);
    let before = sink.messages.length;
    await deliver();
    const [ackEn] = await newMessages(before);
    expect(ackEn!.envelope.to).toEqual(['john.smith@lang.example']);
    expect(ackEn!.mail.text).toContain(`We have received your request and logged it as ticket ${phone.body.number}`);
    expect(ackEn!.mail.text).not.toContain('我们已收到');

    // A mailbox that answers in English: a Chinese contact still gets Chinese, one without a language English.
    const box = await mailbox();
    expect((await admin.put(`/api/mailboxes/${box.id}/sender`, identity(sink.port, { fromAddress: box.address, language: 'en' }))).status).toBe(200);
    before = sink.messages.length;
    await receive(box, { from: 'sun.ba@lang.example', subject: '打印机卡纸', body: '二楼打印机卡纸', messageId: 'lang.zh@bank.example' });
    await receive(box, { from: 'zhou.jiu@lang.example', subject: 'Printer jam', body: 'jammed again', messageId: 'lang.unset@bank.example' });
    await deliver();
    const mails = await newMessages(before, 2);
    const to = (address: string) => mails.find((m) => m.envelope.to[0] === address)!.mail;
    expect(to('sun.ba@lang.example').text).toContain('我们已收到您的服务请求');
    expect(to('zhou.jiu@lang.example').text).toContain('We have received your request');

    expect((await admin.patch(`/api/customers/${customer.id}/contacts/${english!.id}`, { language: 'fr' })).status).toBe(400);
    const cleared = await admin.patch(`/api/customers/${customer.id}/contacts/${english!.id}`, { language: null });
    expect(cleared.body.language).toBeNull();
  });
});

describe('customer mail and notifications together', () => {
  it('a portal user who is also the reporting contact gets a public reply once, as the threaded customer mail', async () => {
    const { customer, contacts: [reporter] } = await customerWith('both.ways@bank.example');
    const portal = await t.as('customer_user', { customerId: customer.id });
    await t.services.users.update(await t.factory.actor(), portal.user.id, { email: 'Both.Ways@bank.example' });
    const created = await portal.post('/api/tickets', { title: '网银登录慢', description: '登录要 30 秒', severity: 'P3', channel: 'portal' });
    expect(created.status).toBe(201);
    expect((await admin.patch(`/api/tickets/${created.body.id}`, { contactId: reporter!.id })).status).toBe(200);
    await deliver();
    expect((await admin.post(`/api/tickets/${created.body.id}/comments`, { body: '已扩容登录服务器', public: true })).status).toBe(201);
    await deliver();
    const rows = await t.services.db.select().from(outbox).where(and(eq(outbox.ticketId, created.body.id), eq(outbox.channel, 'email')));
    expect(rows.filter((r) => r.email?.toLowerCase() === 'both.ways@bank.example' && r.body.includes('已扩容登录服务器')).map((r) => r.kind)).toEqual(['mail.comment']);
    // Their bell still rings.
    const bell = (await portal.get('/api/notifications')).body.items as Array<{ kind: string }>;
    expect(bell.map((n) => n.kind)).toContain('ticket.commented');
  });
});

describe('templates', () => {
  it('an override is used, previewed with escaping, refused with unknown placeholders, and reset to the default', async () => {
    const list = (await admin.get('/api/mail-templates')).body;
    expect(list.items).toHaveLength(10);
    expect(list.placeholders).toContain('comment.body');
    const unknown = await admin.put('/api/mail-templates/comment/zh-CN', { subject: '{{ticket.subject}}', text: '{{ticket.nomber}}', html: '<p>x</p>' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ key: 'mail.template_placeholder_unknown', params: { placeholder: 'ticket.nomber', field: 'text' } });
    const broken = await admin.put('/api/mail-templates/comment/zh-CN', { subject: '{{ticket.subject}}', text: '{{ticket.number}', html: '<p>x</p>' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.key).toBe('mail.template_syntax');
    expect((await admin.put('/api/mail-templates/comment/fr', { subject: 's', text: 't', html: 'h' })).status).toBe(400);
    expect((await (await t.as('dispatcher')).put('/api/mail-templates/comment/zh-CN', { subject: 's', text: 't', html: 'h' })).status).toBe(403);

    const saved = await admin.put('/api/mail-templates/comment/zh-CN', {
      subject: '{{ ticket.subject }}',
      text: '工单 {{ticket.number}} 的新回复：\n{{comment.body}}\n—— {{comment.author}}',
      html: '<p>工单 <b>{{ticket.number}}</b> 的新回复：</p><blockquote>{{comment.body}}</blockquote>',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ customized: true });

    const preview = await admin.post('/api/mail-templates/preview', { event: 'comment', language: 'zh-CN' });
    expect(preview.status).toBe(200);
    expect(preview.body.subject).toBe('Re: 3 号 ATM 吞卡 [FW-2026-000123]');
    expect(preview.body.text).toContain('请测试 <b>3 号机</b> & 回复结果。');
    expect(preview.body.html).toContain('请测试 &lt;b&gt;3 号机&lt;/b&gt; &amp; 回复结果。<br>');
    expect(preview.body.html).not.toContain('<b>3 号机</b>');
    const unsaved = await admin.post('/api/mail-templates/preview', { event: 'ack', language: 'en', html: '<i>{{ticket.title}}</i>' });
    expect(unsaved.body.html).toBe('<i>3 号 ATM 吞卡 / ATM 3 keeps cards</i>');
    expect((await admin.post('/api/mail-templates/preview', { event: 'ack', language: 'en', text: '{{nope}}' })).status).toBe(400);

    // The override is what the customer receives.
    const box = await mailbox();
    const { contacts: [reporter] } = await customerWith('tpl.user@bank.example');
    const made = await receive(box, { from: reporter!.email!, subject: '门禁失灵', body: '门禁失灵', messageId: `t${++seq}@bank.example` });
    await deliver(); // (acknowledged through the global SMTP: this mailbox has no identity)
    const before = sink.messages.length;
    await admin.post(`/api/tickets/${made.ticketId}/comments`, { body: '明早 <9 点> 上门', public: true });
    await deliver();
    const [m] = await newMessages(before);
    expect(m!.mail.text).toContain('的新回复：\n明早 <9 点> 上门');
    expect(m!.mail.html).toContain('<blockquote>明早 &lt;9 点&gt; 上门</blockquote>');
    // Sent as the desk, with replies going back to the mailbox the customer wrote to.
    expect(m!.mail.from?.value[0]?.address).toBe('desk@fuwutai.test');
    expect(m!.mail.replyTo?.value[0]?.address).toBe(box.address);

    const reset = await admin.delete('/api/mail-templates/comment/zh-CN');
    expect(reset.status).toBe(200);
    expect(reset.body.customized).toBe(false);
    expect(reset.body.text).toBe(reset.body.defaults.text);
  });
});

describe('sending identities', () => {
  it('never answer the password, store it encrypted, and keep it when a save leaves it out', async () => {
    const box = await mailbox();
    const empty = (await admin.get(`/api/mailboxes/${box.id}/sender`)).body;
    expect(empty).toEqual({ sender: null, defaultIdentity: { configured: true, from: 'Fuwutai 服务台 <desk@fuwutai.test>' } });
    const put = await admin.put(`/api/mailboxes/${box.id}/sender`, identity(sink.port, { language: 'en' }));
    expect(JSON.stringify(put.body)).not.toContain(IDENTITY_PASSWORD);
    expect(put.body.sender).toMatchObject({ fromAddress: 'support@desk.example', passwordSet: true, language: 'en', smtpUser: 'support-login' });
    expect(put.body.sender).not.toHaveProperty('password');
    expect(put.body.sender).not.toHaveProperty('passwordEnc');
    const got = await admin.get(`/api/mailboxes/${box.id}/sender`);
    expect(JSON.stringify(got.body)).not.toContain(IDENTITY_PASSWORD);
    const [row] = await t.services.db.select().from(mailSenders).where(eq(mailSenders.mailboxId, box.id));
    expect(row!.passwordEnc).toMatch(/^v1:/);
    expect(row!.passwordEnc).not.toContain(IDENTITY_PASSWORD);
    const { password: _omit, ...withoutPassword } = identity(sink.port, { fromName: '新名字' });
    expect((await admin.put(`/api/mailboxes/${box.id}/sender`, withoutPassword)).body.sender).toMatchObject({ passwordSet: true, fromName: '新名字' });
    const [kept] = await t.services.db.select().from(mailSenders).where(eq(mailSenders.mailboxId, box.id));
    expect(kept!.passwordEnc).toBe(row!.passwordEnc);
    expect((await (await t.as('manager')).get(`/api/mailboxes/${box.id}/sender`)).status).toBe(403);
    expect((await admin.get('/api/mailboxes/00000000-0000-4000-8000-000000000001/sender')).status).toBe(404);
    const audit = await admin.get(`/api/audit?entity=mailbox&entityId=${box.id}`);
    expect(audit.body.map((e: { action: string }) => e.action)).toContain('sender_updated');
    expect(JSON.stringify(audit.body)).not.toContain(IDENTITY_PASSWORD);
  });

  it('test sends answer in words: sent, wrong password, no STARTTLS, nobody listening', async () => {
    const box = await mailbox();
    expect((await admin.post(`/api/mailboxes/${box.id}/sender/test`, { to: 'admin@desk.example' })).body.error.key).toBe('mail.sender_not_set');
    await admin.put(`/api/mailboxes/${box.id}/sender`, identity(sink.port));
    const before = sink.messages.length;
    expect((await admin.post(`/api/mailboxes/${box.id}/sender/test`, { to: 'admin@desk.example' })).body).toEqual({ ok: true, key: null, detail: null });
    const [test] = await newMessages(before);
    expect(test!.envelope.to).toEqual(['admin@desk.example']);
    expect(test!.envelope.user).toBe('support-login');

    const strict = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(_auth, _session, callback) {
        callback(new Error('Invalid username or password'));
      },
    });
    const strictPort = await new Promise<number>((resolve) => strict.listen(0, '127.0.0.1', () => resolve((strict.server.address() as net.AddressInfo).port)));
    try {
      await admin.put(`/api/mailboxes/${box.id}/sender`, identity(strictPort));
      expect((await admin.post(`/api/mailboxes/${box.id}/sender/test`, { to: 'admin@desk.example' })).body).toMatchObject({ ok: false, key: 'mail.auth_failed' });
    } finally {
      await new Promise<void>((resolve) => strict.close(() => resolve()));
    }
    await admin.put(`/api/mailboxes/${box.id}/sender`, identity(sink.port, { smtpSecurity: 'starttls' }));
    expect((await admin.post(`/api/mailboxes/${box.id}/sender/test`, { to: 'admin@desk.example' })).body).toMatchObject({ ok: false, key: 'mail.tls_failed' });
    await admin.put(`/api/mailboxes/${box.id}/sender`, identity(await freePort()));
    expect((await admin.post(`/api/mailboxes/${box.id}/sender/test`, { to: 'admin@desk.example' })).body).toMatchObject({ ok: false, key: 'mail.host_unreachable' });
  });

  it('a send that fails is retried later with the same Message-ID, and only one is recorded', async () => {
    const box = await mailbox();
    const down = await freePort();
    await admin.put(`/api/mailboxes/${box.id}/sender`, identity(down));
    const { contacts: [reporter] } = await customerWith('retry.user@bank.example');
    const made = await receive(box, { from: reporter!.email!, subject: 'UPS 报警', body: 'UPS 报警', messageId: `r${++seq}@bank.example` });
    const before = sink.messages.length;
    expect(await deliver()).toMatchObject({ sent: 0, retried: 1 });
    const [row] = await t.services.db.select().from(outbox).where(and(eq(outbox.ticketId, made.ticketId!), eq(outbox.kind, 'mail.ack')));
    expect(row).toMatchObject({ status: 'pending', attempts: 1, mailboxId: box.id });
    expect(row!.lastError).toMatch(/ECONNREFUSED/);
    expect(row!.lastError).not.toContain(IDENTITY_PASSWORD);

    // The SMTP server is back (the identity now reaches it; the password is kept): the retry goes out.
    const { password: _omit, ...back } = identity(sink.port);
    await admin.put(`/api/mailboxes/${box.id}/sender`, back);
    clock.advance(1); // minute
    expect(await deliver()).toMatchObject({ sent: 1 });
    const [m] = await newMessages(before);
    expect(m!.envelope.user).toBe('support-login');
    const out = await t.services.db.select().from(mailMessages).where(and(eq(mailMessages.ticketId, made.ticketId!), eq(mailMessages.direction, 'out')));
    expect(out).toHaveLength(1);
    expect(bare(m!.mail.messageId)).toBe(out[0]!.messageId);
    expect(row!.headers?.messageId).toBe(out[0]!.messageId);
    expect(sink.messages.length).toBe(before + 1);
  });
});
