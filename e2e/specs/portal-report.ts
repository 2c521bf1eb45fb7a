/**
 * Reporting on the portal: the customer says what the problem does to the business in plain words,
 * is their own contact by default, attaches files while reporting (a refused file does not lose the
 * report), and the desk confirms the severity the impact suggested.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { login, openQueueRow, snap, timelineEvents, waitForPath, type E2eApp } from '../support';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0')]);

export function portalReportSpec(app: () => E2eApp) {
  describe('portal-report: impact in plain words, files while reporting, the desk confirms', () => {
    let customerUser: string;
    let dispatcher: string;

    beforeAll(async () => {
      const { factory, services } = app().t;
      const customer = await factory.customer({ name: '平安银行深圳分行' });
      const staff = await factory.actor();
      await services.customers.addContact(staff, customer.id, { name: '林柜员', email: 'lin.guiyuan@bank.example', phones: [] });
      await services.customers.addContact(staff, customer.id, { name: '周主任', phones: [] });
      customerUser = `lin${Date.now().toString(36)}`;
      await services.users.create(null, {
        username: customerUser,
        password: 'correct-horse-battery',
        name: '林柜员',
        role: 'customer_user',
        customerId: customer.id,
        email: 'LIN.guiyuan@bank.example',
      });
      dispatcher = (await factory.user({ role: 'dispatcher', name: '郑座席' })).username;
    });

    const attach = (page: import('playwright-core').Page, files: Array<{ name: string; mimeType: string; buffer: Buffer }>) =>
      page.locator('.new-ticket .ant-upload input[type=file]').setInputFiles(files);

    it('on a phone: a refused file is named with its reason, the report stands and can be opened', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await login(page, customerUser);
      await page.goto('/tickets/new');
      await page.getByTestId('ticket-title-input').fill('网点排队机无法取号');
      // Their own contact record is chosen for them.
      await expect.poll(() => page.getByTestId('report-contact').innerText()).toContain('林柜员');
      await page.getByTestId('impact-limited').click();
      await attach(page, [
        { name: '排队机照片.png', mimeType: 'image/png', buffer: PNG },
        { name: 'fix-tool.exe', mimeType: 'application/octet-stream', buffer: EXE },
      ]);
      await expect.poll(() => page.getByTestId('report-file').count()).toBe(2);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await snap(page, 'portal-report-390');
      await page.getByTestId('create-ticket').click();

      await page.getByTestId('report-partial').waitFor();
      const failed = page.locator('[data-testid=report-file][data-status=failed]');
      await expect.poll(() => failed.count()).toBe(1);
      expect(await failed.innerText()).toContain('fix-tool.exe');
      expect(await page.getByTestId('report-file-error').innerText()).not.toBe('');
      expect(await page.locator('[data-testid=report-file][data-status=done]').innerText()).toContain('排队机照片.png');
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      await snap(page, 'portal-report-390-partial');

      await page.getByTestId('report-open-ticket').click();
      await waitForPath(page, /^\/tickets\/[0-9a-f-]{36}$/);
      await page.getByTestId('ticket-title').filter({ hasText: '网点排队机无法取号' }).waitFor();
      await page.getByTestId('attachments').getByText('排队机照片.png').waitFor();
      expect(await page.getByTestId('severity-proposal').innerText()).toContain('系统部分受限');
      expect(await page.getByTestId('severity-confirm').count()).toBe(0);
      await snap(page, 'portal-report-390-ticket');
    });

    it('at 1440: reports with an attachment, then the dispatcher confirms the suggested P2', async () => {
      const { page } = await app().newPage();
      await login(page, customerUser);
      await page.getByRole('link', { name: '报修', exact: true }).click();
      await waitForPath(page, /^\/tickets\/new$/);
      await page.getByTestId('ticket-title-input').fill('对公业务系统部分交易失败');
      await page.getByTestId('ticket-description-input').fill('转账类交易约三成失败，查询正常。');
      await page.getByTestId('impact-limited').click();
      await attach(page, [{ name: '错误截图.png', mimeType: 'image/png', buffer: PNG }]);
      await snap(page, 'portal-report-1440');
      await page.getByTestId('create-ticket').click();
      await waitForPath(page, /^\/tickets\/[0-9a-f-]{36}$/);
      const ticketPath = new URL(page.url()).pathname;
      await page.getByTestId('attachments').getByText('错误截图.png').waitFor();
      await page.getByTestId('severity-proposal').waitFor();

      const staff = await app().newPage();
      await login(staff.page, dispatcher);
      const row = staff.page.getByTestId('ticket-row').filter({ hasText: '对公业务系统部分交易失败' });
      // The table may show before its rows (skeleton rows while the list loads): wait for the row.
      await expect.poll(() => row.locator('[data-testid=severity-tag][data-pending]').count()).toBe(1);
      await openQueueRow(staff.page, row, new RegExp(`^${ticketPath}$`));
      const banner = staff.page.getByTestId('severity-proposal');
      expect(await banner.innerText()).toContain('客户描述：系统部分受限 → 建议 P2，请在响应时限内确认');
      await snap(staff.page, 'portal-report-staff-banner');
      await staff.page.getByTestId('severity-confirm').click();
      await timelineEvents(staff.page, 'severity_confirmed').filter({ hasText: '确认了故障级别 P2' }).waitFor();
      await expect.poll(() => banner.count()).toBe(0);
      expect(await staff.page.locator('.ticket-header [data-testid=severity-tag][data-pending]').count()).toBe(0);
    });

    it("an administrator sets the policy's automatic close: 3 days, mail 2 days before, or never", async () => {
      const { t, newPage } = app();
      const admin = await t.factory.user({ role: 'admin' });
      const policy = (await t.services.policies.list()).find((p) => p.isDefault)!;
      const { page } = await newPage();
      await login(page, admin.username);
      await page.goto(`/admin/sla-policies/${policy.id}`);
      const days = page.getByTestId('policy-auto-close-days');
      // Stored definitions without the setting show the default, 7 days, 1 day before.
      await expect.poll(() => days.inputValue()).toBe('7');
      expect(await page.getByTestId('policy-auto-close-reminder').inputValue()).toBe('1');
      await days.fill('3');
      await page.getByTestId('policy-auto-close-reminder').fill('2');
      await snap(page, 'policy-auto-close');
      await page.getByTestId('policy-save').click();
      await expect.poll(async () => (await t.services.policies.get(policy.id)).definition).toMatchObject({ autoCloseDays: 3, autoCloseReminderDays: 2 });
      await page.getByTestId('policy-auto-close-switch').click();
      expect(await page.getByTestId('policy-auto-close-reminder').count()).toBe(0);
      await page.getByTestId('policy-save').click();
      await expect.poll(async () => (await t.services.policies.get(policy.id)).definition.autoCloseDays).toBeNull();
      // As it was (the other specs share this desk).
      await t.services.policies.update(await t.factory.actor(), policy.id, { definition: policy.definition });
    }, 60_000);
  });
}
