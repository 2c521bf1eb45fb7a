import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
