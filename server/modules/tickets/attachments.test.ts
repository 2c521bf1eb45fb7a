import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

let t: TestApp;
let engineer: Client;
let ticketId: string;

// A real 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

beforeAll(async () => {
  t = await createTestApp({ config: { maxUploadBytes: 64 * 1024 } });
  engineer = await t.as('engineer');
  ticketId = (await t.factory.ticket()).id;
});
afterAll(() => t?.close());

describe('attachments', () => {
  it('stores a file typed by its content and serves it back with safe headers', async () => {
    const up = await engineer.upload(`/api/tickets/${ticketId}/attachments`, { name: '../../故障截图.png', content: PNG, type: 'text/html' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ filename: '故障截图.png', contentType: 'image/png', size: PNG.length, public: false });
    const down = await t.app.inject({ url: up.body.url, headers: { cookie: engineer.cookie! } });
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(PNG)).toBe(true);
    expect(down.headers['content-type']).toBe('image/png');
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    expect(down.headers['content-disposition']).toContain("filename*=UTF-8''%E6%95%85%E9%9A%9C%E6%88%AA%E5%9B%BE.png");
    expect(down.headers['content-disposition']).toMatch(/^attachment;/);
    const inline = await t.app.inject({ url: `${up.body.url}?inline=1`, headers: { cookie: engineer.cookie! } });
    expect(inline.headers['content-disposition']).toMatch(/^inline;/);
    const events = (await engineer.get(`/api/tickets/${ticketId}/events`)).body;
    expect(events.at(-1)).toMatchObject({ kind: 'attachment', data: { filename: '故障截图.png' } });
  });

  it('refuses executables, HTML, unknown binaries and oversize files, keeping nothing', async () => {
    const before = (await engineer.get(`/api/tickets/${ticketId}/attachments`)).body.length;
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200), Buffer.from('PE\0\0')]);
    exe.writeUInt32LE(64, 0x3c);
    Buffer.from('PE\0\0').copy(exe, 64);
    const cases = [
      { name: 'invoice.pdf', content: exe },
      { name: 'readme.txt', content: '<html><script>alert(1)</script></html>' },
      { name: 'data.bin', content: Buffer.from([1, 2, 3, 4, 0, 0, 9]) },
    ];
    for (const file of cases) {
      const res = await engineer.upload(`/api/tickets/${ticketId}/attachments`, file);
      expect(res.status, file.name).toBe(415);
      expect(res.body.error.code).toBe('unsupported_media_type');
    }
    const big = await engineer.upload(`/api/tickets/${ticketId}/attachments`, { name: 'big.log', content: 'x'.repeat(65 * 1024) });
    expect(big.status).toBe(413);
    expect(big.body.error.message).toContain('larger than');
    expect((await engineer.get(`/api/tickets/${ticketId}/attachments`)).body.length).toBe(before);
    const fs = await import('node:fs');
    const path = await import('node:path');
    const tmp = path.join(t.config.dataDir, 'attachments', 'tmp');
    expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
  });

  it('answers clearly when the request has no file or is not multipart', async () => {
    const notMultipart = await engineer.post(`/api/tickets/${ticketId}/attachments`, { file: 'x' });
    expect(notMultipart.status).toBe(415);
  });

  it('accepts GBK-encoded logs', async () => {
    const gbk = Buffer.from([0xb6, 0xc1, 0xbf, 0xa8, 0xc6, 0xf7, 0xb3, 0xac, 0xca, 0xb1, 0x0a]);
    const res = await engineer.upload(`/api/tickets/${ticketId}/attachments`, { name: 'atm-2026.log', content: gbk });
    expect(res.status).toBe(201);
    expect(res.body.contentType).toBe('text/plain');
  });

  describe('visibility', () => {
    let customerTicketId: string;
    let customer: Client;
    beforeAll(async () => {
      const customerId = (await t.factory.customer()).id;
      customerTicketId = (await t.factory.ticket({ customerId })).id;
      customer = await t.as('customer_user', { customerId });
    });

    /** A multipart upload with the parts in the order given (the harness puts fields first). */
    async function uploadInOrder(client: Client, parts: ([name: string, value: string] | 'file')[]) {
      const form = new FormData();
      for (const part of parts) {
        if (part === 'file') form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png');
        else form.append(part[0], part[1]);
      }
      const request = new Request('http://localhost/', { method: 'POST', body: form });
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/tickets/${customerTicketId}/attachments`,
        headers: { cookie: client.cookie!, 'content-type': request.headers.get('content-type')! },
        payload: Buffer.from(await request.arrayBuffer()),
      });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    }
    const tmpFiles = async () => {
      const fs = await import('node:fs');
      const dir = t.services.attachments.tmpDir;
      return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
    };

    it('does not depend on field order: public=false after the file stays internal, hidden from the customer', async () => {
      const after = await uploadInOrder(engineer, ['file', ['public', 'false']]);
      expect(after.status).toBe(201);
      expect(after.body.public).toBe(false);
      const before = await uploadInOrder(engineer, [['public', 'false'], 'file']);
      expect(before.body.public).toBe(false);
      const seen = (await customer.get(`/api/tickets/${customerTicketId}/attachments`)).body.map((a: { id: string }) => a.id);
      expect(seen).not.toContain(after.body.id);
      expect(seen).not.toContain(before.body.id);
      expect((await customer.get(after.body.url)).status).toBe(404);
      const events = (await customer.get(`/api/tickets/${customerTicketId}/events`)).body;
      expect(events.some((e: { data?: { attachmentId?: string } }) => e.data?.attachmentId === after.body.id)).toBe(false);
    });

    it('makes staff uploads internal unless marked public, before or after the file', async () => {
      expect((await uploadInOrder(engineer, ['file'])).body.public).toBe(false);
      const publicAfter = await uploadInOrder(engineer, ['file', ['public', 'true']]);
      expect(publicAfter.body.public).toBe(true);
      const seen = (await customer.get(`/api/tickets/${customerTicketId}/attachments`)).body.map((a: { id: string }) => a.id);
      expect(seen).toContain(publicAfter.body.id);
    });

    it("keeps customers' uploads public and refuses their public=false wherever it is, leaving no file", async () => {
      const plain = await uploadInOrder(customer, ['file']);
      expect(plain.status).toBe(201);
      expect(plain.body.public).toBe(true);
      const count = (await engineer.get(`/api/tickets/${customerTicketId}/attachments`)).body.length;
      const refused = await uploadInOrder(customer, ['file', ['public', 'false']]);
      expect(refused.status).toBe(403);
      expect(refused.body.error.key).toBe('attachment.customer_public_only');
      const nonsense = await uploadInOrder(engineer, ['file', ['public', 'maybe']]);
      expect(nonsense.status).toBe(400);
      expect(nonsense.body.error.details.fields[0]).toMatchObject({ path: 'body.public', key: 'field.invalid_value' });
      expect((await engineer.get(`/api/tickets/${customerTicketId}/attachments`)).body.length).toBe(count);
      expect(await tmpFiles()).toEqual([]);
    });
  });
});
