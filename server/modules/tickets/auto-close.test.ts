/**
 * Resolved tickets close by themselves (tickets/auto-close.ts): after N calendar days without a
 * customer answer, with one reminder mail per resolution before, per SLA policy.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, tickets } from '../../db/schema';
import { createTestApp, FakeClock, type Client, type TestApp } from '../../test/harness';

const DAY = 24 * 60;
let t: TestApp;
let clock: FakeClock;
let admin: Client;
let dispatcher: Client;
let engineer: Client;

beforeAll(async () => {
  clock = new FakeClock('2026-03-02T09:00:00+08:00');
  // Mail "configured" (nothing is delivered in tests): reminders are queued as e-mail.
  t = await createTestApp({ clock, config: { smtpUrl: 'smtp://127.0.0.1:2525', timeZone: 'Asia/Shanghai', sessionTtlHours: 24 * 400 } });
  admin = await t.as('admin');
  dispatcher = await t.as('dispatcher');
  engineer = await t.as('engineer');
});
afterAll(() => t?.close());

const run = () => t.services.autoClose.run(clock.now());

/** A customer with a contact (with or without e-mail), a portal user, and a ticket resolved now. */
async function resolvedTicket(options: { email?: string | null; customerId?: string } = {}) {
  const customerId = options.customerId ?? (await t.factory.customer()).id;
  const contact = (
    await admin.post(`/api/customers/${customerId}/contacts`, {
      name: '王经理',
      ...(options.email === null ? {} : { email: options.email ?? 'wang@example.cn' }),
      phones: [],
    })
  ).body;
  const created = await dispatcher.post('/api/tickets', {
    title: '网点 ATM 吞卡',
    severity: 'P3',
    channel: 'phone',
    customerId,
    contactId: contact.id,
    assigneeId: engineer.user.id,
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await engineer.post(`/api/tickets/${id}/transitions`, { to: 'in_progress' })).status).toBe(200);
  expect((await engineer.post(`/api/tickets/${id}/transitions`, { to: 'resolved', note: '已更换读卡器' })).status).toBe(200);
  return { id, customerId, contact, resolvedAt: clock.now() };
}

const status = async (id: string) => (await engineer.get(`/api/tickets/${id}`)).body.status as string;
const timeline = async (id: string) => (await engineer.get(`/api/tickets/${id}/events`)).body as Array<{ kind: string; body: string | null; actor: unknown; data: Record<string, unknown>; public: boolean }>;
const reminders = (id: string) => t.services.db.select().from(outbox).where(and(eq(outbox.ticketId, id), eq(outbox.kind, 'auto_close_warning')));

