import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { contacts, customers } from '../../db/schema';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let dispatcher: Client;

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await t.as('dispatcher');
});
afterAll(() => t?.close());

describe('customers', () => {
  it('creates a customer with contacts and sites and shows them', async () => {
    const created = await dispatcher.post('/api/customers', { name: '北京协和医院', industry: '医疗', region: '华北' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const contact = await dispatcher.post(`/api/customers/${id}/contacts`, {
      name: '张主任',
      title: '信息中心主任',
      email: 'zhang@example.cn',
      phones: ['138-0013-8000', '010-6529 6114'],
      isLeader: true,
    });
    expect(contact.status).toBe(201);
    expect(contact.body.phones).toEqual(['010-6529 6114', '138-0013-8000']);
    expect((await dispatcher.post(`/api/customers/${id}/sites`, { name: '东单院区', address: '北京市东城区帅府园1号' })).status).toBe(201);
    const detail = await dispatcher.get(`/api/customers/${id}`);
    expect(detail.body).toMatchObject({ name: '北京协和医院', openTickets: 0 });
    expect(detail.body.contacts).toHaveLength(1);
    expect(detail.body.contacts[0]).toMatchObject({ name: '张主任', isLeader: true });
    expect(detail.body.sites[0].name).toBe('东单院区');
    await t.factory.ticket({ customerId: id });
    expect((await dispatcher.get(`/api/customers/${id}`)).body.openTickets).toBe(1);
  });

  it('refuses a duplicate name whatever its case, and bad emails', async () => {
    await dispatcher.post('/api/customers', { name: 'ACME Power' });
    const dup = await dispatcher.post('/api/customers', { name: 'acme power' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toContain('already exists');
    const c = (await t.factory.customer()).id;
    const bad = await dispatcher.post(`/api/customers/${c}/contacts`, { name: 'x', email: 'not-an-email' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].path).toBe('body.email');
    const badPhone = await dispatcher.post(`/api/customers/${c}/contacts`, { name: 'x', phones: ['call me maybe'] });
    expect(badPhone.status).toBe(400);
  });

  it('searches by name', async () => {
    await dispatcher.post('/api/customers', { name: '中国工商银行深圳分行' });
    const res = await dispatcher.get(`/api/customers?q=${encodeURIComponent('工商银行')}`);
    expect(res.body.map((c: { name: string }) => c.name)).toContain('中国工商银行深圳分行');
  });

  it('edits a contact and replaces its phones', async () => {
    const c = (await t.factory.customer()).id;
    const contact = (await dispatcher.post(`/api/customers/${c}/contacts`, { name: '刘工', phones: ['13900000001'] })).body;
    const edited = await dispatcher.patch(`/api/customers/${c}/contacts/${contact.id}`, { title: '运维组长', phones: ['13900000002'] });
    expect(edited.body).toMatchObject({ title: '运维组长', phones: ['13900000002'] });
    expect((await dispatcher.get('/api/contacts/lookup?phone=13900000001')).body).toEqual([]);
  });
});

describe('bounced addresses', () => {
  const bounce = (id: string) =>
    t.services.db
      .update(contacts)
      .set({ emailFailingAt: new Date('2026-03-02T08:00:00Z'), emailFailingReason: '550 5.1.1 <li@example.cn>: user unknown' })
      .where(eq(contacts.id, id));

  it('shows the mark with its reason; a new address clears it, the same address typed again keeps it', async () => {
    const c = (await t.factory.customer()).id;
    const contact = (await dispatcher.post(`/api/customers/${c}/contacts`, { name: '李工', email: 'li@example.cn' })).body;
    expect(contact).toMatchObject({ emailFailingAt: null, emailFailingReason: null });
    await bounce(contact.id);
    const shown = (await dispatcher.get(`/api/customers/${c}`)).body.contacts[0];
    expect(shown).toMatchObject({ emailFailingAt: '2026-03-02T08:00:00.000Z', emailFailingReason: '550 5.1.1 <li@example.cn>: user unknown' });

    const same = await dispatcher.patch(`/api/customers/${c}/contacts/${contact.id}`, { email: 'LI@example.cn', title: '工程师' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ title: '工程师', emailFailingAt: '2026-03-02T08:00:00.000Z' });
    const other = await dispatcher.patch(`/api/customers/${c}/contacts/${contact.id}`, { title: '组长' });
    expect(other.body.emailFailingAt).not.toBeNull();

    const moved = await dispatcher.patch(`/api/customers/${c}/contacts/${contact.id}`, { email: 'li.gong@example.cn' });
    expect(moved.body).toMatchObject({ email: 'li.gong@example.cn', emailFailingAt: null, emailFailingReason: null });
    const [row] = await t.services.db.select().from(contacts).where(eq(contacts.id, contact.id));
    expect(row).toMatchObject({ emailFailingAt: null, emailFailingReason: null });
  });

  it('a manager clears the mark by hand; a dispatcher may not (403, nothing changed)', async () => {
    const c = (await t.factory.customer()).id;
    const contact = (await dispatcher.post(`/api/customers/${c}/contacts`, { name: '王工', email: 'wang@example.cn' })).body;
    await bounce(contact.id);
    const refused = await dispatcher.patch(`/api/customers/${c}/contacts/${contact.id}`, { emailFailing: false, title: '主任' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.key).toBe('scope.contact_email_failing_forbidden');
    expect((await dispatcher.get(`/api/customers/${c}`)).body.contacts[0]).toMatchObject({ title: null, emailFailingReason: '550 5.1.1 <li@example.cn>: user unknown' });
    expect((await dispatcher.patch(`/api/customers/${c}/contacts/${contact.id}`, { emailFailing: true })).status).toBe(400);

    const manager = await t.as('manager');
    const cleared = await manager.patch(`/api/customers/${c}/contacts/${contact.id}`, { emailFailing: false });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ email: 'wang@example.cn', emailFailingAt: null, emailFailingReason: null });
  });
});

describe('caller identification', () => {
  it('finds the caller whatever format the number arrives in', async () => {
    const c = (await dispatcher.post('/api/customers', { name: '国网江苏省电力公司' })).body.id;
    await dispatcher.post(`/api/customers/${c}/contacts`, { name: '陈值班', phones: ['+86 139 1234 5678'] });
    for (const phone of ['13912345678', '139-1234-5678', '008613912345678', '+86 (139) 1234 5678', '１３９１２３４５６７８']) {
      const res = await dispatcher.get(`/api/contacts/lookup?phone=${encodeURIComponent(phone)}`);
      expect(res.status).toBe(200);
      expect(res.body, phone).toHaveLength(1);
      expect(res.body[0]).toMatchObject({ match: 'exact', contact: { name: '陈值班' }, customer: { id: c, name: '国网江苏省电力公司' } });
    }
  });

  it('offers partial matches while typing, exact ones first', async () => {
    const c = (await t.factory.customer()).id;
    await dispatcher.post(`/api/customers/${c}/contacts`, { name: '甲', phones: ['025-8888 1234'] });
    await dispatcher.post(`/api/customers/${c}/contacts`, { name: '乙', phones: ['025-8888 12345'] });
    const res = await dispatcher.get('/api/contacts/lookup?phone=02588881234');
    expect(res.body.map((m: { contact: { name: string }; match: string }) => [m.contact.name, m.match])).toEqual([
      ['甲', 'exact'],
      ['乙', 'partial'],
    ]);
    expect((await dispatcher.get('/api/contacts/lookup?phone=025')).body).toEqual([]);
    expect((await dispatcher.get('/api/contacts/lookup?phone=')).status).toBe(400);
  });
});

describe('customer codes', () => {
  it('refuses a code another customer has, whatever its case, on create and on update (409 naming the holder)', async () => {
    const icbc = await dispatcher.post('/api/customers', { name: '工商银行北京分行', code: 'ICBC-BJ' });
    expect(icbc.status).toBe(201);

    const clash = await dispatcher.post('/api/customers', { name: '工商银行北京分行营业部', code: 'icbc-bj' });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ key: 'customer.code_taken', params: { code: 'ICBC-BJ', name: '工商银行北京分行' } });
    expect((await dispatcher.get('/api/customers?q=%E8%90%A5%E4%B8%9A%E9%83%A8')).body).toEqual([]); // nothing half-written

    const other = await dispatcher.post('/api/customers', { name: '工商银行上海分行', code: 'ICBC-SH' });
    expect(other.status).toBe(201);
    const renamed = await dispatcher.patch(`/api/customers/${other.body.id}`, { code: 'Icbc-Bj' });
    expect(renamed.status).toBe(409);
    expect(renamed.body.error).toMatchObject({ key: 'customer.code_taken', params: { code: 'ICBC-BJ', name: '工商银行北京分行' } });
    expect((await dispatcher.get(`/api/customers/${other.body.id}`)).body.code).toBe('ICBC-SH');

    // A customer keeps (or re-cases) its own code; customers without a code do not clash.
    expect((await dispatcher.patch(`/api/customers/${icbc.body.id}`, { code: 'icbc-bj', industry: '金融' })).status).toBe(200);
    expect((await dispatcher.post('/api/customers', { name: '无编码客户甲' })).status).toBe(201);
    expect((await dispatcher.post('/api/customers', { name: '无编码客户乙' })).status).toBe(201);
  });

  it('the database itself holds codes unique case-insensitively', async () => {
    await t.services.customers.create(null, { name: '建设银行北京分行', code: 'CCB-BJ' });
    // Past the service check (two requests racing): the unique index still refuses, as a 409 at the HTTP edge.
    await expect(t.services.db.insert(customers).values({ name: '建设银行北京分行二', code: 'ccb-bj' })).rejects.toMatchObject({
      cause: { code: '23505', constraint: 'customers_code_key' },
    });
  });
});
