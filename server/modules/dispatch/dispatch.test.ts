import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FIELD_SERVICE_SETTINGS, type BoardTicket, type DispatchBoard, type EngineerSuggestion } from '../../../common/api/field-service';
import type { EngineerLevel } from '../../../common/domain';
import { auditLog, onCallShifts, sites, ticketEvents, ticketMilestones, users, visitEngineers, visits } from '../../db/schema';
import { dayIn } from '../../domain/installed-base/entitlement';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let manager: Client;
let dispatcher: Client;
let centerA: { id: string };
let centerB: { id: string };
let siteA: string;
let customerId: string;

async function engineer(name: string, level: EngineerLevel, skills: string[], centerId = centerA.id) {
  const u = await t.factory.user({ role: 'engineer', centerId, name });
  await t.services.db.update(users).set({ engineerLevel: level, skills }).where(eq(users.id, u.id));
  return u.id;
}

const reasonsOf = (s: EngineerSuggestion) => Object.fromEntries(s.reasons.map((r) => [r.kind, r]));

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.as('manager');
  centerA = await t.factory.center({ level: 'regional' });
  centerB = await t.factory.center({ level: 'regional' });
  dispatcher = await t.as('dispatcher', { centerId: centerA.id });
  const customer = await t.factory.customer({ centerId: centerA.id });
  customerId = customer.id;
  const [site] = await t.services.db.insert(sites).values({ customerId, name: '东城支行', region: null }).returning();
  siteA = site!.id;
});
afterAll(() => t?.close());

describe('GET /api/tickets/:id/suggestions', () => {
  it('ranks a skill match first, counts on-call and load, puts a junior last for P1, with the reasons', async () => {
    const oracle = await engineer('甲 Oracle', 'senior', ['ORACLE', 'san']);
    const plain = await engineer('乙 Plain', 'senior', []);
    const onCall = await engineer('丙 OnCall', 'senior', []);
    const busy = await engineer('丁 Busy', 'senior', []);
    const junior = await engineer('戊 Junior', 'junior', ['oracle', 'SAN']);
    const now = t.clock.now();
    await t.services.db.insert(onCallShifts).values(
      [onCall, junior].map((userId) => ({ centerId: centerA.id, userId, startsAt: new Date(now.getTime() - 3_600_000), endsAt: new Date(now.getTime() + 3_600_000) })),
    );
    for (let i = 0; i < 2; i++) await t.factory.ticket({ customerId, centerId: centerA.id, assigneeId: busy });

    // The ticket's own skill and its device's product's skill are both required.
    const product = await manager.post('/api/products', { model: `SUG-${Date.now()}`, name: '存储', category: 'hardware', skills: ['SAN'] });
    expect(product.status).toBe(201);
    expect(product.body.skills).toEqual(['SAN']);
    const device = await manager.post('/api/devices', { productId: product.body.id, serial: `SUG-${Date.now()}`, customerId });
    const ticket = await t.factory.ticket({ customerId, centerId: centerA.id, severity: 'P1' });
    expect((await manager.put(`/api/tickets/${ticket.id}/devices`, { deviceIds: [device.body.id] })).status).toBe(200);
    expect((await manager.patch(`/api/tickets/${ticket.id}`, { requiredSkills: ['Oracle'] })).status).toBe(200);

    const res = await dispatcher.get(`/api/tickets/${ticket.id}/suggestions`);
    expect(res.status).toBe(200);
    const items = res.body.items as EngineerSuggestion[];
    expect(items.map((s) => s.user.id)).toEqual([oracle, onCall, plain, busy, junior]);
    expect(items.map((s) => s.eligible)).toEqual([true, true, true, true, false]);
    const first = reasonsOf(items[0]!);
    expect(first.skills).toMatchObject({ kind: 'skills', missing: [] });
    expect(new Set((first.skills as { matched: string[] }).matched)).toEqual(new Set(['Oracle', 'SAN']));
    expect(first.level).toEqual({ kind: 'level', level: 'senior', needed: 'senior', ok: true });
    expect(first.distance).toEqual({ kind: 'distance', class: 'local' });
    expect(reasonsOf(items[1]!).on_call).toEqual({ kind: 'on_call', onCall: true });
    expect(reasonsOf(items[3]!).load).toEqual({ kind: 'load', openTickets: 2, plannedVisits: 0 });
    expect(reasonsOf(items[4]!).level).toEqual({ kind: 'level', level: 'junior', needed: 'senior', ok: false });
    // The junior has every skill and is on call: a better score, still after every eligible one.
    expect(items[4]!.score).toBeGreaterThan(items[1]!.score);
  });

  it('is 404 for a ticket outside the viewer scope and 403 for an engineer', async () => {
    const elsewhere = await t.factory.ticket({ centerId: centerB.id });
    expect((await dispatcher.get(`/api/tickets/${elsewhere.id}/suggestions`)).status).toBe(404);
    expect((await dispatcher.get('/api/tickets/00000000-0000-4000-8000-000000000000/suggestions')).status).toBe(404);
    const eng = await t.as('engineer', { centerId: centerA.id });
    expect((await eng.get(`/api/tickets/${elsewhere.id}/suggestions`)).status).toBe(403);
  });
});

