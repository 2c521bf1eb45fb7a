import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let dispatcher: Client;
let engineer: Client;
let centerA: string;

beforeAll(async () => {
  t = await createTestApp();
  centerA = (await t.factory.center()).id;
  dispatcher = await t.as('dispatcher', { centerId: centerA });
  engineer = await t.as('engineer', { centerId: centerA });
});
afterAll(() => t?.close());

const events = async (id: string) => (await t.as('admin')).get(`/api/tickets/${id}/events`).then((r) => r.body.map((e: { kind: string }) => e.kind));

describe('bulk actions', () => {
  it('assigns each ticket on its own: one ok, one refused by the status machine, one invisible', async () => {
    const fresh = await t.factory.ticket({ centerId: centerA });
    const closed = await t.factory.ticket({ centerId: centerA });
    const admin = await t.factory.actor();
    // Closed: assigning it still works as a field, so use a status change for the refusal below.
    for (const to of ['assigned', 'in_progress', 'resolved', 'closed'] as const) {
      if (to === 'assigned') await t.services.tickets.patch(admin, closed.id, { assigneeId: engineer.user.id });
      else await t.services.tickets.transition(admin, closed.id, { to });
    }
    const elsewhere = await t.factory.ticket({ centerId: (await t.factory.center()).id });

    const res = await dispatcher.post('/api/tickets/bulk', { ids: [fresh.id, elsewhere.id], action: { type: 'assign', assigneeId: engineer.user.id } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ succeeded: 1, failed: 1 });
    expect(res.body.results).toEqual([
      { id: fresh.id, ok: true, number: fresh.number, status: 'assigned' },
      { id: elsewhere.id, ok: false, error: expect.objectContaining({ status: 404, key: 'ticket.not_found' }) },
    ]);
    expect(await events(fresh.id)).toEqual(['created', 'assigned', 'status_changed']);
    // Nothing was written to the ticket the dispatcher may not see.
    expect(await events(elsewhere.id)).toEqual(['created']);

    const status = await dispatcher.post('/api/tickets/bulk', {
      ids: [fresh.id, closed.id, elsewhere.id],
      action: { type: 'status', to: 'cancelled', note: '客户已自行解决' },
    });
    expect(status.status).toBe(200);
    expect(status.body.results).toEqual([
      { id: fresh.id, ok: true, number: fresh.number, status: 'cancelled' },
      {
        id: closed.id,
        ok: false,
        number: closed.number,
        status: 'closed',
        error: expect.objectContaining({ status: 409, key: 'ticket.invalid_transition', params: expect.objectContaining({ from: 'closed', to: 'cancelled' }) }),
      },
      { id: elsewhere.id, ok: false, error: expect.objectContaining({ status: 404, key: 'ticket.not_found' }) },
    ]);
    expect(status.body).toMatchObject({ succeeded: 1, failed: 2 });
    // The refused ticket is untouched: no event, no note.
    expect((await events(closed.id)).filter((k: string) => k === 'status_changed')).toHaveLength(4);
    const detail = await dispatcher.get(`/api/tickets/${fresh.id}/events`);
    expect(detail.body.at(-1)).toMatchObject({ kind: 'status_changed', body: '客户已自行解决', data: { from: 'assigned', to: 'cancelled' } });
  });

  it('comments on each ticket, internal notes only for staff who may write them', async () => {
    const a = await t.factory.ticket({ centerId: centerA });
    const b = await t.factory.ticket({ centerId: centerA });
    const res = await engineer.post('/api/tickets/bulk', { ids: [a.id, b.id], action: { type: 'comment', body: '批量：已排查线路', public: false } });
    expect(res.body).toMatchObject({ succeeded: 2, failed: 0 });
    for (const id of [a.id, b.id]) expect(await events(id)).toEqual(['created', 'comment']);

    const qa = await t.as('qa');
    const refused = await qa.post('/api/tickets/bulk', { ids: [a.id], action: { type: 'assign', assigneeId: null } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.key).toBe('auth.role_forbidden');
    const customer = await t.as('customer_user');
    expect((await customer.post('/api/tickets/bulk', { ids: [a.id], action: { type: 'comment', body: 'x', public: false } })).status).toBe(403);
    // A customer's public comment on another organisation's ticket is per ticket 404.
    const foreign = await customer.post('/api/tickets/bulk', { ids: [a.id], action: { type: 'comment', body: 'x', public: true } });
    expect(foreign.body.results[0]).toMatchObject({ ok: false, error: { status: 404 } });
    expect(await events(a.id)).toEqual(['created', 'comment']);
  });

  it('refuses more than 100 ids, duplicates, an unknown action or a bad assignee with 400', async () => {
    const ids = Array.from({ length: 101 }, () => crypto.randomUUID());
    const tooMany = await dispatcher.post('/api/tickets/bulk', { ids, action: { type: 'comment', body: 'x', public: true } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.details.fields[0]).toMatchObject({ path: 'body.ids', key: 'field.too_big' });
    const id = crypto.randomUUID();
    expect((await dispatcher.post('/api/tickets/bulk', { ids: [id, id], action: { type: 'comment', body: 'x', public: true } })).status).toBe(400);
    expect((await dispatcher.post('/api/tickets/bulk', { ids: [id], action: { type: 'delete' } })).status).toBe(400);
    expect((await dispatcher.post('/api/tickets/bulk', { ids: [], action: { type: 'comment', body: 'x', public: true } })).status).toBe(400);

    // A per-ticket field error (an assignee that does not exist) is that ticket's 400.
    const ticket = await t.factory.ticket({ centerId: centerA });
    const bad = await dispatcher.post('/api/tickets/bulk', { ids: [ticket.id], action: { type: 'assign', assigneeId: crypto.randomUUID() } });
    expect(bad.body.results[0]).toMatchObject({ ok: false, number: ticket.number, error: { status: 400, key: 'validation.field' } });
  });

  it('replays an answer for the same Idempotency-Key instead of acting twice', async () => {
    const ticket = await t.factory.ticket({ centerId: centerA });
    const body = { ids: [ticket.id], action: { type: 'comment', body: '只发一次', public: true } };
    const send = () =>
      t.app.inject({ method: 'POST', url: '/api/tickets/bulk', payload: body, headers: { cookie: dispatcher.cookie!, 'idempotency-key': 'bulk-once-1' } });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(200);
    expect(second.headers['idempotency-replayed']).toBe('true');
    expect(second.json()).toEqual(first.json());
    expect(await events(ticket.id)).toEqual(['created', 'comment']);
  });
});
