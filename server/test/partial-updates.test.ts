/**
 * A PATCH changes what it sends and nothing else. For every editable object: create it with a
 * non-default value in every field, PATCH one field at a time, read it back, and check that every
 * other field kept its value (zod's `.partial()` once turned "not sent" into "reset to default":
 * renaming the default SLA policy answered 409, renaming a calendar 400, and a contact's title
 * change wiped its phones).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from './harness';

let t: TestApp;
let admin: Client;
let policyIds: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('admin');
  const policies = (await admin.get('/api/sla-policies')).body as Array<{ id: string; key: string }>;
  policyIds = Object.fromEntries(policies.map((p) => [p.key, p.id]));
});
afterAll(() => t?.close());

/** A change of one field: what is sent, and (when it differs) what the object then holds. */
type Change = unknown | { send: unknown; expect: Record<string, unknown> };
const reshaped = (change: Change): change is { send: unknown; expect: Record<string, unknown> } =>
  typeof change === 'object' && change !== null && 'send' in change && 'expect' in change;

/**
 * PATCHes each field alone and checks the object afterwards: that field changed, every other one
 * kept its value. `read` returns the object in the PATCH's own field names.
 */
async function patchEachField(url: string, read: () => Promise<Record<string, unknown>>, changes: Record<string, Change>) {
  const created = await read();
  // The test is only worth something when the starting values are not what "not sent" would give.
  for (const field of Object.keys(changes)) expect(created, `${url} ${field}`).toHaveProperty(field);
  for (const [field, change] of Object.entries(changes)) {
    const before = await read();
    const body = reshaped(change) ? change.send : change;
    const res = await admin.patch(url, { [field]: body });
    expect(res.status, `PATCH ${field}: ${JSON.stringify(res.body)}`).toBe(200);
    const expected = { ...before, [field]: body, ...(reshaped(change) ? change.expect : {}) };
    expect(expected[field], `${field} must really change`).not.toEqual(before[field]);
    expect(await read(), `after PATCH { ${field} }`).toEqual(expected);
  }
}

const pick = (object: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, object[k]]));

