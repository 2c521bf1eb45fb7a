import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type Client, type TestApp } from '../../test/harness';
import { eq } from 'drizzle-orm';
import { ensureAdmin } from '../../bootstrap';
import { users } from '../../db/schema';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('admin');
});
afterAll(() => t?.close());

/** Logs in with the given password and returns a cookie-carrying requester. */
async function session(username: string, password: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  expect(res.statusCode).toBe(200);
  const cookie = `fw_session=${res.cookies.find((c) => c.name === 'fw_session')!.value}`;
  return (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
}

describe('a password an administrator chose must be replaced at first login', () => {
  it('POST /api/users sets the flag; until the change only me, logout and the password change answer', async () => {
    const created = await admin.post('/api/users', { username: 'first.login', password: 'temporary-pass-1', name: '首登', role: 'engineer' });
    expect(created.status).toBe(201);
    expect(created.body.mustChangePassword).toBe(true);
    const as = await session('first.login', 'temporary-pass-1');

    const me = await as('GET', '/api/me');
    expect(me.statusCode).toBe(200);
    expect(me.json().mustChangePassword).toBe(true);
    for (const [method, url] of [
      ['GET', '/api/tickets'],
      ['GET', '/api/users'],
      ['GET', '/api/me/notification-preferences'],
      ['POST', '/api/tokens'],
    ] as const) {
      const refused = await as(method, url, method === 'POST' ? { name: 'x', scopes: ['tickets:read'] } : undefined);
      expect(refused.statusCode, `${method} ${url}`).toBe(403);
      expect(refused.json().error.key).toBe('auth.password_change_required');
    }
    // Public routes stay public.
    expect((await as('GET', '/api/health')).statusCode).toBe(200);

    const change = await as('POST', '/api/auth/password', { currentPassword: 'temporary-pass-1', newPassword: 'my-own-secret-77' });
    expect(change.statusCode).toBe(204);
    expect((await as('GET', '/api/me')).json().mustChangePassword).toBe(false);
    expect((await as('GET', '/api/tickets')).statusCode).toBe(200);
    expect((await admin.get(`/api/users/${created.body.id}`)).body.mustChangePassword).toBe(false);
  });

  it('a wrong current password does not clear the flag; logout still works', async () => {
    await admin.post('/api/users', { username: 'first.wrong', password: 'temporary-pass-2', name: '首登二', role: 'qa' });
    const as = await session('first.wrong', 'temporary-pass-2');
    const wrong = await as('POST', '/api/auth/password', { currentPassword: 'not-the-password', newPassword: 'my-own-secret-78' });
    expect(wrong.statusCode).toBe(400);
    expect((await as('GET', '/api/me')).json().mustChangePassword).toBe(true);
    expect((await as('GET', '/api/tickets')).statusCode).toBe(403);
    expect((await as('POST', '/api/auth/logout')).statusCode).toBe(204);
    expect((await as('GET', '/api/me')).statusCode).toBe(401);
  });

  it('mustChangePassword: false in the body, and factories, create accounts that work at once', async () => {
    const created = await admin.post('/api/users', { username: 'no.force', password: 'chosen-by-owner-1', name: '不强制', role: 'engineer', mustChangePassword: false });
    expect(created.body.mustChangePassword).toBe(false);
    const as = await session('no.force', 'chosen-by-owner-1');
    expect((await as('GET', '/api/tickets')).statusCode).toBe(200);
    const factoryUser = await t.as('dispatcher');
    expect((await factoryUser.get('/api/me')).body.mustChangePassword).toBe(false);
    expect((await factoryUser.get('/api/tickets')).status).toBe(200);
  });

  it('an admin reset sets the flag again (unless told otherwise); tokens created before are not held back', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    const before = await session(user.username, PASSWORD);
    const token = (await before('POST', '/api/tokens', { name: 'ci', scopes: ['tickets:read'] })).json() as { secret: string };
    const reset = await admin.patch(`/api/users/${user.id}`, { password: 'reset-by-admin-9' });
    expect(reset.body.mustChangePassword).toBe(true);
    const after = await session(user.username, 'reset-by-admin-9');
    expect((await after('GET', '/api/tickets')).statusCode).toBe(403);
    const byToken = await t.app.inject({ url: '/api/tickets', headers: { authorization: `Bearer ${token.secret}` } });
    expect(byToken.statusCode).toBe(200);
    const meByToken = await t.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token.secret}` } });
    expect(meByToken.json().mustChangePassword).toBe(false);

    const quiet = await admin.patch(`/api/users/${user.id}`, { password: 'reset-by-admin-10', mustChangePassword: false });
    expect(quiet.body.mustChangePassword).toBe(false);
    expect((await (await session(user.username, 'reset-by-admin-10'))('GET', '/api/tickets')).statusCode).toBe(200);
    // The flag alone can be set by an administrator, and a non-boolean is a 400.
    expect((await admin.patch(`/api/users/${user.id}`, { mustChangePassword: true })).body.mustChangePassword).toBe(true);
    expect((await admin.patch(`/api/users/${user.id}`, { mustChangePassword: 'yes' })).status).toBe(400);
  });

  it('the first admin: a generated password must be changed, a chosen one (FUWUTAI_ADMIN_PASSWORD) not', async () => {
    const generated = await ensureAdmin(t.services, undefined);
    expect(generated.createdAdmin).toBe(true);
    const first = await session('admin', generated.generatedAdminPassword!);
    expect((await first('GET', '/api/me')).json().mustChangePassword).toBe(true);
    expect((await first('GET', '/api/tickets')).statusCode).toBe(403);

    // Another first start, this time with the password given by whoever installs it.
    await t.services.db.update(users).set({ username: 'admin.generated' }).where(eq(users.username, 'admin'));
    const chosen = await ensureAdmin(t.services, 'installer-chose-this-1');
    expect(chosen).toEqual({ createdAdmin: true });
    const second = await session('admin', 'installer-chose-this-1');
    expect((await second('GET', '/api/me')).json().mustChangePassword).toBe(false);
    expect((await second('GET', '/api/tickets')).statusCode).toBe(200);
  });
});
