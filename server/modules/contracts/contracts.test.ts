/**
 * Contracts over HTTP on a real database: create and change with coverage, every bad input keyed,
 * the derived state filtered in SQL around the 90-day edge and the end day (desk time zone),
 * customers reading only their own, and the signed files.
 */
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, contractCoverage, devices, products, sites } from '../../db/schema';
import { addDays } from '../../domain/installed-base/entitlement';
import { createTestApp, FakeClock, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let manager: Client;
let dispatcher: Client;
const clock = new FakeClock('2026-03-02T09:00:00+08:00');
const TODAY = '2026-03-02';

const uid = () => crypto.randomBytes(4).toString('hex');

// A real minimal PDF header is enough for content sniffing.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

async function site(customerId: string) {
  const [row] = await t.services.db.insert(sites).values({ customerId, name: `网点${uid()}` }).returning();
  return row!;
}
async function product() {
  const [row] = await t.services.db.insert(products).values({ model: `M-${uid()}`, name: 'ATM 取款机', category: 'hardware' }).returning();
  return row!;
}
async function device(customerId: string, productId?: string, siteId?: string) {
  const p = productId ?? (await product()).id;
  const [row] = await t.services.db
    .insert(devices)
    .values({ customerId, productId: p, serial: `SN${uid()}`, siteId: siteId ?? null })
    .returning();
  return row!;
}

const base = (customerId: string, extra: Record<string, unknown> = {}) => ({
  number: `HT-${uid()}`,
  title: '2026 年度 ATM 维保合同',
  customerId,
  startsOn: '2026-01-01',
  endsOn: '2026-12-31',
  status: 'active',
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp({ clock, config: { maxUploadBytes: 64 * 1024, sessionTtlHours: 24 * 30 } });
  manager = await t.as('manager');
  dispatcher = await t.as('dispatcher');
}, 180_000);
afterAll(() => t?.close());

describe('create, read and change', () => {
  it('creates a listed contract with its coverage, names everything, and audits', async () => {
    const customer = await t.factory.customer();
    const s = await site(customer.id);
    const p = await product();
    const d = await device(customer.id, p.id, s.id);
    const engineer = await t.factory.user({ role: 'engineer', name: '驻场工程师甲' });
    const res = await manager.post('/api/contracts', {
      ...base(customer.id),
      scope: 'listed',
      coverage: { deviceIds: [d.id, d.id], siteIds: [s.id], productIds: [p.id] },
      residentEngineerIds: [engineer.id],
      accountManagerId: manager.user.id,
      priceCents: 12_800_000,
      inspectionFrequency: 'quarterly',
      notes: '内部备注',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      customer: { id: customer.id, name: customer.name },
      state: 'active',
      scope: 'listed',
      residentEngineers: [{ id: engineer.id, name: '驻场工程师甲' }],
      accountManager: { id: manager.user.id },
      coverageCounts: { devices: 1, sites: 1, products: 1 },
      priceCents: 12_800_000,
      currency: 'CNY',
    });
    const detail = await dispatcher.get(`/api/contracts/${res.body.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.coverage).toEqual({
      devices: [{ id: d.id, serial: d.serial, product: `${p.model} ${p.name}` }],
      sites: [{ id: s.id, name: s.name }],
      products: [{ id: p.id, model: p.model, name: p.name }],
    });
    expect(detail.body).toMatchObject({ attachments: [], remindersSent: [], notes: '内部备注' });
    const entries = await t.services.db.select().from(auditLog).where(eq(auditLog.entityId, res.body.id));
    expect(entries.map((e) => e.action)).toEqual(['created']);
    expect(entries[0]!.after).toMatchObject({ number: res.body.number, deviceIds: [d.id] });
  });

  it('changes only what the patch names; {} changes nothing; coverage is replaced when given', async () => {
    const customer = await t.factory.customer();
    const [d1, d2] = [await device(customer.id), await device(customer.id)];
    const created = (await manager.post('/api/contracts', { ...base(customer.id), scope: 'listed', coverage: { deviceIds: [d1.id] } })).body;
    const audits = async () => (await t.services.db.select().from(auditLog).where(eq(auditLog.entityId, created.id))).length;
    const empty = await manager.patch(`/api/contracts/${created.id}`, {});
    expect(empty.status).toBe(200);
    expect(empty.body.updatedAt).toBe(created.updatedAt);
    expect(await audits()).toBe(1);
    const same = await manager.patch(`/api/contracts/${created.id}`, { title: created.title, coverage: { deviceIds: [d1.id] } });
    expect(same.status).toBe(200);
    expect(await audits()).toBe(1);

    const changed = await manager.patch(`/api/contracts/${created.id}`, { title: '续签', coverage: { deviceIds: [d2.id] } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ title: '续签', number: created.number, endsOn: created.endsOn, coverageCounts: { devices: 1 } });
    const rows = await t.services.db.select().from(contractCoverage).where(eq(contractCoverage.contractId, created.id));
    expect(rows.map((r) => r.targetId)).toEqual([d2.id]);
    expect(await audits()).toBe(2);

    // Whole-customer scope drops the list; back to listed without one is refused.
    const widened = await manager.patch(`/api/contracts/${created.id}`, { scope: 'customer' });
    expect(widened.body.coverageCounts).toEqual({ devices: 0, sites: 0, products: 0 });
    const narrowed = await manager.patch(`/api/contracts/${created.id}`, { scope: 'listed' });
    expect(narrowed.status).toBe(400);
    expect(narrowed.body.error.details.fields[0]).toMatchObject({ path: 'coverage', key: 'field.coverage_required' });

    // Terminating needs the day; un-terminating drops it.
    const terminated = await manager.patch(`/api/contracts/${created.id}`, { status: 'terminated', terminatedOn: '2026-06-30' });
    expect(terminated.body).toMatchObject({ status: 'terminated', terminatedOn: '2026-06-30', state: 'active' });
    const reactivated = await manager.patch(`/api/contracts/${created.id}`, { status: 'active' });
    expect(reactivated.body).toMatchObject({ status: 'active', terminatedOn: null });
  });

  it('answers every bad input with a keyed 4xx naming the field', async () => {
    const customer = await t.factory.customer();
    const other = await t.factory.customer();
    const foreignDevice = await device(other.id);
    const foreignSite = await site(other.id);
    const customerUser = await t.factory.user({ role: 'customer_user', customerId: customer.id });
    const taken = (await manager.post('/api/contracts', base(customer.id))).body;
    const missing = crypto.randomUUID();
    const cases: Array<[string, Record<string, unknown>, number, string, string?]> = [
      ['number taken in another case', { number: taken.number.toLowerCase() }, 409, 'contract.number_taken', 'number'],
      ['end before start', { startsOn: '2026-05-01', endsOn: '2026-04-30' }, 400, 'request.validation', 'body.endsOn'],
      ['no such date', { endsOn: '2026-02-30' }, 400, 'request.validation', 'body.endsOn'],
      ['unknown customer', { customerId: missing }, 400, 'validation.field', 'customerId'],
      ['another customer’s device', { scope: 'listed', coverage: { deviceIds: [foreignDevice.id] } }, 400, 'validation.field', 'coverage.deviceIds'],
      ['another customer’s site', { scope: 'listed', coverage: { siteIds: [foreignSite.id] } }, 400, 'validation.field', 'coverage.siteIds'],
      ['unknown product', { scope: 'listed', coverage: { productIds: [missing] } }, 400, 'validation.field', 'coverage.productIds'],
      ['coverage on a whole-customer contract', { scope: 'customer', coverage: { siteIds: [foreignSite.id] } }, 400, 'validation.field', 'coverage'],
      ['listed without a list', { scope: 'listed' }, 400, 'validation.field', 'coverage'],
      ['customer account as engineer', { residentEngineerIds: [customerUser.id] }, 400, 'validation.field', 'residentEngineerIds.0'],
      ['unknown account manager', { accountManagerId: missing }, 400, 'validation.field', 'accountManagerId'],
      ['unknown policy', { slaPolicyId: missing }, 400, 'validation.field', 'slaPolicyId'],
      ['unknown calendar', { onsiteCalendarId: missing }, 400, 'validation.field', 'onsiteCalendarId'],
      ['terminated without a day', { status: 'terminated' }, 400, 'validation.field', 'terminatedOn'],
      ['termination outside the period', { status: 'terminated', terminatedOn: '2027-01-01' }, 400, 'validation.field', 'terminatedOn'],
      ['termination day on an active contract', { terminatedOn: '2026-06-01' }, 400, 'validation.field', 'terminatedOn'],
      ['bad currency', { currency: 'yuan' }, 400, 'request.validation', 'body.currency'],
      ['negative price', { priceCents: -1 }, 400, 'request.validation', 'body.priceCents'],
    ];
    for (const [name, change, status, key, path] of cases) {
      const res = await manager.post('/api/contracts', { ...base(customer.id), ...change });
      expect(res.status, name).toBe(status);
      expect(res.body.error.key, name).toBe(key);
      if (path) expect(res.body.error.details.fields.map((f: { path: string }) => f.path), name).toContain(path);
    }
    // PATCH checks the period against the stored values.
    const early = await manager.patch(`/api/contracts/${taken.id}`, { endsOn: '2025-12-31' });
    expect(early.status).toBe(400);
    expect(early.body.error.details.fields[0]).toMatchObject({ path: 'endsOn', key: 'field.end_before_start' });
    const late = await manager.patch(`/api/contracts/${taken.id}`, { startsOn: '2027-01-01' });
    expect(late.status).toBe(400);
    const moved = await manager.patch(`/api/contracts/${taken.id}`, { customerId: other.id, number: `  ${taken.number}  ` });
    expect(moved.status).toBe(200);
    expect(moved.body.customer.id).toBe(other.id);
    expect((await manager.patch(`/api/contracts/${crypto.randomUUID()}`, { title: 'x' })).status).toBe(404);
    expect((await manager.get('/api/contracts/not-a-uuid')).status).toBe(400);
  });
});

describe('open tickets', () => {
  it('are judged again in the same write when a contract starts, changes or ends covering them', async () => {
    const customer = await t.factory.customer();
    const ticket = await t.factory.ticket({ customerId: customer.id });
    const entitlement = async () => (await dispatcher.get(`/api/tickets/${ticket.id}`)).body.entitlement;
    expect((await entitlement()).kind).not.toBe('contract');
    const draft = (await manager.post('/api/contracts', base(customer.id, { status: 'draft' }))).body;
    expect((await entitlement()).considered).toEqual([expect.objectContaining({ id: draft.id, verdict: 'draft' })]);
    const active = await manager.patch(`/api/contracts/${draft.id}`, { status: 'active' });
    expect(active.status).toBe(200);
    expect((await entitlement()).contract).toMatchObject({ id: draft.id, number: draft.number });
    await manager.patch(`/api/contracts/${draft.id}`, { title: '改名后的合同' });
    expect((await entitlement()).contract.title).toBe('改名后的合同');
    await manager.patch(`/api/contracts/${draft.id}`, { status: 'terminated', terminatedOn: '2026-03-01' });
    expect(await entitlement()).toMatchObject({ kind: 'none', contract: null, considered: [expect.objectContaining({ verdict: 'terminated' })] });
  });
});

describe('state filter', () => {
  it('derives draft, active, expiring, expired and terminated for today in the desk time zone, in SQL', async () => {
    const customer = await t.factory.customer();
    const make = async (label: string, extra: Record<string, unknown>) =>
      expect((await manager.post('/api/contracts', base(customer.id, { title: label, startsOn: '2025-01-01', ...extra }))).status).toBe(201);
    await Promise.all([
        make('ends in 90 days', { endsOn: addDays(TODAY, 90) }),
        make('ends in 91 days', { endsOn: addDays(TODAY, 91) }),
        make('ends today', { endsOn: TODAY }),
        make('ended yesterday', { endsOn: addDays(TODAY, -1) }),
        make('draft', { endsOn: addDays(TODAY, 10), status: 'draft' }),
        make('terminated today', { status: 'terminated', terminatedOn: TODAY }),
        make('terminated yesterday', { status: 'terminated', terminatedOn: addDays(TODAY, -1) }),
    ]);
    const titles = async (state: string) => {
      const res = await dispatcher.get(`/api/contracts?customerId=${customer.id}&state=${state}`);
      expect(res.status).toBe(200);
      for (const c of res.body) expect(c.state).toBe(state);
      return res.body.map((c: { title: string }) => c.title).sort();
    };
    expect(await titles('expiring')).toEqual(['ends in 90 days', 'ends today']);
    expect(await titles('active')).toEqual(['ends in 91 days', 'terminated today']);
    expect(await titles('expired')).toEqual(['ended yesterday']);
    expect(await titles('draft')).toEqual(['draft']);
    expect(await titles('terminated')).toEqual(['terminated yesterday']);
    expect((await dispatcher.get(`/api/contracts?customerId=${customer.id}`)).body).toHaveLength(7);

    // 23:59 in Beijing is still the end day; midnight there is the day after, whatever UTC says.
    clock.set('2026-03-02T23:59:00+08:00');
    expect(await titles('expired')).toEqual(['ended yesterday']);
    clock.set('2026-03-03T00:00:00+08:00');
    expect(await titles('expired')).toEqual(['ended yesterday', 'ends today']);
    expect(await titles('terminated')).toEqual(['terminated today', 'terminated yesterday']);
    expect(await titles('expiring')).toEqual(['ends in 90 days', 'ends in 91 days']);
    clock.set('2026-03-02T09:00:00+08:00');
  });

  it('searches number and title, any case', async () => {
    const customer = await t.factory.customer();
    const number = `ZX-${uid()}-abc`;
    await manager.post('/api/contracts', base(customer.id, { number, title: '招行全辖维保' }));
    expect((await dispatcher.get(`/api/contracts?q=${encodeURIComponent(number.toUpperCase())}`)).body.map((c: { number: string }) => c.number)).toEqual([number]);
    expect((await dispatcher.get(`/api/contracts?customerId=${customer.id}&q=${encodeURIComponent('全辖')}`)).body).toHaveLength(1);
    expect((await dispatcher.get(`/api/contracts?q=${encodeURIComponent('100%_')}`)).body).toHaveLength(0);
    expect((await dispatcher.get('/api/contracts?state=soon')).status).toBe(400);
  });
});

describe('tenant isolation', () => {
  it('shows customer users their own contracts only, read only, without internal notes', async () => {
    const mine = await t.factory.customer();
    const theirs = await t.factory.customer();
    const own = (await manager.post('/api/contracts', base(mine.id, { notes: '价格底线 90 万' }))).body;
    const foreign = (await manager.post('/api/contracts', base(theirs.id))).body;
    const user = await t.as('customer_user', { customerId: mine.id });
    const list = await user.get('/api/contracts');
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([own.id]);
    expect(list.body[0].notes).toBeNull();
    expect((await user.get(`/api/contracts?customerId=${theirs.id}`)).body).toEqual([]);
    expect((await user.get(`/api/contracts/${own.id}`)).status).toBe(200);
    const other = await user.get(`/api/contracts/${foreign.id}`);
    expect(other.status).toBe(404);
    expect(other.body.error.key).toBe('contract.not_found');
    expect((await user.post('/api/contracts', base(mine.id))).status).toBe(403);
    expect((await user.patch(`/api/contracts/${own.id}`, { title: 'x' })).status).toBe(403);
    expect((await user.upload(`/api/contracts/${own.id}/attachments`, { name: 'a.pdf', content: PDF })).status).toBe(403);
    // Dispatchers read but do not write.
    expect((await dispatcher.post('/api/contracts', base(mine.id))).status).toBe(403);
  });

  it('lets staff change only contracts of customers in their center subtree', async () => {
    const east = await t.factory.center();
    const west = await t.factory.center();
    const customer = await t.factory.customer({ centerId: west.id });
    const contract = (await manager.post('/api/contracts', base(customer.id))).body;
    const eastManager = await t.as('manager', { centerId: east.id });
    expect((await eastManager.get(`/api/contracts/${contract.id}`)).status).toBe(200);
    // The audit trail names the contract, and shows it only to staff whose scope holds its customer.
    const trail = await manager.get(`/api/audit?entity=contract&entityId=${contract.id}`);
    expect(trail.body.items ?? trail.body).toEqual([expect.objectContaining({ action: 'created', entityLabel: contract.number, entityDetail: customer.name })]);
    const hidden = await eastManager.get(`/api/audit?entity=contract&entityId=${contract.id}`);
    expect(hidden.body.items ?? hidden.body).toEqual([]);
    expect((await eastManager.patch(`/api/contracts/${contract.id}`, { title: 'x' })).status).toBe(404);
    expect((await eastManager.post('/api/contracts', base(customer.id))).status).toBe(404);
  });
});

describe('attachments', () => {
  it('stores the signed PDF, serves it to the customer, refuses wrong types, deletes', async () => {
    const customer = await t.factory.customer();
    const contract = (await manager.post('/api/contracts', base(customer.id))).body;
    const url = `/api/contracts/${contract.id}/attachments`;
    const up = await manager.upload(url, { name: '../合同 盖章版.pdf', content: PDF, type: 'text/html' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ filename: '合同 盖章版.pdf', contentType: 'application/pdf', size: PDF.length, uploadedBy: { id: manager.user.id } });
    const detail = (await manager.get(`/api/contracts/${contract.id}`)).body;
    expect(detail.attachments.map((a: { id: string }) => a.id)).toEqual([up.body.id]);

    const user = await t.as('customer_user', { customerId: customer.id });
    const down = await t.app.inject({ url: `${url}/${up.body.id}`, headers: { cookie: user.cookie! } });
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PDF)).toBe(true);
    expect(down.headers['content-type']).toBe('application/pdf');
    expect(down.headers['content-disposition']).toMatch(/^attachment; filename="__ ___.pdf"; filename\*=UTF-8''/);
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    expect((await user.get(`/api/contracts/${contract.id}`)).body.attachments[0]).toMatchObject({ id: up.body.id, uploadedBy: null });
    const stranger = await t.as('customer_user');
    expect((await stranger.get(`${url}/${up.body.id}`)).status).toBe(404);
    // The attachment must belong to that contract.
    const otherContract = (await manager.post('/api/contracts', base(customer.id))).body;
    expect((await manager.get(`/api/contracts/${otherContract.id}/attachments/${up.body.id}`)).status).toBe(404);

    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]);
    exe.writeUInt32LE(64, 0x3c);
    Buffer.from('PE\0\0').copy(exe, 64);
    const refused = await manager.upload(url, { name: '合同.pdf', content: exe });
    expect(refused.status).toBe(415);
    expect(refused.body.error.code).toBe('unsupported_media_type');
    const html = await manager.upload(url, { name: 'x.txt', content: '<html><script>1</script></html>' });
    expect(html.status).toBe(415);
    const big = await manager.upload(url, { name: 'big.log', content: 'x'.repeat(65 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error.key).toBe('attachment.too_large');
    const none = await manager.post(url, {});
    expect(none.status).toBe(415);
    expect(none.body.error.key).toBe('attachment.multipart_required');
    expect((await manager.upload(`/api/contracts/${crypto.randomUUID()}/attachments`, { name: 'a.pdf', content: PDF })).status).toBe(404);
    expect((await manager.get(`/api/contracts/${contract.id}`)).body.attachments).toHaveLength(1);

    expect((await user.delete(`${url}/${up.body.id}`)).status).toBe(403);
    const removed = await manager.delete(`${url}/${up.body.id}`);
    expect(removed.status).toBe(204);
    expect((await manager.get(`${url}/${up.body.id}`)).status).toBe(404);
    expect((await manager.delete(`${url}/${up.body.id}`)).status).toBe(404);
    const fs = await import('node:fs');
    const path = await import('node:path');
    const stored = fs.readdirSync(path.join(t.config.dataDir, 'attachments'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(stored).toEqual([]);
    const actions = (await t.services.db.select().from(auditLog).where(eq(auditLog.entityId, up.body.id)).orderBy(auditLog.id)).map((e) => e.action);
    expect(actions).toEqual(['uploaded', 'deleted']);
  });

  it('answers odd multipart bodies with a keyed 4xx, keeping no temporary file', async () => {
    const customer = await t.factory.customer();
    const contract = (await manager.post('/api/contracts', base(customer.id))).body;
    const boundary = 'fuzzboundary42';
    const field = (name: string, value: string) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const file = (filename: string, content: Buffer | string = PDF) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: application/pdf\r\n\r\n`),
        Buffer.from(content),
        Buffer.from('\r\n'),
      ]);
    const end = `--${boundary}--\r\n`;
    const bodies: Array<[string, Buffer, string?]> = [
      ['NUL in the filename', Buffer.concat([file('a\u0000.pdf'), Buffer.from(end)])],
      ['two files', Buffer.concat([file('a.pdf'), file('b.pdf'), Buffer.from(end)])],
      ['an empty file', Buffer.concat([file('empty.pdf', ''), Buffer.from(end)])],
      ['fields only', Buffer.from(field('note', 'x') + end)],
      ['eleven fields', Buffer.concat([Buffer.from(Array.from({ length: 11 }, (_, i) => field(`f${i}`, 'x')).join('')), file('a.pdf'), Buffer.from(end)])],
      ['cut inside the file', file('a.pdf').subarray(0, 80)],
      ['nothing', Buffer.alloc(0)],
      ['no boundary in the header', Buffer.concat([file('a.pdf'), Buffer.from(end)]), 'multipart/form-data'],
    ];
    for (const [label, payload, contentType] of bodies) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/contracts/${contract.id}/attachments`,
        headers: { cookie: manager.cookie!, 'content-type': contentType ?? `multipart/form-data; boundary=${boundary}` },
        payload,
      });
      expect(res.statusCode, label).toBeLessThan(500);
      if (res.statusCode >= 400) expect(typeof res.json().error?.key, label).toBe('string');
    }
    const fs = await import('node:fs');
    const tmp = t.services.contracts.uploadTmpDir;
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
  });
});
