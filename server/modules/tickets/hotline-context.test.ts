/**
 * The ticket has what the agent needs: the calling number, the contact card, moving a ticket to
 * another customer (re-scoping, SLA re-derived), and the hotline form's context — the caller's
 * open and recent tickets with likely duplicates, and the due-time preview.
 */
import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, tickets } from '../../db/schema';
import { FakeClock } from '../../platform/clock';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { meaningfulTokens, titlesAlike } from './hotline-context';

const clock = new FakeClock('2026-03-02T10:00:00+08:00'); // a Monday, working hours
let t: TestApp;
let dispatcher: Client;
let policies: Array<{ id: string; key: string }>;

beforeAll(async () => {
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365 } });
  dispatcher = await t.as('dispatcher');
  policies = (await (await t.as('admin')).get('/api/sla-policies')).body;
});
afterAll(() => t?.close());

const hoursAgo = (h: number) => new Date(clock.now().getTime() - h * 3_600_000).toISOString();
const ticket = (customerId: string, extra: Record<string, unknown> = {}) => ({ title: 'ATM 吞卡', severity: 'P2', channel: 'phone', customerId, ...extra });

async function scene() {
  const customer = await t.factory.customer();
  const contact = await t.services.customers.addContact(await t.factory.actor(), customer.id, {
    name: '王经理',
    email: 'wang@bank.example',
    phones: ['138-0013-8000', '010-6552 1234 转 8001'],
  });
  const site = await t.services.customers.addSite(await t.factory.actor(), customer.id, { name: '朝阳支行', address: '北京市朝阳区建国路 1 号' });
  return { customer, contact, site };
}

describe('the calling number and the contact card', () => {
  it('stores the number typed in the lookup (full-width digits as ASCII) and shows the contact phones, e-mail and site address', async () => {
    const { customer, contact, site } = await scene();
    const created = await dispatcher.post('/api/tickets', ticket(customer.id, { contactId: contact.id, siteId: site.id, callerNumber: '  １３９ ０００１  ２２２２ ' }));
    expect(created.status).toBe(201);
    expect(created.body.callerNumber).toBe('139 0001 2222');
    const [row] = await t.services.db.select({ n: tickets.callerNumber }).from(tickets).where(eq(tickets.id, created.body.id));
    expect(row!.n).toBe('139 0001 2222');
    const shown = (await dispatcher.get(`/api/tickets/${created.body.id}`)).body;
    expect(shown.callerNumber).toBe('139 0001 2222');
    expect(shown.contactCard).toEqual({
      contact: { id: contact.id, name: '王经理', title: null, phones: ['010-6552 1234 转 8001', '138-0013-8000'], email: 'wang@bank.example' },
      site: { id: site.id, name: '朝阳支行', address: '北京市朝阳区建国路 1 号', region: null },
    });
    // The customer's own user sees the card of their contact, not the desk's intake record.
    const portal = await t.as('customer_user', { customerId: customer.id });
    const theirs = (await portal.get(`/api/tickets/${created.body.id}`)).body;
    expect(theirs.callerNumber).toBeNull();
    expect(theirs.contactCard.contact.phones).toHaveLength(2);
    // A ticket without contact or site, and without a number.
    const bare = (await dispatcher.post('/api/tickets', ticket(customer.id))).body;
    expect(bare.callerNumber).toBeNull();
    expect(bare.contactCard).toEqual({ contact: null, site: null });
    // The list stays lean.
    const list = (await dispatcher.get(`/api/tickets?customerId=${customer.id}`)).body.items;
    expect(list[0]).not.toHaveProperty('contactCard');
  });

  it('refuses a calling number that is not phone-like, naming the field', async () => {
    const { customer } = await scene();
    for (const bad of ['abc', '12', '1'.repeat(51), '138<script>']) {
      const res = await dispatcher.post('/api/tickets', ticket(customer.id, { callerNumber: bad }));
      expect(res.status, bad).toBe(400);
      expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.callerNumber']);
    }
    const extension = await dispatcher.post('/api/tickets', ticket(customer.id, { callerNumber: '+86 10 6552-1234 ext. 12' }));
    expect(extension.status).toBe(201);
  });
});

