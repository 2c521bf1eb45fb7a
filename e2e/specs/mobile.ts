/**
 * The desk on a phone (390×844, and 360 wide where it is tightest): no page scrolls sideways, the
 * menu opens in a drawer, the queue is cards, the 解决 dialog is a sheet with its button on screen,
 * the portal header cuts a long customer name instead of overflowing. On the desktop the sider
 * stays, and its collapsed state survives a reload.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, snap, timelineEvents, waitForPath, type E2eApp } from '../support';

const PHONE = { width: 390, height: 844 };

/** Width of the page body beyond the viewport (0 when nothing scrolls sideways). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** The element is visible and lies wholly inside the viewport (half a pixel of rounding allowed). */
async function expectOnScreen(page: Page, locator: Locator) {
  expect(await locator.isVisible()).toBe(true);
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(-0.5);
  expect(box!.y).toBeGreaterThanOrEqual(-0.5);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width + 0.5);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height + 0.5);
}

/** Scrolls the element to the middle of the screen (scrollIntoViewIfNeeded leaves a half-visible one where it is). */
const reveal = (locator: Locator) => locator.evaluate((el) => el.scrollIntoView({ block: 'center' }));

/** No sideways scroll at 390 and at 360 px. */
async function expectNoSidewaysScroll(page: Page, name: string) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await snap(page, `mobile-${name}-390`);
  await page.setViewportSize({ width: 360, height: PHONE.height });
  await expect.poll(() => overflow(page)).toBeLessThanOrEqual(0);
  await page.setViewportSize(PHONE);
}

