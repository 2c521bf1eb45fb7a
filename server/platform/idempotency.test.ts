/**
 * Idempotency-Key: the same key from the same caller creates once and replays the first answer.
 * The parallel case is deterministic by design: a repeat that finds the first request still
 * running waits for its answer and replays it, so both answers are 201 with the same ticket; a
 * 409 `idempotency.in_progress` only comes after the wait (tested with a row left pending).
 * A key reused for another request is 400 `idempotency.key_reused`.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../db/client';
import { purgeExpired } from '../jobs/purge';
import { createTestApp, type Client, type TestApp } from '../test/harness';

let t: TestApp;
let admin: Client;
let otherAdmin: Client;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('admin');
  otherAdmin = await t.as('admin');
}, 60_000);
afterAll(() => t?.close());

interface Answer {
  status: number;
  body: any;
  replayed: boolean;
}

/** POST as `who` with headers (the harness client sends none). */
async function post(who: Client | { bearer: string }, url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const auth = 'bearer' in who ? { authorization: `Bearer ${who.bearer}` } : { cookie: who.cookie! };
  const res = await t.app.inject({ method: 'POST', url, headers: { ...auth, ...headers }, payload: body as object });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null, replayed: res.headers['idempotency-replayed'] === 'true' };
}

const key = () => `k-${crypto.randomUUID()}`;
const count = async (query: ReturnType<typeof sql>) => (await rows<{ n: number }>(t.services.db, query))[0]!.n;
const ticketsTitled = (title: string) => count(sql`select count(*)::int as n from tickets where title = ${title}`);

async function ticketBody(title: string) {
  const customer = await t.factory.customer();
  return { title, description: '双击创建', severity: 'P3', channel: 'phone', customerId: customer.id };
}

