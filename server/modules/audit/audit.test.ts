/** GET /api/audit reads like a history: labels instead of ids, filters by person, kind, action and time, keyset pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../common/api';
import { createTestApp, FakeClock, type Client, type TestApp } from '../../test/harness';

const clock = new FakeClock('2026-03-02T10:00:00+08:00');
let t: TestApp;
let admin: Client;
let dispatcher: Client;
let engineer: Client;
let ticket: { id: string; number: string };
let customer: { id: string };
let startedAt: string;

const list = async (query: string) => {
  const res = await admin.get<AuditEntry[]>(`/api/audit${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

beforeAll(async () => {
  t = await createTestApp({ clock });
  admin = await t.as('admin');
  dispatcher = await t.as('dispatcher');
  engineer = await t.as('engineer');
  startedAt = clock.now().toISOString();
  customer = await t.services.customers.create(null, { name: '华夏银行 北京分行', code: 'HXB-BJ' });
  ticket = (await dispatcher.post('/api/tickets', { title: 'ATM 吞卡', description: '第三台 ATM 吞卡', severity: 'P2', channel: 'phone', customerId: customer.id })).body;
  clock.advance(60);
  await dispatcher.patch(`/api/tickets/${ticket.id}`, { assigneeId: engineer.user.id });
  clock.advance(60);
  await engineer.post(`/api/tickets/${ticket.id}/transitions`, { to: 'in_progress' });
  await admin.patch(`/api/customers/${customer.id}`, { name: '华夏银行北京分行' });
});
afterAll(() => t?.close());

describe('audit log', () => {
  it('names each object and the ids inside its values', async () => {
    const entries = await list(`?entity=ticket&entityId=${ticket.id}`);
    // Assigning a new ticket also moves it to 已指派 (a status change of its own).
    expect(entries.map((e) => e.action)).toEqual(['status_changed', 'status_changed', 'updated', 'created']);
    for (const e of entries) expect([e.entityLabel, e.entityDetail]).toEqual([ticket.number, 'ATM 吞卡']);
    expect(ticket.number).toMatch(/^FW-/);

    const assignment = entries.find((e) => e.action === 'updated')!;
    expect(assignment.actorName).toBe(dispatcher.user.username);
    expect(assignment.after).toEqual({ assigneeId: engineer.user.id });
    expect(assignment.refs).toEqual({ [engineer.user.id]: engineer.user.username });

    const created = entries.find((e) => e.action === 'created')!;
    expect(created.refs[customer.id]).toBe('华夏银行北京分行');

    const [rename] = await list(`?entity=customer&entityId=${customer.id}&action=updated`);
    expect(rename).toMatchObject({ entityLabel: '华夏银行北京分行', entityDetail: 'HXB-BJ', before: { name: '华夏银行 北京分行' }, after: { name: '华夏银行北京分行' } });

    const [user] = await list(`?entity=user&entityId=${engineer.user.id}&action=created`);
    expect([user!.entityLabel, user!.entityDetail]).toEqual([engineer.user.username, engineer.user.username]);
  });

  it('names time rules, attachments by their ticket, and objects deleted since by the name they carried', async () => {
    const policy = ((await admin.get('/api/sla-policies')).body as Array<{ id: string; key: string; name: string }>)[0]!;
    await admin.patch(`/api/sla-policies/${policy.id}`, { description: '与合同核对过' });
    const [edited] = await list(`?entity=sla_policy&entityId=${policy.id}`);
    expect([edited!.entityLabel, edited!.entityDetail, edited!.action]).toEqual([policy.name, policy.key, 'updated']);

    const calendar = (await admin.post('/api/calendars', { key: 'shift-night', name: '夜班日历', timeZone: 'Asia/Shanghai', always: true })).body;
    expect((await admin.delete(`/api/calendars/${calendar.id}`)).status).toBe(204);
    const [gone] = await list(`?entity=calendar&entityId=${calendar.id}&action=deleted`);
    expect(gone!.entityLabel).toBe('夜班日历');

    const upload = await dispatcher.upload(`/api/tickets/${ticket.id}/attachments`, { name: '现场照片.txt', content: '读卡器', type: 'text/plain' });
    const [attached] = await list(`?entity=attachment&entityId=${upload.body.id}`);
    expect([attached!.entityLabel, attached!.entityDetail, attached!.entityParentId]).toEqual(['现场照片.txt', ticket.number, ticket.id]);
  });

  it('names mailboxes (and mailboxes inside values), quarantined mails and mail templates', async () => {
    const box = await admin.post('/api/mailboxes', {
      name: '售后邮箱',
      address: 'audit-support@desk.example',
      imapHost: 'imap.desk.example',
      imapPort: 993,
      imapSecurity: 'tls',
      imapUser: 'support',
      password: 's3cret-imap-password',
    });
    expect(box.status).toBe(201);
    const [created] = await list(`?entity=mailbox&entityId=${box.body.id}`);
    expect([created!.entityLabel, created!.entityDetail]).toEqual(['售后邮箱', 'audit-support@desk.example']);

    const raw = Buffer.from('From: =?UTF-8?B?5byg5LiJ?= <zhang.san@bank.example>\r\nSubject: =?UTF-8?B?5omT5Y2w5py65pWF6Zqc?=\r\nContent-Type: multipart/mixed; boundary="broken\r\n\r\n打印机无法打印\r\n');
    const held = await t.services.mailQuarantine.store({ mailboxId: box.body.id, uid: 3, raw, reason: 'unparseable', detail: 'unterminated boundary' });
    expect((await admin.post(`/api/mail/quarantine/${held.id}/dismiss`, {})).status).toBe(200);
    const [dismissed] = await list(`?entity=mail_quarantine&entityId=${held.id}`);
    expect([dismissed!.action, dismissed!.entityLabel, dismissed!.entityDetail]).toEqual(['quarantine_dismissed', '打印机故障', 'zhang.san@bank.example']);

    const saved = await admin.put('/api/mail-templates/ack/en', { subject: '{{ticket.subject}}', text: 'Got it: {{ticket.number}}', html: '<p>Got it: {{ticket.number}}</p>' });
    expect(saved.status).toBe(200);
    const [template] = await list('?entity=mail_template&entityId=ack:en');
    expect([template!.entityLabel, template!.entityDetail]).toEqual(['ack', 'en']);

    // Renamed since: every entry of the mailbox carries its current name.
    expect((await admin.patch(`/api/mailboxes/${box.body.id}`, { name: '客服邮箱' })).status).toBe(200);
    expect(new Set((await list(`?entity=mailbox&entityId=${box.body.id}`)).map((e) => e.entityLabel))).toEqual(new Set(['客服邮箱']));
    // And inside values (the sending identity's mailboxId).
    const sender = await admin.put(`/api/mailboxes/${box.body.id}/sender`, { fromAddress: 'audit-support@desk.example', fromName: '售后', smtpHost: '127.0.0.1', smtpPort: 2525, smtpSecurity: 'none' });
    expect(sender.status).toBe(200);
    const [identity] = await list(`?entity=mailbox&entityId=${box.body.id}&action=sender_updated`);
    expect(identity!.entityLabel).toBe('客服邮箱');
    expect(identity!.refs[box.body.id]).toBe('客服邮箱');
  });

  it('filters by person, kind of object, action and time', async () => {
    const byEngineer = await list(`?actorId=${engineer.user.id}`);
    expect(byEngineer.map((e) => [e.entity, e.action])).toEqual([['ticket', 'status_changed'], ['user', 'login']]);
    expect(byEngineer[0]!.after).toMatchObject({ status: 'in_progress' });
    expect(byEngineer[0]!.actorName).toBe(engineer.user.username);

    const customersOnly = await list('?entity=customer');
    expect(customersOnly.length).toBeGreaterThan(0);
    expect(customersOnly.every((e) => e.entity === 'customer')).toBe(true);

    const statusChanges = await list('?action=status_changed');
    expect(statusChanges.map((e) => e.entityId)).toEqual([ticket.id, ticket.id]);

    // The assignment happened an hour in, the status change two hours in.
    const from = new Date(Date.parse(startedAt) + 30 * 60_000).toISOString();
    const to = new Date(Date.parse(startedAt) + 90 * 60_000).toISOString();
    const window = await list(`?entity=ticket&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(window.map((e) => e.action)).toEqual(['status_changed', 'updated']);
    expect(window[0]!.after).toMatchObject({ status: 'assigned' });
    expect(await list(`?to=${encodeURIComponent(startedAt)}&entity=ticket`)).toEqual([]);
  });

  it('pages newest first without gaps or repeats', async () => {
    const all = await list('?limit=500');
    expect(all.length).toBeGreaterThan(6);
    const paged: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await list(`?limit=4${before ? `&before=${before}` : ''}`);
      paged.push(...page.map((e) => e.id));
      if (page.length < 4) break;
      before = page.at(-1)!.id;
    }
    expect(paged).toEqual(all.map((e) => e.id));
  });

  it('refuses bad filters with the field, and people who may not read it', async () => {
    for (const [query, field] of [
      ['?actorId=nobody', 'actorId'],
      ['?from=yesterday', 'from'],
      ['?limit=0', 'limit'],
      ['?before=-3', 'before'],
    ] as const) {
      const res = await admin.get(`/api/audit${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path), query).toContain(`querystring.${field}`);
    }
    for (const role of ['engineer', 'dispatcher', 'customer_user', 'customer_leader', 'executive'] as const) {
      expect((await (await t.as(role)).get('/api/audit')).status, role).toBe(403);
    }
    // Quality assurance reads it all; a scoped manager reads what they may see.
    expect((await (await t.as('qa')).get(`/api/audit?entity=ticket&entityId=${ticket.id}`)).body).toHaveLength(4);
  });

  it('keeps names out of reach of a scoped reader: a customer outside their center is not named in values', async () => {
    const north = await t.factory.center();
    const south = await t.factory.center();
    const theirs = await t.services.customers.create(null, { name: '南区客户', centerId: south.id });
    const mine = await t.services.customers.create(null, { name: '北区客户', centerId: north.id });
    const moved = await t.factory.ticket({ customerId: theirs.id, centerId: north.id });
    await admin.patch(`/api/tickets/${moved.id}`, { customerId: mine.id });
    const manager = await t.as('manager', { centerId: north.id });
    const entries = (await manager.get<AuditEntry[]>(`/api/audit?entity=ticket&entityId=${moved.id}&action=updated`)).body;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.refs[mine.id]).toBe('北区客户');
    expect(entries[0]!.refs[theirs.id]).toBeUndefined();
    // The administrator sees both.
    const [forAdmin] = await list(`?entity=ticket&entityId=${moved.id}&action=updated`);
    expect(forAdmin!.refs).toMatchObject({ [mine.id]: '北区客户', [theirs.id]: '南区客户' });
  });
});
