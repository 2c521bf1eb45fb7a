/**
 * GET /api/tickets/:id/overview on the real app and database: every part equals what its own route
 * answers the same reader — staff, and a customer user (no internal notes or files, no relations
 * but mergedInto, no escalations, assignees, canned replies, calendars or engineers; their visits) — and a ticket the
 * reader may not see is 404 as on GET /api/tickets/:id. Optional parts follow the token's scopes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceRecords, ticketEngineers, ticketFirings, visitEngineers, visits } from '../../db/schema';
import { createTestApp, FakeClock, type Client, type TestApp } from '../../test/harness';

// The SLA view depends on the moment: a clock that stands still makes every read the same.
const clock = new FakeClock('2026-03-02T10:00:00+08:00');
let t: TestApp;
let dispatcher: Client;
let customerUser: Client;
let otherCustomerUser: Client;
let outsider: Client;
let ticketId: string;
let otherId: string;
let visitId: string;

// A real 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  t = await createTestApp({ clock });
  const centerA = (await t.factory.center()).id;
  const centerB = (await t.factory.center()).id;
  const customer = await t.factory.customer({ name: '招商银行深圳分行', centerId: centerA });
  const contact = await t.factory.contact(customer.id, { name: '王经理', phones: ['13800138000'] });
  dispatcher = await t.as('dispatcher', { centerId: centerA });
  customerUser = await t.as('customer_user', { customerId: customer.id });
  otherCustomerUser = await t.as('customer_user');
  outsider = await t.as('dispatcher', { centerId: centerB });
  const zhang = await t.factory.user({ role: 'engineer', name: '张三', centerId: centerA });
  const li = await t.factory.user({ role: 'engineer', name: '李四', centerId: centerA });

  const created = await dispatcher.post('/api/tickets', {
    title: 'ATM 吞卡',
    description: '福田网点 2 号机',
    severity: 'P2',
    channel: 'phone',
    customerId: customer.id,
    contactId: contact.id,
  });
  expect(created.status).toBe(201);
  ticketId = created.body.id;
  otherId = (await t.factory.ticket({ customerId: customer.id, title: '同网点 3 号机' })).id;

  expect((await dispatcher.post(`/api/tickets/${ticketId}/comments`, { body: '已通知工程师', public: true })).status).toBe(201);
  expect((await dispatcher.post(`/api/tickets/${ticketId}/comments`, { body: '内部：备件库存不足', public: false })).status).toBe(201);
  expect((await customerUser.post(`/api/tickets/${ticketId}/comments`, { body: '请尽快处理', public: true })).status).toBe(201);
  expect((await dispatcher.upload(`/api/tickets/${ticketId}/attachments`, { name: '内部日志.png', content: PNG, type: 'image/png' })).status).toBe(201);
  expect((await customerUser.upload(`/api/tickets/${ticketId}/attachments`, { name: '现场照片.png', content: PNG, type: 'image/png' })).status).toBe(201);
  expect((await dispatcher.post(`/api/tickets/${ticketId}/links`, { kind: 'related', ticket: otherId })).status).toBe(201);
  expect((await dispatcher.post('/api/macros', { name: '已派单', body: '{{engineer}} 已接单' })).status).toBe(201);
  await t.services.db.insert(ticketFirings).values({
    ticketId,
    key: 'esc:overview-test',
    kind: 'escalation',
    dueAt: clock.now(),
    firedAt: clock.now(),
    data: { level: 1, afterMinutes: 30, recipients: [] },
  });
  // A planned visit by 张三 and a helper 李四 on the ticket (field service).
  const [visit] = await t.services.db
    .insert(visits)
    .values({ ticketId, plannedStart: new Date('2026-03-02T14:00:00+08:00'), plannedEnd: new Date('2026-03-02T16:00:00+08:00') })
    .returning({ id: visits.id });
  visitId = visit!.id;
  await t.services.db.insert(visitEngineers).values({ visitId, userId: zhang.id, lead: true });
  await t.services.db.insert(ticketEngineers).values({ ticketId, userId: li.id, role: 'helper' });
  await t.services.db
    .insert(serviceRecords)
    .values({ visitId, status: 'signed', findings: '读卡器脏污', workDone: '清洁读卡器', signerName: '王经理', signedAt: clock.now(), contentHash: 'x' });
});
afterAll(() => t?.close());

const overview = (client: Client, id = ticketId) => client.get(`/api/tickets/${id}/overview`);

/** What the page asked for before the overview: one request per part. */
async function separately(client: Client, id = ticketId) {
  const body = async (url: string) => {
    const res = await client.get(url);
    return res.status === 200 ? res.body : { status: res.status };
  };
  return {
    ticket: await body(`/api/tickets/${id}`),
    events: await body(`/api/tickets/${id}/events`),
    attachments: await body(`/api/tickets/${id}/attachments`),
    relations: await body(`/api/tickets/${id}/links`),
    escalations: await body(`/api/tickets/${id}/escalations`),
    assignees: await body(`/api/tickets/${id}/assignees?limit=30`),
    macros: await body('/api/macros'),
    calendars: await body('/api/calendars'),
    visits: await body(`/api/tickets/${id}/visits`),
    engineers: await body(`/api/tickets/${id}/engineers`),
    serviceRecords: await body(`/api/tickets/${id}/service-records`),
  };
}

