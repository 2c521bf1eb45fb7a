/**
 * Contracts (issue 11): a manager creates a service contract for a new customer in the form
 * (customer picked by name, period typed, price in yuan), lands on its page (the price exact to the
 * fen, the state, the renewal bar), uploads the signed PDF, finds it in the list as 生效中 or 即将到期
 * (filtered by state and number), and approves the replacement the second-failure rule proposed for
 * a device with two resolved faults. A customer user of
 * that customer sees it under 服务合同 in the portal with the file to download — and never another
 * customer's contract — and their device under 我的设备 with its drawer listing the device's ticket. 1440 px and 390 px.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, snap, waitForPath, type E2eApp } from '../support';

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 24 * 3600_000).toISOString().slice(0, 10);

export function contractsSpec(app: () => E2eApp) {
  describe('contracts: a manager creates one, the customer sees it in the portal', () => {
    const suffix = Date.now().toString(36).toUpperCase();
    const customerName = `E2E合同客户${suffix}`;
    const otherName = `E2E合同他客${suffix}`;
    const number = `HT-E2E-C-${suffix}`;
    const title = '网点设备年度维保';
    const otherTitle = `他客机密合同${suffix}`;
    const serial = `CT${suffix}-01`;
    const failingSerial = `CT${suffix}-02`;
    const deviceTicket = `存取款机吞卡 ${suffix}`;
    let manager: { username: string };
    let customerUser: { username: string };
    let contractId = '';

    beforeAll(async () => {
      const { factory } = app().t;
      const admin = await app().t.as('admin');
      const ok = <T>(res: { status: number; body: T }, what: string) => {
        if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body;
      };
      const own = ok(await admin.post('/api/customers', { name: customerName }), 'customer') as { id: string };
      const other = ok(await admin.post('/api/customers', { name: otherName }), 'other customer') as { id: string };
      const site = ok(await admin.post(`/api/customers/${own.id}/sites`, { name: '徐汇网点' }), 'site') as { id: string };
      ok(
        await admin.post('/api/contracts', { number: `HT-E2E-O-${suffix}`, title: otherTitle, customerId: other.id, startsOn: day(-30), endsOn: day(300), status: 'active' }),
        'other contract',
      );
      const product = ok(await admin.post('/api/products', { model: `E2E-CT-${suffix}`, name: '存取款一体机', category: 'hardware', warrantyMonths: 24 }), 'product') as {
        id: string;
      };
      const device = ok(await admin.post('/api/devices', { productId: product.id, serial, customerId: own.id, siteId: site.id, location: '大堂 2 号位', installedOn: day(-100) }), 'device') as {
        id: string;
      };
      const failing = ok(await admin.post('/api/devices', { productId: product.id, serial: failingSerial, customerId: own.id, siteId: site.id, installedOn: day(-200) }), 'device 2') as {
        id: string;
      };
      // One ticket on the first device (its drawer lists it); two resolved faults on the second: the
      // second-failure rule proposes replacing it once the installed-base consumer has run.
      const staff = await factory.actor();
      const engineer = await factory.user({ role: 'engineer', name: '合同工程师' });
      const { services } = app().t;
      const report = (title: string, deviceId: string) =>
        services.tickets.create(staff, { title, description: '吞卡', severity: 'P2', channel: 'phone', customerId: own.id, deviceIds: [deviceId], assigneeId: engineer.id });
      await report(deviceTicket, device.id);
      for (const title of [`${failingSerial} 第一次故障`, `${failingSerial} 第二次故障`]) {
        const ticket = await report(title, failing.id);
        await services.tickets.transition(staff, ticket.id, { to: 'in_progress' });
        await services.tickets.transition(staff, ticket.id, { to: 'resolved', note: '更换读卡器' });
      }
      await services.consumers.drain();
      manager = await factory.user({ role: 'manager', name: '郑主管' });
      customerUser = await factory.user({ role: 'customer_user', customerId: own.id, name: '合同客户用户' });
    });

    it('a manager creates the contract in the form and finds it in the list', async () => {
      const { page } = await app().newPage();
      await login(page, manager.username);
      await page.goto('/contracts');
      // The other customer's contract is listed (the list has loaded) before the form opens.
      await page.getByTestId('contract-row').filter({ hasText: otherTitle }).waitFor();
      await page.getByTestId('create-contract').click();
      const dialog = page.locator('.ant-modal').filter({ hasText: '新建合同' });
      await page.getByTestId('contract-number').fill(number);
      await page.getByTestId('contract-title').fill(title);
      const customerSelect = page.getByTestId('contract-customer');
      await customerSelect.click();
      await page.keyboard.type(customerName);
      await chooseOption(page, customerSelect, customerName);
      const [startInput, endInput] = [dialog.locator('.ant-picker-range input').first(), dialog.locator('.ant-picker-range input').last()];
      await startInput.click();
      await startInput.fill(day(-10));
      await page.keyboard.press('Enter');
      await endInput.fill(day(365));
      await page.keyboard.press('Enter');
      // 0.29 × 100 is 28.999… in floating point: the form must send 1234529 fen exactly.
      await page.getByTestId('contract-price').fill('12345.29');
      await snap(page, 'contract-form');
      await dialog.getByRole('button', { name: /保\s*存/ }).click();
      await waitForPath(page, /^\/contracts\/[0-9a-f-]{36}$/);
      contractId = new URL(page.url()).pathname.split('/').pop()!;
      await page.getByTestId('contract-heading').filter({ hasText: number }).waitFor();
      expect(await page.getByTestId('contract-state').getAttribute('data-state')).toMatch(/^(active|expiring)$/);
      await page.getByText('¥12,345.29').waitFor();
      await page.getByText('全部设备', { exact: true }).waitFor();

      // The signed PDF.
      await page.locator('input[type=file]').setInputFiles({ name: '维保合同-签字版.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%e2e\n') });
      await page.getByTestId('contract-file').filter({ hasText: '维保合同-签字版.pdf' }).waitFor();
      await snap(page, 'contract-page');

      // Narrowed to one device, found by its serial in the edit form.
      await page.getByTestId('contract-edit').click();
      const editDialog = page.locator('.ant-modal').filter({ hasText: '编辑合同' });
      await editDialog.getByText('指定范围', { exact: true }).click();
      const devicePicker = page.getByTestId('contract-devices');
      await devicePicker.click();
      await page.keyboard.type(serial.slice(0, 6));
      await chooseOption(page, devicePicker, serial);
      await snap(page, 'contract-form-listed');
      await editDialog.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByTestId('contract-coverage').getByRole('link', { name: serial }).waitFor();
      await page.getByText('1 台设备', { exact: true }).waitFor();
      await snap(page, 'contract-page-listed');

      await page.goto('/contracts');
      await page.getByTestId('contract-search').fill(number);
      const row = page.getByTestId('contract-row').filter({ hasText: number });
      await row.waitFor();
      await expect.poll(() => page.getByTestId('contract-row').count()).toBe(1);
      expect(await row.getByTestId('contract-state').textContent()).toMatch(/^(生效中|即将到期)/);
      expect(await row.textContent()).toContain(customerName);
      // The state filter keeps it (either state), and 草稿 does not.
      await page.getByTestId('contract-state-filter').getByText('草稿').click();
      await expect.poll(() => page.getByTestId('contract-row').count()).toBe(0);
      await page.getByTestId('contract-state-filter').getByText('全部').click();
      await row.waitFor();
      await snap(page, 'contracts-list');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('contract-cards').getByText(number).waitFor();
      await snap(page, 'contracts-list-390');
      await row.click();
      await waitForPath(page, new RegExp(`^/contracts/${contractId}$`));
      await page.getByTestId('contract-renewal').waitFor();
      await snap(page, 'contract-page-390');
      await page.getByTestId('contract-edit').click();
      await page.getByTestId('contract-number').waitFor();
      await snap(page, 'contract-form-390');
      await page.keyboard.press('Escape');

      // The second failure's proposal: approved with the new unit's serial.
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto('/replacements');
      await page.getByTestId('ib-settings').waitFor();
      const proposal = page.getByTestId('replacement-row').filter({ hasText: failingSerial });
      await proposal.waitFor();
      expect(await proposal.textContent()).toContain(`${failingSerial} 第一次故障`);
      await snap(page, 'replacements');
      await page.setViewportSize({ width: 390, height: 844 });
      await proposal.waitFor();
      await snap(page, 'replacements-390');
      await proposal.getByTestId('replacement-approve').click();
      await page.getByTestId('replacement-new-serial').fill(`${failingSerial}-NEW`);
      await snap(page, 'replacement-approve-390');
      await page.locator('.ant-modal').getByRole('button', { name: '批准换新' }).click();
      await expect.poll(() => proposal.count()).toBe(0);
      await page.getByTestId('replacement-filter').getByText('已批准').click();
      await page.getByTestId('replacement-row').filter({ hasText: `${failingSerial}-NEW` }).waitFor();
    }, 120_000);

    it("the customer's user sees the contract under 服务合同, not another customer's, and their device", async () => {
      expect(contractId).not.toBe('');
      const { page } = await app().newPage();
      await login(page, customerUser.username);
      await page.getByRole('link', { name: '服务合同', exact: true }).click();
      await waitForPath(page, /^\/contracts$/);
      const card = page.getByTestId('portal-contract').filter({ hasText: number });
      await card.waitFor();
      expect(await card.textContent()).toContain(title);
      await card.getByTestId('contract-file').filter({ hasText: '维保合同-签字版.pdf' }).waitFor();
      expect(await page.getByTestId('portal-contract').count()).toBe(1);
      expect(await page.locator('body').innerText()).not.toContain(otherTitle);
      await snap(page, 'portal-contracts');

      await page.getByRole('link', { name: '我的设备', exact: true }).click();
      await waitForPath(page, /^\/devices$/);
      const device = page.getByTestId('portal-device-row').filter({ hasText: serial });
      await device.waitFor();
      await snap(page, 'portal-devices');
      await device.click();
      await page.getByTestId('portal-device-drawer').getByText(number).waitFor();
      await page.getByTestId('portal-device-tickets').getByText(deviceTicket).waitFor();
      await snap(page, 'portal-device-drawer');
      await page.keyboard.press('Escape');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto('/contracts');
      await page.getByTestId('portal-contract').filter({ hasText: number }).waitFor();
      await snap(page, 'portal-contracts-390');
      await page.goto('/devices');
      await page.getByTestId('portal-device-row').filter({ hasText: serial }).waitFor();
      await snap(page, 'portal-devices-390');
    }, 60_000);
  });
}
