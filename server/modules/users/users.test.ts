import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('admin');
});
afterAll(() => t?.close());

describe('user administration', () => {
  it('creates staff and customer users with the documented shape', async () => {
    const center = await t.factory.center({ level: 'hq' });
    const engineer = await admin.post('/api/users', {
      username: 'wang.gong',
      password: 'password-123',
      name: '王工',
      role: 'engineer',
      centerId: center.id,
      engineerLevel: 'senior',
      skills: ['ATM', 'Oracle'],
    });
    expect(engineer.status).toBe(201);
    expect(engineer.body).toMatchObject({ username: 'wang.gong', role: 'engineer', engineerLevel: 'senior', skills: ['ATM', 'Oracle'], active: true });
    expect(engineer.body).not.toHaveProperty('passwordHash');
    const customerId = (await t.factory.customer()).id;
    const portal = await admin.post('/api/users', { username: 'li.kehu', password: 'password-123', name: '李科长', role: 'customer_user', customerId });
    expect(portal.status).toBe(201);
    expect(portal.body.customerId).toBe(customerId);
  });

  it('refuses inconsistent or duplicate accounts', async () => {
    const noCustomer = await admin.post('/api/users', { username: 'c1', password: 'password-123', name: 'x', role: 'customer_user' });
    expect(noCustomer.status).toBe(400);
    expect(noCustomer.body.error.details.fields[0].path).toBe('customerId');
    const customerId = (await t.factory.customer()).id;
    const staffWithCustomer = await admin.post('/api/users', { username: 'c2', password: 'password-123', name: 'x', role: 'engineer', customerId });
    expect(staffWithCustomer.status).toBe(400);
    await admin.post('/api/users', { username: 'zhao', password: 'password-123', name: 'x', role: 'qa' });
    const dup = await admin.post('/api/users', { username: 'ZHAO', password: 'password-123', name: 'x', role: 'qa' });
    expect(dup.status).toBe(409);
    const short = await admin.post('/api/users', { username: 'y', password: 'short', name: 'x', role: 'qa' });
    expect(short.status).toBe(400);
    const badRole = await admin.post('/api/users', { username: 'yy', password: 'password-123', name: 'x', role: 'king' });
    expect(badRole.status).toBe(400);
  });

  it('filters the list by role', async () => {
    const res = await admin.get('/api/users?role=engineer');
    expect(res.status).toBe(200);
    expect(res.body.every((u: { role: string }) => u.role === 'engineer')).toBe(true);
    const assignable = await admin.get('/api/users?role=engineer,manager');
    expect(assignable.body.some((u: { role: string }) => u.role === 'engineer')).toBe(true);
    expect(assignable.body.every((u: { role: string }) => ['engineer', 'manager'].includes(u.role))).toBe(true);
    expect((await admin.get('/api/users?role=engineer,king')).status).toBe(400);
  });

  it('resets a password and keeps the last administrator', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    expect((await admin.patch(`/api/users/${user.id}`, { password: 'brand-new-pass' })).status).toBe(200);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: 'brand-new-pass' } });
    expect(login.statusCode).toBe(200);

    const admins = (await admin.get('/api/users?role=admin&active=true')).body as Array<{ id: string }>;
    for (const other of admins.filter((a) => a.id !== admin.user.id)) {
      await admin.patch(`/api/users/${other.id}`, { active: false });
    }
    const self = await admin.patch(`/api/users/${admin.user.id}`, { role: 'engineer' });
    expect(self.status).toBe(409);
    expect(self.body.error.message).toContain('last active administrator');
  });
});