describe('moving a ticket to another customer', () => {
  it('clears the old contact and site, names both customers in the timeline and the audit log', async () => {
    const from = await scene();
    const to = await scene();
    const created = (await dispatcher.post('/api/tickets', ticket(from.customer.id, { contactId: from.contact.id, siteId: from.site.id }))).body;
    const portal = await t.as('customer_user', { customerId: from.customer.id });
    expect((await portal.put(`/api/tickets/${created.id}/follow`)).status).toBe(200);

    const moved = await dispatcher.patch(`/api/tickets/${created.id}`, { customerId: to.customer.id });
    expect(moved.status).toBe(200);
    expect(moved.body.customer.id).toBe(to.customer.id);
    expect(moved.body.contact).toBeNull();
    expect(moved.body.site).toBeNull();
    // The old organisation no longer sees it, nor follows it.
    expect((await portal.get(`/api/tickets/${created.id}`)).status).toBe(404);

    const events = (await dispatcher.get(`/api/tickets/${created.id}/events`)).body as Array<{ kind: string; data: any }>;
    const changed = events.find((e) => e.kind === 'field_changed')!;
    expect(changed.data.changes.customerId).toEqual({ from: { id: from.customer.id, name: from.customer.name }, to: { id: to.customer.id, name: to.customer.name } });
    expect(changed.data.changes.contactId).toEqual({ from: { id: from.contact.id, name: '王经理' }, to: null });
    expect(changed.data.changes.siteId).toEqual({ from: { id: from.site.id, name: '朝阳支行' }, to: null });
    const [audit] = await t.services.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, created.id), eq(auditLog.action, 'updated')))
      .orderBy(desc(auditLog.id));
    expect(audit!.before).toEqual({ customerId: from.customer.id, contactId: from.contact.id, siteId: from.site.id });
    expect(audit!.after).toEqual({ customerId: to.customer.id, contactId: null, siteId: null });

    // With the new customer's contact and site it is taken in one go.
    const again = await dispatcher.patch(`/api/tickets/${created.id}`, { customerId: from.customer.id, contactId: from.contact.id, siteId: from.site.id });
    expect(again.status).toBe(200);
    expect(again.body.contactCard.contact.id).toBe(from.contact.id);
    expect(again.body.contactCard.site.address).toBe('北京市朝阳区建国路 1 号');
  });

  it("refuses another customer's contact or site (400), an unknown customer (400), a customer user (403), a customer outside the writer's centers (403), a ticket they cannot see (404)", async () => {
    const a = await scene();
    const b = await scene();
    const created = (await dispatcher.post('/api/tickets', ticket(a.customer.id, { contactId: a.contact.id }))).body;

    const wrongContact = await dispatcher.patch(`/api/tickets/${created.id}`, { customerId: b.customer.id, contactId: a.contact.id });
    expect(wrongContact.status).toBe(400);
    expect(wrongContact.body.error.details.fields).toEqual([expect.objectContaining({ path: 'contactId', key: 'field.not_customer_contact' })]);
    const wrongSite = await dispatcher.patch(`/api/tickets/${created.id}`, { customerId: b.customer.id, siteId: a.site.id });
    expect(wrongSite.status).toBe(400);
    expect(wrongSite.body.error.details.fields).toEqual([expect.objectContaining({ path: 'siteId', key: 'field.not_customer_site' })]);
    // Without a customer change, a contact of another customer is refused as before.
    expect((await dispatcher.patch(`/api/tickets/${created.id}`, { contactId: b.contact.id })).status).toBe(400);
    const unknown = await dispatcher.patch(`/api/tickets/${created.id}`, { customerId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields).toEqual([expect.objectContaining({ path: 'customerId', key: 'field.no_such_customer' })]);
    expect((await dispatcher.patch(`/api/tickets/${created.id}`, { customerId: 'nope' })).status).toBe(400);

    const portal = await t.as('customer_leader', { customerId: a.customer.id });
    expect((await portal.patch(`/api/tickets/${created.id}`, { customerId: b.customer.id })).status).toBe(403);

    // Centers: north ⊃ beijing; south elsewhere.
    const north = await t.factory.center({ level: 'regional' });
    const beijing = await t.factory.center({ level: 'provincial', parentId: north.id });
    const south = await t.factory.center({ level: 'regional' });
    const northCustomer = await t.factory.customer({ centerId: beijing.id });
    const southCustomer = await t.factory.customer({ centerId: south.id });
    const northDispatcher = await t.as('dispatcher', { centerId: north.id });
    const own = (await northDispatcher.post('/api/tickets', ticket(northCustomer.id))).body;
    const outside = await northDispatcher.patch(`/api/tickets/${own.id}`, { customerId: southCustomer.id });
    expect(outside.status).toBe(403);
    expect(outside.body.error.key).toBe('scope.ticket_customer_forbidden');
    expect((await northDispatcher.patch(`/api/tickets/${own.id}`, { customerId: a.customer.id })).status).toBe(200); // no center: anyone's
    const southTicket = (await dispatcher.post('/api/tickets', ticket(southCustomer.id))).body;
    expect((await northDispatcher.patch(`/api/tickets/${southTicket.id}`, { customerId: northCustomer.id })).status).toBe(404);
    // A parent and its child stay one customer's (detach first): 409 for either.
    const parent = (await dispatcher.post('/api/tickets', ticket(a.customer.id, { title: '全行网点断网' }))).body;
    const child = await dispatcher.post('/api/tickets', ticket(a.customer.id, { title: '朝阳支行断网', parentId: parent.id }));
    expect(child.status).toBe(201);
    for (const id of [parent.id, child.body.id]) {
      const refused = await dispatcher.patch(`/api/tickets/${id}`, { customerId: b.customer.id });
      expect(refused.status).toBe(409);
      expect(refused.body.error.key).toBe('parent.other_customer');
    }
    // Nothing was written by the refusals.
    expect((await dispatcher.get(`/api/tickets/${created.id}`)).body.customer.id).toBe(a.customer.id);
    expect((await dispatcher.get(`/api/tickets/${southTicket.id}`)).body.customer.id).toBe(southCustomer.id);
  });

  it("re-derives the SLA on the new customer's policy (as the due preview said), keeping the report time", async () => {
    const onsite = policies.find((p) => p.key === 'onsite')!;
    const plain = await t.factory.customer();
    const kiosk = (await (await t.as('admin')).post('/api/customers', { name: '自助终端客户 甲', slaPolicyId: onsite.id })).body;
    const created = (await dispatcher.post('/api/tickets', ticket(plain.id, { severity: 'P1', reportedAt: hoursAgo(0.5) }))).body;
    expect(created.slaPolicy.source).toBe('default');

    const moved = (await dispatcher.patch(`/api/tickets/${created.id}`, { customerId: kiosk.id })).body;
    expect(moved.slaPolicy).toMatchObject({ id: onsite.id, source: 'customer' });
    const preview = (await dispatcher.get(`/api/hotline/due-preview?customerId=${kiosk.id}&severity=P1&reportedAt=${encodeURIComponent(created.reportedAt)}`)).body;
    expect(moved.sla.map((m: { milestone: string; dueAt: string | null }) => [m.milestone, m.dueAt])).toEqual(
      preview.milestones.map((m: { milestone: string; dueAt: string | null }) => [m.milestone, m.dueAt]),
    );
    expect(moved.sla.map((m: { milestone: string }) => m.milestone)).not.toEqual(created.sla.map((m: { milestone: string }) => m.milestone));
    // The queue's summary follows too.
    const [row] = await t.services.db.select({ due: tickets.slaDueAt, milestone: tickets.slaMilestone }).from(tickets).where(eq(tickets.id, created.id));
    const next = moved.sla.find((m: { milestone: string }) => m.milestone === row!.milestone);
    expect(row!.due!.toISOString()).toBe(next.dueAt);
  });
});

