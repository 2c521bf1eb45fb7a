/**
 * Device import: a dispatcher uploads a small CSV with one bad row (an unknown model), sees the
 * counts and the bad row by row number, column and a Chinese reason, imports the rest and sees
 * the result with its link to the device list. Screenshots of each step at 1440 px and 390 px.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { products } from '../../server/db/schema';
import { login, snap, type E2eApp } from '../support';

async function both(page: Page, name: string) {
  await snap(page, `device-import-${name}-1440`);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(200);
  await snap(page, `device-import-${name}-390`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

export function deviceImportSpec(app: () => E2eApp) {
  describe('device import: upload, preview with a bad row, import, result', () => {
    const suffix = Date.now().toString(36).toUpperCase();
    const model = `E2E-IMP-${suffix}`;
    const customerName = `E2E 导入银行 ${suffix}`;
    let dispatcher: { username: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      dispatcher = await factory.user({ role: 'dispatcher', name: '祝调度' });
      const customer = await factory.customer({ name: customerName });
      await services.customers.addSite(await factory.actor(), customer.id, { name: '陆家嘴网点' });
      await services.db.insert(products).values({ model, name: '存取款一体机', maker: '广电运通', category: 'hardware', warrantyMonths: 36 });
    });

    it('shows the bad row in Chinese, imports the good ones and links to the device list', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.goto('/devices/import');
      await page.getByTestId('device-import-upload').waitFor();
      await both(page, 'choose');

      const csv = [
        '序列号,产品型号,客户,网点,安装日期,状态,机型配置',
        `IMP${suffix}-1,${model},${customerName},陆家嘴网点,2026/3/15,在用,双屏`,
        `IMP${suffix}-2,${model},${customerName},陆家嘴网点,2026年3月16日,在用,`,
        `IMP${suffix}-3,NO-SUCH-${suffix},${customerName},,2026-03-17,在用,`,
        `IMP${suffix}-4,${model},${customerName},,2026-03-18,维修中,`,
      ].join('\r\n');
      await page
        .getByTestId('device-import-upload')
        .locator('input[type=file]')
        .setInputFiles({ name: '设备清单.csv', mimeType: 'text/csv', buffer: Buffer.from(`\ufeff${csv}`, 'utf8') });

      const errors = page.getByTestId('device-import-errors');
      await errors.waitFor();
      const badRow = errors.locator('tr').filter({ hasText: '产品目录中没有该型号' });
      expect(await badRow.textContent()).toMatch(/^4产品型号/);
      expect(await page.getByTestId('device-import-counts').textContent()).toMatch(/可导入3.*有错误1/);
      expect(await page.getByTestId('device-import-preview').textContent()).toContain(`IMP${suffix}-1`);
      await both(page, 'preview');

      const run = page.getByTestId('device-import-run');
      expect(await run.textContent()).toMatch(/导入\s*3\s*台设备/);
      await run.click();
      await page.getByTestId('device-import-done').waitFor();
      expect(await page.getByTestId('device-import-inserted').textContent()).toBe('已导入 3 台设备');
      await both(page, 'done');

      await page.getByTestId('device-import-to-devices').click();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/devices');
    }, 120_000);
  });
}
