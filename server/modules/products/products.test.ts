import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog, slaPolicies } from '../../db/schema';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let manager: Client;
let dispatcher: Client;

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.as('manager');
  dispatcher = await t.as('dispatcher');
});
afterAll(() => t?.close());

const product = (fields: Record<string, unknown> = {}) => ({ model: 'H68N', name: '智能柜员机', maker: 'GRG', category: 'hardware', ...fields });

describe('products', () => {
  it('creates, reads, lists with the unit count, and audits', async () => {
    const created = await manager.post('/api/products', product({ model: 'H68N-A', versions: ['1.0', '1.1'], spareParts: [{ partNumber: 'CR-01', name: '读卡器' }] }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ model: 'H68N-A', maker: 'GRG', warrantyMonths: 12, versions: ['1.0', '1.1'], deviceCount: 0, slaPolicyId: null });
    expect(created.body.spareParts).toEqual([{ partNumber: 'CR-01', name: '读卡器', quantity: 1 }]);
    const id = created.body.id;
    expect((await dispatcher.get(`/api/products/${id}`)).body.model).toBe('H68N-A');
    const customer = await t.factory.customer();
    await dispatcher.post('/api/devices', { productId: id, serial: 'P-CNT-1', customerId: customer.id });
    await dispatcher.post('/api/devices', { productId: id, serial: 'P-CNT-2', customerId: customer.id });
    const list = (await dispatcher.get('/api/products')).body as { id: string; deviceCount: number }[];
    expect(list.find((p) => p.id === id)?.deviceCount).toBe(2);
    const audits = await t.services.db.select().from(auditLog).where(and(eq(auditLog.entity, 'product'), eq(auditLog.entityId, id)));
    expect(audits.map((a) => a.action)).toEqual(['created']);
  });

  it('refuses a duplicate (maker, model) whatever its case, an unknown SLA policy, and writes by a dispatcher', async () => {
    await manager.post('/api/products', product({ model: 'DUP-1', maker: 'Acme' }));
    const dup = await manager.post('/api/products', product({ model: 'dup-1', maker: 'ACME' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error.key).toBe('product.model_taken');
    expect(dup.body.error.details.fields[0]).toMatchObject({ path: 'model', key: 'field.taken' });
    // Another maker's model of the same name is another product.
    expect((await manager.post('/api/products', product({ model: 'DUP-1', maker: 'Other' }))).status).toBe(201);
    const noPolicy = await manager.post('/api/products', product({ model: 'NP-1', slaPolicyId: '00000000-0000-4000-8000-000000000000' }));
    expect(noPolicy.status).toBe(400);
    expect(noPolicy.body.error.details.fields[0]).toMatchObject({ path: 'slaPolicyId', key: 'field.no_such_sla_policy' });
    expect((await dispatcher.post('/api/products', product({ model: 'NP-2' }))).status).toBe(403);
    const bad = await manager.post('/api/products', product({ model: '', category: 'food' }));
    expect(bad.status).toBe(400);
  });

  it('patches what is sent; {} changes nothing; a rename onto another model is a conflict', async () => {
    const [policy] = await t.services.db.select({ id: slaPolicies.id }).from(slaPolicies).limit(1);
    const a = (await manager.post('/api/products', product({ model: 'PA-1', notes: '备注' }))).body;
    await manager.post('/api/products', product({ model: 'PA-2' }));
    const patched = await manager.patch(`/api/products/${a.id}`, { warrantyMonths: 36, slaPolicyId: policy!.id, notes: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ model: 'PA-1', warrantyMonths: 36, slaPolicyId: policy!.id, notes: null, name: '智能柜员机' });
    const empty = await manager.patch(`/api/products/${a.id}`, {});
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(patched.body);
    const audits = await t.services.db.select().from(auditLog).where(and(eq(auditLog.entity, 'product'), eq(auditLog.entityId, a.id)));
    expect(audits.map((x) => x.action)).toEqual(['created', 'updated']);
    const clash = await manager.patch(`/api/products/${a.id}`, { model: 'pa-2' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.key).toBe('product.model_taken');
    expect((await manager.patch('/api/products/00000000-0000-4000-8000-000000000000', { name: 'x' })).status).toBe(404);
    expect((await manager.patch(`/api/products/${a.id}`, { model: null })).status).toBe(400);
  });

  it("shows a customer user only their own devices' products, counted over theirs; another's is 404", async () => {
    const mine = (await manager.post('/api/products', product({ model: 'TEN-MINE' }))).body;
    const theirs = (await manager.post('/api/products', product({ model: 'TEN-THEIRS' }))).body;
    const user = await t.as('customer_user');
    const other = await t.factory.customer();
    await dispatcher.post('/api/devices', { productId: mine.id, serial: 'TEN-1', customerId: user.user.customerId });
    await dispatcher.post('/api/devices', { productId: mine.id, serial: 'TEN-2', customerId: other.id });
    await dispatcher.post('/api/devices', { productId: theirs.id, serial: 'TEN-3', customerId: other.id });
    const list = (await user.get('/api/products')).body as { id: string; deviceCount: number }[];
    expect(list.map((p) => p.id)).toEqual([mine.id]);
    expect(list[0]!.deviceCount).toBe(1);
    expect((await user.get(`/api/products/${mine.id}`)).status).toBe(200);
    const hidden = await user.get(`/api/products/${theirs.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.key).toBe('product.not_found');
    expect((await user.post('/api/products', product({ model: 'TEN-X' }))).status).toBe(403);
  });
});
