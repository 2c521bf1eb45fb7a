import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import { auditLog, contractCoverage, contracts, deviceEvents, devices, replacementProposals, ticketDevices } from '../../db/schema';
import { createTestApp, FakeClock, type Client, type TestApp } from '../../test/harness';

// 01:00 in Beijing on 16 June is still 15 June in UTC: "today" is the desk's day, 2026-06-16.
const clock = new FakeClock('2026-06-16T01:00:00+08:00');
const TODAY = '2026-06-16';
const NOWHERE = '00000000-0000-4000-8000-000000000000';

let t: TestApp;
let manager: Client;
let dispatcher: Client;
let productId: string;
let otherProductId: string;

beforeAll(async () => {
  t = await createTestApp({ clock });
  manager = await t.as('manager');
  dispatcher = await t.as('dispatcher');
  productId = (await manager.post('/api/products', { model: 'H68N', name: '智能柜员机', maker: 'GRG', category: 'hardware', warrantyMonths: 12 })).body.id;
  otherProductId = (await manager.post('/api/products', { model: 'T-9', name: '排队机', category: 'hardware', warrantyMonths: 24 })).body.id;
});
afterAll(() => t?.close());

const customer = async () => (await t.factory.customer()).id;
const site = async (customerId: string, name = '东单支行') => (await dispatcher.post(`/api/customers/${customerId}/sites`, { name })).body.id as string;
const device = async (fields: Record<string, unknown>) => {
  const res = await dispatcher.post('/api/devices', { productId, ...fields });
  if (res.status !== 201) throw new Error(`device create ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
};
const serials = (body: { items: { serial: string }[] }) => body.items.map((d) => d.serial);
const eventsOf = (id: string) => t.services.db.select().from(deviceEvents).where(eq(deviceEvents.deviceId, id)).orderBy(deviceEvents.id);

describe('device writes', () => {
  it('creates a device: warranty end from the install day and the product, a created event, an audit row', async () => {
    const c = await customer();
    const s = await site(c);
    const res = await dispatcher.post('/api/devices', {
      productId,
      serial: 'CR-0001',
      customerId: c,
      siteId: s,
      installedOn: '2026-01-31',
      assetTag: 'ZC-1',
      softwareVersion: '1.0',
      attributes: { 网点编号: '0101' },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      serial: 'CR-0001',
      product: { id: productId, model: 'H68N', maker: 'GRG', category: 'hardware' },
      customer: { id: c },
      site: { id: s, name: '东单支行' },
      installedOn: '2026-01-31',
      warrantyEndsOn: '2027-01-30',
      warranty: 'in',
      status: 'in_service',
      attributes: { 网点编号: '0101' },
      replaces: null,
      replacedBy: null,
    });
    expect((await eventsOf(res.body.id)).map((e) => e.kind)).toEqual(['created']);
    const audits = await t.services.db.select().from(auditLog).where(and(eq(auditLog.entity, 'device'), eq(auditLog.entityId, res.body.id)));
    expect(audits.map((a) => a.action)).toEqual(['created']);
    // The audit page names the device by its serial and its customer.
    const admin = await t.as('admin');
    const [entry] = (await admin.get(`/api/audit?entity=device&entityId=${res.body.id}`)).body;
    expect([entry.entityLabel, entry.entityParentId]).toEqual(['CR-0001', c]);
    // Given explicitly, the warranty end is kept; without an install day it stays unknown.
    expect((await device({ serial: 'CR-0002', customerId: c, installedOn: '2026-01-31', warrantyEndsOn: '2026-03-01' })).warrantyEndsOn).toBe('2026-03-01');
    expect(await device({ serial: 'CR-0003', customerId: c })).toMatchObject({ warrantyEndsOn: null, warranty: 'unknown' });
  });

  it('refuses bad references and duplicate serials with keyed field errors', async () => {
    const c = await customer();
    const other = await customer();
    const otherSite = await site(other, '别家网点');
    await device({ serial: 'Dup-7', customerId: c });
    const dup = await dispatcher.post('/api/devices', { productId, serial: 'dUP-7', customerId: other });
    expect(dup.status).toBe(409);
    expect(dup.body.error.key).toBe('device.serial_taken');
    expect(dup.body.error.details.fields[0]).toMatchObject({ path: 'serial', key: 'field.taken' });
    // The same serial of another product is another unit.
    expect((await dispatcher.post('/api/devices', { productId: otherProductId, serial: 'DUP-7', customerId: c })).status).toBe(201);
    const noProduct = await dispatcher.post('/api/devices', { productId: NOWHERE, serial: 'X-1', customerId: c });
    expect(noProduct.status).toBe(400);
    expect(noProduct.body.error.details.fields[0]).toMatchObject({ path: 'productId', key: 'field.no_such_product' });
    const foreignSite = await dispatcher.post('/api/devices', { productId, serial: 'X-2', customerId: c, siteId: otherSite });
    expect(foreignSite.status).toBe(400);
    expect(foreignSite.body.error.details.fields[0]).toMatchObject({ path: 'siteId', key: 'field.not_device_customer_site' });
    expect((await dispatcher.post('/api/devices', { productId, serial: 'X-3', customerId: NOWHERE })).status).toBe(404);
    const badDay = await dispatcher.post('/api/devices', { productId, serial: 'X-4', customerId: c, installedOn: '2026-02-30' });
    expect(badDay.status).toBe(400);
    expect(badDay.body.error.details.fields[0].path).toBe('body.installedOn');
    expect((await dispatcher.post('/api/devices', { productId, serial: '   ', customerId: c })).status).toBe(400);
    const customerUser = await t.as('customer_user', { customerId: c });
    expect((await customerUser.post('/api/devices', { productId, serial: 'X-5', customerId: c })).status).toBe(403);
  });

  it('patches: field and version changes, a status change, a move to another customer clears the site; {} changes nothing', async () => {
    const c = await customer();
    const s = await site(c);
    const d = await device({ serial: 'PT-1', customerId: c, siteId: s, softwareVersion: '1.0' });
    const before = (await dispatcher.get(`/api/devices/${d.id}`)).body;
    const empty = await dispatcher.patch(`/api/devices/${d.id}`, {});
    expect(empty.status).toBe(200);
    expect(empty.body.updatedAt).toBe(before.updatedAt);
    const same = await dispatcher.patch(`/api/devices/${d.id}`, { softwareVersion: '1.0', siteId: s });
    expect(same.body.updatedAt).toBe(before.updatedAt);
    expect((await eventsOf(d.id)).map((e) => e.kind)).toEqual(['created']);

    const patched = await dispatcher.patch(`/api/devices/${d.id}`, { softwareVersion: '1.1', firmwareVersion: 'F2', status: 'under_repair', location: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ softwareVersion: '1.1', firmwareVersion: 'F2', status: 'under_repair', site: { id: s } });
    const events = await eventsOf(d.id);
    expect(events.map((e) => e.kind)).toEqual(['created', 'updated', 'status_changed']);
    expect(events[1]!.data).toEqual({ changes: { softwareVersion: ['1.0', '1.1'], firmwareVersion: [null, 'F2'] } });
    expect(events[2]!.data).toEqual({ from: 'in_service', to: 'under_repair' });

    const next = await customer();
    const moved = await dispatcher.patch(`/api/devices/${d.id}`, { customerId: next });
    expect(moved.body).toMatchObject({ customer: { id: next }, site: null });
    const nextSite = await site(next, '新网点');
    expect((await dispatcher.patch(`/api/devices/${d.id}`, { siteId: s })).status).toBe(400);
    expect((await dispatcher.patch(`/api/devices/${d.id}`, { siteId: nextSite })).body.site.id).toBe(nextSite);
    await device({ serial: 'PT-2', customerId: next });
    const clash = await dispatcher.patch(`/api/devices/${d.id}`, { serial: 'pt-2' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.key).toBe('device.serial_taken');
    expect((await dispatcher.patch(`/api/devices/${d.id}`, { productId: NOWHERE })).status).toBe(400);
    expect((await dispatcher.patch(`/api/devices/${NOWHERE}`, { location: 'x' })).status).toBe(404);
    expect((await dispatcher.patch(`/api/devices/${d.id}`, { serial: null })).status).toBe(400);
    // A dispatcher of another center may read the device but not change it.
    const center = await t.factory.center();
    const elsewhere = await t.factory.center();
    const scoped = await t.as('dispatcher', { centerId: center.id });
    const outside = (await t.factory.customer({ centerId: elsewhere.id })).id;
    const far = await device({ serial: 'PT-FAR', customerId: outside });
    expect((await scoped.get(`/api/devices/${far.id}`)).status).toBe(200);
    const refused = await scoped.patch(`/api/devices/${far.id}`, { location: '机房' });
    expect(refused.status).toBe(404);
    expect(refused.body.error.key).toBe('device.not_found');
    expect((await scoped.post('/api/devices', { productId, serial: 'PT-FAR-2', customerId: outside })).status).toBe(404);
  });
});

describe('device list and search', () => {
  let c: string;
  let s: string;
  beforeAll(async () => {
    c = await customer();
    s = await site(c);
    await device({ serial: 'ABC-100', customerId: c, siteId: s, warrantyEndsOn: TODAY });
    await device({ serial: 'abc-200', customerId: c, warrantyEndsOn: '2026-06-15', status: 'retired' });
    await device({ serial: 'ABD-300', customerId: c, assetTag: 'ZC%_01' });
    await device({ serial: 'QQQ-400', customerId: c, assetTag: 'ZCX01', productId: otherProductId });
    await device({ serial: 'A_C-500', customerId: c });
  });

  it('filters by customer, site, product, status and warranty (judged on the desk day)', async () => {
    const list = (q: string) => dispatcher.get(`/api/devices?customerId=${c}${q}`);
    expect(serials((await list('')).body)).toEqual(['A_C-500', 'ABC-100', 'abc-200', 'ABD-300', 'QQQ-400']);
    expect(serials((await list(`&siteId=${s}`)).body)).toEqual(['ABC-100']);
    expect(serials((await list(`&productId=${otherProductId}`)).body)).toEqual(['QQQ-400']);
    expect(serials((await list('&status=retired')).body)).toEqual(['abc-200']);
    expect(serials((await list('&warranty=in')).body)).toEqual(['ABC-100']);
    expect(serials((await list('&warranty=out')).body)).toEqual(['abc-200']);
    expect(serials((await list('&warranty=unknown')).body)).toEqual(['A_C-500', 'ABD-300', 'QQQ-400']);
    const row = (await list('&warranty=in')).body.items[0];
    expect(row.warranty).toBe('in');
  });

  it('matches a serial or asset-tag prefix in any case, with % and _ taken literally', async () => {
    const list = (q: string) => dispatcher.get(`/api/devices?customerId=${c}&q=${encodeURIComponent(q)}`);
    expect(serials((await list('abc')).body)).toEqual(['ABC-100', 'abc-200']);
    expect(serials((await list('ABC-1')).body)).toEqual(['ABC-100']);
    expect(serials((await list('zc')).body)).toEqual(['ABD-300', 'QQQ-400']);
    expect(serials((await list('zc%')).body)).toEqual(['ABD-300']);
    expect(serials((await list('a_')).body)).toEqual(['A_C-500']);
    expect(serials((await list('%')).body)).toEqual([]);
    expect(serials((await list('BC')).body)).toEqual([]);

    const search = (q: string) => dispatcher.get(`/api/devices/search?q=${encodeURIComponent(q)}&customerId=${c}`);
    expect((await search('abc')).body.map((d: { serial: string }) => d.serial)).toEqual(['ABC-100', 'abc-200']);
    expect((await search('ZCX')).body.map((d: { serial: string }) => d.serial)).toEqual(['QQQ-400']);
    expect((await search('zc%')).body.map((d: { serial: string }) => d.serial)).toEqual(['ABD-300']);
    const short = await search('ab');
    expect(short.status).toBe(400);
    expect(short.body.error.details.fields[0].path).toBe('querystring.q');
    const limited = await dispatcher.get(`/api/devices/search?q=ABC&customerId=${c}&limit=1`);
    expect(limited.body.map((d: { serial: string }) => d.serial)).toEqual(['ABC-100']);
  });

  it('pages with an opaque cursor; a forged cursor is a keyed 400', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: { serial: string }[]; nextCursor: string | null } } = await dispatcher.get(
        `/api/devices?customerId=${c}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...serials(res.body));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['A_C-500', 'ABC-100', 'abc-200', 'ABD-300', 'QQQ-400']);
    for (const bad of ['garbage', Buffer.from('{"s":1}').toString('base64url'), Buffer.from('{"s":"a","i":"nope"}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      const res = await dispatcher.get(`/api/devices?cursor=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.error.key).toBe('device.cursor_invalid');
      expect(res.body.error.details.fields[0]).toMatchObject({ path: 'querystring.cursor', key: 'field.cursor_invalid' });
    }
  });

  it('exports the matching devices as a spreadsheet that reads back (English and Chinese)', async () => {
    await dispatcher.patch(`/api/devices/${(await dispatcher.get(`/api/devices?customerId=${c}&q=ABC-100`)).body.items[0].id}`, {
      installedOn: '2025-06-16',
      attributes: { 网点编号: '0101', 机型配置: '标准' },
    });
    const res = await t.app.inject({ method: 'GET', url: `/api/devices/export.xlsx?customerId=${c}&q=abc`, headers: { cookie: dispatcher.cookie! } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const rows = sheet.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual([
      'Serial number', 'Product model', 'Maker', 'Customer', 'Site', 'Location', 'Installed on', 'Warranty ends on',
      'Software version', 'Firmware version', 'Status', 'Asset tag', 'IP address', '机型配置', '网点编号',
    ]);
    expect(rows).toHaveLength(3);
    expect(rows[1]!.slice(0, 8)).toEqual(['ABC-100', 'H68N', 'GRG', expect.any(String), '东单支行', undefined, '2025-06-16', TODAY]);
    expect(rows[1]![10]).toBe('In service');
    expect(rows[1]!.slice(13)).toEqual(['标准', '0101']);
    expect(rows[2]![10]).toBe('Retired');

    const zh = await t.app.inject({ method: 'GET', url: `/api/devices/export.xlsx?customerId=${c}&status=retired`, headers: { cookie: dispatcher.cookie!, 'accept-language': 'zh-CN,zh;q=0.9' } });
    const zhBook = new ExcelJS.Workbook();
    await zhBook.xlsx.load(zh.rawPayload as unknown as ArrayBuffer);
    const zhRows = zhBook.worksheets[0]!.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(zhRows[0]!.slice(0, 3)).toEqual(['序列号', '产品型号', '厂商']);
    expect(zhRows[1]![10]).toBe('已退役');
    const en = await t.app.inject({ method: 'GET', url: `/api/devices/export.xlsx?customerId=${c}&lang=en`, headers: { cookie: dispatcher.cookie!, 'accept-language': 'zh-CN' } });
    const enBook = new ExcelJS.Workbook();
    await enBook.xlsx.load(en.rawPayload as unknown as ArrayBuffer);
    expect(enBook.worksheets[0]!.getRow(1).getCell(1).value).toBe('Serial number');
    expect(enBook.worksheets[0]!.rowCount).toBe(6);
  });
});

