import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepOnce } from '../../jobs/sweep';
import { FakeClock } from '../../platform/clock';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

const clock = new FakeClock('2026-09-30T16:00:00+08:00');
let t: TestApp;
let admin: Client;
let dispatcher: Client;
let calendars: Array<{ id: string; key: string; lastExceptionYear: number | null }>;
const calendarId = (key: string) => calendars.find((c) => c.key === key)!.id;

beforeAll(async () => {
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365 } });
  admin = await t.as('admin');
  dispatcher = await t.as('dispatcher');
  calendars = (await admin.get('/api/calendars')).body;
});
afterAll(() => t?.close());

describe('calendars', () => {
  it('ships 7x24 and 5x8-china with the statutory holidays up to the last published year', () => {
    expect(calendars.map((c) => c.key)).toEqual(['5x8-china', '7x24']);
    expect(calendars.find((c) => c.key === '5x8-china')!.lastExceptionYear).toBe(2026);
  });

  it('previews due times across the National Day week', async () => {
    const id = calendarId('5x8-china');
    const res = await dispatcher.get(`/api/calendars/${id}/add-working-time?start=${encodeURIComponent('2026-09-30T17:00:00+08:00')}&minutes=60`);
    expect(res.status).toBe(200);
    expect(res.body.end).toBe('2026-10-08T01:00:00.000Z'); // 30 min on 09-30, then 10-08 08:30 + 30 min
    const bad = await dispatcher.get(`/api/calendars/${id}/add-working-time?start=yesterday&minutes=60`);
    expect(bad.status).toBe(400);
    expect((await dispatcher.get(`/api/calendars/${id}/add-working-time?start=2026-09-30T17:00:00Z&minutes=-1`)).status).toBe(400);
  });

  it('lets an admin enter next year’s holidays and make-up days, and the preview follows', async () => {
    const id = calendarId('5x8-china');
    // 2027-01-01 is a Friday: a holiday; Saturday 2027-01-02 a make-up day with its own hours.
    expect((await admin.put(`/api/calendars/${id}/exceptions`, { date: '2027-01-01', kind: 'holiday', name: '元旦' })).status).toBe(200);
    const made = await admin.put(`/api/calendars/${id}/exceptions`, { date: '2027-01-02', kind: 'workday', name: '元旦补班', intervals: [{ start: '09:00', end: '12:00' }] });
    expect(made.body).toMatchObject({ kind: 'workday', source: 'admin', intervals: [{ start: '09:00', end: '12:00' }] });
    const preview = await dispatcher.get(`/api/calendars/${id}/add-working-time?start=${encodeURIComponent('2026-12-31T17:00:00+08:00')}&minutes=60`);
    expect(preview.body.end).toBe('2027-01-02T01:30:00.000Z'); // 30 min on 12-31, then Sat 01-02 09:00 + 30 min
    const china = (await admin.get('/api/calendars')).body.find((c: { key: string }) => c.key === '5x8-china');
    expect(china.lastExceptionYear).toBe(2027);
    expect(china.years.find((y: { year: number }) => y.year === 2027)).toEqual({ year: 2027, holidays: 1, workdays: 1 });
    expect(china.years.find((y: { year: number }) => y.year === 2026)).toEqual({ year: 2026, holidays: 33, workdays: 6 });
    const bad = await admin.put(`/api/calendars/${id}/exceptions`, { date: '2027-02-30', kind: 'holiday' });
    expect(bad.status).toBe(400);
    const overlapping = await admin.put(`/api/calendars/${id}/exceptions`, {
      date: '2027-01-09', kind: 'workday', intervals: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }],
    });
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.error.details.fields[0].path).toMatch(/^intervals/);
    expect((await dispatcher.put(`/api/calendars/${id}/exceptions`, { date: '2027-01-03', kind: 'holiday' })).status).toBe(403);
  });

  it('exports and re-imports iCalendar without changes, and refuses garbage', async () => {
    const id = calendarId('5x8-china');
    const ics = await admin.get(`/api/calendars/${id}/ical`);
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.body).toContain('BEGIN:VCALENDAR');
    const reimport = await t.app.inject({ method: 'POST', url: `/api/calendars/${id}/ical`, headers: { cookie: admin.cookie!, 'content-type': 'text/calendar' }, payload: ics.body });
    expect(reimport.statusCode).toBe(200);
    expect(reimport.json()).toMatchObject({ added: 0, updated: 0 });
    expect(reimport.json().unchanged).toBeGreaterThan(200);
    const garbage = await t.app.inject({ method: 'POST', url: `/api/calendars/${id}/ical`, headers: { cookie: admin.cookie!, 'content-type': 'text/calendar' }, payload: 'hello' });
    expect(garbage.statusCode).toBe(400);
  });

  it('creates a regional calendar and refuses a bad one', async () => {
    const ok = await admin.post('/api/calendars', {
      key: 'gd-6x10', name: '广东 6×10', timeZone: 'Asia/Shanghai',
      weekly: { 1: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '19:00' }], 6: [{ start: '09:00', end: '17:00' }] },
    });
    expect(ok.status).toBe(201);
    expect((await admin.post('/api/calendars', { key: 'x-bad', name: 'x', timeZone: 'Mars/Olympus', weekly: { 1: [{ start: '08:00', end: '12:00' }] } })).status).toBe(400);
    expect((await admin.post('/api/calendars', { key: 'x-bad2', name: 'x', timeZone: 'Asia/Shanghai', weekly: { 1: [{ start: '12:00', end: '08:00' }] } })).status).toBe(400);
    expect((await admin.post('/api/calendars', { key: 'gd-6x10', name: 'dup', timeZone: 'Asia/Shanghai', weekly: { 1: [{ start: '08:00', end: '12:00' }] } })).status).toBe(409);
    expect((await admin.delete(`/api/calendars/${calendarId('7x24')}`)).status).toBe(409);
    expect((await admin.delete(`/api/calendars/${ok.body.id}`)).status).toBe(204);
  });
});

