/**
 * Every read and write scoped like the objects it touches (issue 7, part B): what an outside probe
 * found, each closed here. Two regions (A and B, each a regional center with a provincial child),
 * staff of region A, and customers of both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from './harness';

let t: TestApp;
let regionA: string;
let provinceA: string;
let regionB: string;
let customerA: string;
let customerB: string;
let dispatcherA: Client;
let managerA: Client;
let admin: Client;

beforeAll(async () => {
  t = await createTestApp();
  regionA = (await t.factory.center()).id;
  provinceA = (await t.factory.center({ parentId: regionA, level: 'provincial' })).id;
  regionB = (await t.factory.center()).id;
  customerA = (await t.factory.customer({ centerId: provinceA })).id;
  customerB = (await t.factory.customer({ centerId: regionB })).id;
  dispatcherA = await t.as('dispatcher', { centerId: regionA });
  managerA = await t.as('manager', { centerId: regionA });
  admin = await t.as('admin');
});
afterAll(() => t?.close());

const ticketBody = (customerId: string, extra: Record<string, unknown> = {}) => ({
  title: '打印机卡纸',
  description: '三楼打印机',
  severity: 'P3',
  channel: 'phone',
  customerId,
  ...extra,
});

async function ticketCount(customerId: string) {
  const res = await admin.get(`/api/tickets?customerId=${customerId}&limit=100`);
  expect(res.status).toBe(200);
  return (res.body.items ?? res.body).length as number;
}

describe('creating or moving a ticket out of one’s scope (6)', () => {
  it('refuses a create into another region before writing, and a retry writes nothing either', async () => {
    const other = (await t.factory.customer({ centerId: regionB })).id;
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await dispatcherA.post('/api/tickets', ticketBody(other, { centerId: regionB }));
      expect(res.status).toBe(403);
      expect(res.body.error.key).toBe('scope.ticket_center_forbidden');
    }
    // Nor by default: the customer's own center is region B.
    const implicit = await dispatcherA.post('/api/tickets', ticketBody(other));
    expect(implicit.status).toBe(403);
    expect(await ticketCount(other)).toBe(0);
    // Into their own subtree it is created, once.
    const ok = await dispatcherA.post('/api/tickets', ticketBody(other, { centerId: provinceA }));
    expect(ok.status).toBe(201);
    expect(await ticketCount(other)).toBe(1);
  });

  it('refuses PATCH centerId into another region; the ticket stays where it was and visible', async () => {
    const created = await dispatcherA.post('/api/tickets', ticketBody(customerA));
    expect(created.status).toBe(201);
    expect(created.body.center.id).toBe(provinceA);
    const moved = await dispatcherA.patch(`/api/tickets/${created.body.id}`, { centerId: regionB, title: '改了标题' });
    expect(moved.status).toBe(403);
    expect(moved.body.error.key).toBe('scope.ticket_center_forbidden');
    const after = await dispatcherA.get(`/api/tickets/${created.body.id}`);
    expect(after.status).toBe(200);
    expect(after.body.center.id).toBe(provinceA);
    expect(after.body.title).toBe('打印机卡纸');
    // Within the subtree the move is fine; an admin moves anywhere.
    expect((await dispatcherA.patch(`/api/tickets/${created.body.id}`, { centerId: regionA })).status).toBe(200);
    expect((await admin.patch(`/api/tickets/${created.body.id}`, { centerId: regionB })).status).toBe(200);
  });
});

describe('customers withdraw only what they may (20)', () => {
  it('a customer user cancels their own new report, not a colleague’s nor one staff took on the phone', async () => {
    const customer = (await t.factory.customer()).id;
    const alice = await t.as('customer_user', { customerId: customer });
    const bob = await t.as('customer_user', { customerId: customer });
    const leader = await t.as('customer_leader', { customerId: customer });
    const byAlice = (await alice.post('/api/tickets', ticketBody(customer))).body;
    const byPhone = await t.factory.ticket({ customerId: customer });
    const byAlice2 = (await alice.post('/api/tickets', ticketBody(customer))).body;

    expect((await bob.get(`/api/tickets/${byAlice.id}`)).body.allowedTransitions).toEqual([]);
    expect((await alice.get(`/api/tickets/${byAlice.id}`)).body.allowedTransitions).toEqual(['cancelled']);

    const bobCancels = await bob.post(`/api/tickets/${byAlice.id}/transitions`, { to: 'cancelled' });
    expect(bobCancels.status).toBe(403);
    expect(bobCancels.body.error.key).toBe('scope.cancel_not_reporter');
    const aliceCancelsPhone = await alice.post(`/api/tickets/${byPhone.id}/transitions`, { to: 'cancelled' });
    expect(aliceCancelsPhone.status).toBe(403);
    expect(aliceCancelsPhone.body.error.key).toBe('scope.cancel_not_reporter');
    expect((await admin.get(`/api/tickets/${byPhone.id}`)).body.status).toBe('new');

    expect((await alice.post(`/api/tickets/${byAlice.id}/transitions`, { to: 'cancelled' })).body.status).toBe('cancelled');
    // The organisation's leader withdraws any of its new tickets.
    expect((await leader.post(`/api/tickets/${byPhone.id}/transitions`, { to: 'cancelled' })).body.status).toBe('cancelled');
    expect((await leader.post(`/api/tickets/${byAlice2.id}/transitions`, { to: 'cancelled' })).body.status).toBe('cancelled');
  });
});

describe('escalations never reach another organisation (5)', () => {
  it('refuses a customer role, or a named customer user, as recipient with a field key; nothing saved', async () => {
    const before = (await admin.get('/api/escalation-rules')).body.length;
    for (const role of ['customer_leader', 'customer_user']) {
      const res = await admin.post('/api/escalation-rules', {
        severity: 'P1',
        afterMinutes: 30,
        level: 1,
        recipients: [{ kind: 'role', role: 'manager' }, { kind: 'role', role }],
      });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields).toEqual([expect.objectContaining({ path: 'recipients.1.role', key: 'field.customer_role_recipient', params: { role } })]);
    }
    const leader = await t.factory.user({ role: 'customer_leader' });
    const named = await admin.post('/api/escalation-rules', { severity: 'P1', afterMinutes: 30, level: 1, recipients: [{ kind: 'user', userId: leader.id }] });
    expect(named.status).toBe(400);
    expect(named.body.error.details.fields[0]).toMatchObject({ path: 'recipients.0.userId', key: 'field.customer_role_recipient' });
    // Editing an existing rule is checked the same way.
    const rule = (await admin.get('/api/escalation-rules')).body[0];
    const patched = await admin.patch(`/api/escalation-rules/${rule.id}`, { recipients: [{ kind: 'role', role: 'customer_leader' }] });
    expect(patched.status).toBe(400);
    expect((await admin.get('/api/escalation-rules')).body.length).toBe(before);
  });

  it('resolves a customer role (from rows written before the check) only to the ticket’s own customer', async () => {
    const { resolveRecipients } = await import('../modules/sla/notify');
    const mine = (await t.factory.customer()).id;
    const theirs = (await t.factory.customer()).id;
    const myLeader = await t.factory.user({ role: 'customer_leader', customerId: mine });
    const theirLeader = await t.factory.user({ role: 'customer_leader', customerId: theirs });
    const theirUser = await t.factory.user({ role: 'customer_user', customerId: theirs });
    const ticket = await t.factory.ticket({ customerId: mine, severity: 'P1' });
    const row = { id: ticket.id, customerId: mine, centerId: null } as Parameters<typeof resolveRecipients>[1];
    const found = await resolveRecipients(t.services.db, row, [
      { kind: 'role', role: 'customer_leader' },
      { kind: 'user', userId: theirUser.id },
    ]);
    const ids = found.map((r) => r.userId);
    expect(ids).toContain(myLeader.id);
    expect(ids).not.toContain(theirLeader.id);
    expect(ids).not.toContain(theirUser.id);
  });
});

describe('customer writes scoped by center; the service level is a manager’s (4)', () => {
  it('answers 404 for another region’s customer, its contacts and sites, and changes nothing', async () => {
    const policy = (await admin.get('/api/sla-policies')).body[0].id as string;
    const contact = await t.factory.contact(customerB);
    const tries = [
      await dispatcherA.patch(`/api/customers/${customerB}`, { slaPolicyId: policy }),
      await dispatcherA.patch(`/api/customers/${customerB}`, { notes: '改' }),
      await managerA.patch(`/api/customers/${customerB}`, { slaPolicyId: policy }),
      await dispatcherA.post(`/api/customers/${customerB}/contacts`, { name: '冒充' }),
      await dispatcherA.patch(`/api/customers/${customerB}/contacts/${contact.id}`, { name: '冒充' }),
      await dispatcherA.post(`/api/customers/${customerB}/sites`, { name: '冒充' }),
    ];
    for (const res of tries) {
      expect(res.status).toBe(404);
      expect(res.body.error.key).toBe('customer.not_found');
    }
    const b = (await admin.get(`/api/customers/${customerB}`)).body;
    expect(b).toMatchObject({ slaPolicyId: null, notes: null, sites: [] });
    expect(b.contacts.map((c: { name: string }) => c.name)).toEqual([contact.name]);
    // In their own subtree the same writes work.
    expect((await dispatcherA.patch(`/api/customers/${customerA}`, { notes: '本区客户' })).status).toBe(200);
    expect((await dispatcherA.post(`/api/customers/${customerA}/sites`, { name: '总部' })).status).toBe(201);
  });

  it('lets only a manager or an administrator change the service level (403 with a key for others)', async () => {
    const policy = (await admin.get('/api/sla-policies')).body[0].id as string;
    const refused = await dispatcherA.patch(`/api/customers/${customerA}`, { slaPolicyId: policy });
    expect(refused.status).toBe(403);
    expect(refused.body.error.key).toBe('scope.customer_sla_policy_forbidden');
    const created = await dispatcherA.post('/api/customers', { name: `带策略的客户${Date.now()}`, slaPolicyId: policy, centerId: regionA });
    expect(created.status).toBe(403);
    // A form that sends the level unchanged is not a change.
    expect((await dispatcherA.patch(`/api/customers/${customerA}`, { slaPolicyId: null, industry: '金融' })).status).toBe(200);
    const byManager = await managerA.patch(`/api/customers/${customerA}`, { slaPolicyId: policy });
    expect(byManager.status).toBe(200);
    expect(byManager.body.slaPolicyId).toBe(policy);
  });

  it('refuses placing a customer in a center outside the writer’s scope', async () => {
    const moved = await dispatcherA.patch(`/api/customers/${customerA}`, { centerId: regionB });
    expect(moved.status).toBe(403);
    expect(moved.body.error.key).toBe('scope.customer_center_forbidden');
    const created = await dispatcherA.post('/api/customers', { name: `外区客户${Date.now()}`, centerId: regionB });
    expect(created.status).toBe(403);
    expect((await admin.get(`/api/customers/${customerA}`)).body.centerId).toBe(provinceA);
  });

  it('lets a customer leader keep only their own organisation’s contacts', async () => {
    const leaderB = await t.as('customer_leader', { customerId: customerB });
    expect((await leaderB.post(`/api/customers/${customerB}/contacts`, { name: '新同事' })).status).toBe(201);
    expect((await leaderB.post(`/api/customers/${customerA}/contacts`, { name: '新同事' })).status).toBe(404);
  });
});

describe('the audit trail scoped like the objects it describes (3)', () => {
  it('hides another region’s tickets and customers from a manager, and pages correctly through the rest', async () => {
    const ticketB = await t.factory.ticket({ customerId: customerB, centerId: regionB });
    expect((await managerA.get(`/api/tickets/${ticketB.id}`)).status).toBe(404);
    await admin.patch(`/api/tickets/${ticketB.id}`, { title: '乙区机密故障' });
    await admin.patch(`/api/customers/${customerB}`, { notes: '乙区客户备注' });
    const contactB = await t.factory.contact(customerB);
    // Region A's own: a ticket, and many entries to page through.
    const ticketA = (await dispatcherA.post('/api/tickets', ticketBody(customerA))).body;
    for (let i = 0; i < 5; i++) await dispatcherA.patch(`/api/tickets/${ticketA.id}`, { title: `甲区工单 ${i}` });

    expect((await managerA.get(`/api/audit?entity=ticket&entityId=${ticketB.id}`)).body).toEqual([]);
    expect((await managerA.get(`/api/audit?entity=customer&entityId=${customerB}`)).body).toEqual([]);
    expect((await managerA.get(`/api/audit?entity=contact&entityId=${contactB.id}`)).body).toEqual([]);
    expect((await admin.get(`/api/audit?entity=ticket&entityId=${ticketB.id}`)).body.length).toBeGreaterThanOrEqual(2);
    const qa = await t.as('qa');
    expect((await qa.get(`/api/audit?entity=customer&entityId=${customerB}`)).body.length).toBeGreaterThanOrEqual(1);

    // Attachments follow their ticket.
    const note = { name: '现场记录.txt', content: '巡检记录', type: 'text/plain' };
    const mine = await dispatcherA.upload(`/api/tickets/${ticketA.id}/attachments`, note);
    const theirs = await admin.upload(`/api/tickets/${ticketB.id}/attachments`, note);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect((await managerA.get(`/api/audit?entity=attachment&entityId=${mine.body.id}`)).body).toHaveLength(1);
    expect((await managerA.get(`/api/audit?entity=attachment&entityId=${theirs.body.id}`)).body).toEqual([]);
    expect((await admin.get(`/api/audit?entity=attachment&entityId=${theirs.body.id}`)).body).toHaveLength(1);

    const all = (await managerA.get('/api/audit?limit=500')).body as Array<{ id: number; entity: string; entityId: string }>;
    const hidden = new Set([ticketB.id, customerB, contactB.id]);
    expect(all.filter((e) => hidden.has(e.entityId) || e.entityId === theirs.body.id)).toEqual([]);
    expect(all.some((e) => e.entityId === mine.body.id)).toBe(true);
    expect(all.filter((e) => e.entity === 'ticket' && e.entityId === ticketA.id).length).toBe(6);
    expect(all.some((e) => e.entity === 'customer' && e.entityId === customerA)).toBe(true);

    // Keyset paging over the filtered rows: full pages, no gaps, no repeats.
    const paged: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = (await managerA.get(`/api/audit?limit=3${before ? `&before=${before}` : ''}`)).body as Array<{ id: number }>;
      paged.push(...page.map((e) => e.id));
      if (page.length < 3) break;
      before = page.at(-1)!.id;
    }
    expect(paged).toEqual(all.map((e) => e.id));
  });
});

describe('a customer sees their organisation in its own shape (17)', () => {
  it('leaves out notes, routing center and service level for customer users; staff keep them', async () => {
    await admin.patch(`/api/customers/${customerA}`, { notes: '内部备注：付款慢' });
    const user = await t.as('customer_user', { customerId: customerA });
    const detail = await user.get(`/api/customers/${customerA}`);
    expect(detail.status).toBe(200);
    for (const field of ['notes', 'centerId', 'slaPolicyId']) expect(detail.body).not.toHaveProperty(field);
    expect(JSON.stringify(detail.body)).not.toContain('付款慢');
    expect(detail.body).toMatchObject({ id: customerA, contacts: expect.any(Array), sites: expect.any(Array) });
    const list = await user.get('/api/customers');
    expect(list.body).toHaveLength(1);
    for (const field of ['notes', 'centerId', 'slaPolicyId']) expect(list.body[0]).not.toHaveProperty(field);

    const staff = await dispatcherA.get(`/api/customers/${customerA}`);
    expect(staff.body).toMatchObject({ notes: '内部备注：付款慢', centerId: provinceA });
    expect(staff.body).toHaveProperty('slaPolicyId');
    expect((await dispatcherA.get('/api/customers?limit=500')).body.find((c: { id: string }) => c.id === customerA)).toHaveProperty('notes');
  });

  it('documents both shapes in OpenAPI', async () => {
    const doc = (await admin.get('/api/openapi.json')).body;
    const json = JSON.stringify(doc.paths['/api/customers/{id}'].get.responses['200']);
    expect(json).toMatch(/anyOf|oneOf/);
    expect(json).toContain('notes');
    expect(json).toContain('contacts');
  });
});
