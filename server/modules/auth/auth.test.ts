import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../platform/clock';
import { createTestApp, PASSWORD, type TestApp } from '../../test/harness';

let t: TestApp;
const clock = new FakeClock('2026-03-02T09:00:00+08:00');

beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t?.close());

async function login(username: string, password: string, ip = '10.0.0.1') {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
}

describe('login and sessions', () => {
  it('sets an HTTP-only SameSite cookie and /api/me answers', async () => {
    const user = await t.factory.user({ role: 'engineer', name: '王工' });
    const res = await login(user.username, PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'fw_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const me = await t.app.inject({ url: '/api/me', headers: { cookie: `fw_session=${cookie.value}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: user.username, name: '王工', role: 'engineer' });
    expect(me.json().permissions).toContain('tickets.update');
  });

  it('accepts the username in any case', async () => {
    const user = await t.factory.user({ role: 'qa' });
    expect((await login(user.username.toUpperCase(), PASSWORD)).statusCode).toBe(200);
  });

  it('answers 401 without a session, with a wrong password, and for an unknown user', async () => {
    expect((await t.anonymous().get('/api/me')).status).toBe(401);
    expect((await t.anonymous().get('/api/tickets')).status).toBe(401);
    const user = await t.factory.user({ role: 'engineer' });
    const wrong = await login(user.username, 'not-the-password', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toEqual({ code: 'unauthenticated', key: 'auth.wrong_credentials', message: 'Wrong username or password' });
    expect((await login('nobody-here', 'whatever', '10.0.0.2')).statusCode).toBe(401);
  });

  it('ignores a forged cookie', async () => {
    const res = await t.app.inject({ url: '/api/me', headers: { cookie: 'fw_session=forged' } });
    expect(res.statusCode).toBe(401);
  });

  it('logout ends the session', async () => {
    const client = await t.as('dispatcher');
    expect((await client.get('/api/me')).status).toBe(200);
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('sessions expire after their lifetime without use', async () => {
    const client = await t.as('dispatcher');
    clock.advance(t.config.sessionTtlHours * 60 + 1);
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('a disabled user is logged out at once', async () => {
    const admin = await t.as('admin');
    const client = await t.as('engineer');
    expect((await admin.patch(`/api/users/${client.user.id}`, { active: false })).status).toBe(200);
    expect((await client.get('/api/me')).status).toBe(401);
  });
});

describe('login rate limits', () => {
  it('locks an account after 5 failures in 15 minutes, from any address', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    for (let i = 0; i < 5; i++) expect((await login(user.username, 'bad', `10.1.0.${i}`)).statusCode).toBe(401);
    const locked = await login(user.username, PASSWORD, '10.1.0.99');
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe('900');
    expect(locked.json().error.code).toBe('rate_limited');
    clock.advance(16);
    expect((await login(user.username, PASSWORD, '10.1.0.99')).statusCode).toBe(200);
  });

  it('limits one address guessing many accounts', async () => {
    for (let i = 0; i < 30; i++) await login(`ghost${i}`, 'bad', '10.2.0.1');
    const user = await t.factory.user({ role: 'engineer' });
    expect((await login(user.username, PASSWORD, '10.2.0.1')).statusCode).toBe(429);
    expect((await login(user.username, PASSWORD, '10.2.0.2')).statusCode).toBe(200);
  });
});

describe('password change', () => {
  it('needs the current password, then works and ends other sessions', async () => {
    const client = await t.as('engineer');
    const other = await login(client.user.username, PASSWORD, '10.3.0.1');
    const otherCookie = `fw_session=${other.cookies.find((c) => c.name === 'fw_session')!.value}`;

    const wrong = await client.post('/api/auth/password', { currentPassword: 'nope', newPassword: 'new-password-123' });
    expect(wrong.status).toBe(400);
    const short = await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.details.fields[0].path).toBe('body.newPassword');

    expect((await client.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'new-password-123' })).status).toBe(204);
    expect((await client.get('/api/me')).status).toBe(200);
    expect((await t.app.inject({ url: '/api/me', headers: { cookie: otherCookie } })).statusCode).toBe(401);
    expect((await login(client.user.username, PASSWORD, '10.3.0.2')).statusCode).toBe(401);
    expect((await login(client.user.username, 'new-password-123', '10.3.0.2')).statusCode).toBe(200);
  });
});

describe('first start', () => {
  it('creates admin once, with a generated password when none is configured', async () => {
    const { ensureAdmin } = await import('../../bootstrap');
    const first = await ensureAdmin(t.services, undefined);
    expect(first.createdAdmin).toBe(true);
    expect(first.generatedAdminPassword).toMatch(/^[\w-]{16}$/);
    expect((await login('admin', first.generatedAdminPassword!, '10.4.0.1')).statusCode).toBe(200);
    expect(await ensureAdmin(t.services, 'other')).toEqual({ createdAdmin: false });
  });
});

describe('passwords are stored as argon2id', () => {
  it('never in clear', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    const { users } = await import('../../db/schema');
    const { eq } = await import('drizzle-orm');
    const [row] = await t.services.db.select().from(users).where(eq(users.id, user.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row!.passwordHash).not.toContain(PASSWORD);
  });
});
