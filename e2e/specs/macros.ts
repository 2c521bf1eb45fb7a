/**
 * Canned replies and the assignee picker: an engineer writes a macro on 快捷回复 (live preview),
 * types `/` in a ticket's comment box, picks it with the keyboard, sees the rendered text and the
 * chips for what it will set, sends, and finds the reply, the new status and severity; then assigns a
 * colleague by typing pinyin initials. The picker and the `/` menu also fit a 390 px phone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { login, snap, timelineEvents, waitForPath, type E2eApp } from '../support';

export function macrosSpec(app: () => E2eApp) {
  describe('macros: canned replies with / and the assignee picker', () => {
    let engineer: { id: string; username: string };
    let ticket: { id: string; number: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      const customer = await factory.customer({ name: '华东电力公司' });
      const contact = await factory.contact(customer.id, { name: '李明' });
      engineer = await factory.user({ role: 'engineer', name: '王工' });
      await factory.user({ role: 'engineer', name: '张三' });
      await factory.user({ role: 'engineer', name: '李四' });
      ticket = await services.tickets.create(await factory.actor(), {
        title: '核心交换机端口频繁中断',
        description: '',
        severity: 'P3',
        channel: 'phone',
        customerId: customer.id,
        contactId: contact.id,
        assigneeId: engineer.id,
      });
      // A second macro with a similar name, so the `/` menu has something to choose between.
      await services.macros.create(
        { id: engineer.id, username: engineer.username, name: '王工', role: 'engineer', customerId: null, centerId: null, centerPath: null },
        { name: '远程诊断', body: '{{contact}}您好，我们正在远程诊断。' },
      );
    });

    it('creates a macro, applies it with / and the keyboard, and assigns by pinyin initials', async () => {
      const { page } = await app().newPage();
      await login(page, engineer.username);

      // 快捷回复 from the staff menu: a new macro with a live preview.
      await page.getByRole('link', { name: '快捷回复' }).click();
      await waitForPath(page, /^\/macros$/);
      await page.getByTestId('macro-create').click();
      await page.getByTestId('macro-name').fill('远程处理中');
      await page.getByTestId('macro-body').fill('您好，工单 ');
      await page.getByTestId('macro-insert-ticket').click();
      await page.getByTestId('macro-body').press('End');
      await page.getByTestId('macro-body').pressSequentially(' 已由{{engineer}}接手处理。');
      await expect.poll(() => page.getByTestId('macro-preview').textContent()).toContain('您好，工单 FW-2026-000123 已由张三接手处理。');
      await page.getByTestId('macro-status').click();
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: '处理中' }).click();
      await page.getByTestId('macro-severity').click();
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: 'P2' }).click();
      await snap(page, 'macros-edit');
      await page.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByTestId('macro-row-name').filter({ hasText: '远程处理中' }).waitFor();
      await snap(page, 'macros-page');

      // On the ticket: `/` opens the menu, arrows choose, Enter inserts.
      await page.goto(`/tickets/${ticket.id}`);
      const input = page.getByTestId('comment-input');
      await input.click();
      await input.pressSequentially('/远程');
      const options = page.getByTestId('macro-option');
      await expect.poll(() => options.count()).toBe(2);
      const names = await options.allTextContents();
      const target = names.findIndex((n) => n.includes('远程处理中'));
      for (let i = 0; i < target; i++) await input.press('ArrowDown');
      expect(await options.nth(target).getAttribute('aria-selected')).toBe('true');
      await snap(page, 'macros-slash-menu');
      await input.press('Enter');
      await expect.poll(() => input.inputValue()).toBe(`您好，工单 ${ticket.number} 已由王工接手处理。`);
      expect(await page.getByTestId('macro-chip-status').textContent()).toContain('处理中');
      expect(await page.getByTestId('macro-chip-severity').textContent()).toContain('P2');
      expect(await page.getByTestId('macro-menu').count()).toBe(0);
      await input.pressSequentially(' 预计今天恢复。');
      await snap(page, 'macros-chips');
      await page.getByTestId('comment-send').click();

      await timelineEvents(page, 'comment').filter({ hasText: '预计今天恢复' }).waitFor();
      const status = page.getByTestId('ticket-page').getByTestId('status-tag').first();
      await expect.poll(() => status.getAttribute('data-status')).toBe('in_progress');
      await expect.poll(() => page.getByTestId('ticket-page').getByTestId('severity-tag').first().textContent()).toContain('P2');
      expect(await input.inputValue()).toBe('');

      // The assignee picker: "zs" finds 张三 (with center, level and load); Enter assigns.
      await page.getByTestId('assignee-select').click();
      await page.keyboard.type('zs');
      const option = page.getByTestId('assignee-option').filter({ hasText: '张三' });
      // The server's answer replaces the unfiltered list once the debounce is over.
      await expect.poll(() => page.getByTestId('assignee-option').count()).toBe(1);
      await option.waitFor();
      expect(await option.textContent()).toContain('在办 0');
      await snap(page, 'macros-assignee-picker');
      await page.keyboard.press('Enter');
      await timelineEvents(page, 'assigned').filter({ hasText: '张三' }).waitFor();
    });

    it('fits a 390 px phone: the picker and the / menu stay on screen', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await login(page, engineer.username);
      await page.goto(`/tickets/${ticket.id}`);
      await page.getByTestId('assignee-select').click();
      await page.keyboard.type('ls');
      await page.getByTestId('assignee-option').filter({ hasText: '李四' }).waitFor();
      const popup = await page.locator('.assignee-popup').boundingBox();
      expect(popup!.x).toBeGreaterThanOrEqual(0);
      expect(popup!.x + popup!.width).toBeLessThanOrEqual(390);
      await snap(page, 'macros-assignee-390');
      await page.keyboard.press('Escape');
      const input = page.getByTestId('comment-input');
      await input.click();
      await input.pressSequentially('/');
      await expect.poll(() => page.getByTestId('macro-option').count()).toBe(2);
      const menu = await page.getByTestId('macro-menu').boundingBox();
      expect(menu!.x + menu!.width).toBeLessThanOrEqual(390);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await snap(page, 'macros-slash-390');

      // The management page and its dialog (a full-screen sheet) fit too.
      await page.goto('/macros');
      await page.getByTestId('macro-row-name').first().waitFor();
      await page.getByTestId('macro-edit').first().click();
      await page.getByTestId('macro-preview').waitFor();
      await page.waitForTimeout(400); // the sheet's opening animation, for the screenshot
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await snap(page, 'macros-edit-390');
      await page.keyboard.press('Escape');
      await page.waitForTimeout(400);
      await snap(page, 'macros-page-390');
    });
  });
}