describe('automatic close of resolved tickets', () => {
  it('mails the contact a day before and closes after 7 calendar days, not before, once', async () => {
    const { id, resolvedAt } = await resolvedTicket();
    clock.set(new Date(resolvedAt.getTime() + (6 * DAY - 1) * 60_000));
    expect(await run()).toMatchObject({ warned: 0, closed: 0 });

    clock.set(new Date(resolvedAt.getTime() + 6 * DAY * 60_000));
    expect(await run()).toMatchObject({ warned: 1, closed: 0 });
    const mails = await reminders(id);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ channel: 'email', email: 'wang@example.cn', status: 'pending' });
    // 2026-03-02 09:00 + 7 days in Beijing time.
    expect(mails[0]!.subject).toMatch(/^您的工单 FW-\d{4}-\d+ 将于 2026年3月9日 09:00 自动关闭，如问题仍未解决请回复$/);
    const warned = (await timeline(id)).at(-1)!;
    expect(warned).toMatchObject({ kind: 'auto_close_warned', public: true, actor: null, data: { closesAt: '2026-03-09T01:00:00.000Z' } });

    // Another run (or another process) the same day: no second mail.
    clock.advance(30);
    expect(await run()).toMatchObject({ warned: 0, closed: 0 });
    expect(await reminders(id)).toHaveLength(1);

    clock.set(new Date(resolvedAt.getTime() + (7 * DAY - 1) * 60_000));
    expect(await run()).toMatchObject({ closed: 0 });
    expect(await status(id)).toBe('resolved');

    clock.set(new Date(resolvedAt.getTime() + 7 * DAY * 60_000));
    const [first, second] = [await run(), await run()];
    expect(first).toMatchObject({ closed: 1, failed: 0 });
    expect(second).toMatchObject({ warned: 0, closed: 0 });
    const ticket = (await engineer.get(`/api/tickets/${id}`)).body;
    expect(ticket).toMatchObject({ status: 'closed', closedAt: clock.now().toISOString() });
    const closedEvents = (await timeline(id)).filter((e) => e.kind === 'status_changed' && e.data.to === 'closed');
    expect(closedEvents).toHaveLength(1);
    expect(closedEvents[0]).toMatchObject({ body: '已自动关闭（解决后 7 天无客户回复）', actor: null, data: { from: 'resolved', auto: true } });
    const audit = (await admin.get(`/api/audit?entity=ticket&entityId=${id}`)).body;
    expect(JSON.stringify(audit)).toContain('已自动关闭');
  });

  it('two runs side by side close and warn each ticket once', async () => {
    const a = await resolvedTicket();
    const b = await resolvedTicket();
    clock.set(new Date(a.resolvedAt.getTime() + 6 * DAY * 60_000));
    const warned = await Promise.all([run(), run()]);
    expect(warned.reduce((n, r) => n + r.warned, 0)).toBe(2);
    clock.set(new Date(a.resolvedAt.getTime() + 7 * DAY * 60_000));
    const closed = await Promise.all([run(), run()]);
    expect(closed.reduce((n, r) => n + r.closed, 0)).toBe(2);
    for (const { id } of [a, b]) {
      expect(await reminders(id)).toHaveLength(1);
      expect((await timeline(id)).filter((e) => e.data.to === 'closed')).toHaveLength(1);
    }
  });

  it("follows the policy in force: the customer's 3 days, or never", async () => {
    const policies = (await admin.get('/api/sla-policies')).body as Array<{ isDefault: boolean; definition: Record<string, unknown> }>;
    const base = policies.find((p) => p.isDefault)!.definition;
    const short = await admin.post('/api/sla-policies', { key: 'short-close', name: '三天关闭', definition: { ...base, autoCloseDays: 3, autoCloseReminderDays: 2 } });
    expect(short.status, JSON.stringify(short.body)).toBe(201);
    expect(short.body.definition).toMatchObject({ autoCloseDays: 3, autoCloseReminderDays: 2 });
    const never = await admin.post('/api/sla-policies', { key: 'never-close', name: '不自动关闭', definition: { ...base, autoCloseDays: null } });
    expect(never.status).toBe(201);

    const shortCustomer = (await t.factory.customer()).id;
    expect((await admin.patch(`/api/customers/${shortCustomer}`, { slaPolicyId: short.body.id })).status).toBe(200);
    const neverCustomer = (await t.factory.customer()).id;
    expect((await admin.patch(`/api/customers/${neverCustomer}`, { slaPolicyId: never.body.id })).status).toBe(200);

    const quick = await resolvedTicket({ customerId: shortCustomer });
    const kept = await resolvedTicket({ customerId: neverCustomer });
    clock.set(new Date(quick.resolvedAt.getTime() + 1 * DAY * 60_000));
    await run();
    expect(await reminders(quick.id)).toHaveLength(1);
    clock.set(new Date(quick.resolvedAt.getTime() + 3 * DAY * 60_000));
    await run();
    expect(await status(quick.id)).toBe('closed');
    expect((await timeline(quick.id)).some((e) => e.body === '已自动关闭（解决后 3 天无客户回复）')).toBe(true);

    clock.set(new Date(kept.resolvedAt.getTime() + 120 * DAY * 60_000));
    await run();
    expect(await status(kept.id)).toBe('resolved');
    expect(await reminders(kept.id)).toHaveLength(0);
  });

  it('refuses settings that make no sense, and keeps stored definitions without them valid', async () => {
    const policy = (await admin.get('/api/sla-policies')).body.find((p: { isDefault: boolean }) => p.isDefault);
    expect(policy.definition.autoCloseDays).toBeUndefined();
    for (const [patch, path] of [
      [{ autoCloseDays: 0 }, 'definition.autoCloseDays'],
      [{ autoCloseDays: 91 }, 'definition.autoCloseDays'],
      [{ autoCloseDays: 2.5 }, 'definition.autoCloseDays'],
      [{ autoCloseDays: 5, autoCloseReminderDays: 5 }, 'definition.autoCloseReminderDays'],
      [{ autoCloseReminderDays: 7 }, 'definition.autoCloseReminderDays'],
      [{ autoCloseReminderDays: -1 }, 'definition.autoCloseReminderDays'],
    ] as const) {
      const res = await admin.patch(`/api/sla-policies/${policy.id}`, { definition: { ...policy.definition, ...patch } });
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path.replace(/^body\./, ''))).toContain(path);
    }
  });

  it('a customer answer after the resolution keeps the ticket open to staff: no reminder, no close', async () => {
    const { id, customerId, resolvedAt } = await resolvedTicket();
    const customer = await t.as('customer_user', { customerId });
    expect((await customer.post(`/api/tickets/${id}/comments`, { body: '换了读卡器还是吞卡', public: true })).status).toBe(201);
    expect(await status(id)).toBe('resolved');
    clock.set(new Date(resolvedAt.getTime() + 30 * DAY * 60_000));
    expect(await run()).toMatchObject({ warned: 0, closed: 0 });
    expect(await status(id)).toBe('resolved');
    expect(await reminders(id)).toHaveLength(0);
  });

  it('reopening clears the reminder: the next resolution gets its own mail and its own 7 days', async () => {
    const { id, customerId, resolvedAt } = await resolvedTicket();
    clock.set(new Date(resolvedAt.getTime() + 6 * DAY * 60_000));
    await run();
    const customer = await t.as('customer_user', { customerId });
    expect((await customer.post(`/api/tickets/${id}/transitions`, { to: 'in_progress', note: '还是不行' })).status).toBe(200);
    const [row] = await t.services.db.select({ warnedAt: tickets.autoCloseWarnedAt, resolvedAt: tickets.resolvedAt }).from(tickets).where(eq(tickets.id, id));
    expect(row).toEqual({ warnedAt: null, resolvedAt: null });

    expect((await customer.put(`/api/tickets/${id}/follow`)).status).toBe(200);
    clock.advance(60);
    expect((await engineer.post(`/api/tickets/${id}/transitions`, { to: 'resolved' })).status).toBe(200);
    const again = clock.now();
    clock.set(new Date(again.getTime() + 6 * DAY * 60_000));
    await run();
    expect(await reminders(id)).toHaveLength(2);
    clock.set(new Date(again.getTime() + (7 * DAY - 1) * 60_000));
    await run();
    expect(await status(id)).toBe('resolved');
    clock.set(new Date(again.getTime() + 7 * DAY * 60_000));
    await run();
    expect(await status(id)).toBe('closed');

    // The consumers take the desk's own writes (no actor) in their stride; the follower hears of the close.
    // (Polled: on a shared PostgreSQL server another database's open transaction can hold the consumers back a moment.)
    const closedBell = async () => {
      await t.services.consumers.drain();
      const bell = (await customer.get('/api/notifications')).body.items as Array<{ kind: string; params: Record<string, unknown> | null }>;
      return bell.some((n) => n.kind === 'ticket.status_changed' && n.params?.status === 'closed');
    };
    await expect.poll(closedBell, { timeout: 10_000, interval: 200 }).toBe(true);
    const consumers = (await admin.get('/api/admin/event-consumers')).body.items as Array<{ state: string }>;
    expect(consumers.filter((c) => c.state !== 'ok'), JSON.stringify(consumers)).toEqual([]);
  });

  it('a reminder nobody can receive shows as a failed delivery and in red on the timeline; a late reminder still gives its day', async () => {
    const { id, resolvedAt } = await resolvedTicket({ email: null });
    // The job did not run for the whole week: the reminder goes now, the close a day later.
    clock.set(new Date(resolvedAt.getTime() + 10 * DAY * 60_000));
    await run();
    const [mail] = await reminders(id);
    expect(mail).toMatchObject({ status: 'failed', lastError: 'no address (王经理)' });
    const warned = (await timeline(id)).at(-1)!;
    expect(warned.data).toMatchObject({ undeliverable: ['王经理'], undeliverableReasons: ['no_address'] });
    expect(warned.body).toContain('无法送达：王经理（无邮箱）');
    expect(await status(id)).toBe('resolved');
    clock.advance(DAY);
    await run();
    expect(await status(id)).toBe('closed');
  });
});
