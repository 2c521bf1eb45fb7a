import ExcelJS from 'exceljs';
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceEvents, devices, products, sites } from '../../db/schema';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { parseDay } from './check-rows';
import { decodeCsv, parseCsv } from './read-file';

let t: TestApp;
let dispatcher: Client;
let seq = 0;
const uid = (p: string) => `${p}${process.pid}-${++seq}-${Math.random().toString(36).slice(2, 6)}`;

async function product(fields: { model?: string; maker?: string | null; warrantyMonths?: number } = {}) {
  const [p] = await t.services.db
    .insert(products)
    .values({ model: fields.model ?? uid('M'), name: '自助取款机', maker: fields.maker === undefined ? '广电运通' : fields.maker, category: 'hardware', warrantyMonths: fields.warrantyMonths ?? 12 })
    .returning();
  return p!;
}

async function site(customerId: string, name: string) {
  const [s] = await t.services.db.insert(sites).values({ customerId, name }).returning();
  return s!;
}

async function xlsx(headers: string[], rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('设备');
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** GB18030 bytes of a text, built from the platform's decoder (no encoder in Node). */
let gbTable: Map<string, number[]> | undefined;
function gb18030(text: string): Buffer {
  if (!gbTable) {
    gbTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let a = 0x81; a <= 0xfe; a++)
      for (let b = 0x40; b <= 0xfe; b++) {
        if (b === 0x7f) continue;
        const ch = decoder.decode(new Uint8Array([a, b]));
        if (ch.length === 1 && !gbTable.has(ch)) gbTable.set(ch, [a, b]);
      }
  }
  const out: number[] = [];
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) out.push(ch.charCodeAt(0));
    else out.push(...gbTable.get(ch)!);
  }
  return Buffer.from(out);
}

