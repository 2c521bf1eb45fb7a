/**
 * The outbox worker against a real SMTP listener (smtp-server on a random local port): an
 * escalation email arrives with its ticket number; refusals retry with exponential backoff until
 * the row fails and shows in the admin's delivery list; a crashed worker's lease runs out; and the
 * bell API over the in-app rows.
 */
import net from 'node:net';
import { and, eq, inArray, ne } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, outbox, pushMessages } from '../db/schema';
import { sweepOnce } from './sweep';
import { backoffMs, createSmtpMailer, deliverOnce, MAX_ATTEMPTS, type Mailer } from './delivery';
import { createTestApp, FakeClock, type Client, type TestApp } from '../test/harness';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** Refuse recipients with a temporary error while `refusing` is on (a mail server that is down for maintenance). */
async function startSmtpListener() {
  const received: Received[] = [];
  const state = { refusing: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!state.refusing) return callback();
      const error = Object.assign(new Error('Mailbox temporarily unavailable, try again later'), { responseCode: 451 });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as net.AddressInfo;
  return { port, received, state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Just enough MIME to read what nodemailer wrote: unfolded headers, RFC 2047 words, QP or base64 bodies. */
function parseMail(raw: string) {
  const split = raw.indexOf('\r\n\r\n');
  const headerText = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const words = (value: string) =>
    value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*(?==\?)?/gi, (_, enc: string, text: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQp(text.replace(/_/g, ' ')),
    );
  let body = raw.slice(split + 4);
  const encoding = (headers.get('content-transfer-encoding') ?? '').toLowerCase();
  if (encoding === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') body = decodeQp(body.replace(/=\r\n/g, ''));
  return { subject: words(headers.get('subject') ?? ''), from: headers.get('from') ?? '', to: headers.get('to') ?? '', body };
}

function decodeQp(text: string) {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

const clock = new FakeClock('2026-03-02T10:00:00+08:00');
let smtp: Awaited<ReturnType<typeof startSmtpListener>>;
let t: TestApp;
let mailer: Mailer;
let admin: Client;
let dispatcher: Client;
let manager: Client;
const managerEmail = 'wang.jingli@example.test';

beforeAll(async () => {
  smtp = await startSmtpListener();
  const smtpUrl = `smtp://127.0.0.1:${smtp.port}`;
  t = await createTestApp({ clock, config: { smtpUrl, sessionTtlHours: 24 * 365 } });
  mailer = createSmtpMailer(smtpUrl, 'Fuwutai 服务台 <noreply@fuwutai.test>');
  admin = await t.as('admin');
  dispatcher = await t.as('dispatcher');
  manager = await t.as('manager');
  expect((await admin.patch(`/api/users/${manager.user.id}`, { email: managerEmail })).status).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const minutesAgo = (m: number) => new Date(clock.now().getTime() - m * 60_000).toISOString();

/** A P1 ticket whose 1 h escalation (manager) is due, fired by a sweep; returns it with its escalation email row. */
async function escalatedTicket() {
  const customerId = (await t.factory.customer()).id;
  const created = await dispatcher.post('/api/tickets', { title: '网点全部 ATM 脱机', severity: 'P1', channel: 'phone', customerId, reportedAt: minutesAgo(70) });
  expect(created.status).toBe(201);
  await sweepOnce(t.services.db, t.services.engine, clock.now());
  const rows = await t.services.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.ticketId, created.body.id), eq(outbox.kind, 'escalation')));
  const email = rows.find((r) => r.channel === 'email');
  expect(email).toMatchObject({ status: 'pending', email: managerEmail, attempts: 0 });
  expect(rows.filter((r) => r.channel === 'inapp').map((r) => r.userId)).toEqual([manager.user.id]);
  return { ticket: created.body as { id: string; number: string }, emailRow: email! };
}

const rowById = async (id: number) => (await t.services.db.select().from(outbox).where(eq(outbox.id, id)))[0]!;

describe('email delivery over SMTP', () => {
  it('sends the escalation email to the manager with the ticket number and marks the row sent', async () => {
    const { ticket, emailRow } = await escalatedTicket();
    const before = smtp.received.length;
    const result = await deliverOnce(t.services.db, mailer, clock.now(), 500);
    expect(result.failed + result.retried).toBe(0);

    const mails = smtp.received.slice(before).filter((m) => m.to.includes(managerEmail));
    // The SLA breach of the same ticket also reaches the manager; pick the escalation.
    const escalation = mails.map((m) => ({ ...m, mail: parseMail(m.raw) })).filter((m) => m.mail.subject.includes('升级'));
    expect(escalation).toHaveLength(1);
    const { mail } = escalation[0]!;
    expect(escalation[0]!.from).toBe('noreply@fuwutai.test');
    expect(mail.subject).toContain(ticket.number);
    expect(mail.subject).toContain('【升级 L1】');
    expect(mail.body).toContain(`Ticket ${ticket.number} (P1) is still unresolved 60 minutes after it was reported`);
    expect(mail.body).toContain(`/tickets/${ticket.id}`);

    const row = await rowById(emailRow.id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, lastError: null, leaseUntil: null });
    expect(row.sentAt).not.toBeNull();
    // Sent is sent: the next run does not send it again.
    const count = smtp.received.length;
    await deliverOnce(t.services.db, mailer, clock.now(), 500);
    expect(smtp.received.length).toBe(count);
  });

  it('retries a refused email with exponential backoff, fails it after the last attempt, and lets an admin retry it', async () => {
    const { emailRow } = await escalatedTicket();
    smtp.state.refusing = true;
    const start = clock.now().getTime();
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        await deliverOnce(t.services.db, mailer, clock.now(), 500);
        const row = await rowById(emailRow.id);
        expect(row.attempts).toBe(attempt);
        expect(row.lastError).toContain('451');
        expect(row.leaseUntil).toBeNull();
        if (attempt < MAX_ATTEMPTS) {
          expect(row.status).toBe('pending');
          expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(backoffMs(attempt));
          // Not before its time: a run a moment before the backoff ends leaves it alone.
          clock.set(new Date(row.nextAttemptAt.getTime() - 1000));
          await deliverOnce(t.services.db, mailer, clock.now(), 500);
          expect((await rowById(emailRow.id)).attempts).toBe(attempt);
          clock.set(row.nextAttemptAt);
        } else {
          expect(row.status).toBe('failed');
        }
      }
      // 30 s + 1 + 2 + 4 + 8 min between the six attempts.
      expect(clock.now().getTime() - start).toBe([1, 2, 3, 4, 5].reduce((sum, a) => sum + backoffMs(a), 0));
      await deliverOnce(t.services.db, mailer, new Date(clock.now().getTime() + 24 * 3_600_000), 500);
      expect((await rowById(emailRow.id)).status).toBe('failed');
    } finally {
      smtp.state.refusing = false;
    }

    const list = await admin.get('/api/admin/deliveries?status=failed');
    expect(list.status).toBe(200);
    expect(list.body.emailConfigured).toBe(true);
    expect(list.body.counts.failed).toBeGreaterThanOrEqual(1);
    expect(list.body.items.every((d: { status: string }) => d.status === 'failed')).toBe(true);
    const failed = list.body.items.find((d: { id: number }) => d.id === emailRow.id);
    expect(failed).toMatchObject({ channel: 'email', recipient: managerEmail, status: 'failed', attempts: MAX_ATTEMPTS, kind: 'escalation' });
    expect(failed.lastError).toContain('451');

    for (const other of [dispatcher, manager]) {
      expect((await other.get('/api/admin/deliveries?status=failed')).status).toBe(403);
      expect((await other.post(`/api/admin/deliveries/${emailRow.id}/retry`)).status).toBe(403);
    }
    expect((await t.anonymous().get('/api/admin/deliveries')).status).toBe(401);

    expect((await admin.post(`/api/admin/deliveries/${emailRow.id}/retry`)).status).toBe(204);
    expect(await rowById(emailRow.id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: clock.now() });
    // Only a failed row can be retried.
    expect((await admin.post(`/api/admin/deliveries/${emailRow.id}/retry`)).status).toBe(409);
    expect((await admin.post('/api/admin/deliveries/999999999/retry')).status).toBe(409);

    const before = smtp.received.length;
    await deliverOnce(t.services.db, mailer, clock.now(), 500);
    expect(await rowById(emailRow.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(smtp.received.slice(before).some((m) => m.to.includes(managerEmail) && parseMail(m.raw).subject.includes('升级'))).toBe(true);
  });

  it('retries when the mail server is not listening at all', async () => {
    const { emailRow } = await escalatedTicket();
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    await deliverOnce(t.services.db, createSmtpMailer(`smtp://127.0.0.1:${closedPort}`, 'noreply@fuwutai.test'), clock.now(), 500);
    const row = await rowById(emailRow.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.lastError).toMatch(/ECONNREFUSED/);
    expect(row.nextAttemptAt.getTime()).toBe(clock.now().getTime() + backoffMs(1));
    clock.set(row.nextAttemptAt);
    await deliverOnce(t.services.db, mailer, clock.now(), 500);
    expect(await rowById(emailRow.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it("picks up a row whose worker crashed while holding its lease, once the lease has run out", async () => {
    const { emailRow } = await escalatedTicket();
    // What a worker that died after leasing (and before finishing) leaves behind.
    const leasedUntil = new Date(clock.now().getTime() + 2 * 60_000);
    await t.services.db.update(outbox).set({ leaseUntil: leasedUntil, attempts: 1 }).where(eq(outbox.id, emailRow.id));
    const before = smtp.received.length;

    await deliverOnce(t.services.db, mailer, clock.now(), 500);
    clock.set(new Date(leasedUntil.getTime() - 1000));
    await deliverOnce(t.services.db, mailer, clock.now(), 500);
    expect(await rowById(emailRow.id)).toMatchObject({ status: 'pending', attempts: 1, leaseUntil: leasedUntil });
    expect(smtp.received.slice(before).filter((m) => m.to.includes(managerEmail) && parseMail(m.raw).subject.includes('升级'))).toHaveLength(0);

    clock.set(leasedUntil);
    await deliverOnce(t.services.db, mailer, clock.now(), 500);
    expect(await rowById(emailRow.id)).toMatchObject({ status: 'sent', attempts: 2, leaseUntil: null });
    expect(smtp.received.slice(before).filter((m) => m.to.includes(managerEmail) && parseMail(m.raw).subject.includes('升级'))).toHaveLength(1);
  });
});

describe('a worker that lost its lease', () => {
  it('cannot undo what the worker that took over recorded', async () => {
    const { emailRow } = await escalatedTicket();
    // Only this row is pending, so worker A's batch holds exactly it (and its bell twin).
    await t.services.db.update(outbox).set({ status: 'sent' }).where(and(eq(outbox.status, 'pending'), eq(outbox.channel, 'email'), ne(outbox.id, emailRow.id)));
    let failSlowSend: ((error: Error) => void) | undefined;
    const slow: Mailer = { send: () => new Promise<void>((_, reject) => (failSlowSend = reject)) };
    const sends: string[] = [];
    const fast: Mailer = { send: async (m) => void sends.push(m.to) };

    // Worker A leases the row and hangs in its SMTP conversation…
    const workerA = deliverOnce(t.services.db, slow, clock.now(), 500);
    for (let waited = 0; !failSlowSend; waited += 10) {
      if (waited > 10_000) throw new Error('worker A never started sending');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // …its lease runs out; worker B takes the row over and sends it.
    const leasedUntil = (await rowById(emailRow.id)).leaseUntil!;
    clock.set(new Date(leasedUntil.getTime() + 1000));
    await deliverOnce(t.services.db, fast, clock.now(), 500);
    expect(await rowById(emailRow.id)).toMatchObject({ status: 'sent' });
    // A's send finally fails: the row must stay sent, not go back to pending for a third send.
    failSlowSend!(new Error('connection reset'));
    await workerA;
    expect(await rowById(emailRow.id)).toMatchObject({ status: 'sent', lastError: null });
    clock.advance(60);
    await deliverOnce(t.services.db, fast, clock.now(), 500);
    expect(sends.filter((to) => to === managerEmail)).toHaveLength(1);
  });
});

describe('in-app notifications (the bell)', () => {
  it('lists the delivered notifications with the unread count, marks one or all read, and hides other people’s', async () => {
    await deliverOnce(t.services.db, mailer, clock.now(), 500); // whatever earlier tests left pending
    const { ticket } = await escalatedTicket();
    const result = await deliverOnce(t.services.db, mailer, clock.now(), 500);
    expect(result.sent).toBeGreaterThan(0);

    const mine = await t.services.db.select().from(notifications).where(eq(notifications.userId, manager.user.id));
    let bell = await manager.get('/api/notifications?limit=200');
    expect(bell.status).toBe(200);
    expect(bell.body.unreadCount).toBe(mine.length);
    expect(bell.body.items).toHaveLength(mine.length);
    const escalation = bell.body.items.find((n: { kind: string; ticketId: string }) => n.kind === 'escalation' && n.ticketId === ticket.id);
    expect(escalation).toMatchObject({ readAt: null, createdAt: clock.now().toISOString() });
    expect(escalation.title).toContain(ticket.number);
    // Each bell entry rang live (a push message for its person).
    const pushed = await t.services.db.select().from(pushMessages).where(eq(pushMessages.userId, manager.user.id));
    expect(pushed.map((m) => (m.data as { id: number }).id)).toContain(escalation.id);
    // Newest first.
    const ids = bell.body.items.map((n: { id: number }) => n.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    expect((await manager.post(`/api/notifications/${escalation.id}/read`)).status).toBe(204);
    bell = await manager.get('/api/notifications?limit=200');
    expect(bell.body.unreadCount).toBe(mine.length - 1);
    expect(bell.body.items.find((n: { id: number }) => n.id === escalation.id).readAt).toBe(clock.now().toISOString());
    expect((await manager.post(`/api/notifications/${escalation.id}/read`)).status).toBe(204); // again: no change, no error
    expect((await manager.get('/api/notifications?unread=true&limit=200')).body.items.map((n: { id: number }) => n.id)).not.toContain(escalation.id);

    // The dispatcher's notification (SLA warning) is not the manager's to read, and vice versa.
    const [theirs] = await t.services.db.select().from(notifications).where(eq(notifications.userId, dispatcher.user.id));
    expect(theirs).toBeDefined();
    expect((await manager.post(`/api/notifications/${theirs!.id}/read`)).status).toBe(404);
    expect((await dispatcher.post(`/api/notifications/${escalation.id}/read`)).status).toBe(404);
    expect((await manager.post('/api/notifications/999999999/read')).status).toBe(404);
    expect((await dispatcher.get('/api/notifications?limit=200')).body.items.map((n: { id: number }) => n.id)).not.toContain(escalation.id);
    expect((await t.anonymous().get('/api/notifications')).status).toBe(401);

    expect((await manager.post('/api/notifications/read-all')).status).toBe(204);
    bell = await manager.get('/api/notifications?limit=200');
    expect(bell.body.unreadCount).toBe(0);
    expect(bell.body.items.every((n: { readAt: string | null }) => n.readAt !== null)).toBe(true);
    // Read-all is per person: the dispatcher's stay unread.
    const dispatcherBell = await dispatcher.get('/api/notifications');
    expect(dispatcherBell.body.unreadCount).toBeGreaterThan(0);
    const unreadOfTheirs = await t.services.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, dispatcher.user.id), inArray(notifications.id, [theirs!.id])));
    expect(unreadOfTheirs[0]!.readAt).toBeNull();
  });
});
