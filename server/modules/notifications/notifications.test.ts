import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, outbox, pushMessages } from '../../db/schema';
import { FakeClock } from '../../platform/clock';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

const clock = new FakeClock('2026-03-02T10:00:00+08:00');
let t: TestApp;
let dispatcher: Client;

beforeAll(async () => {
  // An SMTP URL makes mail part of the picture (nothing is sent: the delivery job is not running).
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365, smtpUrl: 'smtp://127.0.0.1:1' } });
  dispatcher = await t.as('dispatcher');
});
afterAll(() => t?.close());

const drain = () => t.services.consumers.drain();
const bellOf = async (userId: string, ticketId: string) =>
  t.services.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.ticketId, ticketId)))
    .orderBy(notifications.id);
const mailTo = async (email: string, ticketId: string) =>
  t.services.db.select().from(outbox).where(and(eq(outbox.email, email), eq(outbox.ticketId, ticketId), eq(outbox.channel, 'email')));

async function scene() {
  const engineer = await t.as('engineer');
  const follower = await t.as('manager');
  const customer = await t.factory.customer();
  const reporter = await t.as('customer_user', { customerId: customer.id });
  const contact = await t.factory.contact(customer.id);
  await t.services.customers.updateContact(await t.factory.actor(), customer.id, contact.id, { email: 'reporter@bank.example' });
  const ticket = (await reporter.post('/api/tickets', { title: 'ATM 吞卡', description: '第三台 ATM 吞卡', severity: 'P2', channel: 'portal' })).body;
  await dispatcher.patch(`/api/tickets/${ticket.id}`, { assigneeId: engineer.user.id, contactId: contact.id });
  await drain(); // (followers are looked up when an event is handled)
  expect((await follower.put(`/api/tickets/${ticket.id}/follow`)).status).toBe(200);
  await drain();
  return { engineer, follower, reporter, ticket };
}

