/**
 * The mail admin API over HTTP on a real database: mailbox CRUD (the password never comes back,
 * and is refused without FUWUTAI_SECRET), the quarantine (list, convert, dismiss; retry through
 * the service with a parser), and who may call them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachments, mailboxes, tickets } from '../../db/schema';
import type { ParsedMail } from '../../domain/mail/types';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { type ImapTestServer, startImapServer } from '../../test/mail-servers';
import { createQuarantineService } from './quarantine';

let t: TestApp;
let admin: Client;

const BOX = {
  name: '售后邮箱',
  address: 'Support@Desk.example',
  imapHost: 'imap.desk.example',
  imapPort: 993,
  imapSecurity: 'tls',
  imapUser: 'support',
  password: 's3cret-imap-password',
  unknownSenderRule: 'reject',
};

const RAW = Buffer.from(
  'From: =?UTF-8?B?5byg5LiJ?= <Zhang.San@Bank.example>\r\nSubject: =?UTF-8?B?5omT5Y2w5py65pWF6Zqc?=\r\nContent-Type: multipart/mixed; boundary="broken\r\n\r\n打印机无法打印\r\n',
);

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('admin');
});
afterAll(() => t?.close());

describe('mailboxes', () => {
  it('are created, read, changed and deleted by admins; the password is stored encrypted and never returned', async () => {
    const created = await admin.post('/api/mailboxes', BOX);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ address: 'support@desk.example', passwordSet: true, folder: 'INBOX', pollIntervalSeconds: 60, unknownSenderRule: 'reject' });
    expect(JSON.stringify(created.body)).not.toContain(BOX.password);
    const [row] = await t.database.db.select().from(mailboxes).where(eq(mailboxes.id, created.body.id));
    expect(row!.passwordEnc).toMatch(/^v1:/);
    expect(row!.passwordEnc).not.toContain(BOX.password);
    expect(t.services.mailboxes.password(row!)).toBe(BOX.password);

    const list = await admin.get('/api/mailboxes');
    expect(list.body.map((m: { id: string }) => m.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(BOX.password);

    const empty = await admin.patch(`/api/mailboxes/${created.body.id}`, {});
    expect(empty.body).toMatchObject({ name: BOX.name, passwordSet: true, unknownSenderRule: 'reject' });
    const changed = await admin.patch(`/api/mailboxes/${created.body.id}`, { pollIntervalSeconds: 120, password: null });
    expect(changed.body).toMatchObject({ pollIntervalSeconds: 120, passwordSet: false });
    expect((await admin.patch(`/api/mailboxes/${created.body.id}`, { pollIntervalSeconds: 10 })).status).toBe(400);
    expect((await admin.post('/api/mailboxes', { ...BOX, address: 'support@DESK.example' })).status).toBe(409);

    expect((await admin.delete(`/api/mailboxes/${created.body.id}`)).status).toBe(204);
    expect((await admin.get(`/api/mailboxes/${created.body.id}`)).status).toBe(404);
    const audit = await admin.get(`/api/audit?entity=mailbox&entityId=${created.body.id}`);
    expect(JSON.stringify(audit.body)).not.toContain(BOX.password);
  });

  it('a PATCH changes what it sends and keeps every other field', async () => {
    const center = await t.factory.center();
    const created = await admin.post('/api/mailboxes', {
      ...BOX,
      address: 'partial@desk.example',
      tlsVerify: false,
      folder: 'Support',
      processedAction: 'move',
      processedFolder: 'Done',
      pollIntervalSeconds: 300,
      useIdle: false,
      centerId: center.id,
      defaultSeverity: 'P1',
      defaultType: 'complaint',
      defaultCategory: 'network',
      unknownSenderRule: 'domain_contact',
      enabled: false,
    });
    expect(created.status).toBe(201);
    const changes: Record<string, unknown> = {
      name: '另一个邮箱',
      address: 'partial2@desk.example',
      imapHost: 'mail.other.example',
      imapPort: 143,
      imapSecurity: 'starttls',
      imapUser: 'other',
      tlsVerify: true,
      folder: 'INBOX',
      processedAction: 'seen',
      processedFolder: 'Archive',
      pollIntervalSeconds: 30,
      useIdle: true,
      centerId: null,
      defaultSeverity: 'P4',
      defaultType: 'fault',
      defaultCategory: 'hardware',
      unknownSenderRule: 'reject',
      enabled: true,
    };
    const read = async () => {
      const { updatedAt: _u, lastUid: _l, ...rest } = (await admin.get(`/api/mailboxes/${created.body.id}`)).body;
      return rest;
    };
    for (const [field, value] of Object.entries(changes)) {
      const before = await read();
      expect(before[field], field).not.toEqual(value);
      const res = await admin.patch(`/api/mailboxes/${created.body.id}`, { [field]: value });
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(await read()).toEqual({ ...before, [field]: value });
    }
  });

  it('refuses to store a password without FUWUTAI_SECRET (secrets.key_missing), storing nothing', async () => {
    const bare = await createTestApp({ config: { secret: undefined } });
    try {
      const a = await bare.as('admin');
      const refused = await a.post('/api/mailboxes', { ...BOX, address: 'nokey@desk.example' });
      expect(refused.status).toBe(409);
      expect(refused.body.error.key).toBe('secrets.key_missing');
      expect((await a.get('/api/mailboxes')).body).toEqual([]);
      expect((await a.post('/api/mailboxes', { ...BOX, address: 'nokey@desk.example', password: undefined })).status).toBe(201);
    } finally {
      await bare.close();
    }
  });

  it('are admins’ only: other staff get 403, customers 403', async () => {
    for (const role of ['engineer', 'manager', 'customer_leader'] as const) {
      const c = await t.as(role);
      expect((await c.get('/api/mailboxes')).status).toBe(403);
      expect((await c.post('/api/mailboxes', BOX)).status).toBe(403);
      expect((await c.get('/api/mail/quarantine')).status).toBe(403);
    }
  });
});

describe('quarantine', () => {
  it('keeps the raw message with its reason, lists it for admins, turns it into a ticket by hand with the .eml attached', async () => {
    const customer = await t.factory.customer();
    await t.services.customers.addContact(await t.factory.actor(), customer.id, { name: '张三', email: 'zhang.san@bank.example', phones: [] });
    const held = await t.services.mailQuarantine.store({ mailboxId: null, uid: 7, raw: RAW, reason: 'unparseable', detail: 'unterminated boundary' });
    expect(held).toMatchObject({ state: 'held', subject: '打印机故障', fromAddress: 'zhang.san@bank.example', size: RAW.length });
    const list = await admin.get('/api/mail/quarantine');
    expect(list.body.find((q: { id: string }) => q.id === held.id)).toMatchObject({ reason: 'unparseable', uid: 7 });

    const converted = await admin.post(`/api/mail/quarantine/${held.id}/convert`, {});
    expect(converted.status).toBe(200);
    expect(converted.body.item).toMatchObject({ state: 'converted', ticketId: converted.body.ticketId });
    const [ticket] = await t.database.db.select().from(tickets).where(eq(tickets.id, converted.body.ticketId));
    expect(ticket).toMatchObject({ title: '打印机故障', channel: 'email', customerId: customer.id });
    expect(ticket!.description).toContain('打印机无法打印');
    const [eml] = await t.database.db.select().from(attachments).where(eq(attachments.ticketId, ticket!.id));
    expect(eml).toMatchObject({ contentType: 'message/rfc822', public: false, size: RAW.length });
    expect(fs.readFileSync(path.join(t.services.mailIngest.filesDir, eml!.storageKey)).equals(RAW)).toBe(true);
    // Handled once: a second conversion is refused.
    const again = await admin.post(`/api/mail/quarantine/${held.id}/convert`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.key).toBe('mail.quarantine_resolved');
    expect((await admin.get('/api/mail/quarantine')).body.some((q: { id: string }) => q.id === held.id)).toBe(false);
    expect((await admin.get('/api/mail/quarantine?state=converted')).body.some((q: { id: string }) => q.id === held.id)).toBe(true);
  });

  it('dismisses a held message (kept on disk, out of the list); unknown ids are 404', async () => {
    const held = await t.services.mailQuarantine.store({ mailboxId: null, uid: null, raw: RAW, reason: 'too_large', detail: '26 MB' });
    const dismissed = await admin.post(`/api/mail/quarantine/${held.id}/dismiss`);
    expect(dismissed.body).toMatchObject({ state: 'dismissed', resolvedBy: { id: admin.user.id } });
    expect((await admin.post('/api/mail/quarantine/00000000-0000-4000-8000-000000000000/dismiss')).status).toBe(404);
  });

  it('POST …/retry parses the raw message again: still broken stays held with the parser’s reason', async () => {
    const held = await t.services.mailQuarantine.store({ mailboxId: null, uid: 3, raw: RAW, reason: 'ingest_failed', detail: 'database down' });
    const retried = await admin.post(`/api/mail/quarantine/${held.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ outcome: 'quarantined', ticketId: null, item: { state: 'held', reason: 'unparseable' } });
    expect((await (await t.as('engineer')).post(`/api/mail/quarantine/${held.id}/retry`)).status).toBe(403);
  });

  it('retries: parsed again and ingested, the quarantine row resolved with the ticket it made; still unparseable stays held', async () => {
    const [box] = await t.database.db
      .insert(mailboxes)
      .values({ name: 'Retry', address: 'retry@desk.example', imapHost: 'h', imapPort: 993, imapSecurity: 'tls', imapUser: 'u', unknownSenderRule: 'unassigned' })
      .returning();
    let readable = false;
    const parsed: ParsedMail = {
      messageId: 'retry-1@bank.example',
      messageIdSynthetic: false,
      inReplyTo: null,
      references: [],
      subject: '重试的邮件',
      from: { address: 'x@unknown.example', name: '' },
      replyTo: [],
      to: [],
      cc: [],
      date: null,
      text: '正文',
      body: '正文',
      html: null,
      attachments: [],
      classification: { kind: 'normal', reason: null },
      bounce: null,
      size: RAW.length,
    };
    const service = createQuarantineService({
      ingest: t.services.mailIngest,
      dataDir: t.config.dataDir,
      tickets: t.services.tickets,
      parse: () => (readable ? { ok: true, mail: parsed } : { ok: false, quarantine: { reason: 'unparseable', detail: 'still broken' } }),
    });
    const held = await service.store({ mailboxId: box!.id, uid: 9, raw: RAW, reason: 'ingest_failed', detail: 'database down' });
    const actor = { ...(await t.factory.actor()) };
    const first = await service.retry(actor, held.id);
    expect(first).toMatchObject({ outcome: 'quarantined', item: { state: 'held', reason: 'unparseable', detail: 'still broken' } });
    readable = true;
    const second = await service.retry(actor, held.id);
    expect(second.outcome).toBe('ticket_created');
    expect(second.item).toMatchObject({ state: 'retried', ticketId: second.ticketId });
    expect((await t.database.db.select().from(tickets).where(eq(tickets.id, second.ticketId!)))[0]).toMatchObject({ title: '重试的邮件', channel: 'email' });
  });
});

describe('connection test against a real IMAP server (Dovecot)', () => {
  let server: ImapTestServer;
  const user = { user: 'desk', password: 'pw-desk-秘密' };
  beforeAll(async () => {
    server = await startImapServer({ users: [user] });
  }, 60_000);
  afterAll(() => server?.close());

  const unsaved = () => ({ imapHost: server.host, imapPort: server.port, imapSecurity: 'starttls', imapUser: user.user, password: user.password, tlsVerify: false });

  it('answers ok with IDLE and the folders; wrong password, untrusted certificate and a missing folder in keys', async () => {
    const ok = await admin.post('/api/mailboxes/test', unsaved());
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, key: null, idle: true });
    expect(ok.body.folders).toContain('INBOX');
    expect((await admin.post('/api/mailboxes/test', { ...unsaved(), password: 'wrong' })).body).toMatchObject({ ok: false, key: 'mail.auth_failed' });
    expect((await admin.post('/api/mailboxes/test', { ...unsaved(), tlsVerify: true })).body).toMatchObject({ ok: false, key: 'mail.tls_failed' });
    expect((await admin.post('/api/mailboxes/test', { ...unsaved(), folder: 'Tickets' })).body).toMatchObject({ ok: false, key: 'mail.folder_missing' });
    expect((await (await t.as('engineer')).post('/api/mailboxes/test', unsaved())).status).toBe(403);
  });

  it('tests a saved mailbox with its stored password; without one it says the password is required', async () => {
    const saved = await admin.post('/api/mailboxes', { ...unsaved(), name: 'Dovecot', address: 'dovecot@desk.example' });
    expect(saved.status).toBe(201);
    expect((await admin.post(`/api/mailboxes/${saved.body.id}/test`)).body).toMatchObject({ ok: true, idle: true });
    await admin.patch(`/api/mailboxes/${saved.body.id}`, { password: null });
    const none = await admin.post(`/api/mailboxes/${saved.body.id}/test`);
    expect(none.status).toBe(400);
    expect(none.body.error.details.fields[0]).toMatchObject({ path: 'password' });
  });
});
