/**
 * The poller against a real Dovecot (server/test/mail-servers.ts) and a real database (PGlite, or
 * PostgreSQL with DATABASE_URL): new mail → tickets, flagged and passed; polled twice → nothing
 * twice; a reply → a comment; over the size limit → quarantined once; a wrong password → the
 * mailbox says so; a recreated folder → read again without duplicates; a message that keeps failing
 * → quarantined after three tries; IDLE wakes a poll; "收取" over HTTP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxes, mailMessages, mailQuarantine, tickets } from '../../db/schema';
import { createMailJobs } from '../../jobs/mail-poll';
import { createJobRegistry } from '../../jobs/scheduler';
import { rows } from '../../db/client';
import { AppError } from '../../platform/errors';
import { encryptSecret } from '../../platform/secrets';
import { createTestApp, type TestApp } from '../../test/harness';
import { type ImapTestServer, startImapServer } from '../../test/mail-servers';
import { mailboxPasswordContext } from './mailboxes';
import { customerMail, mailboxForImapUser } from './poller-fixtures';
import { type MailboxSession, openMailbox } from './imap';
import { createMailPoller, MAX_ATTEMPTS, type PollerDeps } from './poller';

const USERS = ['basic', 'big', 'wrongpw', 'resync', 'failing', 'idle', 'dropped', 'route'].map((user) => ({ user, password: `pw-${user}-秘密` }));
let server: ImapTestServer;
let t: TestApp;

beforeAll(async () => {
  server = await startImapServer({ users: USERS });
  t = await createTestApp();
}, 60_000);
afterAll(async () => {
  await t?.close();
  await server?.close();
});

const userOf = (name: string) => USERS.find((u) => u.user === name)!;
const boxFor = (name: string, fields: Parameters<typeof mailboxForImapUser>[4] = {}) =>
  mailboxForImapUser(t.database.db, t.config.secret, server, userOf(name), fields);
function pollerDeps(overrides: Partial<PollerDeps> = {}): PollerDeps {
  return {
    db: t.database.db,
    clock: t.clock,
    secret: t.config.secret,
    ingest: t.services.mailIngest,
    quarantine: t.services.mailQuarantine,
    maxBytes: 1024 * 1024,
    loopMark: 'desk.example',
    batch: 2, // several batches even for a few messages
    ...overrides,
  };
}
const mailboxRow = async (id: string) => (await t.database.db.select().from(mailboxes).where(eq(mailboxes.id, id)))[0]!;
const recorded = (id: string) => t.database.db.select().from(mailMessages).where(eq(mailMessages.mailboxId, id)).orderBy(mailMessages.id);
const quarantined = (id: string) => t.database.db.select().from(mailQuarantine).where(eq(mailQuarantine.mailboxId, id));
const ticketCount = async () => Number((await t.database.db.select({ n: sql<number>`count(*)` }).from(tickets))[0]!.n);

async function flagsOf(user: string, folder = 'INBOX') {
  const client = await server.connect(user);
  try {
    await client.mailboxOpen(folder);
    const all = await client.fetchAll('1:*', { uid: true, flags: true }, { uid: true });
    return new Map(all.map((m) => [m.uid, m.flags ?? new Set<string>()]));
  } finally {
    await client.logout();
  }
}

async function contactFor(email: string) {
  const customer = await t.factory.customer();
  await t.services.customers.addContact(await t.factory.actor(), customer.id, { name: '王工', email, phones: [] });
  return customer;
}

describe('pollMailbox', () => {
  it('takes new mail in as tickets, flags it and passes it; a second poll takes nothing; a reply becomes a comment', async () => {
    const customer = await contactFor('wang@plant.example');
    const box = await boxFor('basic');
    // Another mailbox, of another folder: nothing of this poll may touch its state.
    const bystander = await boxFor('route', { address: 'bystander@desk.example', enabled: false, uidValidity: '777', lastUid: 99 });
    const sent = [];
    for (let i = 1; i <= 3; i++) {
      const m = customerMail({ from: 'wang@plant.example', subject: `${i} 号机组报警` });
      sent.push(m);
      await server.append('basic', m.raw);
    }
    const poller = createMailPoller(pollerDeps());
    const first = await poller.poll(box.id);
    expect(first).toMatchObject({ error: null, taken: 3, outcomes: { ticket_created: 3 }, resynced: false });
    const recs = await recorded(box.id);
    expect(recs.map((r) => r.messageId)).toEqual(sent.map((m) => m.messageId));
    const ticketIds = new Set(recs.map((r) => r.ticketId));
    expect(ticketIds.size).toBe(3);
    const made = await t.database.db.select().from(tickets).where(eq(tickets.customerId, customer.id));
    expect(made).toHaveLength(3);
    expect(made.every((ticket) => ticket.channel === 'email')).toBe(true);

    const after = await mailboxRow(box.id);
    expect(after.lastUid).toBe(3);
    expect(after.uidValidity).toMatch(/^\d+$/);
    expect(after.lastPolledAt).not.toBeNull();
    expect(after.lastErrorKey).toBeNull();
    const flags = await flagsOf('basic');
    expect([...flags.values()].every((f) => f.has('\\Seen'))).toBe(true);

    const again = await poller.poll(box.id);
    expect(again).toMatchObject({ error: null, taken: 0 });
    expect(await recorded(box.id)).toHaveLength(3);

    // As after a crash between the commit and the stored UID: everything is fetched again, nothing doubles.
    await t.database.db.update(mailboxes).set({ lastUid: 0 }).where(eq(mailboxes.id, box.id));
    const refetched = await poller.poll(box.id);
    expect(refetched).toMatchObject({ error: null, taken: 3, outcomes: { duplicate: 3 } });
    expect(await t.database.db.select().from(tickets).where(eq(tickets.customerId, customer.id))).toHaveLength(3);
    expect((await mailboxRow(box.id)).lastUid).toBe(3);

    const reply = customerMail({ from: 'wang@plant.example', subject: 'Re: 1 号机组报警', body: '已经重启，仍然报警。', inReplyTo: sent[0]!.messageId });
    await server.append('basic', reply.raw);
    const replied = await poller.poll(box.id);
    expect(replied).toMatchObject({ error: null, taken: 1, outcomes: { comment_added: 1 } });
    expect(replied.messages[0]!.ticketId).toBe(recs[0]!.ticketId);
    expect(await t.database.db.select().from(tickets).where(eq(tickets.customerId, customer.id))).toHaveLength(3);
    expect((await mailboxRow(box.id)).lastUid).toBe(4);
    expect(await mailboxRow(bystander.id)).toMatchObject({ uidValidity: '777', lastUid: 99, lastPolledAt: null });
  });

  it('quarantines a message over the size limit (headers kept), once, and still flags and passes it', async () => {
    await contactFor('big@plant.example');
    const box = await boxFor('big');
    const small = customerMail({ from: 'big@plant.example', subject: '小邮件' });
    const large = customerMail({ from: 'big@plant.example', subject: '附带日志', body: 'x'.repeat(8000) });
    await server.append('big', large.raw);
    await server.append('big', small.raw);
    const before = await ticketCount();
    const poller = createMailPoller(pollerDeps({ maxBytes: 4000 }));
    const result = await poller.poll(box.id);
    expect(result).toMatchObject({ error: null, taken: 2, outcomes: { quarantined: 1, ticket_created: 1 } });
    expect(result.messages[0]).toMatchObject({ uid: 1, outcome: 'quarantined', ticketId: null });
    expect(await ticketCount()).toBe(before + 1);
    const held = await quarantined(box.id);
    expect(held).toMatchObject([{ uid: 1, reason: 'too_large', state: 'held', fromAddress: 'big@plant.example', subject: '附带日志' }]);
    const kept = await fs.promises.readFile(path.join(t.config.dataDir, held[0]!.rawPath), 'utf8');
    expect(kept).toContain(`Message-ID: <${large.messageId}>`);
    expect(kept).not.toContain('xxxxxxxx');
    expect((await flagsOf('big')).get(1)?.has('\\Seen')).toBe(true);
    expect((await mailboxRow(box.id)).lastUid).toBe(2);

    // Fetched again (a crash before the UID was stored): the quarantine keeps it once.
    await t.database.db.update(mailboxes).set({ lastUid: 0 }).where(eq(mailboxes.id, box.id));
    const again = await poller.poll(box.id);
    expect(again).toMatchObject({ error: null, taken: 2, outcomes: { quarantined_before: 1, duplicate: 1 } });
    expect(await quarantined(box.id)).toHaveLength(1);
  });

  it('records a wrong password on the mailbox (mail.auth_failed) and changes nothing else', async () => {
    const box = await boxFor('wrongpw');
    await server.append('wrongpw', customerMail({ from: 'x@plant.example', subject: '不会被收取' }).raw);
    // The admin mistyped the password.
    await t.database.db.update(mailboxes).set({ passwordEnc: encryptSecret(t.config.secret, 'not-the-password', mailboxPasswordContext(box.id)) }).where(eq(mailboxes.id, box.id));
    const before = await ticketCount();
    const wrong = await createMailPoller(pollerDeps()).poll(box.id);
    expect(wrong).toMatchObject({ taken: 0, error: { key: 'mail.auth_failed' } });
    const row = await mailboxRow(box.id);
    expect(row).toMatchObject({ lastErrorKey: 'mail.auth_failed', lastUid: 0, uidValidity: null });
    expect(row.lastErrorDetail).not.toContain('not-the-password');
    expect(await ticketCount()).toBe(before);
    expect((await flagsOf('wrongpw')).get(1)?.has('\\Seen')).toBe(false);
  });

  it('reads a recreated folder (UIDVALIDITY changed) again from the start without duplicates', async () => {
    await contactFor('resync@plant.example');
    const box = await boxFor('resync', { folder: 'Support' });
    const old = [customerMail({ from: 'resync@plant.example', subject: '旧一' }), customerMail({ from: 'resync@plant.example', subject: '旧二' })];
    for (const m of old) await server.append('resync', m.raw, 'Support');
    const poller = createMailPoller(pollerDeps());
    expect(await poller.poll(box.id)).toMatchObject({ error: null, taken: 2, outcomes: { ticket_created: 2 } });
    const validity = (await mailboxRow(box.id)).uidValidity;

    const admin = await server.connect('resync');
    try {
      await admin.mailboxDelete('Support');
      await admin.mailboxCreate('Support');
    } finally {
      await admin.logout();
    }
    for (const m of old) await server.append('resync', m.raw, 'Support');
    await server.append('resync', customerMail({ from: 'resync@plant.example', subject: '新一' }).raw, 'Support');
    const before = await ticketCount();
    const result = await poller.poll(box.id);
    expect(result).toMatchObject({ error: null, resynced: true, taken: 3, outcomes: { duplicate: 2, ticket_created: 1 } });
    expect(await ticketCount()).toBe(before + 1);
    const row = await mailboxRow(box.id);
    expect(row.uidValidity).not.toBe(validity);
    expect(row.lastUid).toBe(3);
  });

  it('retries a message that fails unexpectedly, then quarantines it (ingest_failed) and moves on', async () => {
    await contactFor('failing@plant.example');
    const box = await boxFor('failing');
    const m = customerMail({ from: 'failing@plant.example', subject: '这封会失败' });
    await server.append('failing', m.raw);
    // The attachments folder is a file: writing the original .eml fails (a disk problem, say).
    const blocked = path.join(t.config.dataDir, 'blocked-files');
    await fs.promises.writeFile(blocked, 'not a folder');
    const poller = createMailPoller(pollerDeps({ ingest: { ...t.services.mailIngest, filesDir: blocked } }));
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const failed = await poller.poll(box.id);
      expect(failed).toMatchObject({ taken: 0, error: { key: 'mail.message_failed' } });
      expect(failed.error!.detail).toMatch(/^UID 1: /);
      expect(await mailboxRow(box.id)).toMatchObject({ lastUid: 0, lastErrorKey: 'mail.message_failed' });
      expect((await flagsOf('failing')).get(1)?.has('\\Seen')).toBe(false);
    }
    const last = await poller.poll(box.id);
    expect(last).toMatchObject({ error: null, taken: 1, outcomes: { quarantined: 1 } });
    expect(await quarantined(box.id)).toMatchObject([{ uid: 1, reason: 'ingest_failed', state: 'held' }]);
    expect(await mailboxRow(box.id)).toMatchObject({ lastUid: 1, lastErrorKey: null });
    expect((await flagsOf('failing')).get(1)?.has('\\Seen')).toBe(true);
    // Once the disk is fixed, the admin's retry makes the ticket from the kept original.
    const held = (await quarantined(box.id))[0]!;
    const retried = await t.services.mailQuarantine.retry(await t.factory.actor(), held.id);
    expect(retried.outcome).toBe('ticket_created');
  });
});

describe('mail jobs', () => {
  it('an IDLE watcher polls when new mail arrives, and stops on shutdown', async () => {
    await contactFor('idle@plant.example');
    const box = await boxFor('idle', { useIdle: true, pollIntervalSeconds: 600 });
    const poller = createMailPoller(pollerDeps());
    const jobs = createMailJobs({ db: t.database.db, clock: t.clock, poller });
    const registry = createJobRegistry({ timeZone: 'UTC' });
    jobs.register(registry);
    const handler = registry.handlers.get('mail.poll')!;
    const log = t.app.log;
    const running = handler({ name: `mail.poll:${box.id}`, slot: t.clock.now(), manual: false, payload: { mailboxId: box.id }, owner: 'test', db: t.database.db, now: () => t.clock.now(), log });
    // The watcher's first poll has run (empty folder) before the mail arrives.
    const deadline = Date.now() + 30_000;
    while (!(await mailboxRow(box.id)).lastPolledAt && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const m = customerMail({ from: 'idle@plant.example', subject: 'IDLE 唤醒' });
    await server.append('idle', m.raw);
    let got = await recorded(box.id);
    while (got.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      got = await recorded(box.id);
    }
    expect(got.map((r) => [r.messageId, r.outcome])).toEqual([[m.messageId, 'ticket_created']]);
    jobs.stop();
    await running; // returns once stopped, long before its 600 s slot ends
    expect((await mailboxRow(box.id)).lastUid).toBe(1);
  }, 60_000);

  it('an IDLE watcher whose connection drops reconnects (with backoff while the server is away) and still takes new mail in', async () => {
    await contactFor('drop@plant.example');
    const box = await boxFor('dropped', { useIdle: true, pollIntervalSeconds: 600 });
    const sessions: MailboxSession[] = [];
    let unreachable = 0;
    const poller = createMailPoller(
      pollerDeps({
        open: async (settings, options) => {
          if (unreachable > 0) {
            unreachable--;
            throw new AppError('mail.host_unreachable', 'The mail server cannot be reached', { detail: 'ECONNREFUSED' });
          }
          const session = await openMailbox(settings, options);
          sessions.push(session);
          return session;
        },
      }),
    );
    const jobs = createMailJobs({ db: t.database.db, clock: t.clock, poller });
    const registry = createJobRegistry({ timeZone: 'UTC' });
    jobs.register(registry);
    const running = registry.handlers.get('mail.poll')!({ name: `mail.poll:${box.id}`, slot: t.clock.now(), manual: false, payload: { mailboxId: box.id }, owner: 'test', db: t.database.db, now: () => t.clock.now(), log: t.app.log });
    const deadline = Date.now() + 40_000;
    const until = async (what: () => Promise<boolean> | boolean) => {
      while (!(await what())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until(async () => (await mailboxRow(box.id)).lastPolledAt !== null);
    // The connection drops under the watcher and the server stays away for two attempts (1 s, then 2 s later).
    unreachable = 2;
    await sessions[0]!.close();
    await until(async () => (await mailboxRow(box.id)).lastErrorKey === 'mail.host_unreachable');
    await until(() => sessions.length >= 2);
    expect(unreachable).toBe(0);
    await until(async () => (await mailboxRow(box.id)).lastErrorKey === null);
    const m = customerMail({ from: 'drop@plant.example', subject: '断线重连' });
    await server.append('dropped', m.raw);
    await until(async () => (await recorded(box.id)).length === 1);
    expect((await recorded(box.id))[0]).toMatchObject({ messageId: m.messageId, outcome: 'ticket_created' });
    jobs.stop();
    await running;
    expect(sessions.every((s) => s.closed)).toBe(true);
  }, 60_000);

  it('POST /api/mailboxes/:id/poll fetches now and answers what became of each message; admin only', async () => {
    await contactFor('route@plant.example');
    const admin = await t.as('admin');
    // Saved as the admin page saves it (the password sealed by the mailbox service), not by a fixture.
    const saved = await admin.post('/api/mailboxes', {
      name: 'Route desk',
      address: 'route@desk.example',
      imapHost: server.host,
      imapPort: server.port,
      imapSecurity: 'starttls',
      imapUser: 'route',
      tlsVerify: false,
      password: userOf('route').password,
    });
    expect(saved.status).toBe(201);
    const box = saved.body as { id: string };
    await server.append('route', customerMail({ from: 'route@plant.example', subject: '收取测试' }).raw);
    const res = await admin.post(`/api/mailboxes/${box.id}/poll`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ taken: 1, outcomes: { ticket_created: 1 }, resynced: false, error: null });
    expect(res.body.messages[0]).toMatchObject({ uid: 1, outcome: 'ticket_created' });
    // The lease taken for it is given back.
    const [job] = await rows<{ lease_owner: string | null }>(t.database.db, sql`select lease_owner from scheduled_jobs where name = ${`mail.poll:${box.id}`}`);
    expect(job).toEqual({ lease_owner: null });
    expect((await admin.post(`/api/mailboxes/${box.id}/poll`)).body).toMatchObject({ taken: 0, error: null });

    const engineer = await t.as('engineer');
    expect((await engineer.post(`/api/mailboxes/${box.id}/poll`)).status).toBe(403);
    await t.database.db.update(mailboxes).set({ enabled: false }).where(and(eq(mailboxes.id, box.id)));
    const disabled = await admin.post(`/api/mailboxes/${box.id}/poll`);
    expect(disabled.status).toBe(409);
    expect(disabled.body.error.key).toBe('mail.mailbox_disabled');
    expect((await admin.post('/api/mailboxes/00000000-0000-4000-8000-000000000000/poll')).status).toBe(404);
  });
});
