import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let engineer: Client;
let colleague: Client;
let manager: Client;
let customer: Client;

beforeAll(async () => {
  t = await createTestApp();
  [engineer, colleague, manager, customer] = await Promise.all([t.as('engineer'), t.as('engineer'), t.as('manager'), t.as('customer_user')]);
});
afterAll(() => t?.close());

const macro = (extra: Record<string, unknown> = {}) => ({ name: '已远程处理', body: '{{contact}}您好，工单 {{ticket}} 已处理。', ...extra });

/** A ticket with a contact, assigned to `assigneeId` (status assigned). */
async function ticketFor(assigneeId: string, fields: { severity?: 'P1' | 'P2' | 'P3' | 'P4' } = {}) {
  const customerRow = await t.factory.customer({ name: `华东电力${Math.random().toString(36).slice(2, 6)}` });
  const contact = await t.factory.contact(customerRow.id, { name: '李四' });
  const ticket = await t.services.tickets.create(await t.factory.actor(), {
    title: '核心交换机宕机',
    description: '',
    severity: fields.severity ?? 'P3',
    channel: 'phone',
    customerId: customerRow.id,
    contactId: contact.id,
    assigneeId,
  });
  return { ticket, customer: customerRow };
}

describe('macro CRUD', () => {
  it('creates, lists, edits and deletes a personal macro', async () => {
    const created = await engineer.post('/api/macros', macro({ setStatus: 'in_progress' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: '已远程处理', shared: false, public: true, setStatus: 'in_progress', setSeverity: null, editable: true, owner: { id: engineer.user.id } });
    const id = created.body.id;
    expect((await engineer.get('/api/macros')).body.map((m: { id: string }) => m.id)).toContain(id);
    expect((await engineer.get('/api/macros?scope=shared')).body.map((m: { id: string }) => m.id)).not.toContain(id);
    const edited = await engineer.patch(`/api/macros/${id}`, { body: '{{ me }} 已处理', public: false, setStatus: null });
    expect(edited.body).toMatchObject({ name: '已远程处理', body: '{{ me }} 已处理', public: false, setStatus: null });
    // An empty patch changes nothing.
    expect((await engineer.patch(`/api/macros/${id}`, {})).body).toMatchObject({ body: '{{ me }} 已处理', public: false });
    // Someone else's personal macro does not exist for them.
    expect((await colleague.get(`/api/macros/${id}`)).status).toBe(404);
    expect((await colleague.patch(`/api/macros/${id}`, { name: 'x' })).status).toBe(404);
    expect((await colleague.delete(`/api/macros/${id}`)).status).toBe(404);
    expect((await engineer.delete(`/api/macros/${id}`)).status).toBe(204);
    expect((await engineer.get(`/api/macros/${id}`)).status).toBe(404);
  });

  it('keeps names unique per owner whatever their case (409 naming the clash), not across people', async () => {
    expect((await engineer.post('/api/macros', macro({ name: 'Remote Fix' }))).status).toBe(201);
    const clash = await engineer.post('/api/macros', macro({ name: '  remote FIX ' }));
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ key: 'macro.name_taken', params: { name: 'remote FIX', shared: false } });
    expect((await colleague.post('/api/macros', macro({ name: 'REMOTE fix' }))).status).toBe(201);
    const other = await engineer.post('/api/macros', macro({ name: 'Other' }));
    const rename = await engineer.patch(`/api/macros/${other.body.id}`, { name: 'remote fix' });
    expect(rename.status).toBe(409);
    expect(rename.body.error.key).toBe('macro.name_taken');
  });

  it('refuses unknown placeholders with 400 naming the field and the placeholder', async () => {
    const res = await engineer.post('/api/macros', macro({ name: 'typo', body: '{{custmer}}您好' }));
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields).toEqual([
      expect.objectContaining({ path: 'body', key: 'field.unknown_placeholder', params: expect.objectContaining({ placeholder: '{{custmer}}' }) }),
    ]);
    const ok = await engineer.post('/api/macros', macro({ name: 'all', body: '{{customer}}{{contact}}{{ticket}}{{title}}{{engineer}}{{me}}{{severity}}' }));
    expect(ok.status).toBe(201);
    expect((await engineer.patch(`/api/macros/${ok.body.id}`, { body: '{{ engineer }} {{foo}}' })).status).toBe(400);
    expect((await engineer.post('/api/macros', macro({ name: 'bad', setStatus: 'nonsense' }))).status).toBe(400);
  });

  it('lets managers keep the shared macros; engineers use them but get 403 changing them; customers get 403', async () => {
    const refused = await engineer.post('/api/macros', macro({ name: '共享', shared: true }));
    expect(refused.status).toBe(403);
    expect(refused.body.error.key).toBe('macro.shared_forbidden');
    const shared = await manager.post('/api/macros', macro({ name: '共享', shared: true, setSeverity: 'P2' }));
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ shared: true, owner: null, editable: true });
    const seen = (await engineer.get('/api/macros')).body.find((m: { id: string }) => m.id === shared.body.id);
    expect(seen).toMatchObject({ shared: true, editable: false });
    expect((await engineer.patch(`/api/macros/${shared.body.id}`, { body: 'x' })).status).toBe(403);
    expect((await engineer.delete(`/api/macros/${shared.body.id}`)).status).toBe(403);
    // Sharing a personal one is the managers' call too; a clash in the shared list is 409.
    const mine = await engineer.post('/api/macros', macro({ name: 'to share' }));
    expect((await engineer.patch(`/api/macros/${mine.body.id}`, { shared: true })).status).toBe(403);
    const dup = await manager.post('/api/macros', macro({ name: '共享', shared: true }));
    expect(dup.status).toBe(409);
    expect(dup.body.error.params).toMatchObject({ name: '共享', shared: true });
    expect((await manager.patch(`/api/macros/${shared.body.id}`, { body: '{{me}} 已更新' })).body.body).toBe('{{me}} 已更新');

    expect((await customer.get('/api/macros')).status).toBe(403);
    expect((await customer.post('/api/macros', macro({ name: 'c' }))).status).toBe(403);
    expect((await customer.get(`/api/macros/${shared.body.id}`)).status).toBe(403);
  });
});

