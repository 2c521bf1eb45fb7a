/**
 * The engineer's phone (issue 12) at 390×844: /my-work lists the planned visit with its map link and
 * tap-to-call; on the visit the trip starts while offline (queued, sent when back online), the
 * check-in's answer is lost (queued with its key; the retry is answered from the first request, so
 * the arrive milestone is met once and the timeline has one entry), the work is recorded with a
 * camera photo, the customer signs on the canvas, the visit finishes; the PDF downloads and
 * pdftotext reads the signer's name back; the customer fetches the same PDF from the portal session.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { login, snap, waitForPath, type E2eApp } from '../support';

const PHONE = { width: 390, height: 844 };
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
// A 1×1 PNG: what the phone's camera hands over, in small.
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export function fieldMobileSpec(app: () => E2eApp) {
  describe('field service on the phone: visit, record, signature, PDF', () => {
    const suffix = `${process.pid}${Date.now() % 100_000}`;
    const address = '南京市鼓楼区中山北路 88 号 1 楼营业厅';
    const signer = '王建国';
    let engineer: { username: string };
    let customerUser: { username: string };
    let ticket: { id: string; number: string; title: string };
    let visitId: string;
    let staff: Awaited<ReturnType<E2eApp['t']['as']>>;

    beforeAll(async () => {
      const t = app().t;
      const { factory, services } = t;
      const actor = await factory.actor();
      // P2 must be on site within 2 h and restored within 4 h (7×24, so it does not depend on when the test runs).
      const policy = await services.policies.create(actor, {
        key: `field-mobile-${suffix}`,
        name: '现场维修 E2E',
        nameEn: 'On-site E2E',
        definition: {
          severities: {
            P1: [],
            P2: [
              { key: 'arrive', minutes: 120, calendar: '7x24', anchor: 'reported' },
              { key: 'restore', minutes: 240, calendar: '7x24', anchor: 'reported' },
              { key: 'resolve', minutes: 1440, calendar: '7x24', anchor: 'reported' },
            ],
            P3: [],
            P4: [],
          },
        },
      });
      const customer = await services.customers.create(null, { name: `南京银行鼓楼支行 ${suffix}`, slaPolicyId: policy.id });
      const contact = await factory.contact(customer.id, { name: '赵主任', phones: ['138 0013 8000'] });
      const site = await services.customers.addSite(actor, customer.id, { name: '鼓楼支行营业厅', address, region: '江苏' });
      const product = await services.products.create(actor, { model: `FM-ATM-${suffix}`, name: '存取款一体机', category: 'hardware' });
      const device = await services.devices.create(actor, { productId: product.id, serial: `FMSN${suffix}`, customerId: customer.id, siteId: site.id, location: '大堂左侧' });
      const engineerUser = await factory.user({ role: 'engineer', name: '钱工程师' });
      engineer = engineerUser;
      customerUser = await factory.user({ role: 'customer_user', customerId: customer.id, name: '赵主任' });
      ticket = await services.tickets.create(actor, {
        title: '存取款一体机吞卡后无法退卡',
        description: '客户插卡后设备吞卡，屏幕提示故障代码 E-203',
        severity: 'P2',
        channel: 'phone',
        customerId: customer.id,
        contactId: contact.id,
        siteId: site.id,
        deviceIds: [device.id],
        assigneeId: engineerUser.id,
      });
      staff = await t.as('dispatcher');
      const start = new Date(Date.now() + 30 * 60_000);
      const planned = await staff.post(`/api/tickets/${ticket.id}/visits`, {
        plannedStart: start.toISOString(),
        plannedEnd: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
        engineerIds: [engineerUser.id],
        notes: '带读卡器模块',
      });
      expect(planned.status, JSON.stringify(planned.body)).toBe(201);
      visitId = (planned.body as { id: string }).id;
    });

    const arriveOf = async () => {
      const res = await staff.get(`/api/tickets/${ticket.id}`);
      return (res.body as { sla: Array<{ milestone: string; state: string; metAt: string | null }> }).sla.find((m) => m.milestone === 'arrive');
    };
    const arriveEvents = async () => {
      const events = (await staff.get(`/api/tickets/${ticket.id}/events`)).body as Array<{ kind: string; data: Record<string, unknown> | null }>;
      return events.filter((e) => e.kind === 'milestone' && e.data?.milestone === 'arrive');
    };

    it('checks in, records, gets the signature and finishes; a replayed check-in does nothing twice', { timeout: 120_000 }, async () => {
      const { context, page } = await app().newPage();
      await page.setViewportSize(PHONE);
      page.on('response', (r) => {
        if (r.status() >= 500 || r.status() === 409) console.error(`[field-mobile] ${r.request().method()} ${r.url()} ${r.status()}`);
      });
      await login(page, engineer.username);

      // 我的上门: the visit with its window, ticket, site (map link + copy), tap-to-call, devices.
      await page.goto('/my-work');
      const card = page.getByTestId('visit-card').filter({ hasText: ticket.number });
      await card.waitFor();
      expect(await card.getByTestId('visit-status').getAttribute('data-status')).toBe('planned');
      expect(await card.getByTestId('visit-address').textContent()).toContain(address);
      expect(await card.getByTestId('visit-map').getAttribute('href')).toBe(`https://uri.amap.com/search?keyword=${encodeURIComponent(address)}&callnative=1`);
      expect(await card.getByTestId('visit-call').getAttribute('href')).toBe('tel:13800138000');
      expect(await card.getByTestId('visit-devices').textContent()).toContain(`FMSN${suffix}`);
      expect(await card.getByTestId('severity-tag').textContent()).toContain('P2');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await snap(page, 'field-my-work-390');

      await card.getByTestId('visit-open').click();
      await waitForPath(page, new RegExp(`^/visits/${visitId}$`));
      await page.getByTestId('visit-step-departed').waitFor();
      await snap(page, 'field-visit-planned-390');

      // 出发 with no network: kept on the phone with its moment, sent when the phone is back online.
      await context.setOffline(true);
      await page.getByTestId('visit-step-departed').click();
      await expect.poll(() => page.getByTestId('outbox').getAttribute('data-count')).toBe('1');
      await snap(page, 'field-visit-offline-390');
      const visitOf = async () => (await staff.get(`/api/visits/${visitId}`)).body as { status: string; departedAt: string | null; arrivedAt: string | null };
      expect((await visitOf()).status).toBe('planned');
      await context.setOffline(false);
      await expect.poll(() => page.getByTestId('visit-page').getAttribute('data-status')).toBe('departed');
      await expect.poll(() => page.getByTestId('outbox').count()).toBe(0);

      // 到达签到 whose answer is lost on the way back: the server did it, the phone queues it with its key.
      let lost = 0;
      await page.route('**/api/visits/*/transitions', async (route) => {
        lost++;
        await route.fetch();
        await route.abort('connectionreset');
      });
      await page
        .getByTestId('visit-step-on_site')
        .click()
        .catch(async (error) => {
          await snap(page, 'field-visit-checkin-failed');
          throw new Error(`${error}; at ${page.url()}: ${(await page.locator('body').innerText()).slice(0, 600)}`);
        });
      await expect
        .poll(() => page.getByTestId('outbox').getAttribute('data-count', { timeout: 1_000 }).catch(() => null), { timeout: 20_000 })
        .toBe('1')
        .catch(async (error) => {
          await snap(page, 'field-visit-lost-answer-failed');
          throw new Error(`${error}; the check-in's lost sends: ${lost}`);
        });
      expect(lost).toBeGreaterThanOrEqual(1);
      const arrived = await visitOf();
      expect(arrived.status).toBe('on_site');
      const arrive = await arriveOf();
      expect(arrive?.state).toBe('met');
      await snap(page, 'field-visit-lost-answer-390');

      // The retry (立即发送, or the background one) carries the same key: answered from the first request, nothing done twice.
      const replies: Array<{ status: number; replayed: string | undefined }> = [];
      page.on('response', (r) => {
        if (r.url().endsWith(`/api/visits/${visitId}/transitions`)) replies.push({ status: r.status(), replayed: r.headers()['idempotency-replayed'] });
      });
      await page.unroute('**/api/visits/*/transitions');
      // 立即发送 until the outbox is empty (the background retry every 15 s may be the one that sends it).
      const retry = page.getByTestId('outbox-retry');
      await expect
        .poll(
          async () => {
            if (await retry.isVisible()) await retry.click({ timeout: 1_000 }).catch(() => undefined);
            return page.getByTestId('outbox').count();
          },
          { timeout: 30_000, interval: 1_000 },
        )
        .toBe(0);
      await expect.poll(() => page.getByTestId('visit-page').getAttribute('data-status')).toBe('on_site');
      expect(replies.length).toBeGreaterThanOrEqual(1);
      for (const reply of replies) expect(reply).toEqual({ status: 200, replayed: 'true' });
      expect((await visitOf()).arrivedAt).toBe(arrived.arrivedAt);
      expect((await arriveOf())?.metAt).toBe(arrive?.metAt);
      expect(await arriveEvents()).toHaveLength(1);

      // The work record: findings, work, a part, time, result, a photo from the camera.
      const form = page.getByTestId('record-form');
      await form.waitFor();
      await page.getByLabel('故障现象与检查结果').fill('读卡器皮带断裂，卡被卡在通道内');
      await page.getByLabel('处理过程').fill('取出吞卡交还客户，更换读卡器模块并测试 20 次插卡');
      await page.getByTestId('record-add-part').click();
      await page.getByPlaceholder('备件名称').fill('读卡器模块');
      await page.getByPlaceholder('备件号').fill('PN-CR-01');
      await page.getByPlaceholder('序列号（逗号分隔）').fill('CR2026001');
      await page.getByLabel('工时（分钟）').fill('45');
      await form.getByText('已恢复服务').click();
      await page.getByTestId('record-save').click();
      await expect.poll(async () => (await staff.get(`/api/visits/${visitId}/record`)).status).toBe(200);
      await page.getByTestId('record-photo-input').setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PHOTO });
      await expect.poll(() => page.getByTestId('record-photos').locator('img').count()).toBe(1);
      await expect.poll(async () => ((await staff.get(`/api/visits/${visitId}/record`)).body as { photos: unknown[] }).photos.length).toBe(1);
      const draft = (await staff.get(`/api/visits/${visitId}/record`)).body as { findings: string; parts: Array<{ name: string; serials: string[] }>; timeSpentMinutes: number; result: string };
      expect(draft).toMatchObject({ findings: '读卡器皮带断裂，卡被卡在通道内', timeSpentMinutes: 45, result: 'restored' });
      expect(draft.parts).toEqual([{ name: '读卡器模块', partNumber: 'PN-CR-01', quantity: 1, serials: ['CR2026001'] }]);
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await snap(page, 'field-visit-record-390');

      // 客户签字: drawn on the canvas with the mouse, a name, 确认签字.
      const canvas = page.getByTestId('signature-canvas');
      await canvas.scrollIntoViewIfNeeded();
      const box = (await canvas.boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(box.width).toBeLessThanOrEqual(PHONE.width);
      await page.mouse.move(box.x + 30, box.y + box.height * 0.6);
      await page.mouse.down();
      for (let i = 1; i <= 24; i++) await page.mouse.move(box.x + 30 + i * 11, box.y + box.height * (0.6 + 0.25 * Math.sin(i / 2.5)), { steps: 2 });
      await page.mouse.up();
      await page.getByTestId('signer-name').fill(signer);
      await snap(page, 'field-visit-sign-390');
      await page.getByTestId('signature-confirm').click();
      const frozen = page.getByTestId('record-frozen');
      await frozen.waitFor();
      expect(await frozen.getAttribute('data-status')).toBe('signed');
      expect(await frozen.getByTestId('record-signed').textContent()).toContain(signer);
      const record = (await staff.get(`/api/visits/${visitId}/record`)).body as { id: string; contentHash: string; pdfUrl: string; signerName: string };
      expect(record.signerName).toBe(signer);
      expect(await frozen.getByTestId('record-hash').textContent()).toBe(record.contentHash.slice(0, 12));

      // 完成上门 with the record's result.
      await page.getByTestId('visit-step-finished').click();
      const finished = page.waitForResponse((r) => r.url().endsWith(`/api/visits/${visitId}/transitions`) && (r.request().postData() ?? '').includes('"finished"'));
      await page.getByTestId('finish-confirm').click();
      expect((await finished).status()).toBe(200);
      await expect.poll(() => page.getByTestId('visit-page').getAttribute('data-status')).toBe('finished');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await snap(page, 'field-visit-finished-390');

      // 下载服务记录单: a PDF with the signer's name in it.
      const download = page.waitForEvent('download');
      await frozen.getByTestId('record-pdf').click();
      const file = await (await download).path();
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
      expect(text).toContain(signer);
      expect(text).toContain(ticket.number);

      // On the desktop the same pages stay one readable column.
      await page.setViewportSize({ width: 1440, height: 900 });
      await snap(page, 'field-visit-finished-1440');
      await page.goto('/my-work');
      await page.getByTestId('visit-card').filter({ hasText: ticket.number }).waitFor();
      expect(await page.getByTestId('visit-card').filter({ hasText: ticket.number }).getByTestId('visit-status').getAttribute('data-status')).toBe('finished');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await snap(page, 'field-my-work-1440');

      // The customer gets the same PDF through their portal session.
      const portal = await app().newPage();
      await portal.page.setViewportSize(PHONE);
      await login(portal.page, customerUser.username);
      const records = await portal.page.request.get(`/api/tickets/${ticket.id}/service-records`);
      expect(records.status()).toBe(200);
      const listed = (await records.json()) as Array<{ id: string; pdfUrl: string; status: string }>;
      expect(listed.map((r) => [r.id, r.status])).toEqual([[record.id, 'signed']]);
      const pdf = await portal.page.request.get(listed[0]!.pdfUrl);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toContain('application/pdf');
      const saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fw-pdf-')), 'record.pdf');
      fs.writeFileSync(saved, await pdf.body());
      expect(execFileSync('pdftotext', ['-enc', 'UTF-8', saved, '-'], { encoding: 'utf8' })).toContain(signer);
      await portal.page.goto(`/tickets/${ticket.id}`);
      await portal.page.getByTestId('ticket-title').waitFor();
      await snap(portal.page, 'field-portal-ticket-390');
    });
  });
}
