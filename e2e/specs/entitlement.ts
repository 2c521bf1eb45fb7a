/**
 * Installed base on the hotline (issue 11): an admin sets up, through the API, an SLA policy other
 * than the default, a customer, a product, a device under warranty and an active contract covering
 * the customer with that policy. A dispatcher types the device's serial prefix in the hotline form,
 * picks it with the keyboard (the customer fills in), sees 保修期内 and the contract, reads why in
 * the badge's explanation, creates the ticket; the ticket page's SLA panel shows the contract's
 * policy with the source 合同, the header the same badge, the devices panel the device. Removing the
 * device writes a devices_changed line; the warranty tag goes, the contract stays. 1440 px and 390 px.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, PASSWORD, snap, timelineEvents, waitForPath, type E2eApp } from '../support';

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 24 * 3600_000).toISOString().slice(0, 10);

export function entitlementSpec(app: () => E2eApp) {
  describe('entitlement: device finder, warranty and contract on the hotline form, the contract policy on the ticket', () => {
    const suffix = Date.now().toString(36).toUpperCase();
    const customerName = `E2E 保障医院 ${suffix}`;
    const policyName = `合同金牌保障 E2E ${suffix}`;
    const serialPrefix = `ENT${suffix}`;
    const serial = `${serialPrefix}-77`;
    const contractNumber = `HT-E2E-${suffix}`;
    const contractEnds = day(400);
    let dispatcher: { username: string };
    let customerUser: string;

    beforeAll(async () => {
      const admin = await app().t.as('admin');
      const ok = <T>(res: { status: number; body: T }, what: string) => {
        if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body;
      };
      const templates = ok(await admin.get('/api/sla-policies/templates'), 'templates') as Array<{ key: string; definition: unknown }>;
      const policy = ok(
        await admin.post('/api/sla-policies', { key: `e2e-contract-${suffix.toLowerCase()}`, name: policyName, definition: templates[0]!.definition }),
        'policy',
      ) as { id: string };
      const customer = ok(await admin.post('/api/customers', { name: customerName }), 'customer') as { id: string };
      const product = ok(
        await admin.post('/api/products', { model: `E2E-ENT-${suffix}`, name: '自助挂号机', category: 'hardware', warrantyMonths: 36 }),
        'product',
      ) as { id: string };
      ok(
        await admin.post('/api/devices', { productId: product.id, serial, customerId: customer.id, installedOn: day(-100), warrantyEndsOn: day(300) }),
        'device',
      );
      ok(
        await admin.post('/api/contracts', {
          number: contractNumber,
          title: '自助设备全保服务',
          customerId: customer.id,
          startsOn: day(-30),
          endsOn: contractEnds,
          status: 'active',
          scope: 'customer',
          slaPolicyId: policy.id,
        }),
        'contract',
      );
      dispatcher = await app().t.factory.user({ role: 'dispatcher', name: '吴座席' });
      customerUser = `ent${suffix.toLowerCase()}`;
      await app().t.services.users.create(null, { username: customerUser, password: PASSWORD, name: '何护士长', role: 'customer_user', customerId: customer.id });
    });

    it('finds the device by serial, shows warranty and contract, and the ticket gets the contract policy', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.goto('/tickets/new');

      // The caller reads the serial off the unit: a prefix finds it; Enter picks the first result.
      await page.getByTestId('device-finder-input').fill(serialPrefix);
      const option = page.locator(`[data-testid=device-option][data-serial="${serial}"]`);
      await option.waitFor();
      expect(await option.textContent()).toContain(customerName);
      expect(await option.textContent()).toContain('自助挂号机');
      await page.keyboard.press('Enter');

      // The customer came with the device.
      await page.getByTestId('customer-select').getByText(customerName).waitFor();
      await page.locator(`[data-testid=named-device][data-serial="${serial}"]`).waitFor();

      // Under warranty and under the contract, both at once.
      const badge = page.getByTestId('coverage-row').getByTestId('entitlement-badge');
      await badge.getByTestId('entitlement-warranty').waitFor();
      expect(await badge.getByTestId('entitlement-warranty').textContent()).toBe('保修期内');
      const contractTag = badge.getByTestId('entitlement-contract-tag');
      expect(await contractTag.textContent()).toContain(contractNumber);
      expect(await contractTag.textContent()).toContain(contractEnds);

      // Why: the device's warranty end, the contract chosen, the policy from the contract.
      await badge.focus();
      await page.keyboard.press('Enter');
      const explain = page.getByTestId('entitlement-explain');
      await explain.waitFor();
      expect(await explain.getByTestId('entitlement-device').textContent()).toContain(serial);
      expect(await explain.locator('[data-testid=entitlement-contract][data-verdict=chosen]').textContent()).toContain(contractNumber);
      const policyLine = explain.getByTestId('entitlement-policy');
      expect(await policyLine.textContent()).toContain(policyName);
      expect(await policyLine.getAttribute('data-source')).toBe('contract');
      expect(await policyLine.textContent()).toContain('合同');
      await snap(page, 'entitlement-form-explain');
      await page.keyboard.press('Escape');
      await expect.poll(() => badge.getAttribute('aria-expanded')).toBe('false');

      await page.getByTestId('ticket-title-input').fill('自助挂号机无法打印凭条');
      await page.getByTestId('severity-P2').click();
      // The due preview follows the contract's policy.
      await expect.poll(() => page.getByTestId('due-preview-policy').textContent()).toContain(policyName);
      await snap(page, 'entitlement-form');

      await page.getByTestId('create-ticket').click();
      await waitForPath(page, /^\/tickets\/[0-9a-f-]{36}$/);

      // The SLA panel: the contract's policy, chosen by the contract link of the chain.
      const sla = page.getByTestId('sla-panel');
      await expect.poll(() => sla.getByTestId('sla-policy-name').textContent()).toBe(policyName);
      const source = sla.getByTestId('sla-policy-source');
      expect(await source.textContent()).toBe('合同');
      expect(await source.getAttribute('data-source')).toBe('contract');

      // The header's badge and the devices panel.
      const header = page.locator('.ticket-header').getByTestId('entitlement-badge');
      expect(await header.getByTestId('entitlement-warranty').textContent()).toBe('保修期内');
      expect(await header.getByTestId('entitlement-contract-tag').textContent()).toContain(contractNumber);
      const panel = page.getByTestId('ticket-devices');
      expect(await panel.getByTestId('named-device').textContent()).toContain(serial);
      expect(await panel.getByTestId('device-warranty').getAttribute('data-warranty')).toBe('in');
      await snap(page, 'entitlement-ticket');

      // Not this unit after all: removed, the timeline says so; the contract still covers the customer.
      await panel.getByTestId('remove-device').click();
      await timelineEvents(page, 'devices_changed').filter({ hasText: serial }).waitFor();
      expect(await timelineEvents(page, 'devices_changed').first().textContent()).toContain('移除了设备');
      await expect.poll(() => header.getByTestId('entitlement-warranty').count()).toBe(0);
      expect(await header.getByTestId('entitlement-contract-tag').textContent()).toContain(contractNumber);
      expect(await panel.getByTestId('named-device').count()).toBe(0);

      // It was after all: 添加设备 offers the customer's devices; Enter names it again, the warranty comes back.
      await panel.getByTestId('add-device').click();
      await panel.getByTestId('device-finder-input').fill(serialPrefix);
      await page.locator(`[data-testid=device-option][data-serial="${serial}"]`).waitFor();
      await page.keyboard.press('Enter');
      await panel.locator(`[data-testid=named-device][data-serial="${serial}"]`).waitFor();
      await header.getByTestId('entitlement-warranty').waitFor();
      await timelineEvents(page, 'devices_changed').filter({ hasText: '添加了设备' }).waitFor();

      // On a phone: nothing scrolls sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await snap(page, 'entitlement-ticket-390');
    }, 60_000);

    it('fits the form with a device and the badge on a phone', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await login(page, dispatcher.username);
      await page.goto('/tickets/new');
      await page.getByTestId('device-finder-input').fill(serialPrefix);
      await page.locator(`[data-testid=device-option][data-serial="${serial}"]`).waitFor();
      await snap(page, 'entitlement-finder-390');
      await page.locator(`[data-testid=device-option][data-serial="${serial}"]`).click();
      await page.getByTestId('coverage-row').getByTestId('entitlement-contract-tag').waitFor();
      for (const width of [390, 360]) {
        await page.setViewportSize({ width, height: 844 });
        await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      }
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('coverage-row').evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await snap(page, 'entitlement-form-390');
    }, 60_000);

    it('the customer names their own device when reporting in the portal', async () => {
      const { page } = await app().newPage();
      await login(page, customerUser);
      await page.goto('/tickets/new');
      await page.getByTestId('ticket-title-input').fill('挂号机触摸屏失灵');
      await page.getByTestId('impact-limited').click();
      const devices = page.getByTestId('report-devices');
      await devices.click();
      await page.keyboard.type(serialPrefix);
      await chooseOption(page, devices, serial);
      await page.keyboard.press('Escape');
      await snap(page, 'entitlement-portal-report');
      await page.getByTestId('create-ticket').click();
      await waitForPath(page, /^\/tickets\/[0-9a-f-]{36}$/);
      await page.getByTestId('ticket-devices').locator(`[data-testid=named-device][data-serial="${serial}"]`).waitFor();
      // The customer sees their device, not the desk's billing words.
      expect(await page.getByTestId('entitlement-badge').count()).toBe(0);
      expect(await page.getByTestId('ticket-devices').getByTestId('remove-device').count()).toBe(0);
    }, 60_000);
  });
}