describe('the device page', () => {
  it('shows history with the unit it replaced and the tickets that named them, contracts covering it today, an open replacement', async () => {
    const c = await customer();
    const s = await site(c);
    const old = await device({ serial: 'OLD-1', customerId: c, siteId: s, softwareVersion: '1.0' });
    await dispatcher.patch(`/api/devices/${old.id}`, { softwareVersion: '1.2' });
    const fresh = await device({ serial: 'NEW-1', customerId: c, siteId: s });
    await t.services.db.update(devices).set({ replacedById: fresh.id, status: 'replaced' }).where(eq(devices.id, old.id));
    await t.services.db.update(devices).set({ replacesId: old.id }).where(eq(devices.id, fresh.id));
    const ticket = await t.factory.ticket({ customerId: c, title: '读卡器故障', reportedAt: '2026-06-10T09:00:00+08:00' });
    await t.services.db.insert(ticketDevices).values({ ticketId: ticket.id, deviceId: old.id });
    const later = await t.factory.ticket({ customerId: c, title: '吞卡', reportedAt: '2026-06-15T09:00:00+08:00' });
    await t.services.db.insert(ticketDevices).values({ ticketId: later.id, deviceId: fresh.id });
    await t.services.db.insert(replacementProposals).values({ deviceId: fresh.id, ticketId: later.id, countedTicketIds: [later.id] });

    const contract = (fields: Partial<typeof contracts.$inferInsert>) =>
      t.services.db
        .insert(contracts)
        .values({ number: `HT-${Math.random()}`, title: '维保合同', customerId: c, startsOn: '2026-01-01', endsOn: '2026-12-31', status: 'active', ...fields })
        .returning()
        .then((r) => r[0]!);
    const whole = await contract({ title: '全客户', startsOn: '2026-01-01' });
    const bySite = await contract({ title: '按网点', scope: 'listed', startsOn: '2026-03-01' });
    await t.services.db.insert(contractCoverage).values({ contractId: bySite.id, kind: 'site', targetId: s });
    const other = await contract({ title: '别的设备', scope: 'listed' });
    await t.services.db.insert(contractCoverage).values({ contractId: other.id, kind: 'device', targetId: old.id });
    await contract({ title: '已终止', status: 'terminated', terminatedOn: '2026-06-15' });
    const terminatedToday = await contract({ title: '今天终止', status: 'terminated', terminatedOn: TODAY, startsOn: '2025-07-01' });
    await contract({ title: '已结束', endsOn: '2026-06-15', startsOn: '2025-06-16' });
    await contract({ title: '草稿', status: 'draft' });

    const res = await dispatcher.get(`/api/devices/${fresh.id}`);
    expect(res.status).toBe(200);
    const page = res.body;
    expect(page.replaces).toEqual({ id: old.id, serial: 'OLD-1' });
    expect(page.predecessors).toEqual([{ id: old.id, serial: 'OLD-1' }]);
    expect(page.contracts.map((x: { id: string }) => x.id)).toEqual([bySite.id, whole.id, terminatedToday.id]);
    expect(page.openReplacement?.id).toBeDefined();
    const lines = page.history.map((h: { kind: string; serial: string }) => `${h.kind}:${h.serial}`);
    // Newest first: the writes happened at the (fixed) present, the tickets were reported before.
    expect(lines).toEqual(['created:NEW-1', 'updated:OLD-1', 'created:OLD-1', 'ticket:NEW-1', 'ticket:OLD-1']);
    const ticketLine = page.history.find((h: { kind: string; serial: string }) => h.kind === 'ticket' && h.serial === 'OLD-1');
    expect(ticketLine.data.ticket).toMatchObject({ id: ticket.id, number: ticket.number, title: '读卡器故障', severity: 'P3' });
    expect(ticketLine.at).toBe('2026-06-10T01:00:00.000Z');
    const updated = page.history.find((h: { kind: string }) => h.kind === 'updated');
    expect(updated.data).toEqual({ changes: { softwareVersion: ['1.0', '1.2'] } });
    expect(updated.actor.id).toBe(dispatcher.user.id);

    const oldPage = (await dispatcher.get(`/api/devices/${old.id}`)).body;
    expect(oldPage.replacedBy).toEqual({ id: fresh.id, serial: 'NEW-1' });
    expect(oldPage.predecessors).toEqual([]);
    expect(oldPage.openReplacement).toBeNull();
    expect(oldPage.contracts.map((x: { id: string }) => x.id)).toContain(other.id);
  });

  it('shows a ticket line only for tickets the reader may see', async () => {
    const center = await t.factory.center();
    const elsewhere = await t.factory.center();
    const engineer = await t.as('engineer', { centerId: center.id });
    const c = await customer();
    const d = await device({ serial: 'VIS-1', customerId: c });
    const hidden = await t.factory.ticket({ customerId: c, centerId: elsewhere.id, reportedAt: '2026-06-01T09:00:00+08:00' });
    await t.services.db.insert(ticketDevices).values({ ticketId: hidden.id, deviceId: d.id });
    const kinds = (await engineer.get(`/api/devices/${d.id}`)).body.history.map((h: { kind: string }) => h.kind);
    expect(kinds).toEqual(['created']);
    expect((await dispatcher.get(`/api/devices/${d.id}`)).body.history.map((h: { kind: string }) => h.kind)).toEqual(['created', 'ticket']);
  });
});

