/**
 * The escalation matrix: an administrator adds a step (P4, 2 hours after the report, level 1,
 * the support manager) and finds it in the grid on a new 2-hour row.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, snap, waitForPath, type E2eApp } from '../support';

export function escalationSpec(app: () => E2eApp) {
  describe('escalation matrix: an administrator adds a rule', () => {
    let admin: { username: string };

    beforeAll(async () => {
      admin = await app().t.factory.user({ role: 'admin', name: '冯管理员' });
    });

    it('adds a rule and sees it in the grid', async () => {
      const { page } = await app().newPage();
      await login(page, admin.username);
      await page.getByRole('menuitem', { name: '升级矩阵' }).click();
      await waitForPath(page, /^\/admin\/escalation$/);
      const grid = page.getByTestId('escalation-matrix');
      // The seed-000 matrix: 1 h for a P1 goes to the support manager.
      expect(await grid.locator('tr[data-after="60"] td[data-severity=P1]').textContent()).toBe('L1技术支持经理');
      expect(await grid.locator('tr[data-after="120"]').count()).toBe(0);

      await page.getByTestId('add-rule').click();
      await page.getByTestId('rule-severity').getByText('P4 四级/轻微故障').click();
      await page.getByTestId('rule-after-amount').fill('2');
      expect(await page.getByTestId('rule-after-unit').textContent()).toContain('小时');
      await chooseOption(page, page.getByTestId('rule-recipients'), '技术支持经理');
      // A multiple select stays open after a choice.
      await page.keyboard.press('Escape');
      await page.getByTestId('rule-save').click();

      const cell = grid.locator('tr[data-after="120"] td[data-severity=P4]');
      await cell.getByTestId('rule-chip').waitFor();
      expect(await cell.getByTestId('rule-chip').textContent()).toBe('L1技术支持经理');
      expect(await cell.getByTestId('rule-chip').getAttribute('data-active')).toBe('true');
      // Rows stay in time order: 1 h, 2 h, 4 h …
      const rows = await grid.locator('tbody tr').evaluateAll((els) => els.map((el) => el.getAttribute('data-after')));
      expect(rows.slice(0, 3)).toEqual(['60', '120', '240']);
      await snap(page, 'escalation-matrix');
    });
  });
}
