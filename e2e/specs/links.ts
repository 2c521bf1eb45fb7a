/**
 * Linked tickets: a dispatcher links two tickets of one customer (related, found by number), then
 * merges the duplicate into the other after reading what will move; the duplicate shows the
 * "已合并到 FW-…" banner, and its comment shows on the survivor marked 合并自; 新建子工单 opens the
 * new-ticket form prefilled from the parent. Also at 390 px.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, snap, timelineEvents, waitForPath, type E2eApp } from '../support';
import type { Locator, Page } from 'playwright-core';

/** Types into a searching Select and picks the option holding `text`. */
async function searchAndChoose(page: Page, select: Locator, text: string) {
  await select.click();
  await page.keyboard.type(text);
  await chooseOption(page, select, text);
}

export function linksSpec(app: () => E2eApp) {
  describe('links: link two tickets, merge a duplicate', () => {
    let dispatcher: { username: string };
    let survivor: { id: string; number: string };
    let duplicate: { id: string; number: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      dispatcher = await factory.user({ role: 'dispatcher', name: '韩调度' });
      const customer = await factory.customer({ name: '浦发银行上海分行' });
      survivor = await factory.ticket({ customerId: customer.id, title: '陆家嘴网点 ATM 全部离线', severity: 'P2' });
      duplicate = await factory.ticket({ customerId: customer.id, title: '陆家嘴 ATM 不能取款', severity: 'P3' });
      await services.tickets.comment(await factory.actor(), duplicate.id, { body: '客户第二次来电：三台柜员机黑屏', public: true });
    });

    it('links by number, merges after the summary, and shows the banner and the moved comment', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.goto(`/tickets/${duplicate.id}`);
      const panel = page.getByTestId('links-panel');
      await panel.waitFor();
      await expect.poll(() => panel.textContent()).toContain('暂无关联工单');

      await page.getByTestId('link-add').click();
      await searchAndChoose(page, page.getByTestId('link-ticket-search'), survivor.number);
      await page.getByTestId('link-add-confirm').click();
      const item = panel.getByTestId('links-item').filter({ hasText: survivor.number });
      await item.waitFor();
      expect(await panel.getByTestId('link-kind-label').first().textContent()).toBe('相关');
      await expect.poll(async () => timelineEvents(page, 'link').count()).toBe(1);

      await page.getByTestId('merge-open').click();
      await searchAndChoose(page, page.getByTestId('merge-ticket-search'), survivor.number);
      await page.getByTestId('merge-reason').fill('同一网点同一故障');
      const summary = page.getByTestId('merge-summary');
      await summary.waitFor();
      const said = (await summary.textContent()) ?? '';
      expect(said).toContain(`${duplicate.number} 将关闭，内容转入 ${survivor.number}`);
      expect(said).toContain('1 条评论');
      expect(said).toContain('无法撤销');
      await snap(page, 'links-merge-dialog');
      await page.getByTestId('merge-confirm').click();

      const banner = page.getByTestId('merged-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toContain(`本工单已合并到 ${survivor.number}`);
      await page.getByTestId('status-tag').first().filter({ hasText: '已关闭' }).waitFor();
      expect(await page.getByTestId('merge-open').count()).toBe(0);
      await snap(page, 'links-merged-banner');

      await page.getByTestId('merged-banner-link').click();
      await waitForPath(page, new RegExp(`^/tickets/${survivor.id}$`));
      const moved = timelineEvents(page, 'comment').filter({ hasText: '三台柜员机黑屏' });
      await moved.waitFor();
      expect(await moved.getByTestId('merged-from-tag').textContent()).toBe(`合并自 ${duplicate.number}`);
      expect(await timelineEvents(page, 'merge').textContent()).toContain(`将 ${duplicate.number} 合并到本工单`);
      expect(await page.getByTestId('links-panel').getByTestId('link-kind-label').allTextContents()).toEqual(['相关', '有重复工单']);
      await snap(page, 'links-survivor');

      // 新建子工单: the new-ticket form comes prefilled from the parent.
      await page.getByTestId('child-new').click();
      await waitForPath(page, /^\/tickets\/new$/);
      expect(await page.getByTestId('child-of-banner').textContent()).toContain(survivor.number);
      await expect.poll(() => page.getByLabel('标题').inputValue()).toBe('陆家嘴网点 ATM 全部离线');
      await expect.poll(async () => (await page.locator('.new-ticket form').textContent()) ?? '').toContain('浦发银行上海分行');
      await snap(page, 'links-new-child');
    });

    it('reads well at 390 px: banner and panel inside the screen', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await login(page, dispatcher.username);
      await page.goto(`/tickets/${duplicate.id}`);
      await page.getByTestId('merged-banner').waitFor();
      await page.getByTestId('links-panel').scrollIntoViewIfNeeded();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await snap(page, 'links-phone-duplicate');
      await page.goto(`/tickets/${survivor.id}`);
      await page.getByTestId('links-panel').getByTestId('links-item').first().waitFor();
      await page.getByTestId('merge-open').click();
      const dialog = page.locator('.ant-modal').filter({ has: page.getByTestId('merge-confirm') });
      await dialog.waitFor();
      const box = await page.getByTestId('merge-confirm').boundingBox();
      expect(box && box.y + box.height <= 844 && box.x + box.width <= 390).toBe(true);
      await snap(page, 'links-phone-merge-dialog');
    });
  });
}
