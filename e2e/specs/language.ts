/** The language switch: English labels everywhere, kept across a reload, and back to Chinese. */
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, snap, waitForPath, type E2eApp } from '../support';

export function languageSpec(app: () => E2eApp) {
  describe('language switch', () => {
    let engineer: { username: string };

    beforeAll(async () => {
      const { factory } = app().t;
      engineer = await factory.user({ role: 'engineer', name: 'Li Lei' });
      await factory.ticket({ customerId: (await factory.customer({ name: 'Acme Bank' })).id, title: 'Card reader fault', severity: 'P1' });
    });

    it('shows English labels after switching, and Chinese again after switching back', async () => {
      const { page } = await app().newPage();
      await page.goto('/');
      await waitForPath(page, /^\/login$/);
      await page.getByRole('button', { name: '登录' }).waitFor();

      await page.getByTestId('language-switch').getByText('English').click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      await page.getByLabel('Username').fill(engineer.username);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.keyboard.press('Enter');

      const row = page.getByTestId('ticket-row').filter({ hasText: 'Card reader fault' });
      await row.waitFor();
      await page.getByRole('menuitem', { name: 'Ticket queue' }).waitFor();
      await page.getByRole('columnheader', { name: 'Severity' }).waitFor();
      expect(await row.getByTestId('status-tag').textContent()).toBe('New');
      expect(await page.getByRole('button', { name: 'New ticket' }).count()).toBe(1);
      await snap(page, 'queue-english');

      // The choice survives a reload.
      await page.reload();
      await page.getByRole('menuitem', { name: 'Ticket queue' }).waitFor();

      // The ticket page and its severity definition follow too.
      await row.click();
      await page.getByTestId('ticket-page').waitFor();
      expect(await page.getByTestId('ticket-page').getByTestId('severity-tag').first().textContent()).toBe('P1 Critical');
      expect(await page.getByText('Timeline', { exact: true }).count()).toBe(1);
      await snap(page, 'ticket-english');

      await page.getByTestId('language-switch').getByText('中文').click();
      await page.getByText('处理记录', { exact: true }).waitFor();
      expect(await page.getByTestId('ticket-page').getByTestId('status-tag').first().textContent()).toBe('新建');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    });
  });
}
