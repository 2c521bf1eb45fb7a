import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

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
