import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, ticketFirings } from '../../db/schema';
import { deliverOnce } from '../../jobs/delivery';
import { sweepOnce } from '../../jobs/sweep';
import { FakeClock } from '../../platform/clock';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

const clock = new FakeClock('2026-03-02T10:00:00+08:00'); // a Monday, working hours
let t: TestApp;
let dispatcher: Client;
let manager: Client;

beforeAll(async () => {
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365 } });
  dispatcher = await t.as('dispatcher');
  manager = await t.as('manager');
  await t.as('executive');
});
afterAll(() => t?.close());

const hoursAgo = (h: number) => new Date(clock.now().getTime() - h * 3_600_000).toISOString();
const sweep = () => sweepOnce(t.services.db, t.services.engine, clock.now());
const firingsOf = async (ticketId: string) =>
  (await t.services.db.select().from(ticketFirings).where(eq(ticketFirings.ticketId, ticketId))).map((f) => f.key.startsWith('esc:') ? `esc:${(f.data as { afterMinutes: number }).afterMinutes}` : f.key).sort();

describe('escalation matrix (seed 000, calendar time)', () => {
  it('fires the 1 h and 4 h steps of a P1 reported 5 h ago exactly once, a P2 one step, a P4 none', async () => {
    const customerId = (await t.factory.customer()).id;
    const p1 = (await dispatcher.post('/api/tickets', { title: '全行停机', severity: 'P1', channel: 'phone', customerId, reportedAt: hoursAgo(5) })).body;
    const p2 = (await dispatcher.post('/api/tickets', { title: '性能下降', severity: 'P2', channel: 'phone', customerId, reportedAt: hoursAgo(5) })).body;
    const p4 = (await dispatcher.post('/api/tickets', { title: '咨询', severity: 'P4', channel: 'phone', customerId, reportedAt: hoursAgo(5) })).body;

    await sweep();
    await sweep();
    const esc = async (id: string) => (await dispatcher.get(`/api/tickets/${id}/escalations`)).body as Array<{ afterMinutes: number; level: number; late: boolean; recipients: Array<{ name: string }> }>;
    const p1Steps = await esc(p1.id);
    expect(p1Steps.map((s) => [s.afterMinutes, s.level])).toEqual([[60, 1], [240, 2]]);
    expect(p1Steps.every((s) => s.late)).toBe(true); // created after the fact: both steps were overdue when fired
    expect(p1Steps[0]!.recipients.map((r) => r.name)).toContain(manager.user.username);
    expect((await esc(p2.id)).map((s) => s.afterMinutes)).toEqual([240]);
    expect(await esc(p4.id)).toEqual([]);
    expect((await dispatcher.get(`/api/tickets/${p1.id}`)).body.escalationLevel).toBe(2);

    // More sweeps change nothing; the 24 h step waits for its time.
    await sweep();
    expect(await firingsOf(p1.id)).toEqual(expect.arrayContaining(['esc:60', 'esc:240']));
    expect((await firingsOf(p1.id)).filter((k) => k.startsWith('esc:'))).toEqual(['esc:240', 'esc:60']);
    clock.advance(19 * 60 + 1);
    await sweep();
    expect((await esc(p1.id)).map((s) => s.afterMinutes)).toEqual([60, 240, 1440]);
    clock.advance(-(19 * 60 + 1));
  });

  it('stops escalating once resolved', async () => {
    const engineer = await t.as('engineer');
    const customerId = (await t.factory.customer()).id;
    const ticket = (await dispatcher.post('/api/tickets', { title: 'x', severity: 'P1', channel: 'phone', customerId, assigneeId: engineer.user.id, reportedAt: hoursAgo(0.5) })).body;
    await engineer.post(`/api/tickets/${ticket.id}/transitions`, { to: 'in_progress' });
    await engineer.post(`/api/tickets/${ticket.id}/transitions`, { to: 'resolved' });
    clock.advance(120);
    await sweep();
    expect((await dispatcher.get(`/api/tickets/${ticket.id}/escalations`)).body).toEqual([]);
    // Stopped tickets owe nothing: no badge, so they sort after every running clock.
    expect((await dispatcher.get(`/api/tickets?customerId=${customerId}`)).body.items[0].slaBadge).toBeNull();
    clock.advance(-120);
  });
});