describe('GET /api/dispatch/board', () => {
  it('lists an unassigned P1 with its due time, not a ticket of another center; a planned visit takes assigned work off', async () => {
    const who = await engineer('己 Board', 'expert', ['network']);
    const p1 = await t.factory.ticket({ customerId, centerId: centerA.id, severity: 'P1', title: '看板 P1' });
    const other = await t.factory.ticket({ centerId: centerB.id, severity: 'P1' });
    const held = await t.factory.ticket({ customerId, centerId: centerA.id, assigneeId: who, severity: 'P1' });
    expect((await manager.patch(`/api/tickets/${held.id}`, { siteId: siteA })).status).toBe(200);
    const remote = await t.factory.ticket({ customerId, centerId: centerA.id, assigneeId: who }); // no site: no visit needed

    const board = async (qs = '') => {
      const res = await dispatcher.get(`/api/dispatch/board${qs}`);
      expect(res.status).toBe(200);
      return res.body as DispatchBoard;
    };
    let b = await board();
    const row = b.tickets.find((x) => x.id === p1.id) as BoardTicket;
    expect(row).toMatchObject({ severity: 'P1', reason: 'unassigned', assignee: null, customer: { id: customerId } });
    expect(row.slaDueAt).not.toBeNull();
    expect(row.slaMilestone).not.toBeNull();
    expect(b.tickets.some((x) => x.id === other.id)).toBe(false);
    expect(b.tickets.some((x) => x.id === remote.id)).toBe(false);
    expect(b.tickets.find((x) => x.id === held.id)).toMatchObject({ reason: 'to_visit', assignee: { id: who }, site: { id: siteA } });
    const dues = b.tickets.map((x) => x.slaDueAt ?? '9999');
    expect(dues).toEqual([...dues].sort());
    const me = b.engineers.find((e) => e.id === who)!;
    expect(me).toMatchObject({ level: 'expert', skills: ['network'], center: { id: centerA.id }, openTickets: 2, plannedVisits: 0, onCallNow: false });

    // A visit planned for the held ticket: off the board; counted for the engineer; on the timeline.
    const start = new Date(t.clock.now().getTime() + 3_600_000);
    const [visit] = await t.services.db
      .insert(visits)
      .values({ ticketId: held.id, siteId: siteA, plannedStart: start, plannedEnd: new Date(start.getTime() + 7_200_000) })
      .returning();
    await t.services.db.insert(visitEngineers).values({ visitId: visit!.id, userId: who, lead: true });
    b = await board(`?day=${dayIn(start, t.config.timeZone)}`);
    expect(b.tickets.some((x) => x.id === held.id)).toBe(false);
    expect(b.engineers.find((e) => e.id === who)).toMatchObject({ plannedVisits: 1 });
    expect(b.visits.map((v) => v.id)).toContain(visit!.id);
    expect(new Date(b.to).getTime() - new Date(b.from).getTime()).toBe(86_400_000);
    const week = await board(`?day=${dayIn(start, t.config.timeZone)}&span=week`);
    expect(new Date(week.to).getTime() - new Date(week.from).getTime()).toBe(7 * 86_400_000);
    expect(week.visits.map((v) => v.id)).toContain(visit!.id);
    // The visit cancelled: the ticket is back; the arrival stamped: off again, for good.
    await t.services.db.update(visits).set({ status: 'cancelled', cancelledAt: t.clock.now() }).where(eq(visits.id, visit!.id));
    b = await board(`?day=${dayIn(start, t.config.timeZone)}`);
    expect(b.tickets.find((x) => x.id === held.id)).toMatchObject({ reason: 'to_visit' });
    expect(b.visits.map((v) => v.id)).not.toContain(visit!.id);
    // (The default policy has no arrive clock to stamp through the API: the row as check-in writes it.)
    await t.services.db.insert(ticketMilestones).values({ ticketId: held.id, milestone: 'arrive', metAt: t.clock.now() });
    expect((await board()).tickets.some((x) => x.id === held.id)).toBe(false);
    // Another day: not on the timeline, not counted.
    const later = await board(`?day=${dayIn(new Date(start.getTime() + 3 * 86_400_000), t.config.timeZone)}`);
    expect(later.visits.map((v) => v.id)).not.toContain(visit!.id);
    expect(later.engineers.find((e) => e.id === who)).toMatchObject({ plannedVisits: 0 });
  });

  it('filters by center (404 outside the scope) and region; refuses a day that is not one', async () => {
    expect((await dispatcher.get(`/api/dispatch/board?centerId=${centerB.id}`)).status).toBe(404);
    const child = await t.factory.center({ parentId: centerA.id, level: 'provincial' });
    const inChild = await t.factory.ticket({ customerId, centerId: child.id });
    const inA = await t.factory.ticket({ customerId, centerId: centerA.id });
    const sub = (await dispatcher.get(`/api/dispatch/board?centerId=${child.id}`)).body as DispatchBoard;
    expect(sub.tickets.map((x) => x.id)).toContain(inChild.id);
    expect(sub.tickets.map((x) => x.id)).not.toContain(inA.id);
    // The manager (all centers) may filter by B.
    const b = await manager.get(`/api/dispatch/board?centerId=${centerB.id}`);
    expect(b.status).toBe(200);

    const [north] = await t.services.db.insert(sites).values({ customerId, name: '北区', region: '华北' }).returning();
    const regional = await t.factory.ticket({ customerId, centerId: centerA.id });
    expect((await manager.patch(`/api/tickets/${regional.id}`, { siteId: north!.id })).status).toBe(200);
    const byRegion = (await dispatcher.get(`/api/dispatch/board?region=${encodeURIComponent('华北')}`)).body as DispatchBoard;
    expect(byRegion.tickets.map((x) => x.id)).toEqual([regional.id]);

    expect((await dispatcher.get('/api/dispatch/board?day=2026-02-31')).status).toBe(400);
    expect((await dispatcher.get('/api/dispatch/board?day=tomorrow')).status).toBe(400);
    const eng = await t.as('engineer', { centerId: centerA.id });
    expect((await eng.get('/api/dispatch/board')).status).toBe(403);
  });
});

