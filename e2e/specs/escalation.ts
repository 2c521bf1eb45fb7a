/**
 * The escalation matrix: an administrator adds a step (P4, 2 hours after the report, level 1,
 * the support manager) and finds it in the grid on a new 2-hour row. The messages escalations
 * send are listed on the deliveries page, newest first, a hundred at a time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../server/db/schema';
import { chooseOption, login, snap, waitForPath, type E2eApp } from '../support';

export function escalationSpec(app: () => E2eApp) {
  describe('escalation matrix: an administrator adds a rule', () => {
    let admin: { username: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      admin = await factory.user({ role: 'admin', name: '冯管理员' });
      // More sent messages than one page holds.
      const now = new Date();
      await services.db.insert(outbox).values(
        Array.from({ length: 105 }, (_, i) => ({
          channel: 'email' as const,
          email: 'noc@example.com',
          subject: `分页测试 ${i + 1}`,
          body: '',
          kind: 'escalation',
          status: 'sent' as const,
          attempts: 1,
          nextAttemptAt: now,
          sentAt: now,
        })),
      );
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

    it('pages through the deliveries with "load more"', async () => {
      const { page } = await app().newPage();
      await login(page, admin.username);
      await page.getByRole('menuitem', { name: '消息投递' }).click();
      await waitForPath(page, /^\/admin\/deliveries$/);
      const rows = page.getByTestId('delivery-table').locator('tbody tr.ant-table-row');
      await expect.poll(() => rows.count()).toBe(100);
      const subject = rows.locator('td:nth-child(3)');
      expect(await subject.allTextContents()).toContain('分页测试 105');
      await snap(page, 'deliveries-first-page');
      await page.getByTestId('deliveries-more').click();
      await expect.poll(() => rows.count()).toBeGreaterThan(100);
      // Each of the 105 once: the second page starts where the first ended.
      const paged = (await subject.allTextContents()).filter((s) => s.startsWith('分页测试'));
      expect(paged).toHaveLength(105);
      expect(new Set(paged).size).toBe(105);
      expect(await page.getByTestId('deliveries-more').count()).toBe(0);
      await snap(page, 'deliveries');
    });
  });
}