describe('SLA clocks', () => {
  it('shows the standard policy milestones with due times, met stamps and breaches', async () => {
    const engineer = await t.as('engineer');
    const customerId = (await t.factory.customer()).id;
    const created = (await dispatcher.post('/api/tickets', { title: 'ATM', severity: 'P1', channel: 'phone', customerId })).body;
    expect(created.slaPolicy.name).toBe('标准');
    const byKey = (ticket: { sla: Array<{ milestone: string }> }) => Object.fromEntries(ticket.sla.map((m) => [m.milestone, m])) as Record<string, any>;
    let sla = byKey(created);
    expect(Object.keys(sla)).toEqual(['respond', 'plan', 'resolve']);
    expect(sla.respond).toMatchObject({ state: 'running', targetMinutes: 10, dueAt: '2026-03-02T02:10:00.000Z' });
    expect(sla.plan.dueAt).toBe('2026-03-02T02:30:00.000Z');
    expect(sla.resolve.dueAt).toBe('2026-03-02T04:00:00.000Z');
    // The queue badge: the unmet milestone due next, amber from 75 % of its target.
    expect(created.slaBadge).toEqual({
      milestone: 'respond',
      name: { zh: '响应', en: 'Respond' },
      state: 'running',
      dueAt: '2026-03-02T02:10:00.000Z',
      amberAt: '2026-03-02T02:07:30.000Z',
    });
    expect(created.slaPolicy).toMatchObject({ name: '标准', nameEn: 'Standard', source: 'default' });
    expect(sla.resolve).toMatchObject({ anchor: 'reported', amberAt: '2026-03-02T03:30:00.000Z' });

    clock.advance(5);
    await dispatcher.patch(`/api/tickets/${created.id}`, { assigneeId: engineer.user.id });
    clock.advance(20);
    await engineer.post(`/api/tickets/${created.id}/milestones`, { milestone: 'plan', note: '更换 UPS 电池' });
    clock.advance(10);
    const now = (await engineer.get(`/api/tickets/${created.id}`)).body;
    sla = byKey(now);
    expect(sla.respond).toMatchObject({ state: 'met', metAt: '2026-03-02T02:05:00.000Z', metBy: { id: dispatcher.user.id } });
    expect(sla.plan).toMatchObject({ state: 'met', metAt: '2026-03-02T02:25:00.000Z' });
    expect(sla.resolve.state).toBe('running');
    const events = (await engineer.get(`/api/tickets/${created.id}/events`)).body;
    expect(events.at(-1)).toMatchObject({ kind: 'milestone', body: '更换 UPS 电池', data: { milestone: 'plan' } });

    clock.advance(90); // 12:05, past the 2 h resolve target
    sla = byKey((await engineer.get(`/api/tickets/${created.id}`)).body);
    expect(sla.resolve).toMatchObject({ state: 'breached', breachedAt: '2026-03-02T04:00:00.000Z' });
    clock.advance(-125);
  });

  it('refuses to stamp automatic, unknown or repeated milestones', async () => {
    const engineer = await t.as('engineer');
    const ticket = await t.factory.ticket({ severity: 'P2' });
    expect((await engineer.post(`/api/tickets/${ticket.id}/milestones`, { milestone: 'respond' })).status).toBe(400);
    expect((await engineer.post(`/api/tickets/${ticket.id}/milestones`, { milestone: 'arrive' })).status).toBe(400);
    const planned = await engineer.post(`/api/tickets/${ticket.id}/milestones`, { milestone: 'plan', note: '更换主板' });
    expect(planned.status).toBe(200);
    // Recording the plan is staff visibly answering the report: respond is met with it.
    expect(planned.body.sla.find((m: { milestone: string }) => m.milestone === 'respond')).toMatchObject({ state: 'met', metBy: { id: engineer.user.id } });
    expect((await engineer.post(`/api/tickets/${ticket.id}/milestones`, { milestone: 'plan' })).status).toBe(409);
    const customer = await t.as('customer_user');
    expect((await customer.post(`/api/tickets/${ticket.id}/milestones`, { milestone: 'plan' })).status).toBe(403);
  });

  it('pauses while pending on the customer and keeps the paused time through a severity change', async () => {
    const engineer = await t.as('engineer');
    const customerId = (await t.factory.customer()).id;
    const ticket = (await dispatcher.post('/api/tickets', { title: 'x', severity: 'P3', channel: 'phone', customerId, assigneeId: engineer.user.id })).body;
    await engineer.post(`/api/tickets/${ticket.id}/transitions`, { to: 'in_progress' });
    await engineer.post(`/api/tickets/${ticket.id}/transitions`, { to: 'pending_customer', note: '等待客户提供日志' });
    clock.advance(30);
    let resolve = (await engineer.get(`/api/tickets/${ticket.id}`)).body.sla.find((m: { milestone: string }) => m.milestone === 'resolve');
    expect(resolve.state).toBe('paused');
    await engineer.post(`/api/tickets/${ticket.id}/transitions`, { to: 'in_progress' });
    resolve = (await engineer.get(`/api/tickets/${ticket.id}`)).body.sla.find((m: { milestone: string }) => m.milestone === 'resolve');
    expect(resolve).toMatchObject({ state: 'running', pausedMinutes: 30, dueAt: '2026-03-02T10:30:00.000Z' }); // 10:00 + 8 h + 30 min paused
    await engineer.patch(`/api/tickets/${ticket.id}`, { severity: 'P2', severityReason: '影响扩大' });
    resolve = (await engineer.get(`/api/tickets/${ticket.id}`)).body.sla.find((m: { milestone: string }) => m.milestone === 'resolve');
    expect(resolve).toMatchObject({ state: 'running', pausedMinutes: 30, targetMinutes: 240, dueAt: '2026-03-02T06:30:00.000Z' });
    clock.advance(-30);
  });

  it('sends the 80 % warning and the breach once, to the engineer and (breach) the managers, through the outbox', async () => {
    const engineer = await t.as('engineer');
    const customerId = (await t.factory.customer()).id;
    const ticket = (await dispatcher.post('/api/tickets', { title: '预警测试', severity: 'P4', channel: 'phone', customerId, assigneeId: engineer.user.id })).body;
    await engineer.post(`/api/tickets/${ticket.id}/comments`, { body: '收到', public: true });
    // P4 standard: plan 4 h → warning at 3 h 12 min, breach at 4 h.
    clock.advance(3 * 60 + 13);
    await sweep();
    clock.advance(50);
    await sweep();
    await sweep();
    const keys = await firingsOf(ticket.id);
    expect(keys).toEqual(['sla:plan:breach', 'sla:plan:warn']);
    const messages = await t.services.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id));
    const warn = messages.filter((m) => m.kind === 'sla_warning');
    expect(warn.map((m) => m.userId)).toEqual([engineer.user.id]);
    const breach = messages.filter((m) => m.kind === 'sla_breach').map((m) => m.userId);
    expect(breach).toContain(engineer.user.id);
    expect(breach).toContain(manager.user.id);
    await deliverOnce(t.services.db, null, clock.now(), 500);
    const bell = (await engineer.get('/api/notifications')).body;
    expect(bell.items.some((n: { title: string }) => n.title.includes('即将超时'))).toBe(true);
    clock.advance(-(3 * 60 + 13 + 50));
  });

  it('tells the desk-wide managers of a breach on a ticket of no center, not every center\'s', async () => {
    const center = await t.factory.center();
    const centerManager = await t.as('manager', { centerId: center.id });
    const customerId = (await t.factory.customer()).id;
    const ticket = (await dispatcher.post('/api/tickets', { title: '无中心工单', severity: 'P4', channel: 'phone', customerId })).body;
    expect(ticket.center).toBeNull();
    clock.advance(4 * 60 + 1);
    await sweep();
    const breach = (await t.services.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id))).filter((m) => m.kind === 'sla_breach').map((m) => m.userId);
    expect(breach).toContain(manager.user.id);
    expect(breach).not.toContain(centerManager.user.id);
    clock.advance(-(4 * 60 + 1));
  });
});
