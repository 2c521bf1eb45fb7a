/**
 * The installed base on tickets (issue 11): entitlement at intake, the policy chain, naming devices,
 * a ticket moved to another customer, contract changes, the second-failure rule and its proposals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { contractCoverage, contracts, deviceEvents, devices, outbox, products, replacementProposals, ticketEvents, tickets } from '../../db/schema';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { refreshOpenTicketEntitlements } from './entitlements';

let t: TestApp;
let admin: Client;
let dispatcher: Client;
let manager: Client;
let gold: { id: string; name: string };
let silver: { id: string; name: string };

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('admin');
  dispatcher = await t.as('dispatcher');
  manager = await t.as('manager');
  const policies = (await admin.get('/api/sla-policies')).body as Array<{ id: string; isDefault: boolean; definition: unknown }>;
  const definition = policies.find((p) => p.isDefault)!.definition;
  const make = async (key: string, name: string) => {
    const res = await admin.post('/api/sla-policies', { key, name, definition });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, name };
  };
  gold = await make(`gold-${Date.now()}`, '金牌合同服务');
  silver = await make(`silver-${Date.now()}`, '产品标准服务');
});
afterAll(() => t?.close());

let n = 0;
async function product(fields: Partial<typeof products.$inferInsert> = {}) {
  const [row] = await t.services.db
    .insert(products)
    .values({ model: `ATM-${++n}-${Math.random().toString(36).slice(2, 6)}`, name: '自助取款机', category: 'hardware', warrantyMonths: 12, ...fields })
    .returning();
  return row!;
}
async function device(customerId: string, fields: Partial<typeof devices.$inferInsert> = {}) {
  const productId = fields.productId ?? (await product()).id;
  const [row] = await t.services.db
    .insert(devices)
    .values({ productId, serial: `SN${++n}${Math.random().toString(36).slice(2, 8).toUpperCase()}`, customerId, warrantyEndsOn: '2099-12-31', ...fields })
    .returning();
  return row!;
}
async function contract(customerId: string, fields: Partial<typeof contracts.$inferInsert> = {}, cover: Array<['device' | 'site' | 'product', string]> = []) {
  const [row] = await t.services.db
    .insert(contracts)
    .values({ number: `HT-${++n}-${Math.random().toString(36).slice(2, 6)}`, title: '年度维保', customerId, startsOn: '2020-01-01', endsOn: '2099-12-31', status: 'active', ...fields })
    .returning();
  if (cover.length) await t.services.db.insert(contractCoverage).values(cover.map(([kind, targetId]) => ({ contractId: row!.id, kind, targetId })));
  return row!;
}
const create = (client: Client, body: Record<string, unknown>) => client.post('/api/tickets', { title: '取款机吞卡', severity: 'P2', channel: 'phone', ...body });

describe('entitlement at intake and the policy chain', () => {
  it('a device under warranty without a contract: 保修期内, the customer’s or the default policy', async () => {
    const customer = await t.factory.customer();
    const unit = await device(customer.id);
    const res = await create(dispatcher, { customerId: customer.id, deviceIds: [unit.id] });
    expect(res.status).toBe(201);
    expect(res.body.entitlement).toMatchObject({ kind: 'warranty', underWarranty: true, contract: null, billable: false });
    expect(res.body.devices).toEqual([expect.objectContaining({ id: unit.id, serial: unit.serial, warrantyEndsOn: '2099-12-31', status: 'in_service' })]);
    expect(res.body.slaPolicy.source).toBe('default');
  });

  it('a covering contract chooses the policy, before the product and the customer', async () => {
    const customer = await t.factory.customer();
    await t.services.customers.update(await t.factory.actor(), customer.id, { slaPolicyId: silver.id });
    const model = await product({ slaPolicyId: silver.id });
    const unit = await device(customer.id, { productId: model.id });
    // Product link first (no contract yet): product's policy, source product.
    const byProduct = await create(dispatcher, { customerId: customer.id, deviceIds: [unit.id] });
    expect(byProduct.body.slaPolicy).toMatchObject({ id: silver.id, source: 'product' });
    const withoutDevice = await create(dispatcher, { customerId: customer.id });
    expect(withoutDevice.body.slaPolicy).toMatchObject({ id: silver.id, source: 'customer' });
    expect(withoutDevice.body.entitlement.kind).toBe('none');
    const covering = await contract(customer.id, { slaPolicyId: gold.id });
    const byContract = await create(dispatcher, { customerId: customer.id, deviceIds: [unit.id] });
    expect(byContract.body.entitlement).toMatchObject({ kind: 'contract', underWarranty: true, contract: { id: covering.id, number: covering.number, slaPolicyId: gold.id } });
    expect(byContract.body.slaPolicy).toMatchObject({ id: gold.id, name: gold.name, source: 'contract' });
    const [row] = await t.services.db.select({ contractId: tickets.contractId }).from(tickets).where(eq(tickets.id, byContract.body.id));
    expect(row!.contractId).toBe(covering.id);
    // A policy set on the ticket itself still wins.
    const own = await manager.patch(`/api/tickets/${byContract.body.id}`, { slaPolicyId: silver.id });
    expect(own.body.slaPolicy).toMatchObject({ id: silver.id, source: 'ticket' });
  });

  it('overlapping contracts: the newest covering one wins and the others say why', async () => {
    const customer = await t.factory.customer();
    const older = await contract(customer.id, { startsOn: '2021-01-01' });
    const newer = await contract(customer.id, { startsOn: '2022-01-01', slaPolicyId: gold.id });
    const draft = await contract(customer.id, { startsOn: '2023-01-01', status: 'draft' });
    const res = await create(dispatcher, { customerId: customer.id });
    expect(res.body.entitlement.contract.id).toBe(newer.id);
    expect(res.body.entitlement.considered.map((c: { id: string; verdict: string }) => [c.id, c.verdict])).toEqual([
      [newer.id, 'chosen'],
      [draft.id, 'draft'],
      [older.id, 'older'],
    ]);
  });

  it('judges the warranty on the report day in the desk’s time zone', async () => {
    const customer = await t.factory.customer();
    const unit = await device(customer.id, { warrantyEndsOn: '2025-12-31' });
    const lastMinute = await create(dispatcher, { customerId: customer.id, deviceIds: [unit.id], reportedAt: '2025-12-31T23:59:00+08:00' });
    expect(lastMinute.body.entitlement).toMatchObject({ kind: 'warranty', day: '2025-12-31' });
    const nextDay = await create(dispatcher, { customerId: customer.id, deviceIds: [unit.id], reportedAt: '2026-01-01T00:00:00+08:00' });
    expect(nextDay.body.entitlement).toMatchObject({ kind: 'none', day: '2026-01-01', billable: true });
  });

  it('a listed contract covers its device, not the customer’s other units', async () => {
    const customer = await t.factory.customer();
    const covered = await device(customer.id, { warrantyEndsOn: '2020-01-01' });
    const other = await device(customer.id, { warrantyEndsOn: '2020-01-01' });
    const listed = await contract(customer.id, { scope: 'listed' }, [['device', covered.id]]);
    expect((await create(dispatcher, { customerId: customer.id, deviceIds: [covered.id] })).body.entitlement.contract.id).toBe(listed.id);
    const notCovered = await create(dispatcher, { customerId: customer.id, deviceIds: [other.id] });
    expect(notCovered.body.entitlement).toMatchObject({ kind: 'none', billable: true });
    expect(notCovered.body.entitlement.considered[0].verdict).toBe('not_covering');
  });

  it('refuses another customer’s device, a replaced unit, and a customer naming someone else’s device', async () => {
    const customer = await t.factory.customer();
    const stranger = await device((await t.factory.customer()).id);
    const foreign = await create(dispatcher, { customerId: customer.id, deviceIds: [stranger.id] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details.fields[0]).toMatchObject({ path: 'deviceIds.0' });
    const replaced = await device(customer.id, { status: 'replaced' });
    const refused = await create(dispatcher, { customerId: customer.id, deviceIds: [replaced.id] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields[0].key).toBe('field.device_replaced');
    const portal = await t.as('customer_user', { customerId: customer.id });
    const own = await device(customer.id);
    expect((await create(portal, { impact: 'limited', channel: 'portal', deviceIds: [own.id] })).status).toBe(201);
    expect((await create(portal, { impact: 'limited', channel: 'portal', deviceIds: [stranger.id] })).status).toBe(400);
  });

  it('the due preview shows the entitlement and the policy the ticket would get', async () => {
    const customer = await t.factory.customer();
    const unit = await device(customer.id);
    await contract(customer.id, { slaPolicyId: gold.id });
    const res = await dispatcher.get(`/api/hotline/due-preview?customerId=${customer.id}&severity=P1&deviceIds=${unit.id}`);
    expect(res.status).toBe(200);
    expect(res.body.entitlement).toMatchObject({ kind: 'contract', underWarranty: true });
    expect(res.body.policy).toMatchObject({ id: gold.id, source: 'contract' });
    const ticket = await create(dispatcher, { customerId: customer.id, deviceIds: [unit.id], severity: 'P1' });
    expect(ticket.body.slaPolicy).toMatchObject({ id: gold.id, source: 'contract' });
    expect(ticket.body.sla.map((m: { milestone: string }) => m.milestone)).toEqual(res.body.milestones.map((m: { milestone: string }) => m.milestone));
    expect((await dispatcher.get(`/api/hotline/due-preview?customerId=${customer.id}&severity=P1&deviceIds=nope`)).status).toBe(400);
  });
});

describe('naming devices on a ticket', () => {
  it('PUT devices names them, judges again, and writes the timeline', async () => {
    const customer = await t.factory.customer();
    const model = await product({ slaPolicyId: silver.id });
    const unit = await device(customer.id, { productId: model.id });
    const created = await create(dispatcher, { customerId: customer.id });
    expect(created.body.entitlement.kind).toBe('none');
    const named = await dispatcher.put(`/api/tickets/${created.body.id}/devices`, { deviceIds: [unit.id] });
    expect(named.status).toBe(200);
    expect(named.body.devices.map((d: { id: string }) => d.id)).toEqual([unit.id]);
    expect(named.body.entitlement.kind).toBe('warranty');
    expect(named.body.slaPolicy).toMatchObject({ id: silver.id, source: 'product' });
    const lines = await t.services.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, created.body.id));
    expect(lines.find((l) => l.kind === 'devices_changed')?.data).toMatchObject({ added: [{ id: unit.id, serial: unit.serial }], removed: [] });
    expect(lines.find((l) => l.kind === 'entitlement_changed')?.data).toMatchObject({ from: { kind: 'none' }, to: { kind: 'warranty' } });
    // The same list again changes nothing.
    const again = await dispatcher.put(`/api/tickets/${created.body.id}/devices`, { deviceIds: [unit.id] });
    expect(again.status).toBe(200);
    const after = await t.services.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, created.body.id));
    expect(after.length).toBe(lines.length);
    // Removing it: not covered again, the customer's link decides.
    const cleared = await dispatcher.put(`/api/tickets/${created.body.id}/devices`, { deviceIds: [] });
    expect(cleared.body.devices).toEqual([]);
    expect(cleared.body.slaPolicy.source).toBe('default');
  });

  it('customers may not name devices after the fact; another tenant’s ticket is 404', async () => {
    const customer = await t.factory.customer();
    const portal = await t.as('customer_user', { customerId: customer.id });
    const ticket = await t.factory.ticket({ customerId: customer.id });
    expect((await portal.put(`/api/tickets/${ticket.id}/devices`, { deviceIds: [] })).status).toBe(403);
    const otherCenter = await t.factory.center();
    const outsider = await t.as('dispatcher', { centerId: otherCenter.id });
    const placed = await t.factory.center();
    const inside = await t.factory.ticket({ customerId: customer.id, centerId: placed.id });
    expect((await outsider.put(`/api/tickets/${inside.id}/devices`, { deviceIds: [] })).status).toBe(404);
  });

  it('moving a ticket to another customer drops the old customer’s devices and judges again', async () => {
    const first = await t.factory.customer();
    const second = await t.factory.customer();
    await contract(second.id);
    const unit = await device(first.id);
    const created = await create(dispatcher, { customerId: first.id, deviceIds: [unit.id] });
    expect(created.body.entitlement.kind).toBe('warranty');
    const moved = await dispatcher.patch(`/api/tickets/${created.body.id}`, { customerId: second.id });
    expect(moved.status).toBe(200);
    expect(moved.body.devices).toEqual([]);
    expect(moved.body.entitlement.kind).toBe('contract');
  });

  it('a contract added later covers the open tickets and wakes the sweep', async () => {
    const customer = await t.factory.customer();
    const open = await create(dispatcher, { customerId: customer.id });
    const later = await contract(customer.id, { slaPolicyId: gold.id });
    const now = new Date();
    const changed = await t.services.db.transaction((tx) => refreshOpenTicketEntitlements(tx, { timeZone: t.config.timeZone, customerId: customer.id, now }));
    expect(changed).toBe(1);
    const [row] = await t.services.db.select().from(tickets).where(eq(tickets.id, open.body.id));
    expect(row!.contractId).toBe(later.id);
    expect(row!.nextDueAt?.getTime()).toBe(now.getTime());
    expect((await dispatcher.get(`/api/tickets/${open.body.id}`)).body.slaPolicy).toMatchObject({ id: gold.id, source: 'contract' });
    // Nothing changed: nothing written.
    expect(await t.services.db.transaction((tx) => refreshOpenTicketEntitlements(tx, { timeZone: t.config.timeZone, customerId: customer.id, now }))).toBe(0);
  });
});

describe('the second-failure rule', () => {
  async function faultResolved(customerId: string, deviceId: string) {
    const created = await create(dispatcher, { customerId, deviceIds: [deviceId], type: 'fault' });
    const engineer = await t.as('engineer');
    await manager.patch(`/api/tickets/${created.body.id}`, { assigneeId: engineer.user.id });
    await manager.post(`/api/tickets/${created.body.id}/transitions`, { to: 'in_progress' });
    const resolved = await manager.post(`/api/tickets/${created.body.id}/transitions`, { to: 'resolved', note: '已更换读卡模块' });
    expect(resolved.status).toBe(200);
    return created.body.id as string;
  }

  it('the second fault under warranty proposes a replacement once; approving swaps the unit', async () => {
    const center = await t.factory.center();
    const customer = await t.factory.customer({ centerId: center.id });
    const regional = await t.as('manager', { centerId: center.id });
    const model = await product({ warrantyMonths: 24 });
    const unit = await device(customer.id, { productId: model.id, assetTag: 'ZC-001', location: '大厅 2 号机' });
    const first = await faultResolved(customer.id, unit.id);
    await t.services.consumers.drain();
    expect(await t.services.db.select().from(replacementProposals).where(eq(replacementProposals.deviceId, unit.id))).toHaveLength(0);
    const second = await faultResolved(customer.id, unit.id);
    await t.services.consumers.drain();
    const proposals = (await regional.get('/api/replacements?status=pending')).body as Array<{ id: string; device: { id: string }; counted: Array<{ id: string }> }>;
    const mine = proposals.filter((p) => p.device.id === unit.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.counted.map((c) => c.id)).toEqual([first, second]);
    // The managers responsible for the customer's center are told (bell).
    const bells = await t.services.db.select().from(outbox).where(and(eq(outbox.kind, 'replacement_proposed'), eq(outbox.userId, regional.user.id)));
    expect(bells).toHaveLength(1);
    // Reopened and resolved again: still one proposal.
    await manager.post(`/api/tickets/${second}/transitions`, { to: 'in_progress' });
    await manager.post(`/api/tickets/${second}/transitions`, { to: 'resolved', note: '再次处理' });
    await t.services.consumers.drain();
    expect(await t.services.db.select().from(replacementProposals).where(eq(replacementProposals.deviceId, unit.id))).toHaveLength(1);

    // Only managers and administrators decide; a dispatcher cannot.
    expect((await dispatcher.post(`/api/replacements/${mine[0]!.id}/decision`, { decision: 'reject', note: '不同意' })).status).toBe(403);
    const approved = await regional.post(`/api/replacements/${mine[0]!.id}/decision`, { decision: 'approve', newSerial: 'NEW-0001' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', newDevice: { serial: 'NEW-0001' }, decidedBy: { id: regional.user.id } });
    const [old] = await t.services.db.select().from(devices).where(eq(devices.id, unit.id));
    const [fresh] = await t.services.db.select().from(devices).where(eq(devices.id, approved.body.newDevice.id));
    expect(old).toMatchObject({ status: 'replaced', replacedById: fresh!.id });
    expect(fresh).toMatchObject({ status: 'in_service', replacesId: unit.id, assetTag: 'ZC-001', location: '大厅 2 号机', customerId: customer.id, productId: model.id });
    // 三包: the new unit's warranty starts again from the exchange (24 months).
    expect(fresh!.warrantyEndsOn! > old!.warrantyEndsOn! || fresh!.warrantyEndsOn!.startsWith(String(new Date().getFullYear() + 2))).toBe(true);
    const history = await t.services.db.select().from(deviceEvents).where(eq(deviceEvents.deviceId, fresh!.id));
    expect(history.map((h) => h.kind)).toContain('replacement_of');
    // Decided twice: 409; the replaced unit can no longer be named on a new ticket.
    expect((await regional.post(`/api/replacements/${mine[0]!.id}/decision`, { decision: 'reject', note: 'x' })).body.error.key).toBe('replacement.decided');
    expect((await create(dispatcher, { customerId: customer.id, deviceIds: [unit.id] })).status).toBe(400);
  });

  it('rejecting needs a note; a serial already taken is a 409; settings turn the rule off', async () => {
    const customer = await t.factory.customer();
    const model = await product();
    const unit = await device(customer.id, { productId: model.id });
    await device(customer.id, { productId: model.id, serial: 'TAKEN-1' });
    const first = await faultResolved(customer.id, unit.id);
    const second = await faultResolved(customer.id, unit.id);
    // Both resolved before the consumer ran: the first resolution counts only what was resolved by then.
    await t.services.consumers.drain();
    const proposals = await t.services.db.select().from(replacementProposals).where(eq(replacementProposals.deviceId, unit.id));
    expect(proposals).toHaveLength(1);
    const [proposal] = proposals;
    expect(proposal).toMatchObject({ ticketId: second, countedTicketIds: [first, second] });
    expect((await manager.post(`/api/replacements/${proposal!.id}/decision`, { decision: 'reject' })).status).toBe(400);
    const taken = await manager.post(`/api/replacements/${proposal!.id}/decision`, { decision: 'approve', newSerial: 'taken-1' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.key).toBe('device.serial_taken');
    const rejected = await manager.post(`/api/replacements/${proposal!.id}/decision`, { decision: 'reject', note: '客户同意维修' });
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionNote: '客户同意维修' });

    const settings = await manager.get('/api/settings/installed-base');
    expect(settings.body.secondFailure).toMatchObject({ enabled: true, count: 2, window: 'warranty' });
    const off = await manager.put('/api/settings/installed-base', { ...settings.body, secondFailure: { ...settings.body.secondFailure, enabled: false } });
    expect(off.status).toBe(200);
    expect(off.body.secondFailure.enabled).toBe(false);
    const another = await device(customer.id, { productId: model.id });
    await faultResolved(customer.id, another.id);
    await faultResolved(customer.id, another.id);
    await t.services.consumers.drain();
    expect(await t.services.db.select().from(replacementProposals).where(eq(replacementProposals.deviceId, another.id))).toHaveLength(0);
    expect((await manager.put('/api/settings/installed-base', { secondFailure: { count: 1 } })).status).toBe(400);
    expect((await dispatcher.get('/api/settings/installed-base')).status).toBe(403);
    await manager.put('/api/settings/installed-base', { ...settings.body });
  });

  it('counts only faults within the warranty', async () => {
    const customer = await t.factory.customer();
    const unit = await device(customer.id, { warrantyEndsOn: '2020-06-30' });
    await faultResolved(customer.id, unit.id);
    await faultResolved(customer.id, unit.id);
    await t.services.consumers.drain();
    expect(await t.services.db.select().from(replacementProposals).where(eq(replacementProposals.deviceId, unit.id))).toHaveLength(0);
  });
});