describe('sessions, tokens and login locks', () => {
  const login = (username: string, password: string, ip = '10.9.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
  const sessionOf = async (username: string) => {
    const res = await login(username, PASSWORD, '10.9.9.9');
    expect(res.statusCode).toBe(200);
    return `fw_session=${res.cookies.find((c) => c.name === 'fw_session')!.value}`;
  };
  const tokenOf = async (cookie: string) => {
    const res = await t.app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie }, payload: { name: 'ci', scopes: ['tickets:read'] } });
    expect(res.statusCode).toBe(201);
    return res.json() as { secret: string };
  };
  const me = async (cookie: string) => (await t.app.inject({ url: '/api/me', headers: { cookie } })).statusCode;
  const byToken = async (secret: string) => (await t.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${secret}` } })).statusCode;

  it('an admin password reset ends every session of the user; API tokens keep working', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    const [a, b] = [await sessionOf(user.username), await sessionOf(user.username)];
    const token = await tokenOf(await sessionOf(user.username));
    expect(await byToken(token.secret)).toBe(200);
    expect((await admin.patch(`/api/users/${user.id}`, { password: 'a-fresh-secret-42' })).status).toBe(200);
    expect(await me(a)).toBe(401);
    expect(await me(b)).toBe(401);
    // Tokens are credentials of their own, ended by revoking them, not by a password reset.
    expect(await byToken(token.secret)).toBe(200);
  });

  it('disabling ends every session and blocks tokens; re-enabling revives no session', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    const session = await sessionOf(user.username);
    const token = await tokenOf(await sessionOf(user.username));
    expect((await admin.patch(`/api/users/${user.id}`, { active: false })).status).toBe(200);
    expect(await me(session)).toBe(401);
    expect(await byToken(token.secret)).toBe(401); // a token acts only for an active user
    expect((await admin.patch(`/api/users/${user.id}`, { active: true })).status).toBe(200);
    expect(await me(session)).toBe(401);
    expect(await byToken(token.secret)).toBe(200); // the token was never revoked
    expect(await me(await sessionOf(user.username))).toBe(200);
  });

  it('shows a locked account, and an admin unlock (audited) lets it log in at once', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    for (let i = 0; i < 5; i++) expect((await login(user.username, `bad-${i}`, `10.9.1.${i}`)).statusCode).toBe(401);
    expect((await login(user.username, PASSWORD)).statusCode).toBe(429);
    const shown = await admin.get(`/api/users/${user.id}`);
    expect(shown.body.lockedUntil).not.toBeNull();
    expect((await admin.get(`/api/users?q=${user.username}`)).body[0].lockedUntil).toBe(shown.body.lockedUntil);

    const engineer = await t.as('engineer');
    expect((await engineer.post(`/api/users/${user.id}/unlock`)).status).toBe(403);
    const unlocked = await admin.post(`/api/users/${user.id}/unlock`);
    expect(unlocked.status).toBe(200);
    expect(unlocked.body.lockedUntil).toBeNull();
    expect((await login(user.username, PASSWORD)).statusCode).toBe(200);
    const audit = (await t.services.db.execute(
      sql`select action, after from audit_log where entity = 'user' and entity_id = ${user.id} and action = 'unlocked'`,
    )) as unknown as { rows: Array<{ after: { failuresCleared: number } }> };
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]!.after.failuresCleared).toBe(5);
    expect((await admin.post('/api/users/00000000-0000-4000-8000-000000000000/unlock')).status).toBe(404);
  });

  it('an admin password reset lifts a lock', async () => {
    const user = await t.factory.user({ role: 'engineer' });
    for (let i = 0; i < 5; i++) await login(user.username, `bad-${i}`, `10.9.2.${i}`);
    expect((await login(user.username, PASSWORD)).statusCode).toBe(429);
    const reset = await admin.patch(`/api/users/${user.id}`, { password: 'another-fresh-secret' });
    expect(reset.body.lockedUntil).toBeNull();
    expect((await login(user.username, 'another-fresh-secret')).statusCode).toBe(200);
  });

  it('applies the password policy on create and reset', async () => {
    const common = await admin.post('/api/users', { username: 'policy.a', password: 'password1234', name: 'x', role: 'qa' });
    expect(common.status).toBe(400);
    expect(common.body.error.details.fields[0]).toMatchObject({ path: 'password', key: 'field.password_common' });
    const personal = await admin.post('/api/users', { username: 'policy.b', password: 'policy.b-2026!', name: 'x', role: 'qa' });
    expect(personal.body.error.details.fields[0]).toMatchObject({ path: 'password', key: 'field.password_personal' });
    const short = await admin.post('/api/users', { username: 'policy.c', password: 'nine-char', name: 'x', role: 'qa' });
    expect(short.body.error.details.fields[0]).toMatchObject({ path: 'body.password', key: 'field.too_small' });
    const user = await t.factory.user({ role: 'engineer' });
    const reset = await admin.patch(`/api/users/${user.id}`, { password: 'iloveyou123' });
    expect(reset.status).toBe(400);
    expect(reset.body.error.details.fields[0]).toMatchObject({ path: 'password', key: 'field.password_common' });
    expect((await login(user.username, PASSWORD)).statusCode).toBe(200); // nothing changed
  });
});

describe('service centers', () => {
  it('builds the HQ → regional → provincial tree and refuses cycles', async () => {
    const hq = (await admin.post('/api/centers', { code: 'HQ', name: '北京总部', level: 'hq' })).body;
    const east = (await admin.post('/api/centers', { code: 'EAST', name: '华东区域中心', level: 'regional', parentId: hq.id })).body;
    const zj = (await admin.post('/api/centers', { code: 'ZJ', name: '浙江省级中心', level: 'provincial', parentId: east.id, region: '浙江' })).body;
    expect(zj.parentId).toBe(east.id);
    const cycle = await admin.patch(`/api/centers/${hq.id}`, { parentId: zj.id });
    expect(cycle.status).toBe(400);
    const dup = await admin.post('/api/centers', { code: 'HQ', name: 'x', level: 'hq' });
    expect(dup.status).toBe(409);
    const list = (await admin.get('/api/centers')).body.map((c: { code: string }) => c.code);
    expect(list.indexOf('HQ')).toBeLessThan(list.indexOf('EAST'));
    expect(list.indexOf('EAST')).toBeLessThan(list.indexOf('ZJ'));
  });

  it('moving a center moves what its staff see', async () => {
    const a = await t.factory.center();
    const b = await t.factory.center();
    const child = await t.factory.center({ parentId: a.id, level: 'provincial' });
    const manager = await t.as('manager', { centerId: b.id });
    const ticket = await t.factory.ticket({ centerId: child.id });
    expect((await manager.get(`/api/tickets/${ticket.id}`)).status).toBe(404);
    expect((await admin.patch(`/api/centers/${child.id}`, { parentId: b.id })).status).toBe(200);
    expect((await manager.get(`/api/tickets/${ticket.id}`)).status).toBe(200);
  });
});