describe('ticket overview', () => {
  it('gives staff every part exactly as its own route does', async () => {
    const res = await overview(dispatcher);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(await separately(dispatcher));
    // Not vacuous: each part holds what the ticket has.
    const { body } = res;
    expect(body.ticket).toMatchObject({ id: ticketId, title: 'ATM 吞卡', contact: expect.objectContaining({ name: '王经理' }) });
    expect(body.events.map((e: { body: string | null }) => e.body)).toContain('内部：备件库存不足');
    expect(body.attachments.map((a: { filename: string }) => a.filename).sort()).toEqual(['内部日志.png', '现场照片.png'].sort());
    expect(body.relations.links).toEqual([expect.objectContaining({ kind: 'related', ticket: expect.objectContaining({ id: otherId }) })]);
    expect(body.escalations).toEqual([expect.objectContaining({ key: 'esc:overview-test', level: 1 })]);
    expect(body.assignees.items.map((c: { name: string }) => c.name)).toContain('张三');
    expect(body.macros.map((m: { name: string }) => m.name)).toEqual(['已派单']);
    expect(body.calendars.length).toBeGreaterThan(0);
    expect(body.visits).toEqual([expect.objectContaining({ id: visitId, status: 'planned', engineers: [expect.objectContaining({ name: '张三', lead: true })] })]);
    expect(body.engineers.map((e: { user: { name: string }; role: string }) => [e.user.name, e.role])).toEqual([['李四', 'helper']]);
    expect(body.serviceRecords).toEqual([expect.objectContaining({ visitId, status: 'signed', signerName: '王经理' })]);
  });

  it('gives a customer user what their own routes give: public entries only, and no staff parts', async () => {
    const res = await overview(customerUser);
    expect(res.status).toBe(200);
    const apart = await separately(customerUser);
    // The staff parts are refused on their own routes, and absent here.
    for (const part of ['escalations', 'assignees', 'macros', 'calendars'] as const) {
      expect(apart[part]).toEqual({ status: 403 });
      expect(res.body[part]).toBeNull();
    }
    // The ticket's staffing is the desk's: the portal page shows who comes on each visit instead.
    expect(res.body.engineers).toBeNull();
    const { escalations: _e, assignees: _a, macros: _m, calendars: _c, engineers: _g, ...shared } = apart;
    const staffOnly = { escalations: undefined, assignees: undefined, macros: undefined, calendars: undefined, engineers: undefined };
    expect({ ...res.body, ...staffOnly }).toEqual({ ...shared, ...staffOnly });
    // Their visit, with who comes and when.
    expect(res.body.visits).toEqual([expect.objectContaining({ id: visitId, engineers: [expect.objectContaining({ name: '张三' })] })]);
    expect(res.body.serviceRecords).toEqual([expect.objectContaining({ visitId, status: 'signed', pdfUrl: expect.stringContaining('/pdf') })]);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('备件库存不足');
    expect(text).not.toContain('内部日志.png');
    expect(res.body.events.map((e: { body: string | null }) => e.body)).toEqual(expect.arrayContaining(['已通知工程师', '请尽快处理']));
    expect(res.body.attachments.map((a: { filename: string }) => a.filename)).toEqual(['现场照片.png']);
    expect(res.body.relations).toEqual({ links: [], parent: null, children: [], mergedInto: null });
  });

  it('answers 404 for a ticket the reader may not see, as GET /api/tickets/:id does', async () => {
    for (const [client, id] of [
      [otherCustomerUser, ticketId],
      [outsider, ticketId],
      [dispatcher, '00000000-0000-4000-8000-000000000000'],
    ] as const) {
      const res = await overview(client, id);
      expect(res.status).toBe(404);
      expect(res.body.error.key).toBe('ticket.not_found');
      expect((await client.get(`/api/tickets/${id}`)).status).toBe(404);
    }
  });

  it('offers no assignee candidates on a closed ticket', async () => {
    const closed = await t.factory.ticket({ title: '已关闭的工单' });
    await t.services.tickets.transition(await t.factory.actor(), closed.id, { to: 'cancelled', note: '重复报修' });
    const res = await overview(dispatcher, closed.id);
    expect(res.status).toBe(200);
    expect(res.body.ticket.status).toBe('cancelled');
    expect(res.body.assignees).toBeNull();
    expect(res.body.macros).not.toBeNull();
  });

  it('through an API token, carries a part only when the token may call its route', async () => {
    const token = async (scopes: string[]) => {
      const res = await dispatcher.post('/api/tokens', { name: `overview ${scopes.join(' ')}`, scopes });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.secret as string;
    };
    const read = async (secret: string) => {
      const res = await t.app.inject({ method: 'GET', url: `/api/tickets/${ticketId}/overview`, headers: { authorization: `Bearer ${secret}` } });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    };
    const ticketsOnly = await read(await token(['tickets:read']));
    expect(ticketsOnly.status).toBe(200);
    expect(ticketsOnly.body.calendars).toBeNull();
    expect(ticketsOnly.body.escalations).not.toBeNull();
    expect(ticketsOnly.body.visits).toBeNull();
    expect(ticketsOnly.body.engineers).toBeNull();
    expect(ticketsOnly.body.serviceRecords).toBeNull();
    const withField = await read(await token(['tickets:read', 'field_service:read']));
    expect(withField.body.visits).toEqual((await dispatcher.get(`/api/tickets/${ticketId}/visits`)).body);
    expect(withField.body.engineers).toEqual((await dispatcher.get(`/api/tickets/${ticketId}/engineers`)).body);
    expect(withField.body.serviceRecords).toEqual((await dispatcher.get(`/api/tickets/${ticketId}/service-records`)).body);
    const withRules = await read(await token(['tickets:read', 'time_rules:read']));
    expect(withRules.body.calendars).toEqual((await dispatcher.get('/api/calendars')).body);
    expect((await read(await token(['time_rules:read']))).status).toBe(403);
  });

  it('is described in the OpenAPI document with every part', async () => {
    const doc = (await t.anonymous().get('/api/openapi.json')).body;
    const op = doc.paths['/api/tickets/{id}/overview'].get;
    expect(op.tags).toEqual(['tickets']);
    const json = JSON.stringify(op.responses['200']);
    for (const part of ['ticket', 'events', 'attachments', 'relations', 'escalations', 'assignees', 'macros', 'calendars', 'visits', 'engineers', 'serviceRecords']) expect(json).toContain(`"${part}"`);
  });
});
