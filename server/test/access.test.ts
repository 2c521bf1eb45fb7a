/**
 * Who may do what: the role × route matrix, tenant isolation for every route that takes an id,
 * and center scoping for staff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../common/domain';
import { can, type Permission } from '../../common/permissions';
import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { installAuthorization } from '../platform/http';
import { createTestApp, type Client, type TestApp } from './harness';

let t: TestApp;
let clients: Record<Role, Client>;
let ticketId: string;
let customerId: string;
let contactId: string;
let attachmentId: string;

beforeAll(async () => {
  t = await createTestApp();
  customerId = (await t.factory.customer()).id;
  contactId = (await t.factory.contact(customerId)).id;
  clients = {} as Record<Role, Client>;
  for (const role of ROLES) clients[role] = await t.as(role, { customerId });
  ticketId = (await t.factory.ticket({ customerId })).id;
  const upload = await clients.admin.upload(`/api/tickets/${ticketId}/attachments`, { name: 'log.txt', content: 'ERROR card reader' });
  attachmentId = upload.body.id;
}, 120_000);
afterAll(() => t?.close());

interface RouteCase {
  permission: Permission | 'user';
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  url: () => string;
  body?: () => unknown;
}

const ROUTES: RouteCase[] = [
  { permission: 'tickets.read', method: 'get', url: () => '/api/tickets' },
  { permission: 'views.use', method: 'get', url: () => '/api/views' },
  { permission: 'tickets.read', method: 'get', url: () => `/api/tickets/${ticketId}` },
  { permission: 'tickets.read', method: 'get', url: () => `/api/tickets/${ticketId}/events` },
  { permission: 'tickets.read', method: 'get', url: () => `/api/tickets/${ticketId}/attachments` },
  { permission: 'tickets.read', method: 'get', url: () => `/api/attachments/${attachmentId}` },
  { permission: 'tickets.create', method: 'post', url: () => '/api/tickets', body: () => ({ title: 't', severity: 'P4', channel: 'portal', customerId }) },
  { permission: 'tickets.update', method: 'patch', url: () => `/api/tickets/${ticketId}`, body: () => ({ category: 'network' }) },
  { permission: 'tickets.comment', method: 'post', url: () => `/api/tickets/${ticketId}/comments`, body: () => ({ body: 'hi', public: true }) },
  { permission: 'tickets.transition', method: 'post', url: () => `/api/tickets/${ticketId}/transitions`, body: () => ({ to: 'closed' }) },
  { permission: 'customers.read', method: 'get', url: () => '/api/customers' },
  { permission: 'customers.read', method: 'get', url: () => `/api/customers/${customerId}` },
  { permission: 'customers.write', method: 'post', url: () => '/api/customers', body: () => ({ name: `客户${Math.random()}` }) },
  { permission: 'customers.write', method: 'patch', url: () => `/api/customers/${customerId}`, body: () => ({ region: '华北' }) },
  { permission: 'customers.write', method: 'post', url: () => `/api/customers/${customerId}/sites`, body: () => ({ name: '营业部' }) },
  { permission: 'contacts.write', method: 'post', url: () => `/api/customers/${customerId}/contacts`, body: () => ({ name: '李四' }) },
  { permission: 'contacts.write', method: 'patch', url: () => `/api/customers/${customerId}/contacts/${contactId}`, body: () => ({ title: '科长' }) },
  { permission: 'contacts.lookup', method: 'get', url: () => '/api/contacts/lookup?phone=13800138000' },
  { permission: 'contacts.lookup', method: 'get', url: () => `/api/hotline/tickets?customerId=${customerId}&title=ATM` },
  { permission: 'contacts.lookup', method: 'get', url: () => `/api/hotline/due-preview?customerId=${customerId}&severity=P1` },
  { permission: 'users.read', method: 'get', url: () => '/api/users' },
  { permission: 'users.write', method: 'post', url: () => '/api/users', body: () => ({ username: `u${Math.floor(Math.random() * 1e9)}`, password: 'password-123', name: 'x', role: 'engineer' }) },
  { permission: 'centers.read', method: 'get', url: () => '/api/centers' },
  { permission: 'centers.write', method: 'post', url: () => '/api/centers', body: () => ({ code: `c${Math.random()}`, name: 'x', level: 'regional' }) },
  { permission: 'audit.read', method: 'get', url: () => '/api/audit' },
  { permission: 'user', method: 'get', url: () => '/api/me' },
  { permission: 'user', method: 'get', url: () => '/api/notifications' },
  { permission: 'tickets.internal', method: 'get', url: () => `/api/tickets/${ticketId}/escalations` },
  { permission: 'tickets.milestones', method: 'post', url: () => `/api/tickets/${ticketId}/milestones`, body: () => ({ milestone: 'no-such' }) },
  { permission: 'time_rules.read', method: 'get', url: () => '/api/calendars' },
  { permission: 'time_rules.read', method: 'get', url: () => '/api/sla-policies' },
  { permission: 'time_rules.read', method: 'get', url: () => '/api/escalation-rules' },
  { permission: 'time_rules.write', method: 'post', url: () => '/api/escalation-contacts', body: () => ({ name: '厂商' }) },
  { permission: 'time_rules.write', method: 'post', url: () => '/api/sla-policies', body: () => ({ key: `p${Math.floor(Math.random() * 1e9)}`, name: 'x', definition: {} }) },
  { permission: 'deliveries.manage', method: 'get', url: () => '/api/admin/deliveries' },
  { permission: 'setup.manage', method: 'get', url: () => '/api/admin/setup' },
  { permission: 'macros.use', method: 'get', url: () => '/api/macros' },
  { permission: 'macros.use', method: 'post', url: () => '/api/macros', body: () => ({ name: `m${Math.random()}`, body: '{{contact}}您好' }) },
  { permission: 'tickets.update', method: 'get', url: () => `/api/tickets/${ticketId}/assignees?q=zs` },
];

const call = (client: Client, route: RouteCase) =>
  route.method === 'get' || route.method === 'delete'
    ? client[route.method](route.url())
    : client[route.method](route.url(), route.body?.());

describe('role × route matrix', () => {
  it('refuses every protected route to an anonymous caller with 401', async () => {
    for (const route of ROUTES) {
      const res = await call(t.anonymous(), route);
      expect(res.status, `${route.method} ${route.url()}`).toBe(401);
    }
  });

  it.each(ROLES)('%s gets exactly what the permission table grants', async (role) => {
    for (const route of ROUTES) {
      const res = await call(clients[role], route);
      const allowed = route.permission === 'user' || can(role, route.permission);
      const label = `${role} ${route.method.toUpperCase()} ${route.url()} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
      if (allowed) {
        expect(res.status, label).not.toBe(401);
        expect(res.status, label).not.toBe(403);
        expect(res.status, label).toBeLessThan(500);
      } else {
        expect(res.status, label).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
    }
  });

  it('refuses to start with an /api route that declares no access rule', async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    installAuthorization(app, { cookieName: 'fw_session', authenticate: async () => null });
    app.get('/api/declared', { config: { auth: 'public', token: false } }, async () => 'ok');
    app.get('/elsewhere', async () => 'not an API route');
    expect(() => app.get('/api/forgotten', async () => 'oops')).toThrow('route GET /api/forgotten declares no config.auth');
    // Saying who may call it is not enough: it must also say whether an API token may.
    expect(() => app.get('/api/tokenless', { config: { auth: 'user' } }, async () => 'oops')).toThrow(
      'route GET /api/tokenless declares no config.token',
    );
    await app.close();
  });
});

describe('tenant isolation', () => {
  let outsider: Client;
  let foreignTicket: string;
  let foreignCustomer: string;
  let foreignContact: string;
  let foreignAttachment: string;

  beforeAll(async () => {
    foreignCustomer = (await t.factory.customer()).id;
    foreignContact = (await t.factory.contact(foreignCustomer)).id;
    foreignTicket = (await t.factory.ticket({ customerId: foreignCustomer, title: '另一家客户的机密工单' })).id;
    foreignAttachment = (
      await clients.admin.upload(`/api/tickets/${foreignTicket}/attachments`, { name: 'secret.txt', content: 'secret' })
    ).body.id;
    outsider = await t.as('customer_leader', { customerId });
  });

  it("answers 404 for every route that takes another organisation's id", async () => {
    const attempts: Array<[string, Promise<{ status: number; body: unknown }>]> = [
      ['get ticket', outsider.get(`/api/tickets/${foreignTicket}`)],
      ['events', outsider.get(`/api/tickets/${foreignTicket}/events`)],
      ['attachments', outsider.get(`/api/tickets/${foreignTicket}/attachments`)],
      ['download', outsider.get(`/api/attachments/${foreignAttachment}`)],
      ['comment', outsider.post(`/api/tickets/${foreignTicket}/comments`, { body: 'x', public: true })],
      ['transition', outsider.post(`/api/tickets/${foreignTicket}/transitions`, { to: 'cancelled' })],
      ['follow', outsider.put(`/api/tickets/${foreignTicket}/follow`)],
      ['upload', outsider.upload(`/api/tickets/${foreignTicket}/attachments`, { name: 'a.txt', content: 'hello' })],
      ['customer', outsider.get(`/api/customers/${foreignCustomer}`)],
      ['add contact', outsider.post(`/api/customers/${foreignCustomer}/contacts`, { name: 'x' })],
      ['edit contact', outsider.patch(`/api/customers/${foreignCustomer}/contacts/${foreignContact}`, { name: 'x' })],
      ['edit contact via own customer', outsider.patch(`/api/customers/${customerId}/contacts/${foreignContact}`, { name: 'x' })],
      ['create ticket for them', outsider.post('/api/tickets', { title: 'x', severity: 'P4', channel: 'portal', customerId: foreignCustomer })],
    ];
    for (const [label, attempt] of attempts) {
      const res = await attempt;
      expect(res.status, label).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('机密');
    }
  });

  it("does not list another organisation's tickets or customers", async () => {
    const tickets = await outsider.get('/api/tickets?limit=200');
    expect(tickets.body.items.length).toBeGreaterThan(0);
    expect(tickets.body.items.every((x: { customer: { id: string } }) => x.customer.id === customerId)).toBe(true);
    const byFilter = await outsider.get(`/api/tickets?customerId=${foreignCustomer}`);
    expect(byFilter.body.items).toEqual([]);
    const customers = await outsider.get('/api/customers');
    expect(customers.body.map((c: { id: string }) => c.id)).toEqual([customerId]);
  });

  it('hides internal notes and internal attachments from customers', async () => {
    const staff = clients.engineer;
    await staff.post(`/api/tickets/${ticketId}/comments`, { body: '内部：客户设备过保', public: false });
    await staff.upload(`/api/tickets/${ticketId}/attachments`, { name: 'internal.log', content: 'internal stuff' }, { public: 'false' });
    const events = await outsider.get(`/api/tickets/${ticketId}/events`);
    expect(events.status).toBe(200);
    expect(JSON.stringify(events.body)).not.toContain('过保');
    expect(JSON.stringify(events.body)).not.toContain('internal.log');
    const files = await outsider.get(`/api/tickets/${ticketId}/attachments`);
    expect(files.body.map((f: { filename: string }) => f.filename)).not.toContain('internal.log');
    const internal = (await staff.get(`/api/tickets/${ticketId}/attachments`)).body.find((f: { filename: string }) => f.filename === 'internal.log');
    expect((await outsider.get(`/api/attachments/${internal.id}`)).status).toBe(404);
    expect((await outsider.post(`/api/tickets/${ticketId}/comments`, { body: 'x', public: false })).status).toBe(403);
  });

  it('a customer reports for their own organisation only and cannot back-date', async () => {
    const own = await outsider.post('/api/tickets', { title: '网点打印机卡纸', severity: 'P4', channel: 'portal' });
    expect(own.status).toBe(201);
    expect(own.body.customer.id).toBe(customerId);
    expect(own.body.following).toBe(true);
    const backdated = await outsider.post('/api/tickets', {
      title: 'x', severity: 'P4', channel: 'portal', reportedAt: new Date(Date.now() - 3600_000).toISOString(),
    });
    expect(backdated.status).toBe(400);
  });
});

describe('center scoping for staff', () => {
  it('an engineer sees their center subtree, unplaced tickets and their own assignments', async () => {
    const east = await t.factory.center({ level: 'regional' });
    const zhejiang = await t.factory.center({ parentId: east.id, level: 'provincial' });
    const west = await t.factory.center({ level: 'regional' });
    const eastEngineer = await t.as('engineer', { centerId: east.id });
    const inZhejiang = await t.factory.ticket({ centerId: zhejiang.id });
    const inWest = await t.factory.ticket({ centerId: west.id });
    const westButMine = await t.factory.ticket({ centerId: west.id, assigneeId: eastEngineer.user.id });

    expect((await eastEngineer.get(`/api/tickets/${inZhejiang.id}`)).status).toBe(200);
    expect((await eastEngineer.get(`/api/tickets/${inWest.id}`)).status).toBe(404);
    expect((await eastEngineer.get(`/api/tickets/${westButMine.id}`)).status).toBe(200);
    const listed = (await eastEngineer.get('/api/tickets?limit=200')).body.items.map((x: { id: string }) => x.id);
    expect(listed).toContain(inZhejiang.id);
    expect(listed).not.toContain(inWest.id);

    const westManager = await t.as('manager', { centerId: west.id });
    expect((await westManager.get(`/api/tickets/${inZhejiang.id}`)).status).toBe(404);
    const qa = await t.as('qa', { centerId: west.id });
    expect((await qa.get(`/api/tickets/${inZhejiang.id}`)).status).toBe(200);
  });
});
