/**
 * API tokens end to end: create → use, scopes, revocation, expiry, the per-token rate limit,
 * tenant isolation through a token, and what a token may never do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema';
import { createTestApp, FakeClock, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let clock: FakeClock;
let admin: Client;

beforeAll(async () => {
  clock = new FakeClock(new Date('2026-03-02T02:00:00Z'));
  t = await createTestApp({ clock });
  admin = await t.as('admin');
}, 60_000);
afterAll(() => t?.close());

/** A request with `Authorization: Bearer …` (and nothing else unless given). */
async function withToken(secret: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${secret}`, ...headers },
    ...(body !== undefined ? { payload: body as object } : {}),
  });
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined, headers: res.headers };
}

async function createToken(client: Client, body: Record<string, unknown>) {
  const res = await client.post('/api/tokens', { name: 'CI', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string; prefix: string; scopes: string[] };
}

describe('API tokens', () => {
  it('creates a token whose secret is shown once, stored hashed, and works as its user', async () => {
    const engineer = await t.as('engineer');
    const token = await createToken(engineer, { scopes: ['tickets:read'] });
    expect(token.secret).toMatch(/^fwt_[A-Za-z0-9_-]{43}$/);
    expect(token.secret.startsWith(token.prefix)).toBe(true);
    const listed = await engineer.get('/api/tokens');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(token.secret);
    expect(listed.body[0]).toMatchObject({ id: token.id, scopes: ['tickets:read'], revokedAt: null, lastUsedAt: null });

    const me = await withToken(token.secret, 'GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(engineer.user.id);
    const tickets = await withToken(token.secret, 'GET', '/api/tickets');
    expect(tickets.status).toBe(200);
    const after = await engineer.get('/api/tokens');
    expect(after.body[0].lastUsedAt).not.toBeNull();
  });

  it('refuses a route outside the scopes with 403 naming the scope', async () => {
    const dispatcher = await t.as('dispatcher');
    const token = await createToken(dispatcher, { scopes: ['tickets:read'] });
    const customer = await t.factory.customer();
    const res = await withToken(token.secret, 'POST', '/api/tickets', { title: 'x', severity: 'P4', channel: 'phone', customerId: customer.id });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden', key: 'token.scope_missing', params: { scope: 'tickets:write' } });
    expect(res.body.error.message).toContain('tickets:write');
    // The role still limits the token: a scope the role cannot use is refused at creation.
    const refused = await dispatcher.post('/api/tokens', { name: 'too much', scopes: ['admin'] });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ key: 'token.scope_not_allowed', params: { scope: 'admin' } });
  });

  it('writes through a token are audited as the user with the token id', async () => {
    const dispatcher = await t.as('dispatcher');
    const token = await createToken(dispatcher, { scopes: ['tickets:write', 'tickets:read'] });
    const customer = await t.factory.customer();
    const created = await withToken(token.secret, 'POST', '/api/tickets', { title: '接口创建', severity: 'P4', channel: 'phone', customerId: customer.id });
    expect(created.status).toBe(201);
    const rows = await t.services.db.select().from(auditLog).where(eq(auditLog.entityId, created.body.id));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.actorId === dispatcher.user.id && r.tokenId === token.id)).toBe(true);
    const creation = await t.services.db.select().from(auditLog).where(eq(auditLog.entityId, token.id));
    expect(creation.map((r) => r.action)).toEqual(['created']);
    expect(creation[0]!.tokenId).toBeNull();
  });

  it('answers 401 for a revoked, an expired, an unknown and a garbage token', async () => {
    const qa = await t.as('qa');
    const revoked = await createToken(qa, { scopes: ['tickets:read'] });
    expect((await withToken(revoked.secret, 'GET', '/api/tickets')).status).toBe(200);
    const revoke = await qa.post(`/api/tokens/${revoked.id}/revoke`);
    expect(revoke.status).toBe(200);
    expect(revoke.body.revokedAt).not.toBeNull();
    const afterRevoke = await withToken(revoked.secret, 'GET', '/api/tickets');
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.body.error.key).toBe('token.invalid');

    const expiring = await createToken(qa, { scopes: ['tickets:read'], expiresAt: new Date(clock.now().getTime() + 3_600_000).toISOString() });
    expect((await withToken(expiring.secret, 'GET', '/api/tickets')).status).toBe(200);
    clock.advance(61);
    expect((await withToken(expiring.secret, 'GET', '/api/tickets')).status).toBe(401);

    expect((await withToken(`fwt_${'A'.repeat(43)}`, 'GET', '/api/tickets')).status).toBe(401);
    expect((await withToken('garbage', 'GET', '/api/tickets')).status).toBe(401);
    const malformed = await t.app.inject({ method: 'GET', url: '/api/tickets', headers: { authorization: 'Bearer' } });
    expect(malformed.statusCode).toBe(401);
  });

  it('refuses an expiry in the past or beyond two years', async () => {
    const past = await admin.post('/api/tokens', { name: 'x', scopes: ['tickets:read'], expiresAt: new Date(clock.now().getTime() - 1000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.body.error.details.fields[0]).toMatchObject({ path: 'expiresAt', key: 'field.invalid' });
    const far = await admin.post('/api/tokens', { name: 'x', scopes: ['tickets:read'], expiresAt: new Date(clock.now().getTime() + 731 * 86_400_000).toISOString() });
    expect(far.status).toBe(400);
  });

  it('limits each token per minute with 429 and Retry-After, and a new minute starts afresh', async () => {
    const engineer = await t.as('engineer');
    const limited = await t.services.tokens.create({ ...(await t.factory.actor()), id: engineer.user.id, role: 'engineer' }, {
      name: 'slow', kind: 'personal', scopes: ['tickets:read'], rateLimitPerMinute: 3,
    });
    clock.set(new Date(Math.ceil(clock.now().getTime() / 60_000) * 60_000 + 5_000));
    for (let i = 0; i < 3; i++) expect((await withToken(limited.secret, 'GET', '/api/me')).status).toBe(200);
    const over = await withToken(limited.secret, 'GET', '/api/me');
    expect(over.status).toBe(429);
    expect(over.body.error).toMatchObject({ code: 'rate_limited', key: 'token.rate_limited', params: { limit: 3 } });
    expect(Number(over.headers['retry-after'])).toBe(55);
    clock.advance(1);
    expect((await withToken(limited.secret, 'GET', '/api/me')).status).toBe(200);
  });

  it('holds the per-token limit under concurrency: 30 parallel requests against a limit of 5 let exactly 5 through', async () => {
    const engineer = await t.as('engineer');
    const limited = await t.services.tokens.create({ ...(await t.factory.actor()), id: engineer.user.id, role: 'engineer' }, {
      name: 'burst', kind: 'personal', scopes: ['tickets:read'], rateLimitPerMinute: 5,
    });
    clock.set(new Date(Math.ceil(clock.now().getTime() / 60_000) * 60_000 + 5_000));
    const statuses = await Promise.all(Array.from({ length: 30 }, () => withToken(limited.secret, 'GET', '/api/me').then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  });

  it("a customer user's token still sees only their organisation", async () => {
    const own = await t.factory.customer();
    const other = await t.factory.customer();
    const mine = await t.factory.ticket({ customerId: own.id });
    const theirs = await t.factory.ticket({ customerId: other.id });
    const customer = await t.as('customer_user', { customerId: own.id });
    const token = await createToken(customer, { scopes: ['tickets:read', 'customers:read'] });
    const list = await withToken(token.secret, 'GET', '/api/tickets?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.map((x: { id: string }) => x.id)).toContain(mine.id);
    expect(list.body.items.every((x: { customer: { id: string } }) => x.customer.id === own.id)).toBe(true);
    expect((await withToken(token.secret, 'GET', `/api/tickets/${theirs.id}`)).status).toBe(404);
    expect((await withToken(token.secret, 'GET', `/api/customers/${other.id}`)).status).toBe(404);
    // And a customer cannot mint an integration token or one acting as someone else.
    const integration = await customer.post('/api/tokens', { name: 'x', kind: 'integration', scopes: ['tickets:read'] });
    expect(integration.status).toBe(403);
    expect(integration.body.error.key).toBe('token.integration_admin_only');
  });

  it('a token can neither manage tokens, change a password, nor log in; bearer writes need no Origin check', async () => {
    const token = await createToken(admin, { scopes: ['admin'] });
    for (const [method, url, body] of [
      ['GET', '/api/tokens', undefined],
      ['POST', '/api/tokens', { name: 'x', scopes: ['tickets:read'] }],
      ['POST', `/api/tokens/${token.id}/revoke`, {}],
      ['POST', '/api/auth/password', { currentPassword: 'whatever', newPassword: 'something-new' }],
      ['POST', '/api/auth/login', { username: 'admin', password: 'x' }],
      ['GET', '/api/notifications', undefined],
    ] as const) {
      const res = await withToken(token.secret, method, url, body);
      expect(res.status, `${method} ${url}`).toBe(403);
      expect(res.body.error.key).toBe('token.route_not_allowed');
    }
    // The token wins over a session cookie sent with it, and a foreign Origin does not matter.
    const center = await withToken(token.secret, 'POST', '/api/centers', { code: `T${Date.now()}`, name: '接口中心', level: 'regional' }, {
      origin: 'https://evil.example',
      cookie: (await t.as('customer_user')).cookie!,
    });
    expect(center.status).toBe(201);
    const stillUsable = await withToken(token.secret, 'GET', '/api/me');
    expect(stillUsable.body.role).toBe('admin');
  });

  it('admins see every token, create integration tokens acting as another user, and revoke anyone’s', async () => {
    const integrationUser = await t.factory.user({ role: 'dispatcher', name: '呼叫中心集成' });
    const created = await createToken(admin, { kind: 'integration', userId: integrationUser.id, scopes: ['telephony:events', 'tickets:write'] });
    const me = await withToken(created.secret, 'GET', '/api/me');
    expect(me.body.id).toBe(integrationUser.id);
    const all = await admin.get('/api/tokens?all=true');
    expect(all.body.map((x: { id: string }) => x.id)).toContain(created.id);
    const stranger = await t.as('engineer');
    expect((await stranger.get('/api/tokens?all=true')).body.map((x: { id: string }) => x.id)).not.toContain(created.id);
    expect((await stranger.post(`/api/tokens/${created.id}/revoke`)).status).toBe(404);
    expect((await admin.post(`/api/tokens/${created.id}/revoke`)).status).toBe(200);
    expect((await withToken(created.secret, 'GET', '/api/me')).status).toBe(401);
  });
});
