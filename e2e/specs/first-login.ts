/**
 * A password set by an administrator is temporary: the admin creates an engineer in 用户管理 (the
 * "下次登录须修改密码" switch is on by default), the engineer signs in, sees only the first-login
 * page until they choose their own password, and then reaches the queue.
 */
import { describe, expect, it } from 'vitest';
import { login, snap, waitForPath, type E2eApp } from '../support';

export function firstLoginSpec(app: () => E2eApp) {
  describe('first sign-in with a password an administrator set', () => {
    it('makes the person choose their own password before anything else', async () => {
      const { t } = app();
      const admin = await t.factory.user({ role: 'admin', name: '钱管理员' });
      const { page, context } = await app().newPage();
      await login(page, admin.username);
      await page.goto('/admin/users');
      await page.getByTestId('create-user').click();
      const username = `zhou.gong.${Date.now()}`;
      await page.getByTestId('user-username').fill(username);
      await page.getByTestId('user-name').fill('周工程师');
      await page.getByTestId('user-password').fill('Temp-pass-4821');
      expect(await page.getByTestId('user-must-change-password').getAttribute('aria-checked')).toBe('true');
      await page.getByTestId('user-save').click();
      await page.getByText(username).waitFor();

      await context.clearCookies();
      await page.goto('/');
      await waitForPath(page, /^\/login$/);
      await page.getByLabel(/用户名|Username/).fill(username);
      await page.getByLabel(/^(密码|Password)$/).fill('Temp-pass-4821');
      await page.keyboard.press('Enter');
      await page.getByTestId('first-password').waitFor();
      await snap(page, 'first-login');
      await page.getByLabel('当前密码').fill('Temp-pass-4821');
      await page.getByLabel('新密码', { exact: true }).fill('Zhou-own-pass-7390');
      await page.getByLabel('确认新密码').fill('Zhou-own-pass-7390');
      await page.getByRole('button', { name: '设置新密码并继续' }).click();
      await page.getByTestId('ticket-table').waitFor();
    });
  });
}