export function mobileSpec(app: () => E2eApp) {
  describe('mobile: the desk at 390 × 844', () => {
    const customerName = '中国工商银行股份有限公司江苏省分行营业部南京市鼓楼区中山北路支行';
    let dispatcher: { username: string };
    let customerUser: { username: string };
    let working: { id: string; number: string; title: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      const customer = await factory.customer({ name: customerName });
      await factory.contact(customer.id, { name: '周建华', phones: ['13700137000'] });
      const engineer = await factory.user({ role: 'engineer', name: '孙工程师' });
      dispatcher = await factory.user({ role: 'dispatcher', name: '林座席' });
      customerUser = await factory.user({ role: 'customer_user', customerId: customer.id, name: '工行联系人' });
      working = await factory.ticket({
        customerId: customer.id,
        title: '营业厅排队叫号机整机无响应，客户无法取号办理业务',
        severity: 'P2',
        assigneeId: engineer.id,
      });
      await services.tickets.transition(await factory.actor(), working.id, { to: 'in_progress' });
      await factory.ticket({ customerId: customer.id, title: '自助终端凭条打印模糊', severity: 'P4' });
    });

    it('queue: cards, the menu in a drawer, the hotline form', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize(PHONE);
      await login(page, dispatcher.username);

      // Cards, not a table squeezed to one column: each shows number, title, customer, tags and the SLA badge.
      const card = page.getByTestId('ticket-row').filter({ hasText: working.title });
      await card.waitFor();
      expect(await page.locator('.ant-table').count()).toBe(0);
      expect(await card.getByText(working.number).isVisible()).toBe(true);
      expect(await card.getByText(customerName).isVisible()).toBe(true);
      expect(await card.getByTestId('severity-tag').textContent()).toContain('P2');
      expect(await card.getByTestId('status-tag').getAttribute('data-status')).toBe('in_progress');
      await expectOnScreen(page, card.getByTestId('sla-badge'));
      const titleBox = (await card.locator('.queue-card-title').boundingBox())!;
      expect(titleBox.width).toBeGreaterThan(250);

      // No sider: a header button opens the menu in a drawer; the tools fold into the user menu.
      expect(await page.getByTestId('app-sider').count()).toBe(0);
      expect(await page.getByTestId('language-switch').count()).toBe(0);
      await expectOnScreen(page, page.getByTestId('user-menu'));
      await expectNoSidewaysScroll(page, 'queue');

      await page.getByTestId('menu-button').click();
      const drawer = page.getByTestId('menu-drawer');
      await drawer.waitFor();
      await snap(page, 'mobile-menu-390');
      await drawer.getByRole('link', { name: '新建工单' }).click();
      await waitForPath(page, /^\/tickets\/new$/);
      await expect.poll(() => drawer.isVisible()).toBe(false);

      // The hotline form: one column, every field inside the screen.
      await page.getByTestId('caller-phone').waitFor();
      await expectOnScreen(page, page.getByTestId('caller-phone'));
      const title = page.getByTestId('ticket-title-input');
      await reveal(title);
      await expectOnScreen(page, title);
      const create = page.getByTestId('create-ticket');
      await reveal(create);
      await expectOnScreen(page, create);
      await expectNoSidewaysScroll(page, 'new-ticket');

      // The language choice lives in the user menu now.
      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: 'English' }).click();
      await page.getByTestId('create-ticket').filter({ hasText: /Create/ }).waitFor();
    });

    it('ticket: the page fits and the 解决 sheet keeps its confirm button on screen', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize(PHONE);
      await login(page, dispatcher.username);
      await page.getByTestId('ticket-row').filter({ hasText: working.title }).click();
      await waitForPath(page, new RegExp(`^/tickets/${working.id}$`));
      await page.getByTestId('ticket-title').waitFor();
      await expectOnScreen(page, page.getByTestId('ticket-number'));
      await expectOnScreen(page, page.getByTestId('transition-resolved'));
      await expectNoSidewaysScroll(page, 'ticket');

      // A form dialog (FormModal) is a sheet too: its save button on screen above the severity cards.
      await page.getByTestId('change-severity').click();
      const save = page.getByTestId('severity-save');
      await save.waitFor();
      await page.waitForTimeout(400); // the sheet's opening animation
      await expectOnScreen(page, save);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await snap(page, 'mobile-severity-390');
      await page.locator('.ant-modal-container').filter({ has: save }).getByRole('button', { name: /取\s*消/ }).click();
      await expect.poll(() => save.isVisible()).toBe(false);

      await page.getByTestId('transition-resolved').click();
      const confirm = page.getByTestId('transition-confirm');
      await confirm.waitFor();
      await page.getByTestId('transition-note').fill('更换主板后叫号机恢复正常。');
      await page.waitForTimeout(400); // the sheet's opening animation
      await expectOnScreen(page, confirm);
      await expectOnScreen(page, page.getByTestId('transition-note'));
      // The sheet covers the screen.
      const sheet = (await page.locator('.ant-modal-container').filter({ has: confirm }).boundingBox())!;
      expect(sheet.width).toBeGreaterThanOrEqual(PHONE.width - 1);
      await snap(page, 'mobile-resolve-390');
      await confirm.click();
      const status = page.getByTestId('ticket-page').getByTestId('status-tag').first();
      await expect.poll(() => status.getAttribute('data-status')).toBe('resolved');
      await timelineEvents(page, 'status_changed').filter({ hasText: '更换主板后叫号机恢复正常' }).waitFor();
    });

    it('portal: a long customer name is cut, the list and a ticket fit', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize(PHONE);
      await login(page, customerUser.username);
      const title = page.getByTestId('portal-title');
      expect(await title.textContent()).toContain(customerName);
      await expectOnScreen(page, title);
      expect(await title.evaluate((el) => el.scrollWidth > el.clientWidth && getComputedStyle(el).textOverflow === 'ellipsis')).toBe(true);
      await expectOnScreen(page, page.getByTestId('user-menu'));
      await expectOnScreen(page, page.getByTestId('menu-button'));
      const card = page.getByTestId('ticket-row').filter({ hasText: working.title });
      await card.waitFor();
      await expectOnScreen(page, card.getByTestId('status-tag'));
      await expectNoSidewaysScroll(page, 'portal-list');

      await page.getByTestId('menu-button').click();
      await page.getByTestId('menu-drawer').getByRole('link', { name: '报修' }).waitFor();
      await page.keyboard.press('Escape');
      await expect.poll(() => page.getByTestId('menu-drawer').isVisible()).toBe(false);

      await card.click();
      await waitForPath(page, new RegExp(`^/tickets/${working.id}$`));
      await page.getByTestId('ticket-title').filter({ hasText: working.title }).waitFor();
      const input = page.getByTestId('comment-input');
      await reveal(input);
      await expectOnScreen(page, input);
      await expectNoSidewaysScroll(page, 'portal-ticket');
    });

    it('deliveries: the table scrolls inside its own box, not the page', async () => {
      const admin = await app().t.factory.user({ role: 'admin', name: '系统管理员' });
      const { page } = await app().newPage();
      await page.setViewportSize(PHONE);
      await login(page, admin.username);
      await page.goto('/admin/deliveries');
      const table = page.locator('.ant-table').first();
      await table.waitFor();
      await expectNoSidewaysScroll(page, 'deliveries');
      const box = (await table.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      // Its columns are wider than the screen: they scroll in the table's own box.
      const inner = page.locator('.ant-table-content').first();
      expect(await inner.evaluate((el) => el.scrollWidth > el.clientWidth && getComputedStyle(el).overflowX === 'auto')).toBe(true);
    });

    it('desktop: the sider stays, and its collapsed state survives a reload', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      const sider = page.getByTestId('app-sider');
      await sider.waitFor();
      expect(await page.getByTestId('menu-button').count()).toBe(0);
      expect(await page.locator('table').first().isVisible()).toBe(true);
      await snap(page, 'mobile-desktop-queue-1440');
      expect(await sider.getAttribute('class')).not.toContain('ant-layout-sider-collapsed');
      await sider.locator('.ant-layout-sider-trigger').click();
      await expect.poll(() => sider.getAttribute('class')).toContain('ant-layout-sider-collapsed');
      await page.reload();
      await page.getByTestId('ticket-table').waitFor();
      expect(await page.getByTestId('app-sider').getAttribute('class')).toContain('ant-layout-sider-collapsed');
      // The ticket was resolved above: the queue shows open tickets only by default, 全部 lists it.
      await chooseOption(page, page.getByTestId('view-select'), '全部');
      await page.getByTestId('ticket-row').filter({ hasText: working.title }).click();
      await page.getByTestId('ticket-title').waitFor();
      await snap(page, 'mobile-desktop-ticket-1440');
    });
  });
}