describe('notifications from domain events', () => {
  it("a customer's comment reaches the assignee and every follower once, not the customer; a severity change reaches the followers", async () => {
    const { engineer, follower, reporter, ticket } = await scene();
    expect((await bellOf(engineer.user.id, ticket.id)).map((n) => n.kind)).toEqual(['ticket.assigned']);
    expect(await bellOf(follower.user.id, ticket.id)).toEqual([]);

    const reply = await reporter.post(`/api/tickets/${ticket.id}/comments`, { body: '吞卡的是 3 号机，\n卡号尾号 1234', public: true });
    expect(reply.status).toBe(201);
    await drain();
    const consumerStates = await t.services.consumers.status();
    expect(consumerStates.length).toBeGreaterThanOrEqual(2);
    for (const c of consumerStates) expect(c).toMatchObject({ state: 'ok', lag: 0 });
    await drain(); // running again changes nothing
    for (const person of [engineer, follower]) {
      const comments = (await bellOf(person.user.id, ticket.id)).filter((n) => n.kind === 'ticket.commented');
      expect(comments).toHaveLength(1);
      expect(comments[0]!.title).toContain(ticket.number);
      expect(comments[0]!.title).toContain('吞卡的是 3 号机， 卡号尾号 1234');
    }
    expect((await bellOf(reporter.user.id, ticket.id)).filter((n) => n.kind === 'ticket.commented')).toEqual([]);

    await dispatcher.patch(`/api/tickets/${ticket.id}`, { severity: 'P1', severityReason: '全部 ATM 停用' });
    await drain();
    const severity = (id: string) => bellOf(id, ticket.id).then((rows) => rows.filter((n) => n.kind === 'ticket.severity_changed'));
    expect(await severity(follower.user.id)).toHaveLength(1);
    expect((await severity(follower.user.id))[0]!.title).toContain('P2 调整为 P1');
    expect(await severity(engineer.user.id)).toHaveLength(1);
    expect(await severity(reporter.user.id)).toHaveLength(1); // the customer follows their own report and may know this
    expect(await severity(dispatcher.user.id)).toEqual([]); // who did it is not told

    // Each bell entry was pushed live to its person.
    const pushed = await t.services.db.select().from(pushMessages).where(eq(pushMessages.userId, follower.user.id));
    expect(pushed.filter((m) => m.type === 'notification').map((m) => (m.data as { kind: string }).kind)).toEqual(['ticket.commented', 'ticket.severity_changed']);

    // The bell API shows them, with the facts the web words in the reader's language.
    const page = (await follower.get('/api/notifications')).body;
    expect(page.unreadCount).toBeGreaterThanOrEqual(2);
    expect(page.items.find((n: { kind: string }) => n.kind === 'ticket.commented').params).toEqual({
      number: ticket.number,
      title: 'ATM 吞卡',
      actor: reporter.user.username,
      variant: 'public',
      excerpt: '吞卡的是 3 号机， 卡号尾号 1234',
    });
    // Every entry names its ticket by number and title (the bell's first line), pushed ones too.
    for (const n of page.items as Array<{ params: Record<string, unknown> | null; ticket: unknown }>) {
      expect(n.params).toMatchObject({ number: ticket.number, title: 'ATM 吞卡' });
      expect(n.ticket).toEqual({ number: ticket.number, title: 'ATM 吞卡' });
    }
    for (const m of pushed.filter((m) => m.type === 'notification')) expect((m.data as { params: unknown }).params).toMatchObject({ number: ticket.number, title: 'ATM 吞卡' });
  });

  it('internal notes never reach the customer side; public replies reach the reporting contact by mail', async () => {
    const { engineer, reporter, ticket } = await scene();
    await engineer.post(`/api/tickets/${ticket.id}/comments`, { body: '内部：怀疑读卡器固件', public: false });
    await engineer.post(`/api/tickets/${ticket.id}/comments`, { body: '工程师已出发', public: true });
    await drain();
    const customerBell = (await bellOf(reporter.user.id, ticket.id)).filter((n) => n.kind === 'ticket.commented');
    expect(customerBell.map((n) => n.title)).toEqual([expect.stringContaining('工程师已出发')]);
    // The reporting contact gets the public reply by mail (the customer-mail consumer, modules/mail/outgoing.ts), not the note.
    const toContact = (await mailTo('reporter@bank.example', ticket.id)).filter((m) => m.kind === 'mail.comment');
    expect(toContact.map((m) => m.body)).toEqual([expect.stringContaining('工程师已出发')]);
    expect(toContact[0]!.body).not.toContain('内部');
    expect(toContact[0]!.subject).toContain(`[${ticket.number}]`);
    // Internal pushes reach staff only.
    const internal = await t.services.db.select().from(pushMessages).where(eq(pushMessages.type, 'ticket.changed'));
    const note = internal.find((m) => (m.data as { kind: string }).kind === 'ticket.commented' && (m.audience as { staffOnly?: boolean }).staffOnly);
    expect(note).toBeDefined();
  });

  it('each person chooses which news reach them, by bell and by mail', async () => {
    const { engineer, follower, reporter, ticket } = await scene();
    const defaults = (await follower.get('/api/me/notification-preferences')).body;
    expect(defaults.emailConfigured).toBe(true);
    expect(defaults.items.find((i: { topic: string }) => i.topic === 'commented')).toEqual({ topic: 'commented', inapp: true, email: true });

    const changed = await follower.patch('/api/me/notification-preferences', { items: [{ topic: 'commented', channel: 'inapp', enabled: false }] });
    expect(changed.status).toBe(200);
    expect(changed.body.items.find((i: { topic: string }) => i.topic === 'commented')).toEqual({ topic: 'commented', inapp: false, email: true });
    expect(changed.body.items.find((i: { topic: string }) => i.topic === 'status')).toEqual({ topic: 'status', inapp: true, email: false });
    expect((await follower.patch('/api/me/notification-preferences', { items: [] })).status).toBe(400);
    expect((await follower.patch('/api/me/notification-preferences', { items: [{ topic: 'weather', channel: 'inapp', enabled: true }] })).status).toBe(400);

    await t.services.users.update(await t.factory.actor(), follower.user.id, { email: 'follower@desk.example' });
    await reporter.post(`/api/tickets/${ticket.id}/comments`, { body: '还是不行', public: true });
    await drain();
    expect((await bellOf(follower.user.id, ticket.id)).filter((n) => n.kind === 'ticket.commented')).toEqual([]);
    expect((await mailTo('follower@desk.example', ticket.id)).map((m) => m.kind)).toEqual(['ticket.commented']);
    expect((await bellOf(engineer.user.id, ticket.id)).filter((n) => n.kind === 'ticket.commented')).toHaveLength(1);
  });

  it('reassigning tells the new and the previous assignee', async () => {
    const { engineer, ticket } = await scene();
    const other = await t.as('engineer');
    await dispatcher.patch(`/api/tickets/${ticket.id}`, { assigneeId: other.user.id });
    await drain();
    expect((await bellOf(other.user.id, ticket.id)).map((n) => n.title)).toEqual([expect.stringContaining('已指派给您')]);
    expect((await bellOf(engineer.user.id, ticket.id)).map((n) => n.title).at(-1)).toContain('已改由');
  });
});

describe('notifications of fired timers', () => {
  it('a breach reaches the followers once, and not the people the SLA engine already told', async () => {
    const { sweepOnce } = await import('../../jobs/sweep');
    const engineer = await t.as('engineer');
    const follower = await t.as('qa');
    const customerId = (await t.factory.customer()).id;
    const reportedAt = new Date(clock.now().getTime() - 3 * 3_600_000).toISOString();
    const ticket = (await dispatcher.post('/api/tickets', { title: '核心交换机宕机', severity: 'P1', channel: 'phone', customerId, reportedAt, assigneeId: engineer.user.id })).body;
    expect((await follower.put(`/api/tickets/${ticket.id}/follow`)).status).toBe(200);
    await drain();
    await sweepOnce(t.services.db, t.services.engine, clock.now());
    await drain();
    await drain();
    const followerBell = (await bellOf(follower.user.id, ticket.id)).map((n) => n.kind);
    expect(followerBell.filter((k) => k === 'sla.breached').length).toBeGreaterThanOrEqual(1);
    expect(followerBell.filter((k) => k === 'escalation.fired').length).toBeGreaterThanOrEqual(1);
    // The engineer heard of each breach from the engine itself (kind sla_breach), not a second time.
    const engineerBell = (await bellOf(engineer.user.id, ticket.id)).map((n) => n.kind);
    expect(engineerBell.filter((k) => k === 'sla.breached')).toEqual([]);
    const engineMessages = await t.services.db.select().from(outbox).where(and(eq(outbox.ticketId, ticket.id), eq(outbox.userId, engineer.user.id), eq(outbox.kind, 'sla_breach')));
    expect(engineMessages.length).toBeGreaterThanOrEqual(1);
  });
});