describe('tenant isolation', () => {
  it("keeps a customer user to their own organisation's devices on every route", async () => {
    const user = await t.as('customer_user');
    const mine = user.user.customerId!;
    const other = await customer();
    const own = await device({ serial: 'TEN-MINE-1', customerId: mine, assetTag: 'TEN-TAG-1' });
    const foreign = await device({ serial: 'TEN-OTHER-1', customerId: other, assetTag: 'TEN-TAG-2' });

    const listed = await user.get(`/api/devices?customerId=${other}`);
    expect(listed.status).toBe(200);
    expect(serials(listed.body)).toEqual(['TEN-MINE-1']);
    expect(serials((await user.get('/api/devices?q=TEN')).body)).toEqual(['TEN-MINE-1']);
    expect((await user.get('/api/devices/search?q=TEN-')).body.map((d: { id: string }) => d.id)).toEqual([own.id]);
    expect((await user.get(`/api/devices/search?q=TEN-&customerId=${other}`)).body.map((d: { id: string }) => d.id)).toEqual([own.id]);
    expect((await user.get(`/api/devices/${own.id}`)).status).toBe(200);
    const hidden = await user.get(`/api/devices/${foreign.id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.key).toBe('device.not_found');
    expect((await user.patch(`/api/devices/${foreign.id}`, { location: 'x' })).status).toBe(403);

    const file = await t.app.inject({ method: 'GET', url: `/api/devices/export.xlsx?customerId=${other}`, headers: { cookie: user.cookie! } });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets[0]!.rowCount).toBe(2);
    expect(book.worksheets[0]!.getRow(2).getCell(1).value).toBe('TEN-MINE-1');
  });
});