describe('Idempotency-Key on creates', () => {
  it('two parallel POST /api/tickets with one key create one ticket; both answer 201 with its id', async () => {
    const body = await ticketBody(`并发-${key()}`);
    const k = key();
    const [a, b] = await Promise.all([post(admin, '/api/tickets', body, { 'idempotency-key': k }), post(admin, '/api/tickets', body, { 'idempotency-key': k })]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(await ticketsTitled(body.title)).toBe(1);
  });

  it('without a key, the same two posts create two tickets (the header is what prevents it)', async () => {
    const body = await ticketBody(`无键-${key()}`);
    const [a, b] = await Promise.all([post(admin, '/api/tickets', body), post(admin, '/api/tickets', body)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.replayed || b.replayed).toBe(false);
    expect(await ticketsTitled(body.title)).toBe(2);
  });

  it('a sequential repeat replays the same status and body with Idempotency-Replayed: true and writes nothing', async () => {
    const body = await ticketBody(`重放-${key()}`);
    const k = key();
    const first = await post(admin, '/api/tickets', body, { 'idempotency-key': k });
    expect(first.status).toBe(201);
    expect(first.replayed).toBe(false);
    const events = await count(sql`select count(*)::int as n from domain_events where ticket_id = ${first.body.id}`);
    const again = await post(admin, '/api/tickets', body, { 'idempotency-key': k });
    expect(again.status).toBe(201);
    expect(again.replayed).toBe(true);
    expect(again.body).toEqual(first.body);
    expect(await ticketsTitled(body.title)).toBe(1);
    expect(await count(sql`select count(*)::int as n from domain_events where ticket_id = ${first.body.id}`)).toBe(events);
  });

  it('the same key with another body, or on another URL, is 400 idempotency.key_reused', async () => {
    const body = await ticketBody(`复用-${key()}`);
    const k = key();
    expect((await post(admin, '/api/tickets', body, { 'idempotency-key': k })).status).toBe(201);
    const other = await post(admin, '/api/tickets', { ...body, title: `${body.title}-改` }, { 'idempotency-key': k });
    expect(other.status).toBe(400);
    expect(other.body.error.key).toBe('idempotency.key_reused');
    const elsewhere = await post(admin, '/api/customers', { name: `客户-${key()}` }, { 'idempotency-key': k });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.key).toBe('idempotency.key_reused');
    expect(await ticketsTitled(`${body.title}-改`)).toBe(0);
  });

  it('the same body with its keys in another order is the same request', async () => {
    const body = await ticketBody(`顺序-${key()}`);
    const k = key();
    const first = await post(admin, '/api/tickets', body, { 'idempotency-key': k });
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post(admin, '/api/tickets', reordered, { 'idempotency-key': k });
    expect(again).toMatchObject({ status: 201, replayed: true });
    expect(again.body.id).toBe(first.body.id);
  });

  it("another user's identical key does not collide", async () => {
    const body = await ticketBody(`两人-${key()}`);
    const k = key();
    const mine = await post(admin, '/api/tickets', body, { 'idempotency-key': k });
    const theirs = await post(otherAdmin, '/api/tickets', body, { 'idempotency-key': k });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.replayed).toBe(false);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await ticketsTitled(body.title)).toBe(2);
  });

  it('comments and customers are created once per key; a comment on another ticket with the key is refused', async () => {
    const ticket = await t.factory.ticket();
    const k = key();
    const comment = { body: `同一条备注-${k}`, public: false };
    const first = await post(admin, `/api/tickets/${ticket.id}/comments`, comment, { 'idempotency-key': k });
    expect(first.status).toBe(201);
    const again = await post(admin, `/api/tickets/${ticket.id}/comments`, comment, { 'idempotency-key': k });
    expect(again).toMatchObject({ status: 201, replayed: true });
    expect(again.body).toEqual(first.body);
    expect(await count(sql`select count(*)::int as n from ticket_events where body = ${comment.body}`)).toBe(1);
    const otherTicket = await t.factory.ticket();
    const elsewhere = await post(admin, `/api/tickets/${otherTicket.id}/comments`, comment, { 'idempotency-key': k });
    expect(elsewhere.body.error?.key).toBe('idempotency.key_reused');

    const name = `客户-${key()}`;
    const ck = key();
    const [c1, c2] = await Promise.all([
      post(admin, '/api/customers', { name }, { 'idempotency-key': ck }),
      post(admin, '/api/customers', { name }, { 'idempotency-key': ck }),
    ]);
    expect([c1.status, c2.status]).toEqual([201, 201]);
    expect(c1.body.id).toBe(c2.body.id);
    expect(await count(sql`select count(*)::int as n from customers where name = ${name}`)).toBe(1);
  });

  it('a 4xx answer is replayed too (the request is not run again)', async () => {
    const name = `重名-${key()}`;
    expect((await post(admin, '/api/customers', { name })).status).toBe(201);
    const k = key();
    const first = await post(admin, '/api/customers', { name }, { 'idempotency-key': k });
    expect(first.status).toBe(409);
    expect(first.body.error.key).toBe('customer.name_taken');
    const again = await post(admin, '/api/customers', { name }, { 'idempotency-key': k });
    expect(again).toMatchObject({ status: 409, replayed: true });
    expect(again.body).toEqual(first.body);
  });

  it('refuses keys that are empty, longer than 200 characters or not printable ASCII', async () => {
    const body = await ticketBody(`坏键-${key()}`);
    for (const bad of ['', 'x'.repeat(201), 'tab\tkey']) {
      const res = await post(admin, '/api/tickets', body, { 'idempotency-key': bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.key).toBe('idempotency.key_invalid');
    }
    const nonAscii = await t.app.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { cookie: admin.cookie!, 'idempotency-key': Buffer.from('键-1', 'utf8').toString('latin1') },
      payload: body,
    });
    expect(nonAscii.statusCode).toBe(400);
    expect(await ticketsTitled(body.title)).toBe(0);
    expect((await post(admin, '/api/tickets', body, { 'idempotency-key': 'x'.repeat(200) })).status).toBe(201);
  });

  it('a key whose first request is still running answers 409 idempotency.in_progress after the wait, and nothing is written', async () => {
    const body = await ticketBody(`进行中-${key()}`);
    const principal = `user:${admin.user.id}`;
    // The hash of this very request, from a first request under another key.
    const probe = key();
    expect((await post(admin, '/api/tickets', body, { 'idempotency-key': probe })).status).toBe(201);
    const [row] = await rows<{ request_hash: string }>(t.services.db, sql`select request_hash from idempotency_keys where principal = ${principal} and key = ${probe}`);
    // A first request still running under key k: its row is pending (no answer yet).
    const k = key();
    await t.services.db.execute(sql`insert into idempotency_keys (principal, key, method, route, request_hash, created_at)
      values (${principal}, ${k}, 'POST', '/api/tickets', ${row!.request_hash}, now())`);
    const started = Date.now();
    const res = await post(admin, '/api/tickets', body, { 'idempotency-key': k });
    expect(res.status).toBe(409);
    expect(res.body.error.key).toBe('idempotency.in_progress');
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    expect(await ticketsTitled(body.title)).toBe(1); // the probe's, not this one
  }, 30_000);

  it('keys expire after 24 h: expired rows are ignored, and purged', async () => {
    const body = await ticketBody(`过期-${key()}`);
    const k = key();
    const first = await post(admin, '/api/tickets', body, { 'idempotency-key': k });
    await t.services.db.execute(sql`update idempotency_keys set created_at = created_at - interval '25 hours' where key = ${k}`);
    // Not purged yet: an expired key is free again.
    const later = await post(admin, '/api/tickets', body, { 'idempotency-key': k });
    expect(later).toMatchObject({ status: 201, replayed: false });
    expect(later.body.id).not.toBe(first.body.id);

    const old = key();
    await post(admin, '/api/customers', { name: `客户-${old}` }, { 'idempotency-key': old });
    await t.services.db.execute(sql`update idempotency_keys set created_at = created_at - interval '25 hours' where key = ${old}`);
    const fresh = key();
    await post(admin, '/api/customers', { name: `客户-${fresh}` }, { 'idempotency-key': fresh });
    const purged = await purgeExpired(t.services.db, new Date());
    expect(purged.idempotencyKeys).toBeGreaterThanOrEqual(1);
    const left = await rows<{ key: string }>(t.services.db, sql`select key from idempotency_keys where key in (${old}, ${fresh})`);
    expect(left.map((r) => r.key)).toEqual([fresh]);
  });

  it('API tokens are their own principal, and a replayed token create never carries the secret again', async () => {
    const k = key();
    const create = { name: `令牌-${k}`, scopes: ['tickets:write', 'tickets:read'] };
    const made = await post(admin, '/api/tokens', create, { 'idempotency-key': k });
    expect(made.status).toBe(201);
    expect(typeof made.body.secret).toBe('string');
    const again = await post(admin, '/api/tokens', create, { 'idempotency-key': k });
    expect(again).toMatchObject({ status: 201, replayed: true });
    expect(again.body.id).toBe(made.body.id);
    expect(again.body.secret).toBeUndefined();
    const stored = await rows<{ body: string }>(t.services.db, sql`select response_body::text as body from idempotency_keys where key = ${k}`);
    expect(stored[0]!.body).not.toContain(made.body.secret);
    expect(await count(sql`select count(*)::int as n from api_tokens where name = ${create.name}`)).toBe(1);

    // The token acting as the same admin uses the same key for its own first request.
    const body = await ticketBody(`令牌键-${k}`);
    const viaSession = await post(admin, '/api/tickets', body, { 'idempotency-key': `t-${k}` });
    const viaToken = await post({ bearer: made.body.secret }, '/api/tickets', body, { 'idempotency-key': `t-${k}` });
    expect([viaSession.status, viaToken.status]).toEqual([201, 201]);
    expect(viaToken.replayed).toBe(false);
    const replay = await post({ bearer: made.body.secret }, '/api/tickets', body, { 'idempotency-key': `t-${k}` });
    expect(replay).toMatchObject({ status: 201, replayed: true });
    expect(replay.body.id).toBe(viaToken.body.id);
  });
});
