/**
 * Service records (issue 12): draft → sign → frozen (409), verify (and a tampered column caught),
 * refusal, correction versions, the signature and photo checks, who reads what (404 outside
 * scope), the PDF read back with pdftotext, and a retried sign that signs once.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { attachments, devices, products, serviceRecords, sites, ticketEvents, visits } from '../../db/schema';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let admin: Client;
let engineer: Client;
let outsider: Client;
let customer: Client;
let otherCustomer: Client;
let customerId: string;
let centerId: string;

/** A real PNG (w×h, grey), small enough for a signature. */
function png(w = 40, h = 20): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((w + 1) * h, 0x80);
  for (let y = 0; y < h; y++) raw[y * (w + 1)] = 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
const dataUrl = (b: Buffer) => `data:image/png;base64,${b.toString('base64')}`;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.as('admin');
  const center = await t.factory.center();
  const other = await t.factory.center();
  centerId = center.id;
  engineer = await t.as('engineer', { centerId });
  outsider = await t.as('engineer', { centerId: other.id });
  customerId = (await t.factory.customer({ centerId })).id;
  customer = await t.as('customer_user', { customerId });
  otherCustomer = await t.as('customer_user');
});
afterAll(() => t?.close());

let n = 0;
/** A ticket of the customer in the center, with a visit (on site unless said) by the engineer at a site with a device. */
async function visitFixture(status: 'planned' | 'on_site' | 'finished' = 'on_site') {
  const ticket = await t.factory.ticket({ customerId, centerId, title: `取款机吞卡 ${++n}` });
  const db = t.services.db;
  const [site] = await db.insert(sites).values({ customerId, name: '人民路支行', address: '上海市黄浦区人民路 100 号' }).returning();
  const [product] = await db.insert(products).values({ model: `ATM-${n}-${Date.now()}`, name: '自助取款机', category: 'hardware', warrantyMonths: 12 }).returning();
  const [device] = await db.insert(devices).values({ productId: product!.id, serial: `SN${n}X${Date.now()}`, customerId, siteId: site!.id }).returning();
  // Planned and stepped through with the visits API, as the engineer's phone does.
  const planned = await admin.post(`/api/tickets/${ticket.id}/visits`, {
    plannedStart: new Date(Date.now() + 3_600_000).toISOString(),
    plannedEnd: new Date(Date.now() + 3 * 3_600_000).toISOString(),
    engineerIds: [engineer.user.id],
    siteId: site!.id,
    deviceIds: [device!.id],
  });
  expect(planned.status, JSON.stringify(planned.body)).toBe(201);
  const steps = { planned: [], on_site: ['departed', 'on_site'], finished: ['departed', 'on_site', 'finished'] }[status];
  for (const to of steps) {
    const res = await engineer.post(`/api/visits/${planned.body.id}/transitions`, { to, ...(to === 'finished' ? { result: 'restored' } : {}) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  const [visit] = await db.select().from(visits).where(eq(visits.id, planned.body.id));
  return { ticket, visit: visit!, device: device! };
}

const draftBody = {
  findings: '读卡器脏污，卡槽内有异物。',
  workDone: '取出异物，清洁读卡器，更换传送皮带。',
  parts: [{ partNumber: 'BELT-01', name: '传送皮带', quantity: 1, serials: ['B123'] }],
  timeSpentMinutes: 45,
  result: 'restored',
};

describe('service records', () => {
  it('draft → sign → frozen: PATCH/PUT/sign 409, verify valid; the signature and the PDF are public attachments; timeline entry', async () => {
    const { ticket, visit } = await visitFixture();
    const photo = await engineer.upload(`/api/tickets/${ticket.id}/attachments`, { name: 'site.png', content: png(), type: 'image/png' });
    expect(photo.status).toBe(201);
    expect((await engineer.get(`/api/visits/${visit.id}/record`)).status).toBe(404);

    const draft = await engineer.put(`/api/visits/${visit.id}/record`, { ...draftBody, photoIds: [photo.body.id] });
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    expect(draft.body).toMatchObject({ version: 1, status: 'draft', previousId: null, contentHash: null, findings: draftBody.findings, photos: [{ id: photo.body.id }] });
    // A second save edits the same draft; a partial PATCH keeps the rest.
    const again = await engineer.put(`/api/visits/${visit.id}/record`, { timeSpentMinutes: 50 });
    expect(again.body).toMatchObject({ id: draft.body.id, timeSpentMinutes: 50, workDone: draftBody.workDone });
    expect((await engineer.patch(`/api/service-records/${draft.body.id}`, {})).body.timeSpentMinutes).toBe(50);

    const signed = await engineer.post(`/api/service-records/${draft.body.id}/sign`, { signerName: '王经理', signature: dataUrl(png()) });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ status: 'signed', signerName: '王经理' });
    expect(signed.body.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.body.signatureUrl).toMatch(/^\/api\/attachments\//);

    for (const res of [
      await engineer.patch(`/api/service-records/${draft.body.id}`, { findings: '改' }),
      await engineer.put(`/api/visits/${visit.id}/record`, { findings: '改' }),
      await engineer.post(`/api/service-records/${draft.body.id}/sign`, { signerName: '王经理', signature: dataUrl(png()) }),
      await engineer.post(`/api/service-records/${draft.body.id}/refuse`, { reason: '不同意' }),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.error.key).toBe('service_record.frozen');
    }

    const verify = await customer.get(`/api/service-records/${draft.body.id}/verify`);
    expect(verify.body).toMatchObject({ valid: true, status: 'signed', storedHash: signed.body.contentHash, computedHash: signed.body.contentHash });
    // Checking out after the signature does not change what was signed.
    expect((await engineer.post(`/api/visits/${visit.id}/transitions`, { to: 'finished', result: 'restored' })).status).toBe(200);
    expect((await customer.get(`/api/service-records/${draft.body.id}/verify`)).body.valid).toBe(true);

    // The customer sees the record, its signature and its PDF among the ticket's files.
    const files = (await customer.get(`/api/tickets/${ticket.id}/attachments`)).body as { filename: string; contentType: string }[];
    expect(files.map((f) => f.filename)).toEqual(expect.arrayContaining([`签字-${ticket.number}-v1.png`, `服务记录单-${ticket.number}-v1.pdf`]));
    expect((await customer.get(signed.body.signatureUrl)).status).toBe(200);
    const list = await customer.get(`/api/tickets/${ticket.id}/service-records`);
    expect(list.status).toBe(200);
    expect(list.body.map((r: { id: string }) => r.id)).toEqual([draft.body.id]);
    expect((await customer.get(`/api/service-records/${draft.body.id}`)).body.status).toBe('signed');

    const timeline = await t.services.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'service_record')));
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ public: true, data: { action: 'signed', recordId: draft.body.id, version: 1, signerName: '王经理' } });

    // Tampering with a stored column shows in verify.
    await t.services.db.execute(sql`update service_records set work_done = 'nothing' where id = ${draft.body.id}`);
    const tampered = await admin.get(`/api/service-records/${draft.body.id}/verify`);
    expect(tampered.body.valid).toBe(false);
    expect(tampered.body.computedHash).not.toBe(tampered.body.storedHash);
  });

  it('refusal freezes the record with the reason and its hash', async () => {
    const { visit } = await visitFixture('finished');
    const draft = await engineer.put(`/api/visits/${visit.id}/record`, draftBody);
    const refused = await engineer.post(`/api/service-records/${draft.body.id}/refuse`, { reason: '故障未彻底解决', signerName: '李主任' });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'refused', refusalReason: '故障未彻底解决', signerName: '李主任', signatureUrl: null });
    expect(refused.body.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect((await engineer.get(`/api/service-records/${draft.body.id}/verify`)).body.valid).toBe(true);
    expect((await engineer.patch(`/api/service-records/${draft.body.id}`, { findings: 'x' })).body.error.key).toBe('service_record.frozen');
  });

  it('correct → v2 draft copying the content with previousId; one draft at a time; then v2 is signed', async () => {
    const { visit } = await visitFixture();
    const v1 = (await engineer.put(`/api/visits/${visit.id}/record`, draftBody)).body;
    expect((await engineer.post(`/api/service-records/${v1.id}/correct`)).body.error.key).toBe('service_record.not_frozen');
    await engineer.post(`/api/service-records/${v1.id}/sign`, { signerName: '王经理', signature: dataUrl(png()) });
    const v2 = await engineer.post(`/api/service-records/${v1.id}/correct`);
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, status: 'draft', previousId: v1.id, findings: draftBody.findings, parts: draftBody.parts, contentHash: null, signerName: null });
    const twice = await engineer.post(`/api/service-records/${v1.id}/correct`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.key).toBe('service_record.draft_exists');
    // The visit's record is the newest version; PUT edits that draft.
    expect((await engineer.get(`/api/visits/${visit.id}/record`)).body.id).toBe(v2.body.id);
    expect((await engineer.put(`/api/visits/${visit.id}/record`, { workDone: '重新更换皮带并校准。' })).body).toMatchObject({ id: v2.body.id, workDone: '重新更换皮带并校准。' });
    const signed = await engineer.post(`/api/service-records/${v2.body.id}/sign`, { signerName: '王经理', signature: dataUrl(png()) });
    expect(signed.body).toMatchObject({ status: 'signed', version: 2 });
    expect((await engineer.get(`/api/service-records/${v1.id}/verify`)).body.valid).toBe(true);
    expect((await engineer.get(`/api/service-records/${v2.body.id}/verify`)).body.valid).toBe(true);
    // v1 is superseded by the signed v2.
    expect((await engineer.post(`/api/service-records/${v1.id}/correct`)).body.error.key).toBe('service_record.superseded');
  });

  it('refuses a signature that is not a PNG, and photos of another ticket (400)', async () => {
    const { visit } = await visitFixture();
    const other = await visitFixture();
    const foreign = await engineer.upload(`/api/tickets/${other.ticket.id}/attachments`, { name: 'other.png', content: png(), type: 'image/png' });
    const bad = await engineer.put(`/api/visits/${visit.id}/record`, { ...draftBody, photoIds: [foreign.body.id] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.key).toBe('service_record.photo_invalid');
    const draft = await engineer.put(`/api/visits/${visit.id}/record`, draftBody);
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(64, 1)]);
    const notPng = await engineer.post(`/api/service-records/${draft.body.id}/sign`, { signerName: '王经理', signature: dataUrl(gif) });
    expect(notPng.status).toBe(400);
    expect(notPng.body.error.key).toBe('service_record.signature_invalid');
    const huge = Buffer.concat([png(), Buffer.alloc(520 * 1024)]);
    const tooLarge = await engineer.post(`/api/service-records/${draft.body.id}/sign`, { signerName: '王经理', signature: dataUrl(huge) });
    expect(tooLarge.status).toBe(400);
    expect((await engineer.get(`/api/service-records/${draft.body.id}`)).body.status).toBe('draft');
  });

  it('a record is written on site or after the visit (409 before)', async () => {
    const { visit } = await visitFixture('planned');
    const res = await engineer.put(`/api/visits/${visit.id}/record`, draftBody);
    expect(res.status).toBe(409);
    expect(res.body.error.key).toBe('service_record.visit_not_open');
  });

  it('another organisation’s customer and an engineer of another center get 404; customers cannot write', async () => {
    const { ticket, visit } = await visitFixture();
    const draft = await engineer.put(`/api/visits/${visit.id}/record`, draftBody);
    for (const client of [otherCustomer, outsider]) {
      expect((await client.get(`/api/tickets/${ticket.id}/service-records`)).status).toBe(404);
      expect((await client.get(`/api/service-records/${draft.body.id}`)).status).toBe(404);
      expect((await client.get(`/api/service-records/${draft.body.id}/pdf`)).status).toBe(404);
      expect((await client.get(`/api/visits/${visit.id}/record`)).status).toBe(404);
    }
    expect((await outsider.put(`/api/visits/${visit.id}/record`, draftBody)).status).toBe(404);
    expect((await customer.patch(`/api/service-records/${draft.body.id}`, { findings: 'x' })).status).toBe(403);
    expect((await customer.get(`/api/service-records/${draft.body.id}`)).status).toBe(200);
  });

  it('the PDF (A4) reads back: 服务记录单, the ticket number and the signer', async () => {
    const { ticket, visit } = await visitFixture();
    const long = '读卡器内部积尘严重，皮带磨损。'.repeat(300);
    const draft = await engineer.put(`/api/visits/${visit.id}/record`, { ...draftBody, findings: long });
    await engineer.post(`/api/service-records/${draft.body.id}/sign`, { signerName: '赵建国', signature: dataUrl(png()) });
    const res = await t.app.inject({ method: 'GET', url: `/api/service-records/${draft.body.id}/pdf`, headers: { cookie: customer.cookie! } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(String(res.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent(`服务记录单-${ticket.number}-v1.pdf`)}`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fw-pdf-')), 'r.pdf');
    fs.writeFileSync(file, res.rawPayload);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('服务记录单');
    expect(text).toContain(ticket.number);
    expect(text).toContain('赵建国');
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)/);
    // The long findings flowed onto more pages.
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThan(1);
  });

  it('the same sign request sent twice (Idempotency-Key) signs once', async () => {
    const { ticket, visit } = await visitFixture();
    const draft = await engineer.put(`/api/visits/${visit.id}/record`, draftBody);
    const send = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/service-records/${draft.body.id}/sign`,
        headers: { cookie: engineer.cookie!, 'idempotency-key': `sign-${draft.body.id}` },
        payload: { signerName: '王经理', signature: dataUrl(png()) },
      });
    const first = await send();
    const second = await send();
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotency-replayed']).toBe('true');
    expect(second.json().signatureUrl).toBe(first.json().signatureUrl);
    const signatures = await t.services.db.select().from(attachments).where(and(eq(attachments.ticketId, ticket.id), eq(attachments.contentType, 'image/png')));
    expect(signatures).toHaveLength(1);
    const [row] = await t.services.db.select().from(serviceRecords).where(eq(serviceRecords.id, draft.body.id));
    expect(row!.signatureId).toBe(signatures[0]!.id);
  });
});