async function finish(client: Client, id: string) {
  for (let i = 0; i < 400; i++) {
    const res = await client.get(`/api/devices/imports/${id}`);
    if (res.body.status === 'done' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

const deviceCount = async (customerId: string) =>
  (await t.services.db.select({ n: count() }).from(devices).where(eq(devices.customerId, customerId)))[0]!.n;

beforeAll(async () => {
  t = await createTestApp();
  dispatcher = await t.as('dispatcher');
});
afterAll(async () => {
  await t?.services.deviceImport.settled();
  await t?.close();
});

describe('device import', () => {
  it('checks 5,000 rows, reports the 3 bad ones by row and column, and imports the rest in one go', async () => {
    const p = await product({ warrantyMonths: 24 });
    const customer = await t.factory.customer({ name: uid('中国工商银行') });
    const branch = await site(customer.id, '福田支行');
    const headers = ['序列号', '产品型号', '客户', '网点', '安装日期', '状态', '机型配置'];
    const rows: unknown[][] = [];
    for (let i = 0; i < 5000; i++) {
      rows.push([`SN${seq}-${i}`, p.model, customer.name, '福田支行', new Date(Date.UTC(2026, 0, 31)), '在用', '双屏']);
    }
    rows[8]![1] = 'NO-SUCH-MODEL'; // row 10
    rows[2498]![4] = '2026-02-30'; // row 2500
    rows[4999]![0] = rows[0]![0]; // row 5001 repeats row 2's serial
    const started = Date.now();
    const res = await dispatcher.upload('/api/devices/imports', { name: '工行ATM.xlsx', content: await xlsx(headers, rows) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'previewed', totalRows: 5000, validRows: 4997, filename: '工行ATM.xlsx' });
    expect(res.body.errors.map((e: { row: number; column: string; key: string }) => [e.row, e.column, e.key])).toEqual([
      [10, '产品型号', 'product_unknown'],
      [2500, '安装日期', 'date_invalid'],
      [5001, '序列号', 'serial_duplicate'],
    ]);
    expect(res.body.preview).toHaveLength(50);
    expect(res.body.preview[0]).toMatchObject({
      row: 2,
      serial: `SN${seq}-0`,
      customer: customer.name,
      site: '福田支行',
      siteId: branch.id,
      installedOn: '2026-01-31',
      warrantyEndsOn: '2028-01-30',
      status: 'in_service',
      attributes: { 机型配置: '双屏' },
    });
    expect(res.body.preview[0].product).toContain(p.model);

    const run = await dispatcher.post(`/api/devices/imports/${res.body.id}/run`);
    expect(run.status).toBe(202);
    expect(run.body.status).toBe('running');
    const done = await finish(dispatcher, res.body.id);
    expect(done).toMatchObject({ status: 'done', inserted: 4997, progress: 4997, failure: null });
    expect(done.finishedAt).toBeTruthy();
    expect(await deviceCount(customer.id)).toBe(4997);
    const [events] = await t.services.db
      .select({ n: count() })
      .from(deviceEvents)
      .where(and(eq(deviceEvents.kind, 'imported'), sql`${deviceEvents.data}->>'importId' = ${res.body.id}`));
    expect(events!.n).toBe(4997);
    expect(Date.now() - started).toBeLessThan(60_000);

    // Once done, it cannot run again.
    const again = await dispatcher.post(`/api/devices/imports/${res.body.id}/run`);
    expect(again.status).toBe(409);
    expect(again.body.error.key).toBe('device_import.not_previewed');
    // The same file again: every serial is taken now.
    const second = await dispatcher.upload('/api/devices/imports', { name: 'again.xlsx', content: await xlsx(headers, rows.slice(0, 3)) });
    expect(second.body.validRows).toBe(0);
    expect(second.body.errors.map((e: { key: string }) => e.key)).toEqual(['serial_exists', 'serial_exists', 'serial_exists']);
  }, 120_000);

  it('writes nothing when the run fails half-way (a product deleted after the preview)', async () => {
    const a = await product();
    const b = await product();
    const customer = await t.factory.customer();
    const rows = Array.from({ length: 700 }, (_, i) => [`F${seq}-${i}`, i < 600 ? a.model : b.model, customer.name]);
    const res = await dispatcher.upload('/api/devices/imports', { name: 'f.xlsx', content: await xlsx(['Serial number', 'Product model', 'Customer'], rows) });
    expect(res.body.validRows).toBe(700);
    await t.services.db.delete(products).where(eq(products.id, b.id));
    expect((await dispatcher.post(`/api/devices/imports/${res.body.id}/run`)).status).toBe(202);
    const failed = await finish(dispatcher, res.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatch(/foreign key|Nothing was imported/);
    expect(failed.inserted).toBe(0);
    expect(await deviceCount(customer.id)).toBe(0);
  });

  it('skips serials that were added after the preview', async () => {
    const p = await product();
    const customer = await t.factory.customer();
    const res = await dispatcher.upload('/api/devices/imports', {
      name: 'late.csv',
      content: `序列号,产品型号,客户\nL1,${p.model},${customer.name}\nL2,${p.model},${customer.name}\n`,
    });
    expect(res.body.validRows).toBe(2);
    await t.services.db.insert(devices).values({ productId: p.id, serial: 'l2', customerId: customer.id });
    await dispatcher.post(`/api/devices/imports/${res.body.id}/run`);
    const done = await finish(dispatcher, res.body.id);
    expect(done).toMatchObject({ status: 'done', inserted: 1 });
    expect(done.errors).toEqual([expect.objectContaining({ row: 3, key: 'serial_exists' })]);
  });

  it('reads CSV in UTF-8 with a BOM and in GB18030, with every date format and status word', async () => {
    const p = await product({ maker: null });
    const customer = await t.factory.customer({ name: uid('深圳农商行') });
    const text = [
      '序列号,产品型号,客户,安装日期,保修截止,状态,"备注, 其他"',
      `U1,${p.model},${customer.name},2026-03-15,,维修中,"一楼, 大厅"`,
      `U2,${p.model.toLowerCase()},${customer.name},2026/3/5,2030年1月2日,Retired,`,
      `U3,${p.model},${customer.name},2026年3月5日,,replaced,"说""明"""`,
    ].join('\r\n');
    for (const [name, content] of [
      ['utf8.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
      ['gbk.csv', gb18030(text.replaceAll('U', 'G'))],
    ] as const) {
      const res = await dispatcher.upload('/api/devices/imports', { name, content });
      expect(res.status).toBe(201);
      expect(res.body.errors).toEqual([]);
      expect(res.body.preview.map((r: { installedOn: string; warrantyEndsOn: string; status: string; attributes: object }) => [r.installedOn, r.warrantyEndsOn, r.status, r.attributes])).toEqual([
        ['2026-03-15', '2027-03-14', 'under_repair', { '备注, 其他': '一楼, 大厅' }],
        ['2026-03-05', '2030-01-02', 'retired', {}],
        ['2026-03-05', '2027-03-04', 'replaced', { '备注, 其他': '说"明"' }],
      ]);
      expect((await dispatcher.post(`/api/devices/imports/${res.body.id}/run`)).status).toBe(202);
      expect((await finish(dispatcher, res.body.id)).inserted).toBe(3);
    }
    expect(await deviceCount(customer.id)).toBe(6);
  });

  it('resolves customers by code, products by maker, and reports each kind of bad row', async () => {
    const model = uid('H');
    const grg = await product({ model, maker: '广电运通' });
    await product({ model, maker: '御银' });
    const customer = await t.services.customers.create(null, { name: uid('招商银行'), code: uid('CMB') });
    const res = await dispatcher.upload('/api/devices/imports', {
      name: 'kinds.xlsx',
      content: await xlsx(
        ['序列号', '产品型号', '厂商', '客户', '网点', '安装日期', '状态'],
        [
          ['K1', model, '广电运通', customer.code, '', new Date(Date.UTC(2025, 11, 31)), ''],
          ['K2', model, '', customer.name, '', '', ''],
          ['', model, '广电运通', customer.name, '', '', ''],
          ['K4', model, '广电运通', 'nobody', '', '', ''],
          ['K5', model, '广电运通', customer.name, '不存在的网点', '', ''],
          ['K6', model, '广电运通', customer.name, '', 'yesterday', 'broken'],
        ],
      ),
    });
    expect(res.status).toBe(201);
    expect(res.body.validRows).toBe(1);
    expect(res.body.preview[0]).toMatchObject({ serial: 'K1', productId: grg.id, customerId: customer.id, installedOn: '2025-12-31' });
    expect(res.body.errors.map((e: { row: number; column: string; key: string }) => [e.row, e.column, e.key])).toEqual([
      [3, '厂商', 'product_ambiguous'],
      [4, '序列号', 'serial_missing'],
      [5, '客户', 'customer_unknown'],
      [6, '网点', 'site_unknown'],
      [7, '安装日期', 'date_invalid'],
      [7, '状态', 'status_invalid'],
    ]);
  });

  it('refuses other file types, too many rows and a missing required column, keyed', async () => {
    const pdf = await dispatcher.upload('/api/devices/imports', { name: 'list.pdf', content: '%PDF-1.4' });
    expect(pdf.status).toBe(400);
    expect(pdf.body.error).toMatchObject({ key: 'device_import.file_type', params: { formats: '.xlsx, .csv' } });
    const xls = await dispatcher.upload('/api/devices/imports', { name: 'old.xls', content: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0]) });
    expect(xls.body.error.key).toBe('device_import.file_type');
    const broken = await dispatcher.upload('/api/devices/imports', { name: 'broken.xlsx', content: Buffer.from('PK\u0003\u0004garbage') });
    expect(broken.status).toBe(400);
    expect(broken.body.error.key).toBe('device_import.unreadable');

    const many = `序列号,产品型号,客户\n${'A,B,C\n'.repeat(20_001)}`;
    const tooMany = await dispatcher.upload('/api/devices/imports', { name: 'many.csv', content: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ key: 'device_import.too_many_rows', params: { rows: 20_001, max: 20_000 } });

    const missing = await dispatcher.upload('/api/devices/imports', { name: 'm.csv', content: '序列号,Product model\nX,Y\n' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ key: 'device_import.column_missing', params: { column: '客户', columnEn: 'Customer' } });

    const noFile = await dispatcher.post('/api/devices/imports', {});
    expect(noFile.status).toBe(400);
    expect(noFile.body.error.key).toBe('device_import.file_required');
  });

  it("shows an import only to its creator and administrators; another user's is 404", async () => {
    const p = await product();
    const customer = await t.factory.customer();
    const res = await dispatcher.upload('/api/devices/imports', { name: 'mine.csv', content: `序列号,产品型号,客户\nX1,${p.model},${customer.name}\n` });
    const other = await t.as('dispatcher');
    expect((await other.get(`/api/devices/imports/${res.body.id}`)).status).toBe(404);
    expect((await other.post(`/api/devices/imports/${res.body.id}/run`)).status).toBe(404);
    expect((await (await t.as('admin')).get(`/api/devices/imports/${res.body.id}`)).status).toBe(200);
    expect((await (await t.as('customer_user')).get(`/api/devices/imports/${res.body.id}`)).status).toBe(403);
  });

  it('a dispatcher of another center cannot import into a customer outside their subtree', async () => {
    const north = await t.factory.center();
    const south = await t.factory.center();
    const p = await product();
    const southern = await t.factory.customer({ centerId: south.id });
    const free = await t.factory.customer();
    const northDispatcher = await t.as('dispatcher', { centerId: north.id });
    const content = `序列号,产品型号,客户\nS1,${p.model},${southern.name}\nS2,${p.model},${free.name}\n`;
    const refused = await northDispatcher.upload('/api/devices/imports', { name: 's.csv', content });
    expect(refused.body.validRows).toBe(1);
    expect(refused.body.errors).toEqual([expect.objectContaining({ row: 2, column: '客户', key: 'customer_out_of_scope' })]);
    const southDispatcher = await t.as('dispatcher', { centerId: south.id });
    expect((await southDispatcher.upload('/api/devices/imports', { name: 's.csv', content })).body.validRows).toBe(2);
  });

  it('shows a run left behind by a restarted server as failed', async () => {
    const p = await product();
    const customer = await t.factory.customer();
    const res = await dispatcher.upload('/api/devices/imports', { name: 'r.csv', content: `序列号,产品型号,客户\nR1,${p.model},${customer.name}\n` });
    await t.services.db.execute(sql`update device_imports set status = 'running' where id = ${res.body.id}`);
    const shown = await dispatcher.get(`/api/devices/imports/${res.body.id}`);
    expect(shown.body).toMatchObject({ status: 'failed', inserted: 0 });
    expect(shown.body.failure).toContain('restarted');
  });

  it('offers a template with Chinese headers, an example and a 说明 sheet naming the catalog models', async () => {
    const p = await product();
    const res = await t.app.inject({ method: 'GET', url: '/api/devices/import-template.xlsx', headers: { cookie: dispatcher.cookie! } });
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(wb.getWorksheet('设备')!.getRow(1).getCell(1).value).toBe('序列号');
    expect(wb.getWorksheet('设备')!.getRow(1).getCell(1).note).toBeTruthy();
    const help = wb.getWorksheet('说明')!;
    const texts: string[] = [];
    help.eachRow((row) => texts.push(String(row.getCell(1).value ?? '')));
    expect(texts).toContain(p.model);
    // The template itself imports back (its example names no real product: one row error).
    const back = await dispatcher.upload('/api/devices/imports', { name: 'template.xlsx', content: res.rawPayload });
    expect(back.status).toBe(201);
    expect(back.body.totalRows).toBe(1);
  });
});

describe('reading files', () => {
  it('parses days in every accepted form and refuses impossible ones', () => {
    expect(parseDay('2026-3-5')).toBe('2026-03-05');
    expect(parseDay('2026/03/05 0:00')).toBe('2026-03-05');
    expect(parseDay('2026年3月5日')).toBe('2026-03-05');
    expect(parseDay('2026-02-29')).toBeNull();
    expect(parseDay('05/03/2026')).toBeNull();
  });

  it('decodes UTF-8 first and GB18030 otherwise; splits quoted CSV fields', () => {
    expect(decodeCsv(Buffer.from([0xc4, 0xe3, 0xba, 0xc3]))).toBe('你好');
    expect(decodeCsv(Buffer.from('\ufeff你好', 'utf8'))).toBe('你好');
    expect(parseCsv('a,"b,c"\n"d\ne",f')).toEqual([
      ['a', 'b,c'],
      ['d\ne', 'f'],
    ]);
  });
});
