/**
 * Errors read in Chinese: a wrong password at login, a wrong current password when changing it
 * (a field error), a page that does not exist, and the API tokens page (the app still works
 * under the Content-Security-Policy). None of the server's English sentences reach the screen.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { clickUntilPath, login, snap, waitForPath, type E2eApp } from '../support';

/** English sentences the server sends for these errors; people must never see them. */
const ENGLISH = ['Wrong username or password', 'The current password is wrong', 'wrong password', 'not found', 'Please log in', 'Invalid request'];

async function expectNoEnglish(page: Page) {
  const text = await page.locator('body').innerText();
  for (const sentence of ENGLISH) expect(text, sentence).not.toContain(sentence);
}

export function errorsSpec(app: () => E2eApp) {
  describe('errors in the UI language', () => {
    let admin: { username: string };
    const cspViolations: string[] = [];

    beforeAll(async () => {
      admin = await app().t.factory.user({ role: 'admin', name: '错误测试管理员' });
    });

    it('says a wrong password at login in Chinese', async () => {
      const { page } = await app().newPage();
      await page.goto('/');
      await waitForPath(page, /^\/login$/);
      await page.getByLabel('用户名').fill(admin.username);
      await page.getByLabel(/^密码$/).fill('not-the-password');
      await page.keyboard.press('Enter');
      await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
      await expectNoEnglish(page);
    });

    it('puts a translated field error on a form and shows a Chinese 404 page', async () => {
      const { page } = await app().newPage();
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      await login(page, admin.username);
      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: '修改密码' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('当前密码').fill('not-the-password');
      await dialog.getByLabel(/^新密码$/).fill('a-brand-new-password');
      await dialog.getByLabel('确认新密码').fill('a-brand-new-password');
      await dialog.getByRole('button', { name: '保存' }).click();
      await dialog.getByText('密码不正确', { exact: true }).waitFor();
      await expectNoEnglish(page);
      await snap(page, 'error-field-zh');
      await dialog.getByRole('button', { name: '取消' }).click();

      await page.goto('/no-such-page');
      await page.getByText('页面不存在').first().waitFor();
      await expectNoEnglish(page);

      // A ticket that does not exist: the server's 404 in Chinese.
      await page.goto('/tickets/00000000-0000-4000-8000-000000000000');
      await page.getByText(/工单不存在|不存在/).first().waitFor();
      await expectNoEnglish(page);
    });

    it('creates an API token and shows its secret once, with the app running under its CSP', async () => {
      const { page } = await app().newPage();
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      });
      await login(page, admin.username);
      await clickUntilPath(
        page,
        async () => {
          await page.getByTestId('user-menu').click();
          await page.locator('.ant-dropdown').getByRole('menuitem', { name: 'API 令牌' }).click();
        },
        /^\/settings\/tokens$/,
      );
      await page.getByRole('button', { name: '新建令牌' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('名称').fill('监控脚本');
      await dialog.getByText('查看工单').click();
      await dialog.getByRole('button', { name: '保存' }).click();
      const secret = page.getByTestId('token-secret');
      await secret.waitFor();
      const value = await secret.inputValue();
      expect(value).toMatch(/^fwt_/);
      await page.getByText('关闭后将无法再次查看').waitFor();
      await snap(page, 'token-secret');
      await page.getByRole('button', { name: '我已保存' }).click();
      await page.getByRole('cell', { name: /监控脚本/ }).waitFor();
      expect(await page.locator('body').innerText()).not.toContain(value);

      // The secret works against the API (as this admin, within its scope).
      const res = await fetch(`${app().baseUrl}/api/tickets`, { headers: { authorization: `Bearer ${value}` } });
      expect(res.status).toBe(200);
      expect(cspViolations).toEqual([]);
    });
  });
}
