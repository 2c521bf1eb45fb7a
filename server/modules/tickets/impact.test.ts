/**
 * Portal reports: the customer describes the impact, the implied severity is proposed (pending) and
 * staff confirm or change it; the contact defaults to the reporting user's own contact record; files
 * attached right after reporting are the customer's to see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../../common/domain';
import { createTestApp, PASSWORD, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let dispatcher: Client;
let engineer: Client;
let customer: Client;
let customerId: string;

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await t.as('dispatcher');
  engineer = await t.as('engineer');
  customerId = (await t.factory.customer()).id;
  customer = await t.as('customer_user', { customerId });
});
afterAll(() => t?.close());

describe('impact in plain words', () => {
  it('a customer describes the impact: the implied severity is proposed, its SLA runs at once', async () => {
    const res = await customer.post('/api/tickets', { title: '部分网点无法办理转账', impact: 'limited', channel: 'portal' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ impact: 'limited', severity: 'P2', severityPending: true });
    expect(res.body.sla.find((m: { milestone: string }) => m.milestone === 'respond')).toMatchObject({ state: 'running' });
    const queue = (await dispatcher.get(`/api/tickets?customerId=${customerId}`)).body.items;
    expect(queue.find((x: { id: string }) => x.id === res.body.id)).toMatchObject({ severity: 'P2', severityPending: true, impact: 'limited' });
  });

  it('a customer cannot set the severity: one sent stands for its impact and stays a proposal', async () => {
    const asSeverity = await customer.post('/api/tickets', { title: '核心系统停机', severity: 'P1', channel: 'portal' });
    expect(asSeverity.status).toBe(201);
    expect(asSeverity.body).toMatchObject({ impact: 'down', severity: 'P1', severityPending: true });

    const disagree = await customer.post('/api/tickets', { title: '打印慢', impact: 'impaired', severity: 'P1', channel: 'portal' });
    expect(disagree.status).toBe(400);
    expect(disagree.body.error.details.fields).toEqual([expect.objectContaining({ path: 'severity', key: 'field.impact_severity_mismatch' })]);

    const nothing = await customer.post('/api/tickets', { title: '咨询', channel: 'portal' });
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.details.fields).toEqual([expect.objectContaining({ path: 'impact', key: 'field.required' })]);

    const wrong = await customer.post('/api/tickets', { title: '咨询', impact: 'meh', channel: 'portal' });
    expect(wrong.status).toBe(400);

    // Nor afterwards: changing or confirming a severity is staff's.
    const id = asSeverity.body.id;
    expect((await customer.patch(`/api/tickets/${id}`, { severity: 'P4', severityReason: '其实不急' })).status).toBe(403);
    expect((await customer.post(`/api/tickets/${id}/severity-confirmation`)).status).toBe(403);
    expect((await customer.get(`/api/tickets/${id}`)).body).toMatchObject({ severity: 'P1', severityPending: true });
  });

  it('staff confirm the proposal once; the timeline says so', async () => {
    const id = (await customer.post('/api/tickets', { title: '自助终端黑屏', impact: 'impaired', channel: 'portal' })).body.id;
    const confirmed = await dispatcher.post(`/api/tickets/${id}/severity-confirmation`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ severity: 'P3', severityPending: false, impact: 'impaired' });
    const again = await dispatcher.post(`/api/tickets/${id}/severity-confirmation`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ key: 'ticket.severity_not_pending', params: { severity: 'P3' } });
    const events = (await customer.get(`/api/tickets/${id}/events`)).body;
    expect(events.at(-1)).toMatchObject({ kind: 'severity_confirmed', public: true, data: { severity: 'P3' } });
    expect((await dispatcher.post('/api/tickets/00000000-0000-4000-8000-000000000000/severity-confirmation')).status).toBe(404);
  });

  it('changing the severity with a reason settles the proposal too', async () => {
    const id = (await customer.post('/api/tickets', { title: '网银全部无法登录', impact: 'limited', channel: 'portal' })).body.id;
    const noReason = await engineer.patch(`/api/tickets/${id}`, { severity: 'P1' });
    expect(noReason.status).toBe(400);
    const changed = await engineer.patch(`/api/tickets/${id}`, { severity: 'P1', severityReason: '全部网点受影响' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ severity: 'P1', severityPending: false, impact: 'limited' });
  });

  it('staff choose the severity; the impact alone implies a proposal', async () => {
    const chosen = await dispatcher.post('/api/tickets', { title: '来电：打印机卡纸', severity: 'P4', channel: 'phone', customerId });
    expect(chosen.body).toMatchObject({ severity: 'P4', severityPending: false, impact: null });
    const byImpact = await dispatcher.post('/api/tickets', { title: '来电：全部停机', impact: 'down', channel: 'phone', customerId });
    expect(byImpact.body).toMatchObject({ severity: 'P1', severityPending: true, impact: 'down' });
    const neither = await dispatcher.post('/api/tickets', { title: 'x', channel: 'phone', customerId });
    expect(neither.status).toBe(400);
    expect(neither.body.error.details.fields).toEqual([expect.objectContaining({ path: 'severity', key: 'field.required' })]);
  });
});

async function login(username: string): Promise<Client> {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } });
  const cookie = `fw_session=${res.cookies.find((c) => c.name === 'fw_session')!.value}`;
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await t.app.inject({ method: method as 'GET', url, headers: { cookie }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined, headers: r.headers };
  };
  return { post: (url: string, body?: unknown) => call('POST', url, body ?? {}), get: (url: string) => call('GET', url) } as unknown as Client;
}

async function customerUser(fields: { email?: string; phone?: string }) {
  const username = `portal${Math.random().toString(36).slice(2, 10)}`;
  await t.services.users.create(null, { username, password: PASSWORD, name: '李柜员', role: 'customer_user' as Role, customerId, ...fields });
  return login(username);
}

describe("the reporter's own contact", () => {
  it('defaults to the contact with the user’s e-mail, else phone; a chosen contact wins; none matching leaves it empty', async () => {
    const admin = await t.as('admin');
    const byMail = (await admin.post(`/api/customers/${customerId}/contacts`, { name: '李柜员', email: 'Li.Gui@Bank.example', phones: [] })).body;
    const byPhone = (await admin.post(`/api/customers/${customerId}/contacts`, { name: '赵主任', phones: ['+86 138-0013-8000'] })).body;
    const other = (await admin.post(`/api/customers/${customerId}/contacts`, { name: '钱行长', phones: [] })).body;

    const mailUser = await customerUser({ email: 'li.gui@bank.example' });
    const a = await mailUser.post('/api/tickets', { title: '终端死机', impact: 'impaired', channel: 'portal' });
    expect(a.body.contact).toEqual({ id: byMail.id, name: '李柜员' });
    const chosen = await mailUser.post('/api/tickets', { title: '替同事报修', impact: 'question', channel: 'portal', contactId: other.id });
    expect(chosen.body.contact).toEqual({ id: other.id, name: '钱行长' });

    const phoneUser = await customerUser({ phone: '13800138000' });
    expect((await phoneUser.post('/api/tickets', { title: '网络中断', impact: 'down', channel: 'portal' })).body.contact).toEqual({ id: byPhone.id, name: '赵主任' });

    const stranger = await customerUser({ email: 'nobody@bank.example' });
    expect((await stranger.post('/api/tickets', { title: '咨询', impact: 'question', channel: 'portal' })).body.contact).toBeNull();
  });
});

describe('files attached while reporting', () => {
  it('are the customer’s to see, and the desk’s; another organisation sees nothing', async () => {
    const id = (await customer.post('/api/tickets', { title: 'ATM 屏幕花屏', impact: 'impaired', channel: 'portal' })).body.id;
    const up = await customer.upload(`/api/tickets/${id}/attachments`, { name: '现场照片.png', content: PNG, type: 'image/png' }, { public: 'true' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ filename: '现场照片.png', public: true });
    const refused = await customer.upload(`/api/tickets/${id}/attachments`, { name: 'tool.exe', content: Buffer.from('MZ\x90\x00'), type: 'application/octet-stream' }, { public: 'true' });
    expect(refused.status).toBe(415);
    expect((await customer.get(`/api/tickets/${id}/attachments`)).body).toEqual([expect.objectContaining({ filename: '现场照片.png' })]);
    expect((await dispatcher.get(`/api/tickets/${id}/attachments`)).body).toHaveLength(1);
    const download = await t.app.inject({ url: up.body.url, headers: { cookie: customer.cookie! } });
    expect(download.statusCode).toBe(200);
    const outsider = await t.as('customer_user');
    expect((await outsider.get(`/api/tickets/${id}/attachments`)).status).toBe(404);
  });
});