describe('PATCH keeps every field it does not send', () => {
  it('user', async () => {
    const [north, south] = [await t.factory.center(), await t.factory.center()];
    const created = await admin.post('/api/users', {
      username: 'partial.engineer',
      password: 'long-enough-password',
      name: '周工',
      role: 'engineer',
      centerId: north.id,
      engineerLevel: 'senior',
      skills: ['存储', '网络'],
      email: 'zhou@example.com',
      phone: '13800000001',
    });
    expect(created.status).toBe(201);
    const fields = ['name', 'role', 'centerId', 'engineerLevel', 'skills', 'email', 'phone', 'active', 'customerId'];
    await patchEachField(`/api/users/${created.body.id}`, async () => pick((await admin.get(`/api/users/${created.body.id}`)).body, fields), {
      name: '周工程师',
      role: 'dispatcher',
      centerId: south.id,
      engineerLevel: 'expert',
      skills: ['数据库'],
      email: 'zhou.gong@example.com',
      phone: '13900000002',
      active: false,
    });
  });

  it('service center', async () => {
    const [hq, other] = [await t.factory.center({ level: 'hq' }), await t.factory.center({ level: 'hq' })];
    const created = await admin.post('/api/centers', { code: 'GD-01', name: '广东服务中心', level: 'provincial', parentId: hq.id, region: '华南' });
    expect(created.status).toBe(201);
    const fields = ['code', 'name', 'level', 'parentId', 'region'];
    await patchEachField(`/api/centers/${created.body.id}`, async () => pick((await admin.get(`/api/centers/${created.body.id}`)).body, fields), {
      code: 'GD-02',
      name: '广州服务中心',
      level: 'regional',
      parentId: other.id,
      region: '广东',
    });
  });

  it('customer', async () => {
    const [center, other] = [await t.factory.center(), await t.factory.center()];
    const created = await admin.post('/api/customers', {
      name: '某城市商业银行',
      code: 'CB-001',
      industry: '金融',
      region: '华东',
      notes: '重点客户',
      centerId: center.id,
      slaPolicyId: policyIds.onsite,
    });
    expect(created.status).toBe(201);
    const fields = ['name', 'code', 'industry', 'region', 'notes', 'centerId', 'slaPolicyId'];
    await patchEachField(`/api/customers/${created.body.id}`, async () => pick((await admin.get(`/api/customers/${created.body.id}`)).body, fields), {
      name: '某农村商业银行',
      code: 'RB-002',
      industry: '银行',
      region: '华北',
      notes: '年度框架协议',
      centerId: other.id,
      slaPolicyId: policyIds['hotline-1h5h'],
    });
  });

  it('customer contact', async () => {
    const customer = await t.factory.customer();
    const created = await admin.post(`/api/customers/${customer.id}/contacts`, {
      name: '李主任',
      title: '信息科主任',
      email: 'li@bank.example',
      phones: ['010-88880001', '13700000003'],
      isLeader: true,
    });
    expect(created.status).toBe(201);
    const read = async () => {
      const detail = (await admin.get(`/api/customers/${customer.id}`)).body as { contacts: Array<Record<string, unknown>> };
      return pick(detail.contacts.find((c) => c.id === created.body.id)!, ['name', 'title', 'email', 'phones', 'isLeader']);
    };
    await patchEachField(`/api/customers/${customer.id}/contacts/${created.body.id}`, read, {
      title: '信息科科长',
      name: '李科长',
      email: 'li.kz@bank.example',
      phones: ['13700000004'],
      isLeader: false,
    });
  });

  it('ticket', async () => {
    const customer = await t.factory.customer();
    const [contact, otherContact] = [await t.factory.contact(customer.id), await t.factory.contact(customer.id)];
    const site = (await admin.post(`/api/customers/${customer.id}/sites`, { name: '总行机房', address: '金融街 1 号' })).body;
    const otherSite = (await admin.post(`/api/customers/${customer.id}/sites`, { name: '灾备中心' })).body;
    const [center, otherCenter] = [await t.factory.center(), await t.factory.center()];
    const [engineer, otherEngineer] = [await t.factory.user({ role: 'engineer' }), await t.factory.user({ role: 'engineer' })];
    const created = await admin.post('/api/tickets', {
      title: '存储阵列告警',
      description: '控制器 B 离线',
      severity: 'P2',
      channel: 'email',
      customerId: customer.id,
      contactId: contact.id,
      siteId: site.id,
      type: 'requirement',
      category: 'network',
      assigneeId: engineer.id,
      centerId: center.id,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await admin.patch(`/api/tickets/${id}`, { slaPolicyId: policyIds.onsite })).status).toBe(200);
    const read = async () => {
      const x = (await admin.get(`/api/tickets/${id}`)).body;
      return {
        ...pick(x, ['title', 'description', 'type', 'category', 'severity', 'channel', 'status']),
        contactId: x.contact?.id ?? null,
        siteId: x.site?.id ?? null,
        assigneeId: x.assignee?.id ?? null,
        centerId: x.center?.id ?? null,
        slaPolicyId: x.slaPolicy?.source === 'ticket' ? x.slaPolicy.id : null,
      };
    };
    await patchEachField(`/api/tickets/${id}`, read, {
      title: '存储阵列控制器告警',
      description: '控制器 B 离线，已切换到 A',
      type: 'fault',
      category: 'hardware',
      channel: 'phone',
      contactId: otherContact.id,
      siteId: otherSite.id,
      assigneeId: otherEngineer.id,
      centerId: otherCenter.id,
      slaPolicyId: policyIds['hotline-1h5h'],
    });
    // A severity change travels with its reason; everything else stays.
    const before = await read();
    expect((await admin.patch(`/api/tickets/${id}`, { severity: 'P1', severityReason: '业务中断' })).status).toBe(200);
    expect(await read()).toEqual({ ...before, severity: 'P1' });
  });

  it('calendar (renaming from the edit dialog keeps the working hours)', async () => {
    const weekly = { 1: [{ start: '09:00', end: '18:00' }], 3: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }] };
    const created = await admin.post('/api/calendars', {
      key: 'partial-hours',
      name: '测试日历',
      nameEn: 'Test calendar',
      timeZone: 'Asia/Shanghai',
      always: false,
      weekly,
      defaultWorkday: [{ start: '10:00', end: '16:00' }],
    });
    expect(created.status).toBe(201);
    const fields = ['name', 'nameEn', 'timeZone', 'always', 'weekly', 'defaultWorkday'];
    await patchEachField(`/api/calendars/${created.body.id}`, async () => pick((await admin.get(`/api/calendars/${created.body.id}`)).body, fields), {
      name: '测试日历（改）',
      nameEn: 'Test calendar (renamed)',
      timeZone: 'Asia/Hong_Kong',
      weekly: { 2: [{ start: '08:00', end: '17:00' }] },
      defaultWorkday: [{ start: '08:00', end: '12:00' }],
      always: true,
    });
  });

  it('SLA policy (renaming the default policy keeps it the default)', async () => {
    const template = ((await admin.get('/api/sla-policies/templates')).body as Array<{ key: string; definition: Record<string, unknown> }>).find((x) => x.key === 'onsite')!;
    const created = await admin.post('/api/sla-policies', {
      key: 'partial-gold',
      name: '金牌服务',
      nameEn: 'Gold',
      description: '7×24 现场支持',
      definition: { ...template.definition, warnAtRatio: 0.7 },
      isDefault: true,
    });
    expect(created.status).toBe(201);
    const fields = ['name', 'nameEn', 'description', 'definition', 'isDefault'];
    await patchEachField(`/api/sla-policies/${created.body.id}`, async () => pick((await admin.get(`/api/sla-policies/${created.body.id}`)).body, fields), {
      name: '白金服务',
      nameEn: 'Platinum',
      description: '7×24 现场支持，4 小时到场',
      definition: { ...template.definition, warnAtRatio: 0.9 },
    });
    // Giving the default back to the standard policy is its own change.
    expect((await admin.patch(`/api/sla-policies/${policyIds.standard}`, { isDefault: true })).status).toBe(200);
    expect((await admin.get(`/api/sla-policies/${created.body.id}`)).body).toMatchObject({ name: '白金服务', isDefault: false });
  });

  it('escalation rule', async () => {
    const manager = await t.factory.user({ role: 'manager' });
    const created = await admin.post('/api/escalation-rules', {
      severity: 'P2',
      afterMinutes: 90,
      clock: 'working',
      calendar: '5x8-china',
      level: 2,
      recipients: [{ kind: 'role', role: 'manager' }, { kind: 'user', userId: manager.id }],
      active: false,
    });
    expect(created.status).toBe(201);
    const read = async () => {
      const rules = (await admin.get('/api/escalation-rules')).body as Array<Record<string, unknown>>;
      return pick(rules.find((r) => r.id === created.body.id)!, ['severity', 'afterMinutes', 'clock', 'calendar', 'level', 'recipients', 'active']);
    };
    await patchEachField(`/api/escalation-rules/${created.body.id}`, read, {
      severity: 'P3',
      afterMinutes: 120,
      calendar: '7x24',
      level: 3,
      recipients: [{ kind: 'vendor' }],
      active: true,
      // Elapsed time needs no calendar: switching the clock drops it, the rest stays.
      clock: { send: 'calendar', expect: { calendar: null } },
    });
  });

  it('escalation contact', async () => {
    const created = await admin.post('/api/escalation-contacts', {
      name: '厂商二线',
      organisation: '某存储厂商',
      email: 'l2@vendor.example',
      phone: '400-800-0000',
      isVendorCenter: true,
    });
    expect(created.status).toBe(201);
    const read = async () => {
      const contacts = (await admin.get('/api/escalation-contacts')).body as Array<Record<string, unknown>>;
      return pick(contacts.find((c) => c.id === created.body.id)!, ['name', 'organisation', 'email', 'phone', 'isVendorCenter']);
    };
    await patchEachField(`/api/escalation-contacts/${created.body.id}`, read, {
      name: '厂商三线',
      organisation: '某存储厂商（中国）',
      email: 'l3@vendor.example',
      phone: '400-800-0001',
      isVendorCenter: false,
    });
  });
});
