/**
 * Visits (issue 12): planning on a ticket, the steps with their times, check-in meeting `arrive` and
 * starting the restore clock (seed 004: P1 arrive within 1 h, restored 2 h after arrival), a retried
 * check-in doing nothing twice, who may step a visit and who may see it.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, domainEvents, ticketEvents, ticketMilestones } from '../../db/schema';
import { FakeClock } from '../../platform/clock';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

const clock = new FakeClock('2026-03-02T10:00:00+08:00'); // a Monday morning
let t: TestApp;
let regionA: string;
let regionB: string;
let dispatcherA: Client;
let engineerA: Client;
let helperA: Client;
let engineerB: Client;
let customerId: string;
let customerUser: Client;
let otherCustomerUser: Client;
let siteId: string;
let deviceId: string;
let otherDeviceId: string;

const minutesFrom = (iso: string, minutes: number) => new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();
const now = () => clock.now().toISOString();

beforeAll(async () => {
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365 } });
  const admin = await t.as('admin');
  regionA = (await t.factory.center()).id;
  regionB = (await t.factory.center()).id;
  dispatcherA = await t.as('dispatcher', { centerId: regionA });
  engineerA = await t.as('engineer', { centerId: regionA });
  helperA = await t.as('engineer', { centerId: regionA });
  engineerB = await t.as('engineer', { centerId: regionB });
  // Seed 004's on-site service level: P1 arrive within 1 h, restored 2 h after arrival.
  const onsite = ((await admin.get('/api/sla-policies')).body as Array<{ id: string; key: string; definition: any }>).find((p) => p.key === 'onsite')!;
  expect(onsite.definition.severities.P1).toEqual(
    expect.arrayContaining([expect.objectContaining({ key: 'arrive', minutes: 60 }), expect.objectContaining({ key: 'restore', minutes: 120, anchor: { milestone: 'arrive' } })]),
  );
  customerId = (await t.services.customers.create(null, { name: '城商银行', centerId: regionA, slaPolicyId: onsite.id })).id;
  siteId = (await admin.post(`/api/customers/${customerId}/sites`, { name: '科技园支行', address: '深圳市南山区科技园 1 号', region: '深圳' })).body.id;
  const productId = (await admin.post('/api/products', { model: 'V-ATM', name: '存取款一体机', category: 'hardware' })).body.id;
  deviceId = (await admin.post('/api/devices', { productId, serial: 'VST-001', customerId, siteId, location: '大堂左侧' })).body.id;
  const other = (await t.factory.customer({ centerId: regionA })).id;
  otherDeviceId = (await admin.post('/api/devices', { productId, serial: 'OTH-001', customerId: other })).body.id;
  customerUser = await t.as('customer_user', { customerId });
  otherCustomerUser = await t.as('customer_user', { customerId: other });
});
afterAll(() => t?.close());

async function p1Ticket() {
  const contact = await t.factory.contact(customerId, { name: '陈行长', phones: ['13800000001'] });
  const ticket = (await dispatcherA.post('/api/tickets', { title: 'ATM 吞卡', severity: 'P1', channel: 'phone', customerId, centerId: regionA, siteId, contactId: contact.id })).body;
  expect((await dispatcherA.put(`/api/tickets/${ticket.id}/devices`, { deviceIds: [deviceId] })).status).toBe(200);
  return ticket as { id: string; status: string };
}

async function plan(ticketId: string, engineers: Client[] = [engineerA]) {
  const res = await dispatcherA.post(`/api/tickets/${ticketId}/visits`, {
    plannedStart: minutesFrom(now(), 15),
    plannedEnd: minutesFrom(now(), 135),
    engineerIds: engineers.map((e) => e.user.id),
    notes: '带读卡器模块',
  });
  expect(res.status).toBe(201);
  return res.body;
}

const milestone = async (ticketId: string, key: string) =>
  ((await dispatcherA.get(`/api/tickets/${ticketId}`)).body.sla as Array<{ milestone: string; state: string; metAt: string | null; startedAt: string | null; dueAt: string | null }>).find(
    (m) => m.milestone === key,
  )!;
const visitEvents = async (ticketId: string) =>
  t.services.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, 'visit')));

describe('visits', () => {
  it('plans with the ticket’s site and devices, departs, checks in (meets arrive, starts restore, in_progress), finishes restored', async () => {
    const ticket = await p1Ticket();
    const visit = await plan(ticket.id, [engineerA, helperA]);
    expect(visit).toMatchObject({
      status: 'planned',
      ticket: { id: ticket.id, severity: 'P1' },
      site: { id: siteId, address: '深圳市南山区科技园 1 号', region: '深圳' },
      customer: { id: customerId, name: '城商银行' },
      contact: { name: '陈行长', phones: ['13800000001'] },
      devices: [{ id: deviceId, serial: 'VST-001', productModel: 'V-ATM', location: '大堂左侧' }],
      record: null,
      next: ['departed', 'on_site', 'cancelled'],
    });
    expect(visit.engineers).toEqual([
      { id: engineerA.user.id, name: engineerA.user.username, lead: true },
      { id: helperA.user.id, name: helperA.user.username, lead: false },
    ]);
    expect((await milestone(ticket.id, 'arrive')).state).toBe('running');

    clock.advance(10);
    const departed = await engineerA.post(`/api/visits/${visit.id}/transitions`, { to: 'departed' });
    expect(departed.status).toBe(200);
    expect(departed.body).toMatchObject({ status: 'departed', departedAt: now(), next: ['on_site', 'cancelled'] });

    // Re-planning after departure is refused with what the visit may do instead.
    const replan = await dispatcherA.patch(`/api/visits/${visit.id}`, { plannedEnd: minutesFrom(now(), 300) });
    expect(replan.status).toBe(409);
    expect(replan.body.error).toMatchObject({ key: 'visit.not_planned', details: { status: 'departed', allowed: ['on_site', 'cancelled'] } });

    clock.advance(30);
    const checkIn = { to: 'on_site', at: minutesFrom(now(), -5) }; // queued offline 5 minutes ago
    const arrived = await engineerA.post(`/api/visits/${visit.id}/transitions`, checkIn);
    expect(arrived.status).toBe(200);
    expect(arrived.body).toMatchObject({ status: 'on_site', arrivedAt: checkIn.at, next: ['finished', 'cancelled'] });
    const arrive = await milestone(ticket.id, 'arrive');
    expect(arrive).toMatchObject({ state: 'met', metAt: checkIn.at });
    // The restore clock starts at the arrival: due 2 h after it.
    const restore = await milestone(ticket.id, 'restore');
    expect(restore).toMatchObject({ state: 'running', startedAt: checkIn.at, dueAt: minutesFrom(checkIn.at, 120) });
    const page = (await dispatcherA.get(`/api/tickets/${ticket.id}`)).body;
    expect(page.status).toBe('in_progress');
    expect(page.assignee).toMatchObject({ id: engineerA.user.id });

    // The same check-in sent again (the answer was lost): the visit as it is, one stamp, one entry.
    clock.advance(1);
    const again = await engineerA.post(`/api/visits/${visit.id}/transitions`, checkIn);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'on_site', arrivedAt: checkIn.at, updatedAt: arrived.body.updatedAt });
    const stamps = await t.services.db.select().from(ticketMilestones).where(and(eq(ticketMilestones.ticketId, ticket.id), eq(ticketMilestones.milestone, 'arrive')));
    expect(stamps).toHaveLength(1);
    expect((await visitEvents(ticket.id)).filter((e) => (e.data as { action: string }).action === 'arrived')).toHaveLength(1);

    // An illegal step: 409 with the allowed ones.
    const back = await engineerA.post(`/api/visits/${visit.id}/transitions`, { to: 'departed' });
    expect(back.status).toBe(409);
    expect(back.body.error).toMatchObject({ key: 'visit.illegal_step', details: { from: 'on_site', to: 'departed', allowed: ['finished', 'cancelled'] } });
    // Finishing needs the result, and cannot be dated before the arrival.
    expect((await engineerA.post(`/api/visits/${visit.id}/transitions`, { to: 'finished' })).body.error.key).toBe('visit.result_required');
    const early = await engineerA.post(`/api/visits/${visit.id}/transitions`, { to: 'finished', result: 'restored', at: minutesFrom(checkIn.at, -1) });
    expect(early.status).toBe(400);
    expect(early.body.error.key).toBe('visit.at_before_previous');

    clock.advance(50);
    const finished = await helperA.post(`/api/visits/${visit.id}/transitions`, { to: 'finished', result: 'restored' });
    expect(finished.body).toMatchObject({ status: 'finished', result: 'restored', finishedAt: now(), next: [] });
    expect(await milestone(ticket.id, 'restore')).toMatchObject({ state: 'met', metAt: now() });

    // The timeline: planned, departed, arrived, finished; the customer sees planned, arrived and finished.
    const events = (await dispatcherA.get(`/api/tickets/${ticket.id}/events`)).body as Array<{ kind: string; public: boolean; data: any }>;
    const visitLines = events.filter((e) => e.kind === 'visit');
    expect(visitLines.map((e) => [e.data.action, e.public])).toEqual([
      ['planned', true],
      ['departed', false],
      ['arrived', true],
      ['finished', true],
    ]);
    expect(visitLines[0]!.data).toMatchObject({ visitId: visit.id, engineers: [engineerA.user.username, helperA.user.username] });
    expect(visitLines[3]!.data).toMatchObject({ result: 'restored' });
    const customerLines = ((await customerUser.get(`/api/tickets/${ticket.id}/events`)).body as Array<{ kind: string; data: any }>).filter((e) => e.kind === 'visit');
    expect(customerLines.map((e) => e.data.action)).toEqual(['planned', 'arrived', 'finished']);
    // Each step is a domain event (push and other consumers follow), with the step's time.
    const recorded = await t.services.db.select().from(domainEvents).where(and(eq(domainEvents.ticketId, ticket.id), eq(domainEvents.kind, 'ticket.visit')));
    expect(recorded.map((e) => [(e.payload as { action: string }).action, (e.payload as { at: string }).at])).toEqual([
      ['planned', visit.createdAt],
      ['departed', departed.body.departedAt],
      ['arrived', checkIn.at],
      ['finished', finished.body.finishedAt],
    ]);
    // The device's history has the visit, linking to it.
    const history = (await dispatcherA.get(`/api/devices/${deviceId}`)).body.history as Array<{ kind: string; serial: string; at: string; data: any }>;
    expect(history.find((h) => h.kind === 'visit' && h.data.visit.id === visit.id)).toMatchObject({
      serial: 'VST-001',
      at: checkIn.at,
      data: { visit: { status: 'finished', result: 'restored', arrivedAt: checkIn.at }, ticket: { id: ticket.id } },
    });
    const audit = await t.services.db.select().from(auditLog).where(eq(auditLog.entityId, visit.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['arrived', 'departed', 'finished', 'planned']);
    clock.advance(-91);
  });

  it('lets only the visit’s engineers (or a planner) step it; another center’s engineer gets 404', async () => {
    const ticket = await p1Ticket();
    const visit = await plan(ticket.id);
    // Another center's engineer, not on the visit, cannot see it, let alone check in.
    expect((await engineerB.post(`/api/visits/${visit.id}/transitions`, { to: 'on_site' })).status).toBe(404);
    expect((await engineerB.get(`/api/visits/${visit.id}`)).status).toBe(404);
    expect((await engineerB.get(`/api/tickets/${ticket.id}`)).status).toBe(404);
    // A colleague of the same center sees it but is not on it.
    const colleague = await helperA.post(`/api/visits/${visit.id}/transitions`, { to: 'on_site' });
    expect(colleague.status).toBe(403);
    expect(colleague.body.error.key).toBe('visit.not_visit_engineer');
    expect((await milestone(ticket.id, 'arrive')).state).toBe('running');

    // Put on the visit, the other center's engineer sees it (and its ticket's visits) and checks in.
    expect((await dispatcherA.patch(`/api/visits/${visit.id}`, { engineerIds: [engineerA.user.id, engineerB.user.id] })).status).toBe(200);
    expect((await engineerB.get(`/api/visits/${visit.id}`)).status).toBe(200);
    // …and the ticket itself: the visit made them a helper on it.
    expect((await engineerB.get(`/api/tickets/${ticket.id}`)).status).toBe(200);
    const onTicket = (await dispatcherA.get(`/api/tickets/${ticket.id}/engineers`)).body as { user: { id: string }; role: string }[];
    expect(onTicket.find((e) => e.user.id === engineerB.user.id)?.role).toBe('helper');
    expect((await engineerB.get(`/api/visits?mine=1`)).body.items.map((v: { id: string }) => v.id)).toContain(visit.id);
    expect((await engineerB.post(`/api/visits/${visit.id}/transitions`, { to: 'on_site' })).body.status).toBe('on_site');
    expect((await milestone(ticket.id, 'arrive')).state).toBe('met');
  });

  it('refuses a time in the future, checks engineers and devices, re-plans while planned', async () => {
    const ticket = await p1Ticket();
    const visit = await plan(ticket.id);
    const future = await engineerA.post(`/api/visits/${visit.id}/transitions`, { to: 'departed', at: minutesFrom(now(), 60) });
    expect(future.status).toBe(400);
    expect(future.body.error.key).toBe('visit.at_future');

    const base = { plannedStart: minutesFrom(now(), 60), plannedEnd: minutesFrom(now(), 120) };
    const notEngineer = await dispatcherA.post(`/api/tickets/${ticket.id}/visits`, { ...base, engineerIds: [customerUser.user.id] });
    expect(notEngineer.status).toBe(400);
    expect(notEngineer.body.error.key).toBe('visit.engineer_invalid');
    const foreign = await dispatcherA.post(`/api/tickets/${ticket.id}/visits`, { ...base, engineerIds: [engineerA.user.id], deviceIds: [otherDeviceId] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ key: 'visit.device_invalid', params: { serials: 'OTH-001' } });

    const moved = await dispatcherA.patch(`/api/visits/${visit.id}`, { ...base, deviceIds: [] });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ plannedStart: base.plannedStart, plannedEnd: base.plannedEnd, devices: [] });
    expect((await dispatcherA.patch(`/api/visits/${visit.id}`, {})).body.updatedAt).toBe(moved.body.updatedAt);
    expect((await dispatcherA.patch(`/api/visits/${visit.id}`, { plannedEnd: minutesFrom(base.plannedStart, -1) })).body.error.key).toBe('visit.window_invalid');
    const cancelled = await dispatcherA.post(`/api/visits/${visit.id}/transitions`, { to: 'cancelled', reason: '客户改约' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: '客户改约' });
    expect((await visitEvents(ticket.id)).map((e) => [(e.data as { action: string }).action, e.public])).toEqual([
      ['planned', true],
      ['replanned', true],
      ['cancelled', false],
    ]);
  });

  it('shows customers the visits of their own tickets only; lists for the board and my work', async () => {
    const ticket = await p1Ticket();
    const visit = await plan(ticket.id);
    expect((await customerUser.get(`/api/tickets/${ticket.id}/visits`)).body.map((v: { id: string }) => v.id)).toEqual([visit.id]);
    expect((await customerUser.get(`/api/visits/${visit.id}`)).status).toBe(200);
    expect((await otherCustomerUser.get(`/api/tickets/${ticket.id}/visits`)).status).toBe(404);
    expect((await otherCustomerUser.get(`/api/visits/${visit.id}`)).status).toBe(404);
    expect((await customerUser.get('/api/visits')).status).toBe(403);

    // The board's window: visits overlapping it.
    const inWindow = (await dispatcherA.get(`/api/visits?from=${encodeURIComponent(minutesFrom(now(), 60))}&to=${encodeURIComponent(minutesFrom(now(), 240))}`)).body.items.map((v: { id: string }) => v.id);
    expect(inWindow).toContain(visit.id);
    const later = (await dispatcherA.get(`/api/visits?from=${encodeURIComponent(minutesFrom(now(), 200))}`)).body.items.map((v: { id: string }) => v.id);
    expect(later).not.toContain(visit.id);
    expect((await dispatcherA.get(`/api/visits?ticketId=${ticket.id}`)).body.items.map((v: { id: string }) => v.id)).toEqual([visit.id]);
    expect((await dispatcherA.get(`/api/visits?engineerId=${engineerA.user.id}&status=planned`)).body.items.map((v: { id: string }) => v.id)).toContain(visit.id);
    // Another center's engineer lists none of center A's visits.
    expect((await engineerB.get(`/api/visits?ticketId=${ticket.id}`)).body.items).toEqual([]);
    // My work: open visits first.
    const mine = (await engineerA.get('/api/visits?mine=1')).body.items as Array<{ status: string }>;
    const firstClosed = mine.findIndex((v) => v.status === 'finished' || v.status === 'cancelled');
    if (firstClosed >= 0) expect(mine.slice(firstClosed).every((v) => v.status === 'finished' || v.status === 'cancelled')).toBe(true);
  });

  it('plans only on open tickets the planner may see', async () => {
    const ticket = await p1Ticket();
    const outsider = await t.as('dispatcher', { centerId: regionB });
    const body = { plannedStart: minutesFrom(now(), 60), plannedEnd: minutesFrom(now(), 120), engineerIds: [engineerA.user.id] };
    expect((await outsider.post(`/api/tickets/${ticket.id}/visits`, body)).status).toBe(404);
    expect((await dispatcherA.post(`/api/tickets/${ticket.id}/transitions`, { to: 'cancelled', note: '重复报修' })).status).toBe(200);
    const closed = await dispatcherA.post(`/api/tickets/${ticket.id}/visits`, body);
    expect(closed.status).toBe(409);
    expect(closed.body.error.key).toBe('visit.ticket_not_open');
  });
});
