/**
 * Installed base: a manager adds a product to the catalog (versions as tags, a spare part), registers
 * a unit of it for a customer's site, finds it in the device list by a serial prefix, opens its page,
 * changes its software version and sees the change in the history marked 版本变更. Screenshots of
 * the three pages at 1440 px and 390 px.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, snap, waitForPath, type E2eApp } from '../support';

async function searchAndChoose(page: Page, select: Locator, text: string) {
  await select.click();
  await page.keyboard.type(text);
  await chooseOption(page, select, text);
}

/** The input of a field whose test id antd put either on the input or on a wrapper around it. */
const inputOf = (page: Page, testId: string) => page.locator(`input[data-testid=${testId}], [data-testid=${testId}] input`).first();

/** Types a day into an antd DatePicker and confirms it with Enter. */
async function typeDay(page: Page, picker: Locator, day: string) {
  await picker.click();
  await page.keyboard.type(day);
  await page.keyboard.press('Enter');
}

export function devicesSpec(app: () => E2eApp) {
  describe('devices: catalog, registration, list search, version change in the history', () => {
    const suffix = Date.now().toString(36).toUpperCase();
    const model = `E2E-DEV-${suffix}`;
    const serialPrefix = `E2ESN${suffix}`;
    const serial = `${serialPrefix}-0001`;
    const customerName = `E2E 设备银行 ${suffix}`;
    let manager: { username: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      manager = await factory.user({ role: 'manager', name: '秦经理' });
      const customer = await factory.customer({ name: customerName });
      await services.customers.addSite(await factory.actor(), customer.id, { name: '南京西路网点', address: '南京西路 1 号' });
    });

    it('creates a product and a device, finds it by serial prefix, changes its version', async () => {
      const { page } = await app().newPage();
      await login(page, manager.username);

      // 产品目录: a new model with two versions and a spare part.
      await page.goto('/products');
      await page.getByTestId('product-table').waitFor();
      await page.getByTestId('product-create').click();
      await page.getByTestId('product-model').fill(model);
      await page.getByTestId('product-name').fill('智能柜员机 E2E');
      const versions = page.getByTestId('product-versions');
      await versions.click();
      await page.keyboard.type('V1.0');
      await page.keyboard.press('Enter');
      await page.keyboard.type('V1.1');
      await page.keyboard.press('Enter');
      await inputOf(page, 'product-warranty').fill('36');
      // Parts stop in three months: within the half year in which customers are told.
      const endOfSupply = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
      await typeDay(page, page.getByTestId('product-end-of-supply'), endOfSupply);
      await page.getByTestId('product-add-part').click();
      await page.getByPlaceholder('备件号').fill('PN-CARD-01');
      await page.getByPlaceholder('备件名称').fill('读卡器模块');
      await snap(page, 'product-modal');
      await page.getByRole('button', { name: /保\s*存/ }).click();
      const productRow = page.getByTestId('product-table').locator('tr').filter({ hasText: model });
      await productRow.waitFor();
      expect(await productRow.textContent()).toContain('36 个月');
      expect(await productRow.textContent()).toContain(endOfSupply);
      expect(await productRow.getByTestId('end-of-supply-tag').textContent()).toBe('即将停止供货');
      await snap(page, 'products');

      // 设备: register a unit of it.
      await page.goto('/devices');
      await page.getByTestId('device-table').waitFor();
      await page.getByTestId('device-create').click();
      await searchAndChoose(page, page.getByTestId('device-product'), model);
      await page.getByTestId('device-serial').fill(serial);
      await searchAndChoose(page, page.getByTestId('device-customer'), customerName);
      await chooseOption(page, page.getByTestId('device-site'), '南京西路网点');
      await typeDay(page, page.getByTestId('device-installed-on'), '2026-03-01');
      await inputOf(page, 'device-software-version').fill('V1.0');
      await page.locator('.ant-modal-title').click();
      await snap(page, 'device-modal');
      await page.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByText(`已新增设备 ${serial}`).waitFor();

      // Found by a prefix of its serial ("/" focuses the search box).
      // (The dialog must be gone: while it is open, `/` belongs to it.)
      await expect.poll(() => page.locator('.ant-modal-wrap').evaluateAll((wraps) => wraps.every((w) => getComputedStyle(w).display === 'none'))).toBe(true);
      await page.keyboard.press('/');
      await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid'))).toBe('device-search');
      await page.keyboard.type(serialPrefix);
      await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(serialPrefix);
      const rows = page.getByTestId('device-table').locator('tr.ant-table-row');
      await expect.poll(() => rows.count()).toBe(1);
      const row = rows.first();
      expect(await row.textContent()).toContain(customerName);
      expect(await row.textContent()).toContain('南京西路网点');
      // Installed 2026-03-01 with 36 months: the warranty runs to 2029-02-28 and is in force.
      expect(await row.textContent()).toContain('2029-02-28');
      expect(await row.getByTestId('warranty-tag').textContent()).toBe('保修期内');
      expect(await page.getByTestId('device-loaded').textContent()).toBe('已加载全部 1 台');
      await snap(page, 'devices');

      // 导出 Excel downloads what the filters match.
      const download = page.waitForEvent('download');
      await page.getByTestId('device-export').click();
      const file = await download;
      expect(file.url()).toContain(`/api/devices/export.xlsx?q=${serialPrefix}`);
      expect(await file.failure()).toBeNull();

      // Its page, and a software version change in the history.
      // By keyboard, as on the ticket queue: j selects the first row, Enter opens it.
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press('j');
      await expect.poll(() => row.getAttribute('class')).toContain('queue-row-selected');
      await page.keyboard.press('Enter');
      await waitForPath(page, /^\/devices\/[^/]+$/);
      expect(await page.getByTestId('device-title').textContent()).toBe(serial);
      await page.getByTestId('device-history').waitFor();
      await page.getByTestId('device-edit').click();
      await inputOf(page, 'device-software-version').fill('V1.1');
      await page.locator('.ant-modal-title').click();
      await page.getByRole('button', { name: /保\s*存/ }).click();
      const updated = page.locator('[data-testid=device-history-item][data-kind=updated]').first();
      await updated.waitFor();
      expect(await updated.getByTestId('version-change').textContent()).toBe('版本变更');
      expect(await updated.textContent()).toContain('软件版本: V1.0 → V1.1');
      expect(await page.getByTestId('device-software-version-value').textContent()).toBe('V1.1');
      await snap(page, 'device');

      // Phones: cards and a readable device page.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`/devices?q=${serialPrefix}`);
      await page.getByTestId('device-card').first().waitFor();
      await snap(page, 'devices-390');
      await page.goto(`/products?q=${model}`);
      await page.getByTestId('product-card').first().waitFor();
      await snap(page, 'products-390');
      await page.goBack();
      await page.getByTestId('device-card').first().click();
      await waitForPath(page, /^\/devices\/[^/]+$/);
      await page.getByTestId('device-history').waitFor();
      await snap(page, 'device-390');
      await page.getByTestId('device-edit').click();
      await page.getByTestId('device-serial').waitFor();
      await snap(page, 'device-modal-390');
    }, 120_000);
  });
}