describe('the hotline form: open and recent tickets, likely duplicates', () => {
  it('lists open and last-30-day tickets, the caller first, and marks title and same-caller duplicates', async () => {
    const { customer, contact, site } = await scene();
    const other = await t.services.customers.addContact(await t.factory.actor(), customer.id, { name: '李工' });
    const otherSite = await t.services.customers.addSite(await t.factory.actor(), customer.id, { name: '海淀支行' });
    const post = async (extra: Record<string, unknown>) => (await dispatcher.post('/api/tickets', ticket(customer.id, extra))).body;
    const atm = await post({ title: '3号ATM读卡器无法读卡', contactId: other.id, siteId: site.id, reportedAt: hoursAgo(72) });
    const printer = await post({ title: '凭条打印机卡纸', contactId: other.id, reportedAt: hoursAgo(48) });
    const mine = await post({ title: '网银登录缓慢', contactId: contact.id, reportedAt: hoursAgo(5) });
    const byNumber = await post({ title: '柜员机黑屏', callerNumber: '010 6552 1234', reportedAt: hoursAgo(2) });
    const cancelled = await post({ title: '咨询对账单', contactId: contact.id, reportedAt: hoursAgo(24 * 10) });
    await dispatcher.post(`/api/tickets/${cancelled.id}/transitions`, { to: 'cancelled' });
    const old = await post({ title: '很久以前', reportedAt: hoursAgo(24 * 40) });
    await dispatcher.post(`/api/tickets/${old.id}/transitions`, { to: 'cancelled' });
    await dispatcher.post('/api/tickets', ticket((await t.factory.customer()).id, { title: 'ATM 读卡器故障' })); // another customer's

    const q = (params: Record<string, string>) => dispatcher.get(`/api/hotline/tickets?${new URLSearchParams({ customerId: customer.id, ...params })}`);
    const res = await q({ contactId: contact.id, title: 'ATM 读卡器故障', callerNumber: '01065521234' });
    expect(res.status).toBe(200);
    const rows = res.body.items as Array<{ id: string; open: boolean; sameCaller: boolean; duplicate: string | null }>;
    // Open first (the caller's own first, newest first), then the recent closed ones; 40 days ago is out.
    expect(rows.map((r) => r.id)).toEqual([byNumber.id, mine.id, printer.id, atm.id, cancelled.id]);
    expect(rows.map((r) => [r.open, r.sameCaller, r.duplicate])).toEqual([
      [true, true, 'caller'],
      [true, true, 'caller'],
      [true, false, null],
      [true, false, 'title'],
      [false, true, null],
    ]);
    // With another site chosen the ATM ticket is not a title duplicate; without the caller, no caller duplicates.
    const elsewhere = (await q({ siteId: otherSite.id, title: 'ATM 读卡器故障' })).body.items as typeof rows;
    expect(elsewhere.filter((r) => r.duplicate)).toEqual([]);
    // A customer with nothing: an empty list.
    expect((await dispatcher.get(`/api/hotline/tickets?customerId=${(await t.factory.customer()).id}`)).body.items).toEqual([]);
    // Bad input is a 400 naming the field.
    const bad = await dispatcher.get('/api/hotline/tickets?customerId=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].path).toContain('customerId');
  });

  it('compares titles by words and Chinese character pairs, not single characters', () => {
    const tokens = (...list: string[]) => meaningfulTokens(list);
    expect(titlesAlike(tokens('atm', '读卡', '卡器', '器故', '故障', '读', '卡'), tokens('3', 'atm', '读卡', '卡器', '器无', '无法', '法读'))).toBe(true);
    expect(titlesAlike(tokens('打印', '印机', '打', '印', '机'), tokens('凭条', '条打', '打印', '印机', '机卡', '卡纸'))).toBe(true);
    expect(titlesAlike(tokens('网银', '银登', '登录', '网'), tokens('网点', '点断', '断网', '网'))).toBe(false);
    expect(titlesAlike(tokens(), tokens('atm'))).toBe(false);
  });

  it("is scoped: staff of another center subtree see none of the customer's tickets, customers may not ask", async () => {
    const north = await t.factory.center({ level: 'regional' });
    const south = await t.factory.center({ level: 'regional' });
    const customer = await t.factory.customer({ centerId: north.id });
    await dispatcher.post('/api/tickets', ticket(customer.id, { title: 'ATM 读卡器故障' }));
    const northStaff = await t.as('dispatcher', { centerId: north.id });
    const southStaff = await t.as('engineer', { centerId: south.id });
    expect((await northStaff.get(`/api/hotline/tickets?customerId=${customer.id}`)).body.items).toHaveLength(1);
    expect((await southStaff.get(`/api/hotline/tickets?customerId=${customer.id}&title=ATM`)).body.items).toEqual([]);
    const portal = await t.as('customer_user', { customerId: customer.id });
    expect((await portal.get(`/api/hotline/tickets?customerId=${customer.id}`)).status).toBe(403);
    expect((await portal.get(`/api/hotline/due-preview?customerId=${customer.id}&severity=P1`)).status).toBe(403);
  });
});

describe('due-time preview', () => {
  it('gives the due times the created ticket then gets, on the business calendars, for the default and a customer policy', async () => {
    const onsite = policies.find((p) => p.key === 'onsite')!;
    const plain = await t.factory.customer();
    const kiosk = (await (await t.as('admin')).post('/api/customers', { name: '自助终端客户 乙', slaPolicyId: onsite.id })).body;
    // Now (Monday 10:00), and a Saturday evening report (outside working hours).
    for (const reportedAt of [undefined, '2026-02-28T19:30:00+08:00']) {
      for (const [customerId, severity, source] of [
        [plain.id, 'P3', 'default'],
        [kiosk.id, 'P1', 'customer'],
        [kiosk.id, 'P3', 'customer'],
      ] as const) {
        const query = new URLSearchParams({ customerId, severity, ...(reportedAt ? { reportedAt } : {}) });
        const preview = await dispatcher.get(`/api/hotline/due-preview?${query}`);
        expect(preview.status).toBe(200);
        expect(preview.body.severity).toBe(severity);
        expect(preview.body.policy.source).toBe(source);
        expect(preview.body.milestones.length).toBeGreaterThan(0);
        const created = (await dispatcher.post('/api/tickets', ticket(customerId, { severity, reportedAt }))).body;
        expect(created.sla.map((m: { milestone: string; dueAt: string | null; targetMinutes: number }) => [m.milestone, m.dueAt, m.targetMinutes])).toEqual(
          preview.body.milestones.map((m: { milestone: string; dueAt: string | null; targetMinutes: number }) => [m.milestone, m.dueAt, m.targetMinutes]),
        );
      }
    }
  });

  it('refuses what it cannot answer: unknown customer 404, bad severity or time 400', async () => {
    const customer = await t.factory.customer();
    expect((await dispatcher.get('/api/hotline/due-preview?customerId=00000000-0000-4000-8000-000000000000&severity=P1')).status).toBe(404);
    const badSeverity = await dispatcher.get(`/api/hotline/due-preview?customerId=${customer.id}&severity=P9`);
    expect(badSeverity.status).toBe(400);
    expect((await dispatcher.get(`/api/hotline/due-preview?customerId=${customer.id}&severity=P1&reportedAt=yesterday`)).status).toBe(400);
  });
});