describe('SLA policies', () => {
  it('ships the templates with 标准 as the default', async () => {
    const list = (await admin.get('/api/sla-policies')).body as Array<{ key: string; isDefault: boolean }>;
    expect(list.map((p) => p.key).sort()).toEqual(['hotline-1h5h', 'onsite', 'standard']);
    expect(list.find((p) => p.isDefault)!.key).toBe('standard');
    expect((await admin.get('/api/sla-policies/templates')).body).toHaveLength(3);
  });

  it('validates definitions against the domain schema and the calendars that exist', async () => {
    const template = (await admin.get('/api/sla-policies/templates')).body[0];
    const unknownCalendar = JSON.parse(JSON.stringify(template.definition).replaceAll('"7x24"', '"moon-calendar"'));
    const res = await admin.post('/api/sla-policies', { key: 'custom-a', name: '自定义', definition: unknownCalendar });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('unknown calendar "moon-calendar"');
    const noSeverities = await admin.post('/api/sla-policies', { key: 'custom-b', name: 'x', definition: { warnAtRatio: 0.8 } });
    expect(noSeverities.status).toBe(400);
    const ratio = await admin.post('/api/sla-policies', { key: 'custom-c', name: 'x', definition: { ...template.definition, warnAtRatio: 1.5 } });
    expect(ratio.status).toBe(400);
    // The request schema carries the whole definition, so the body's own validation names the field.
    expect(ratio.body.error.details.fields[0].path).toBe('body.definition.warnAtRatio');
  });

  it("applies the customer's service level, and an edit re-derives open tickets' clocks", async () => {
    const policies = (await admin.get('/api/sla-policies')).body as Array<{ id: string; key: string; definition: any }>;
    const onsite = policies.find((p) => p.key === 'onsite')!;
    const customer = (await admin.post('/api/customers', { name: '自助终端客户', slaPolicyId: onsite.id })).body;
    expect(customer.slaPolicyId).toBe(onsite.id);
    const ticket = (await dispatcher.post('/api/tickets', { title: '终端黑屏', severity: 'P2', channel: 'phone', customerId: customer.id })).body;
    expect(ticket.slaPolicy.name).toBe('现场');
    expect(ticket.sla.map((m: { milestone: string }) => m.milestone)).toEqual(['arrive', 'restore', 'resolve']);
    expect(ticket.sla[0].dueAt).toBe('2026-09-30T10:00:00.000Z'); // arrive within 2 h of 16:00 +08:00

    const definition = structuredClone(onsite.definition);
    definition.severities.P2[0].minutes = 90;
    expect((await admin.patch(`/api/sla-policies/${onsite.id}`, { definition })).status).toBe(200);
    const after = (await dispatcher.get(`/api/tickets/${ticket.id}`)).body;
    expect(after.sla[0].dueAt).toBe('2026-09-30T09:30:00.000Z');
    await sweepOnce(t.services.db, t.services.engine, clock.now());
    const queue = (await dispatcher.get(`/api/tickets?sort=due&customerId=${customer.id}`)).body;
    expect(queue.items[0].slaBadge).toMatchObject({ milestone: 'arrive', dueAt: '2026-09-30T09:30:00.000Z' });

    expect((await admin.delete(`/api/sla-policies/${onsite.id}`)).status).toBe(409);
    const standard = policies.find((p) => p.key === 'standard')!;
    expect((await admin.delete(`/api/sla-policies/${standard.id}`)).status).toBe(409);
    expect((await admin.patch(`/api/sla-policies/${standard.id}`, { isDefault: false })).status).toBe(409);
  });

  it("moving a customer to another service level re-derives its open tickets on the next sweep", async () => {
    const policies = (await admin.get('/api/sla-policies')).body as Array<{ id: string; key: string }>;
    const customer = (await admin.post('/api/customers', { name: '换级客户', slaPolicyId: policies.find((p) => p.key === 'onsite')!.id })).body;
    const ticket = (await dispatcher.post('/api/tickets', { title: 'x', severity: 'P2', channel: 'phone', customerId: customer.id })).body;
    expect(ticket.slaBadge.milestone).toBe('arrive');
    await admin.patch(`/api/customers/${customer.id}`, { slaPolicyId: policies.find((p) => p.key === 'standard')!.id });
    await sweepOnce(t.services.db, t.services.engine, clock.now());
    const queue = (await dispatcher.get(`/api/tickets?customerId=${customer.id}`)).body;
    expect(queue.items[0].slaBadge.milestone).toBe('respond');
  });

  it('a manager can move one ticket to another policy; an engineer cannot', async () => {
    const manager = await t.as('manager');
    const engineer = await t.as('engineer');
    const policies = (await admin.get('/api/sla-policies')).body as Array<{ id: string; key: string }>;
    const hotline = policies.find((p) => p.key === 'hotline-1h5h')!;
    const ticket = await t.factory.ticket({ severity: 'P3' });
    expect((await engineer.patch(`/api/tickets/${ticket.id}`, { slaPolicyId: hotline.id })).status).toBe(403);
    const moved = await manager.patch(`/api/tickets/${ticket.id}`, { slaPolicyId: hotline.id });
    expect(moved.status).toBe(200);
    expect(moved.body.slaPolicy.name).toBe('热线 1 小时/5 小时');
    // 16:00 on a working day: respond within 1 h.
    expect(moved.body.sla.find((m: { milestone: string }) => m.milestone === 'respond').targetMinutes).toBe(60);
    expect(moved.body.slaPolicy.source).toBe('ticket');
    const events = (await manager.get(`/api/tickets/${ticket.id}/events`)).body;
    expect(events.at(-1).data.changes.slaPolicyId).toEqual({ from: null, to: { id: hotline.id, name: '热线 1 小时/5 小时', nameEn: 'Hotline 1 h / 5 h' } });
  });
});

