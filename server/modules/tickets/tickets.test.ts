import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let dispatcher: Client;
let engineer: Client;
let customerId: string;

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await t.as('dispatcher');
  engineer = await t.as('engineer', {});
  customerId = (await t.factory.customer({ name: '华夏银行北京分行' })).id;
});
afterAll(() => t?.close());

const newTicket = (extra: Record<string, unknown> = {}) => ({
  title: 'ATM 吞卡',
  description: '客户来电：ATM 吞卡',
  severity: 'P2',
  channel: 'phone',
  customerId,
  ...extra,
});

describe('creating tickets', () => {
  it('answers 201 with id, number, status and a created event', async () => {
    const res = await dispatcher.post('/api/tickets', newTicket());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'new', severity: 'P2', channel: 'phone', type: 'fault', category: 'other' });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.number).toMatch(/^FW-\d{4}-\d{6}$/);
    expect(res.body.customer).toEqual({ id: customerId, name: '华夏银行北京分行' });
    expect(res.body.allowedTransitions).toEqual(['assigned', 'cancelled']);
    const events = await dispatcher.get(`/api/tickets/${res.body.id}/events`);
    expect(events.body.map((e: { kind: string }) => e.kind)).toEqual(['created']);
  });

  it('numbers increase by one', async () => {
    const a = await dispatcher.post('/api/tickets', newTicket());
    const b = await dispatcher.post('/api/tickets', newTicket());
    const seq = (n: string) => Number(n.split('-')[2]);
    expect(seq(b.body.number)).toBe(seq(a.body.number) + 1);
  });

  it('gives 50 parallel creations 50 distinct numbers', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => dispatcher.post('/api/tickets', newTicket())));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const numbers = new Set(results.map((r) => r.body.number));
    expect(numbers.size).toBe(50);
  });

  it('takes an earlier reportedAt from staff but never a future one', async () => {
    const earlier = new Date(Date.now() - 3 * 3600_000).toISOString();
    const ok = await dispatcher.post('/api/tickets', newTicket({ reportedAt: earlier }));
    expect(ok.status).toBe(201);
    expect(ok.body.reportedAt).toBe(earlier);
    const future = await dispatcher.post('/api/tickets', newTicket({ reportedAt: new Date(Date.now() + 3600_000).toISOString() }));
    expect(future.status).toBe(400);
    expect(future.body.error.details.fields).toEqual([{ path: 'reportedAt', key: 'field.in_future', message: 'cannot be in the future' }]);
  });

  it('assigning at creation makes the ticket assigned', async () => {
    const res = await dispatcher.post('/api/tickets', newTicket({ assigneeId: engineer.user.id }));
    expect(res.body.status).toBe('assigned');
    expect(res.body.assignee).toEqual({ id: engineer.user.id, name: expect.any(String) });
  });

  it('refuses bad input with field details and writes nothing', async () => {
    const before = (await dispatcher.get('/api/tickets?limit=200')).body.items.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ severity: 'P5' }, 'body.severity'],
      [{ channel: 'pigeon' }, 'body.channel'],
      [{ title: '' }, 'body.title'],
      [{ title: 'x'.repeat(201) }, 'body.title'],
      [{ customerId: 'not-a-uuid' }, 'body.customerId'],
      [{ reportedAt: 'yesterday' }, 'body.reportedAt'],
    ];
    for (const [patch, path] of cases) {
      const res = await dispatcher.post('/api/tickets', newTicket(patch));
      expect(res.status, JSON.stringify(patch)).toBe(400);
      expect(res.body.error.code).toBe('validation');
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    const missing = await dispatcher.post('/api/tickets', { title: 'x', severity: 'P1', channel: 'phone' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields[0].path).toBe('customerId');
    const unknownCustomer = await dispatcher.post('/api/tickets', newTicket({ customerId: '00000000-0000-4000-8000-000000000000' }));
    expect(unknownCustomer.status).toBe(400);
    const otherContact = await t.factory.contact();
    const wrongContact = await dispatcher.post('/api/tickets', newTicket({ contactId: otherContact.id }));
    expect(wrongContact.status).toBe(400);
    expect(wrongContact.body.error.details.fields[0].path).toBe('contactId');
    const customerAsAssignee = await t.factory.user({ role: 'customer_user' });
    expect((await dispatcher.post('/api/tickets', newTicket({ assigneeId: customerAsAssignee.id }))).status).toBe(400);
    expect((await dispatcher.get('/api/tickets?limit=200')).body.items.length).toBe(before);
  });

  it('answers 400 to malformed JSON and 413 to a huge body', async () => {
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { cookie: dispatcher.cookie!, 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation');
    const huge = await dispatcher.post('/api/tickets', newTicket({ description: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
  });
});

describe('working a ticket', () => {
  it('names both engineers when a ticket changes hands, and refuses an inactive or unassignable one', async () => {
    const other = await t.as('engineer', {});
    const { id } = (await dispatcher.post('/api/tickets', newTicket({ assigneeId: engineer.user.id }))).body;
    expect((await dispatcher.patch(`/api/tickets/${id}`, { assigneeId: other.user.id })).body.assignee).toMatchObject({ id: other.user.id });
    const events = (await dispatcher.get(`/api/tickets/${id}/events`)).body as Array<{ kind: string; data: any }>;
    const handovers = events.filter((e) => e.kind === 'assigned').map((e) => e.data);
    expect(handovers.at(-1)).toEqual({ from: { id: engineer.user.id, name: expect.any(String) }, to: { id: other.user.id, name: expect.any(String) } });
    expect(handovers.at(-1).from.name).not.toBe(handovers.at(-1).to.name);
    const customerUser = await t.as('customer_user');
    const refused = await dispatcher.patch(`/api/tickets/${id}`, { assigneeId: customerUser.user.id });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields[0].path).toBe('assigneeId');
  });

  it('runs from new to closed with a full timeline and audit log', async () => {
    const created = (await dispatcher.post('/api/tickets', newTicket({ severity: 'P3' }))).body;
    const id = created.id;
    expect((await dispatcher.patch(`/api/tickets/${id}`, { assigneeId: engineer.user.id })).body.status).toBe('assigned');
    expect((await engineer.post(`/api/tickets/${id}/transitions`, { to: 'in_progress' })).body.status).toBe('in_progress');
    expect((await engineer.post(`/api/tickets/${id}/comments`, { body: '已远程登录检查', public: true })).status).toBe(201);
    expect((await engineer.post(`/api/tickets/${id}/comments`, { body: '怀疑读卡器硬件故障', public: false })).status).toBe(201);
    expect((await engineer.post(`/api/tickets/${id}/transitions`, { to: 'pending_customer', note: '请客户确认' })).status).toBe(200);
    expect((await engineer.post(`/api/tickets/${id}/transitions`, { to: 'in_progress' })).status).toBe(200);
    const resolved = await engineer.post(`/api/tickets/${id}/transitions`, { to: 'resolved', note: '更换读卡器' });
    expect(resolved.body.resolvedAt).not.toBeNull();
    const closed = await dispatcher.post(`/api/tickets/${id}/transitions`, { to: 'closed' });
    expect(closed.body).toMatchObject({ status: 'closed', allowedTransitions: [] });
    expect(closed.body.closedAt).not.toBeNull();

    const events = (await dispatcher.get(`/api/tickets/${id}/events`)).body as Array<{ kind: string; data: any; body: string | null }>;
    expect(events.map((e) => e.kind)).toEqual([
      'created', 'assigned', 'status_changed', 'status_changed', 'comment', 'comment',
      'status_changed', 'status_changed', 'status_changed', 'status_changed',
    ]);
    expect(events.filter((e) => e.kind === 'status_changed').map((e) => e.data.to)).toEqual([
      'assigned', 'in_progress', 'pending_customer', 'in_progress', 'resolved', 'closed',
    ]);

    const audit = await t.as('admin').then((a) => a.get(`/api/audit?entity=ticket&entityId=${id}`));
    expect(audit.status).toBe(200);
    expect(audit.body.map((a: { action: string }) => a.action)).toEqual(
      expect.arrayContaining(['created', 'updated', 'status_changed', 'commented', 'internal_note']),
    );
    const assignment = audit.body.find((a: { action: string }) => a.action === 'updated');
    expect(assignment.before).toEqual({ assigneeId: null });
    expect(assignment.after).toEqual({ assigneeId: engineer.user.id });
  });

  it('refuses an illegal transition with 409 and the allowed targets', async () => {
    const { id } = (await dispatcher.post('/api/tickets', newTicket())).body;
    const res = await dispatcher.post(`/api/tickets/${id}/transitions`, { to: 'resolved' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('invalid_transition');
    expect(res.body.error.details).toEqual({ from: 'new', to: 'resolved', allowed: ['assigned', 'cancelled'] });
  });

  it('an engineer taking a new ticket assigns it to themselves', async () => {
    const { id } = (await dispatcher.post('/api/tickets', newTicket())).body;
    const res = await engineer.post(`/api/tickets/${id}/transitions`, { to: 'assigned' });
    expect(res.status).toBe(200);
    expect(res.body.assignee.id).toBe(engineer.user.id);
    const { id: id2 } = (await dispatcher.post('/api/tickets', newTicket())).body;
    expect((await dispatcher.post(`/api/tickets/${id2}/transitions`, { to: 'assigned' })).status).toBe(409);
  });

  it('reopens a resolved ticket and clears resolvedAt', async () => {
    const { id } = (await dispatcher.post('/api/tickets', newTicket({ assigneeId: engineer.user.id }))).body;
    for (const to of ['in_progress', 'resolved']) await engineer.post(`/api/tickets/${id}/transitions`, { to });
    const reopened = await dispatcher.post(`/api/tickets/${id}/transitions`, { to: 'in_progress', note: '客户反馈仍未恢复' });
    expect(reopened.body).toMatchObject({ status: 'in_progress', resolvedAt: null });
  });

  it('needs a reason to change the severity and records it', async () => {
    const { id } = (await dispatcher.post('/api/tickets', newTicket({ severity: 'P3' }))).body;
    const noReason = await dispatcher.patch(`/api/tickets/${id}`, { severity: 'P1' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details.fields[0].path).toBe('severityReason');
    expect((await dispatcher.get(`/api/tickets/${id}`)).body.severity).toBe('P3');
    const ok = await dispatcher.patch(`/api/tickets/${id}`, { severity: 'P1', severityReason: '全行 ATM 停机' });
    expect(ok.body.severity).toBe('P1');
    const events = (await dispatcher.get(`/api/tickets/${id}/events`)).body;
    expect(events.at(-1)).toMatchObject({ kind: 'severity_changed', body: '全行 ATM 停机', data: { from: 'P3', to: 'P1' } });
  });

  it('unknown ids answer 404', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await dispatcher.get(`/api/tickets/${missing}`)).status).toBe(404);
    expect((await dispatcher.patch(`/api/tickets/${missing}`, { title: 'x' })).status).toBe(404);
    expect((await dispatcher.post(`/api/tickets/${missing}/transitions`, { to: 'closed' })).status).toBe(404);
    expect((await dispatcher.post(`/api/tickets/${missing}/comments`, { body: 'x', public: true })).status).toBe(404);
    expect((await dispatcher.get(`/api/tickets/${missing}/events`)).status).toBe(404);
    expect((await dispatcher.get('/api/tickets/not-a-uuid')).status).toBe(400);
    expect((await dispatcher.get('/api/nothing-here')).status).toBe(404);
  });
});

describe('the queue', () => {
  it('filters, searches and pages without gaps or repeats', async () => {
    const c = (await t.factory.customer({ name: '国网浙江电力' })).id;
    const base = Date.now() - 10 * 3600_000;
    for (let i = 0; i < 7; i++) {
      await dispatcher.post('/api/tickets', {
        ...newTicket({ customerId: c, title: `变电站监控中断 ${i}`, severity: i % 2 ? 'P1' : 'P4' }),
        reportedAt: new Date(base + i * 60_000).toISOString(),
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await dispatcher.get(`/api/tickets?customerId=${c}&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((x: { title: string }) => x.title));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `变电站监控中断 ${i}`));

    const bySeverity = await dispatcher.get(`/api/tickets?customerId=${c}&sort=severity&limit=4`);
    expect(bySeverity.body.items.map((x: { severity: string }) => x.severity)).toEqual(['P1', 'P1', 'P1', 'P4']);
    const rest = await dispatcher.get(`/api/tickets?customerId=${c}&sort=severity&limit=4&cursor=${bySeverity.body.nextCursor}`);
    expect(rest.body.items.map((x: { severity: string }) => x.severity)).toEqual(['P4', 'P4', 'P4']);
    expect(rest.body.nextCursor).toBeNull();

    const p1 = await dispatcher.get(`/api/tickets?customerId=${c}&severity=P1`);
    expect(p1.body.items).toHaveLength(3);
    const text = await dispatcher.get(`/api/tickets?q=${encodeURIComponent('监控中断 5')}`);
    expect(text.body.items.map((x: { title: string }) => x.title)).toEqual(['变电站监控中断 5']);
    const byNumber = await dispatcher.get(`/api/tickets?q=${text.body.items[0].number}`);
    expect(byNumber.body.items).toHaveLength(1);
    const literal = await dispatcher.get(`/api/tickets?q=${encodeURIComponent('%')}&customerId=${c}`);
    expect(literal.body.items).toHaveLength(0);
    const statusFilter = await dispatcher.get(`/api/tickets?customerId=${c}&status=new,assigned`);
    expect(statusFilter.body.items).toHaveLength(7);
    expect((await dispatcher.get(`/api/tickets?customerId=${c}&status=closed`)).body.items).toHaveLength(0);
    expect((await dispatcher.get(`/api/tickets?assigneeId=none&customerId=${c}`)).body.items).toHaveLength(7);
    expect((await dispatcher.get('/api/tickets?status=bogus')).status).toBe(400);
    expect((await dispatcher.get('/api/tickets?cursor=garbage')).status).toBe(400);
    expect((await dispatcher.get('/api/tickets?limit=1000')).status).toBe(400);
  });
});

describe('text search in the queue', () => {
  it('finds Chinese substrings of any length, Latin words, numbers and edited titles', async () => {
    const c = (await t.factory.customer()).id;
    const make = async (title: string) => (await dispatcher.post('/api/tickets', newTicket({ customerId: c, title }))).body;
    const reader = await make('2号机读卡器故障，吞卡');
    const network = await make('支行网络中断 VPN down');
    const titles = async (q: string) =>
      (await dispatcher.get(`/api/tickets?customerId=${c}&q=${encodeURIComponent(q)}`)).body.items.map((x: { title: string }) => x.title);
    expect(await titles('读卡器')).toEqual([reader.title]);
    expect(await titles('卡器故')).toEqual([reader.title]);
    expect(await titles('吞')).toEqual([reader.title]);
    expect(await titles('故障吞卡')).toEqual([]); // pairs all exist, but not as one substring
    expect(await titles('vpn')).toEqual([network.title]);
    expect(await titles('VPN DO')).toEqual([network.title]);
    expect(await titles('2号')).toEqual([reader.title]);
    expect(await titles(reader.number.slice(-6))).toEqual([reader.title]);
    expect(await titles('，')).toEqual([reader.title]); // nothing searchable: plain contains
    await dispatcher.patch(`/api/tickets/${network.id}`, { title: '支行专线恢复' });
    expect(await titles('网络')).toEqual([]);
    expect(await titles('专线')).toEqual(['支行专线恢复']);
  });
});