describe('applying a macro', () => {
  it('previews and applies: renders placeholders, posts the comment, sets severity and status in one write', async () => {
    const { ticket, customer: org } = await ticketFor(colleague.user.id);
    const m = await engineer.post(
      '/api/macros',
      macro({
        name: '升级处理',
        body: '{{contact}}您好：{{customer}} 的工单 {{ticket}}《{{title}}》已由{{engineer}}接手，级别 {{severity}}。—— {{me}}',
        setStatus: 'in_progress',
        setSeverity: 'P2',
      }),
    );
    const expected = `李四您好：${org.name} 的工单 ${ticket.number}《核心交换机宕机》已由${colleague.user.username}接手，级别 P2。—— ${engineer.user.username}`;
    const preview = await engineer.get(`/api/tickets/${ticket.id}/macros/${m.body.id}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ body: expected, public: true, setStatus: 'in_progress', setSeverity: 'P2', statusAllowed: true });
    expect(preview.body.allowedStatuses).toContain('in_progress');

    const applied = await engineer.post(`/api/tickets/${ticket.id}/macros/${m.body.id}/apply`, {});
    expect(applied.status).toBe(201);
    expect(applied.body).toMatchObject({ body: expected, status: 'in_progress', severity: 'P2' });
    const after = (await engineer.get(`/api/tickets/${ticket.id}`)).body;
    expect(after).toMatchObject({ status: 'in_progress', severity: 'P2' });
    const events = (await engineer.get(`/api/tickets/${ticket.id}/events`)).body as { kind: string; body: string | null; public: boolean }[];
    const tail = events.slice(-3);
    expect(tail.map((e) => e.kind)).toEqual(['comment', 'severity_changed', 'status_changed']);
    expect(tail[0]).toMatchObject({ body: expected, public: true });
    expect(tail[1]!.body).toBe('快捷回复「升级处理」');
    // The customer sees the reply.
    const portal = await t.as('customer_user', { customerId: org.id });
    const seen = (await portal.get(`/api/tickets/${ticket.id}/events`)).body as { kind: string; body: string | null }[];
    expect(seen.some((e) => e.kind === 'comment' && e.body === expected)).toBe(true);
  });

  it('takes the edited text, removed chips and an internal choice from the request', async () => {
    const { ticket } = await ticketFor(engineer.user.id);
    const m = await engineer.post('/api/macros', macro({ name: '编辑后发送', setStatus: 'in_progress', setSeverity: 'P1' }));
    const res = await engineer.post(`/api/tickets/${ticket.id}/macros/${m.body.id}/apply`, {
      body: '改过的文字',
      public: false,
      setSeverity: null,
    });
    expect(res.status).toBe(201);
    const after = (await engineer.get(`/api/tickets/${ticket.id}`)).body;
    expect(after).toMatchObject({ status: 'in_progress', severity: 'P3' });
    const events = (await engineer.get(`/api/tickets/${ticket.id}/events`)).body as { kind: string; body: string | null; public: boolean }[];
    expect(events.find((e) => e.kind === 'comment')).toMatchObject({ body: '改过的文字', public: false });
    expect(events.some((e) => e.kind === 'severity_changed')).toBe(false);
    expect((await engineer.post(`/api/tickets/${ticket.id}/macros/${m.body.id}/apply`, { body: '{{nope}}' })).status).toBe(400);
  });

  it('writes nothing when the status move is refused (409 with the allowed targets)', async () => {
    const { ticket } = await ticketFor(engineer.user.id);
    const m = await engineer.post('/api/macros', macro({ name: '直接关闭', setStatus: 'closed', setSeverity: 'P1' }));
    const preview = await engineer.get(`/api/tickets/${ticket.id}/macros/${m.body.id}/preview`);
    expect(preview.body).toMatchObject({ statusAllowed: false, allowedStatuses: ['in_progress', 'cancelled'] });
    const before = (await engineer.get(`/api/tickets/${ticket.id}/events`)).body.length;
    const res = await engineer.post(`/api/tickets/${ticket.id}/macros/${m.body.id}/apply`, {});
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ key: 'ticket.invalid_transition', details: { from: 'assigned', to: 'closed', allowed: ['in_progress', 'cancelled'] } });
    expect((await engineer.get(`/api/tickets/${ticket.id}/events`)).body.length).toBe(before);
    expect((await engineer.get(`/api/tickets/${ticket.id}`)).body).toMatchObject({ status: 'assigned', severity: 'P3' });
  });

  it('is scoped: others’ personal macros 404, customers 403, roles without transitions 403 for a status macro', async () => {
    const { ticket } = await ticketFor(engineer.user.id);
    const theirs = await colleague.post('/api/macros', macro({ name: '别人的' }));
    expect((await engineer.post(`/api/tickets/${ticket.id}/macros/${theirs.body.id}/apply`, {})).status).toBe(404);
    expect((await engineer.get(`/api/tickets/${ticket.id}/macros/${theirs.body.id}/preview`)).status).toBe(404);
    expect((await customer.post(`/api/tickets/${ticket.id}/macros/${theirs.body.id}/apply`, {})).status).toBe(403);
    const shared = await manager.post('/api/macros', macro({ name: '处理中', shared: true, setStatus: 'in_progress' }));
    const qa = await t.as('qa');
    const refused = await qa.post(`/api/tickets/${ticket.id}/macros/${shared.body.id}/apply`, {});
    expect(refused.status).toBe(403);
    // Without the status the same reply is fine for QA (internal note only: QA comments internally).
    expect((await qa.post(`/api/tickets/${ticket.id}/macros/${shared.body.id}/apply`, { setStatus: null, public: false })).status).toBe(201);
    expect((await engineer.post(`/api/tickets/00000000-0000-4000-8000-000000000000/macros/${shared.body.id}/apply`, {})).status).toBe(404);
  });
});