describe('escalation rules', () => {
  it('ships the seed 000 matrix with readable recipients', async () => {
    const rules = (await admin.get('/api/escalation-rules')).body as Array<{ severity: string; afterMinutes: number; recipientNames: string[]; level: number }>;
    expect(rules.filter((r) => r.severity === 'P1').map((r) => [r.afterMinutes, r.recipientNames, r.level])).toEqual([
      [60, ['技术支持经理'], 1],
      [240, ['原厂商技术中心'], 2],
      [1440, ['副总裁/总裁'], 3],
    ]);
    expect(rules).toHaveLength(11);
  });

  it('creates a working-time rule, refuses bad ones, and lets admins alone change them', async () => {
    const user = await t.factory.user({ role: 'manager', name: '值班经理' });
    const created = await admin.post('/api/escalation-rules', {
      severity: 'P3', afterMinutes: 540, clock: 'working', calendar: '5x8-china', level: 1, recipients: [{ kind: 'user', userId: user.id }],
    });
    expect(created.status).toBe(201);
    expect(created.body.recipientNames).toEqual(['值班经理']);
    const noCalendar = await admin.post('/api/escalation-rules', { severity: 'P3', afterMinutes: 60, clock: 'working', level: 1, recipients: [{ kind: 'vendor' }] });
    expect(noCalendar.status).toBe(400);
    const nobody = await admin.post('/api/escalation-rules', { severity: 'P3', afterMinutes: 60, level: 1, recipients: [] });
    expect(nobody.status).toBe(400);
    const ghost = await admin.post('/api/escalation-rules', { severity: 'P3', afterMinutes: 60, level: 1, recipients: [{ kind: 'user', userId: '00000000-0000-4000-8000-000000000000' }] });
    expect(ghost.status).toBe(400);
    expect((await dispatcher.post('/api/escalation-rules', { severity: 'P3', afterMinutes: 60, level: 1, recipients: [{ kind: 'vendor' }] })).status).toBe(403);
    expect((await admin.patch(`/api/escalation-rules/${created.body.id}`, { active: false })).body.active).toBe(false);
    expect((await admin.delete(`/api/escalation-rules/${created.body.id}`)).status).toBe(204);
  });

  it('edits the vendor technical center contact', async () => {
    const contacts = (await admin.get('/api/escalation-contacts')).body;
    const vendor = contacts.find((c: { isVendorCenter: boolean }) => c.isVendorCenter);
    const saved = await admin.patch(`/api/escalation-contacts/${vendor.id}`, { name: '原厂商技术中心', organisation: '某原厂', email: 'tac@vendor.example', isVendorCenter: true });
    expect(saved.body.email).toBe('tac@vendor.example');
  });
});