describe('/api/settings/field-service', () => {
  it('reads the defaults, round-trips a change with an audit row, refuses {} and a dispatcher', async () => {
    expect((await dispatcher.get('/api/settings/field-service')).body).toEqual(DEFAULT_FIELD_SERVICE_SETTINGS);
    const next = { levelBySeverity: { P1: 'expert', P2: 'senior', P3: 'junior', P4: null }, defaultVisitMinutes: 90 };
    const put = await manager.put('/api/settings/field-service', next);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(next);
    expect((await dispatcher.get('/api/settings/field-service')).body).toEqual(next);
    const audits = await t.services.db.select().from(auditLog).where(and(eq(auditLog.entity, 'settings'), eq(auditLog.entityId, 'field_service')));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.before).toEqual(DEFAULT_FIELD_SERVICE_SETTINGS);
    expect(audits[0]!.after).toEqual(next);

    const empty = await manager.put('/api/settings/field-service', {});
    expect(empty.status).toBe(400);
    expect((await manager.put('/api/settings/field-service', { ...next, defaultVisitMinutes: 5 })).status).toBe(400);
    expect((await dispatcher.put('/api/settings/field-service', next)).status).toBe(403);
    expect((await dispatcher.get('/api/settings/field-service')).body).toEqual(next);

    // The suggestions follow: with P3 needing a junior, an engineer without a level is not eligible.
    const nobody = await t.factory.user({ role: 'engineer', centerId: centerA.id, name: '庚 NoLevel' });
    const p3 = await t.factory.ticket({ customerId, centerId: centerA.id, severity: 'P3' });
    const items = (await dispatcher.get(`/api/tickets/${p3.id}/suggestions`)).body.items as EngineerSuggestion[];
    expect(items.find((s) => s.user.id === nobody.id)).toMatchObject({ eligible: false });
    await manager.put('/api/settings/field-service', DEFAULT_FIELD_SERVICE_SETTINGS);
  });
});

describe('PATCH /api/tickets/:id requiredSkills', () => {
  it('sets them once each, answers them on the ticket, and a repeat or {} changes nothing', async () => {
    const ticket = await t.factory.ticket({ customerId, centerId: centerA.id });
    const res = await manager.patch(`/api/tickets/${ticket.id}`, { requiredSkills: [' Oracle ', 'oracle', 'SAN'] });
    expect(res.status).toBe(200);
    expect(res.body.requiredSkills).toEqual(['Oracle', 'SAN']);
    const events = async () => (await t.services.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket.id), inArray(ticketEvents.kind, ['field_changed'])))).length;
    const before = await events();
    expect(before).toBe(1);
    expect((await manager.patch(`/api/tickets/${ticket.id}`, { requiredSkills: ['Oracle', 'SAN'] })).body.requiredSkills).toEqual(['Oracle', 'SAN']);
    expect((await manager.patch(`/api/tickets/${ticket.id}`, {})).body.requiredSkills).toEqual(['Oracle', 'SAN']);
    expect(await events()).toBe(before);
    expect((await manager.get(`/api/tickets/${ticket.id}`)).body.requiredSkills).toEqual(['Oracle', 'SAN']);
    expect((await manager.patch(`/api/tickets/${ticket.id}`, { requiredSkills: ['x'.repeat(51)] })).status).toBe(400);
    expect((await manager.patch(`/api/tickets/${ticket.id}`, { requiredSkills: [] })).body.requiredSkills).toEqual([]);
  });
});
