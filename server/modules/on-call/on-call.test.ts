/**
 * The on-call rota (issue 12): shifts per center, planned within the planner's subtree, a person
 * never on call twice at once; onCallAt finds who is on call at a moment; an escalation step can
 * name "the on-call engineer of the ticket's center".
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, outbox } from '../../db/schema';
import { sweepOnce } from '../../jobs/sweep';
import { FakeClock } from '../../platform/clock';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { onCallAt } from './read';

const clock = new FakeClock('2026-03-02T10:00:00+08:00');
let t: TestApp;
let region: string;
let province: string;
let otherRegion: string;
let dispatcher: Client;
let engineerP: Client;
let engineerR: Client;
let engineerOther: Client;

const at = (iso: string) => new Date(iso).toISOString();

beforeAll(async () => {
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365 } });
  region = (await t.factory.center()).id;
  province = (await t.factory.center({ parentId: region, level: 'provincial' })).id;
  otherRegion = (await t.factory.center()).id;
  dispatcher = await t.as('dispatcher', { centerId: region });
  engineerP = await t.as('engineer', { centerId: province });
  engineerR = await t.as('engineer', { centerId: region });
  engineerOther = await t.as('engineer', { centerId: otherRegion });
});
afterAll(() => t?.close());

describe('on-call shifts', () => {
  it('creates, lists, refuses an overlap (409) and a person of another center (400), deletes', async () => {
    const shift = { centerId: region, userId: engineerP.user.id, startsAt: at('2026-03-02T08:00:00+08:00'), endsAt: at('2026-03-02T20:00:00+08:00'), note: '白班' };
    // A person of a center under the shift's center may be on call for it.
    const created = await dispatcher.post('/api/on-call', shift);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ center: { id: region }, user: { id: engineerP.user.id }, startsAt: shift.startsAt, endsAt: shift.endsAt, note: '白班' });
    expect(await t.services.db.select().from(auditLog).where(and(eq(auditLog.entity, 'on_call_shift'), eq(auditLog.entityId, created.body.id)))).toHaveLength(1);

    // The same person overlapping, even for another center: 409; touching end to start is fine.
    const overlap = await dispatcher.post('/api/on-call', { ...shift, centerId: province, startsAt: at('2026-03-02T19:00:00+08:00'), endsAt: at('2026-03-03T08:00:00+08:00') });
    expect(overlap.status).toBe(409);
    expect(overlap.body.error.key).toBe('on_call.overlap');
    const next = await dispatcher.post('/api/on-call', { ...shift, centerId: province, startsAt: shift.endsAt, endsAt: at('2026-03-03T08:00:00+08:00'), note: '夜班' });
    expect(next.status).toBe(201);

    // A person of another center: 400; a center outside the planner's subtree: 403; a customer: 403.
    const foreign = await dispatcher.post('/api/on-call', { ...shift, userId: engineerOther.user.id });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.key).toBe('on_call.user_not_in_center');
    // The region's engineer is not of the province (the subtree goes down, not up).
    expect((await dispatcher.post('/api/on-call', { ...shift, centerId: province, userId: engineerR.user.id })).status).toBe(400);
    const outside = await dispatcher.post('/api/on-call', { ...shift, centerId: otherRegion, userId: engineerOther.user.id });
    expect(outside.status).toBe(403);
    expect(outside.body.error.key).toBe('scope.on_call_center_forbidden');
    expect((await engineerP.post('/api/on-call', shift)).status).toBe(403);
    // Ending before it starts: 400.
    expect((await dispatcher.post('/api/on-call', { ...shift, endsAt: shift.startsAt })).status).toBe(400);

    // Reading: one center, or the reader's subtree; staff only.
    const list = await engineerR.get(`/api/on-call?centerId=${region}&from=${encodeURIComponent(at('2026-03-02T00:00:00+08:00'))}&to=${encodeURIComponent(at('2026-03-09T00:00:00+08:00'))}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual([created.body.id]);
    const subtree = await dispatcher.get(`/api/on-call?from=${encodeURIComponent(at('2026-03-02T00:00:00+08:00'))}&to=${encodeURIComponent(at('2026-03-09T00:00:00+08:00'))}`);
    expect(subtree.body.items.map((s: { id: string }) => s.id)).toEqual([created.body.id, next.body.id]);
    const customer = await t.as('customer_user');
    expect((await customer.get('/api/on-call')).status).toBe(403);

    // Deleting: another region's planner cannot see it (404); the planner deletes it (204).
    const otherDispatcher = await t.as('dispatcher', { centerId: otherRegion });
    expect((await otherDispatcher.delete(`/api/on-call/${next.body.id}`)).status).toBe(404);
    expect((await dispatcher.delete(`/api/on-call/${next.body.id}`)).status).toBe(204);
    expect((await dispatcher.delete(`/api/on-call/${next.body.id}`)).status).toBe(404);
  });

  it('onCallAt finds the person on call at a moment, not after the shift ends', async () => {
    const res = await dispatcher.post('/api/on-call', {
      centerId: province,
      userId: engineerP.user.id,
      startsAt: at('2026-03-10T18:00:00+08:00'),
      endsAt: at('2026-03-11T08:00:00+08:00'),
    });
    expect(res.status).toBe(201);
    const during = await onCallAt(t.services.db, [province], new Date('2026-03-11T02:00:00+08:00'));
    expect([...during.keys()]).toEqual([engineerP.user.id]);
    expect(during.get(engineerP.user.id)).toEqual({ shiftId: res.body.id, centerId: province, endsAt: new Date('2026-03-11T08:00:00+08:00') });
    expect((await onCallAt(t.services.db, null, new Date('2026-03-11T02:00:00+08:00'))).has(engineerP.user.id)).toBe(true);
    // Exactly centers, not subtrees: the region itself has nobody then.
    expect((await onCallAt(t.services.db, [region], new Date('2026-03-11T02:00:00+08:00'))).size).toBe(0);
    expect((await onCallAt(t.services.db, [province], new Date('2026-03-11T08:00:00+08:00'))).size).toBe(0);
    expect((await onCallAt(t.services.db, [province], new Date('2026-03-10T17:59:59+08:00'))).size).toBe(0);
    expect((await onCallAt(t.services.db, [], new Date('2026-03-11T02:00:00+08:00'))).size).toBe(0);
  });

  it('an escalation step naming the on-call engineer tells whoever is on call for the ticket’s center when it fires', async () => {
    const admin = await t.as('admin');
    const rule = await admin.post('/api/escalation-rules', { severity: 'P4', afterMinutes: 30, clock: 'calendar', level: 1, recipients: [{ kind: 'on_call' }], active: true });
    expect(rule.status).toBe(201);
    expect(rule.body.recipientNames).toEqual(['值班工程师']);
    // Now (2026-03-02 10:00 +08): the region's engineerP (08:00–20:00, first test) and a second engineer of
    // the province (09:00–12:00); the region's engineerR was on call until 09:00.
    const engineerP2 = await t.as('engineer', { centerId: province });
    expect((await dispatcher.post('/api/on-call', { centerId: province, userId: engineerP2.user.id, startsAt: at('2026-03-02T09:00:00+08:00'), endsAt: at('2026-03-02T12:00:00+08:00') })).status).toBe(201);
    const ended = await dispatcher.post('/api/on-call', { centerId: region, userId: engineerR.user.id, startsAt: at('2026-03-02T00:00:00+08:00'), endsAt: at('2026-03-02T09:00:00+08:00') });
    expect(ended.status).toBe(201);
    const customerId = (await t.factory.customer({ centerId: province })).id;
    const reported = new Date(clock.now().getTime() - 40 * 60_000).toISOString();
    const ticket = (await dispatcher.post('/api/tickets', { title: '打印机卡纸', severity: 'P4', channel: 'phone', customerId, centerId: province, reportedAt: reported })).body;
    await sweepOnce(t.services.db, t.services.engine, clock.now());
    const told = async () =>
      (await t.services.db.select().from(outbox).where(and(eq(outbox.ticketId, ticket.id), eq(outbox.kind, 'escalation'), eq(outbox.channel, 'inapp')))).map((r) => r.userId);
    // The ticket's own center has someone on call: that person, not the region's on-call engineer.
    expect(await told()).toContain(engineerP2.user.id);
    expect(await told()).not.toContain(engineerP.user.id);
    expect(await told()).not.toContain(engineerR.user.id);

    // A ticket of the province while only the region has someone on call: the region's on-call engineer.
    clock.advance(12 * 60); // 22:00: the province's shifts are over
    const late = await dispatcher.post('/api/on-call', { centerId: region, userId: engineerR.user.id, startsAt: at('2026-03-02T21:00:00+08:00'), endsAt: at('2026-03-03T07:00:00+08:00') });
    expect(late.status).toBe(201);
    const night = (await dispatcher.post('/api/tickets', { title: '扫描仪故障', severity: 'P4', channel: 'phone', customerId, centerId: province, reportedAt: new Date(clock.now().getTime() - 40 * 60_000).toISOString() })).body;
    await sweepOnce(t.services.db, t.services.engine, clock.now());
    const nightTold = (await t.services.db.select().from(outbox).where(and(eq(outbox.ticketId, night.id), eq(outbox.kind, 'escalation'), eq(outbox.channel, 'inapp')))).map((r) => r.userId);
    expect(nightTold).toContain(engineerR.user.id);
    expect(nightTold).not.toContain(engineerP.user.id);
    expect(nightTold).not.toContain(engineerP2.user.id);
    clock.advance(-12 * 60);
  });
});
