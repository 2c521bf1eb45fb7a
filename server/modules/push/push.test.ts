/**
 * Live push end to end over a real socket: streams opened on the listening app, messages
 * published through publishPush, on PGlite and (DATABASE_URL) PostgreSQL.
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { publishPush, ticketAudience } from './index';
import { openStream, type ReceivedEvent, type TestStream } from './test-stream';

let t: TestApp;
let baseUrl: string;
let dispatcher: Client;
let customerA: Client;
let customerB: Client;
let ticketOfA: { id: string; number: string };
const streams: TestStream[] = [];

const stream = async (client: Client | null, headers: Record<string, string> = {}) => {
  const s = await openStream(baseUrl, client?.cookie ?? null, headers);
  streams.push(s);
  return s;
};
const ready = (s: TestStream) => s.next((e) => e.event === 'ready');
const byType = (type: string, match: (data: any) => boolean = () => true) => (e: ReceivedEvent) => e.event === type && match(e.data);

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  dispatcher = await t.as('dispatcher');
  customerA = await t.as('customer_user');
  customerB = await t.as('customer_user');
  const ticket = await t.factory.ticket({ customerId: customerA.user.customerId! });
  ticketOfA = { id: ticket.id, number: ticket.number };
});
afterAll(async () => {
  for (const s of streams) s.close();
  await t?.close();
});

describe('GET /api/stream', () => {
  it('refuses anonymous callers', async () => {
    const s = await stream(null);
    expect(s.status).toBe(401);
  });

  it('is an uncompressed event stream that opens with ready, whatever the client accepts', async () => {
    const s = await stream(dispatcher);
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(s.headers['content-encoding']).toBeUndefined();
    const r = await ready(s);
    expect(Number(r.id)).toBeGreaterThanOrEqual(0);
    expect(r.data).toEqual({ userId: dispatcher.user.id });
    expect(s.text()).toMatch(/^retry: \d+/);
  });

  it('delivers a message for one user to that user only', async () => {
    const mine = await stream(dispatcher);
    const other = await stream(customerA);
    await Promise.all([ready(mine), ready(other)]);
    const id = await publishPush(t.services.db, { userId: dispatcher.user.id, type: 'notification', data: { id: 1, kind: 'escalation', title: '升级', ticketId: null } });
    const got = await mine.next(byType('notification'));
    expect(got).toEqual({ id: String(id), event: 'notification', data: { id: 1, kind: 'escalation', title: '升级', ticketId: null } });
    // A later message to the other user arrives, the earlier one never did.
    await publishPush(t.services.db, { userId: customerA.user.id, type: 'marker', data: { n: 1 } });
    await other.next(byType('marker'));
    expect(other.events.filter((e) => e.event === 'notification')).toEqual([]);
  });

  it('sends a ticket message to its organisation and staff, never to another organisation', async () => {
    const a = await stream(customerA);
    const b = await stream(customerB);
    const staff = await stream(dispatcher);
    await Promise.all([ready(a), ready(b), ready(staff)]);
    const audience = (await ticketAudience(t.services.db, ticketOfA.id))!;
    expect(audience.customerId).toBe(customerA.user.customerId);
    const data = { ticketId: ticketOfA.id, number: ticketOfA.number, kind: 'ticket.commented', actorId: null, actorName: null };
    await publishPush(t.services.db, { audience, type: 'ticket.changed', data });
    expect((await a.next(byType('ticket.changed'))).data).toEqual(data);
    expect((await staff.next(byType('ticket.changed'))).data).toEqual(data);
    await publishPush(t.services.db, { userId: customerB.user.id, type: 'marker', data: {} });
    await b.next(byType('marker'));
    expect(b.events.map((e) => e.event)).toEqual(['ready', 'marker']);
  });

  it('batches messages that arrive together and keeps their order', async () => {
    const s = await stream(dispatcher);
    await ready(s);
    const ids = await t.services.db.transaction(async (tx) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) out.push(await publishPush(tx, { userId: dispatcher.user.id, type: 'batch', data: { i } }));
      return out;
    });
    await s.next(byType('batch', (d) => d.i === 4));
    expect(s.events.filter((e) => e.event === 'batch').map((e) => Number(e.id))).toEqual(ids);
  });

  it('pushes nothing for a rolled-back transaction', async () => {
    const s = await stream(dispatcher);
    await ready(s);
    await t.services.db
      .transaction(async (tx) => {
        await publishPush(tx, { userId: dispatcher.user.id, type: 'ghost', data: {} });
        throw new Error('rollback');
      })
      .catch(() => {});
    await publishPush(t.services.db, { userId: dispatcher.user.id, type: 'marker', data: {} });
    await s.next(byType('marker'));
    expect(s.events.some((e) => e.event === 'ghost')).toBe(false);
  });
});

describe('Last-Event-ID', () => {
  it('replays what the user missed (theirs and their audience only, no presence), then goes live', async () => {
    const first = await stream(customerA);
    const resumeFrom = (await ready(first)).id!;
    first.close();
    const audience = (await ticketAudience(t.services.db, ticketOfA.id))!;
    const m1 = await publishPush(t.services.db, { userId: customerA.user.id, type: 'notification', data: { n: 1 } });
    await publishPush(t.services.db, { userId: customerB.user.id, type: 'notification', data: { n: 'not yours' } });
    await publishPush(t.services.db, { audience: { ...audience, customerId: customerB.user.customerId! }, type: 'ticket.changed', data: { n: 'other org' } });
    const m2 = await publishPush(t.services.db, { audience, type: 'ticket.changed', data: { n: 2 } });
    await publishPush(t.services.db, { audience, type: 'ticket.presence', data: { n: 'stale presence' } });

    const again = await stream(customerA, { 'last-event-id': resumeFrom });
    const r = await ready(again);
    expect(again.events.slice(0, 2).map((e) => [e.id, e.event, e.data])).toEqual([
      [String(m1), 'notification', { n: 1 }],
      [String(m2), 'ticket.changed', { n: 2 }],
    ]);
    expect(again.events[2]).toBe(r);
    expect(Number(r.id)).toBeGreaterThan(m2);
    const m3 = await publishPush(t.services.db, { userId: customerA.user.id, type: 'notification', data: { n: 3 } });
    expect((await again.next(byType('notification', (d) => d.n === 3))).id).toBe(String(m3));
  });

  it('also takes the id from ?lastEventId= (a new EventSource cannot send the header)', async () => {
    const first = await stream(dispatcher);
    const resumeFrom = (await ready(first)).id!;
    first.close();
    const missed = await publishPush(t.services.db, { userId: dispatcher.user.id, type: 'notification', data: { q: true } });
    const s = await openStream(`${baseUrl}`, dispatcher.cookie, {}, `?lastEventId=${resumeFrom}`);
    streams.push(s);
    expect((await s.next(byType('notification'))).id).toBe(String(missed));
  });

  it('asks for a resync when the id is older than the replay window', async () => {
    const old = await publishPush(t.services.db, { userId: dispatcher.user.id, type: 'notification', data: {} });
    await t.services.db.execute(sql`update push_messages set created_at = now() - interval '2 days' where id = ${old}`);
    const s = await stream(dispatcher, { 'last-event-id': String(old) });
    const resync = await s.next(byType('resync'));
    expect(s.events[0]).toBe(resync);
    expect(Number(resync.id)).toBeGreaterThanOrEqual(old);
    await ready(s);
  });

  it('asks for a resync when the id is not one of ours (ahead of the newest)', async () => {
    const s = await stream(dispatcher, { 'last-event-id': '999999999' });
    await s.next(byType('resync'));
  });

  it('answers 400 for an id that is not a number', async () => {
    const s = await stream(dispatcher, { 'last-event-id': 'abc' });
    expect(s.status).toBe(400);
  });
});

describe('POST /api/tickets/:id/presence', () => {
  it('tells staff and the organisation who is writing, with their name', async () => {
    const staff = await stream(dispatcher);
    const a = await stream(customerA);
    await Promise.all([ready(staff), ready(a)]);
    const res = await customerA.post(`/api/tickets/${ticketOfA.id}/presence`, { editing: true });
    expect(res.status).toBe(204);
    const got = await staff.next(byType('ticket.presence'));
    expect(got.data).toEqual({ ticketId: ticketOfA.id, userId: customerA.user.id, userName: customerA.user.username, editing: true, internal: false });
    await a.next(byType('ticket.presence'));
  });

  it('keeps an internal note being written from the customer', async () => {
    const staff = await stream(dispatcher);
    const a = await stream(customerA);
    await Promise.all([ready(staff), ready(a)]);
    expect((await dispatcher.post(`/api/tickets/${ticketOfA.id}/presence`, { editing: true, internal: true })).status).toBe(204);
    await staff.next(byType('ticket.presence', (d) => d.internal === true));
    await publishPush(t.services.db, { userId: customerA.user.id, type: 'marker', data: {} });
    await a.next(byType('marker'));
    expect(a.events.some((e) => e.event === 'ticket.presence')).toBe(false);
    expect((await customerA.post(`/api/tickets/${ticketOfA.id}/presence`, { editing: true, internal: true })).status).toBe(400);
  });

  it('answers 404 for another organisation’s ticket and tells nobody', async () => {
    const a = await stream(customerA);
    await ready(a);
    const res = await customerB.post(`/api/tickets/${ticketOfA.id}/presence`, { editing: true });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await customerB.post('/api/tickets/00000000-0000-4000-8000-000000000000/presence', { editing: true })).status).toBe(404);
    expect((await customerB.post(`/api/tickets/${ticketOfA.id}/presence`, { editing: 'yes' })).status).toBe(400);
    await publishPush(t.services.db, { userId: customerA.user.id, type: 'marker', data: {} });
    await a.next(byType('marker'));
    expect(a.events.some((e) => e.event === 'ticket.presence')).toBe(false);
  });
});

describe('limits and shutdown', () => {
  it('caps live connections per user (429) and frees a slot when one closes', async () => {
    const engineer = await t.as('engineer');
    const open: TestStream[] = [];
    for (let i = 0; i < 10; i++) open.push(await stream(engineer));
    await Promise.all(open.map(ready));
    const refused = await stream(engineer);
    expect(refused.status).toBe(429);
    open[0]!.close();
    await new Promise((r) => setTimeout(r, 200));
    const accepted = await stream(engineer);
    expect(accepted.status).toBe(200);
    await ready(accepted);
  });

  it('app.close() ends open streams promptly', async () => {
    const other = await createTestApp();
    try {
      await other.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(other.app.server.address() as AddressInfo).port}`;
      const user = await other.as('dispatcher');
      const s = await openStream(url, user.cookie);
      await s.next(byType('ready'));
      const started = Date.now();
      await other.app.close();
      await s.ended;
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await other.close();
    }
  });
});
