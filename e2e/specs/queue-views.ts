/**
 * The queue as a dispatcher works it: open tickets only by default, a saved view (a filter and a
 * column removed), switching views, a resized column that survives a reload, the keyboard still
 * driving the table after a filter was used, and a bulk assignment with its result per ticket.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, snap, waitForPath, type E2eApp } from '../support';

/** Polls for up to 10 s (a debounced search, a refetch, a live update take their time). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });

export function queueViewsSpec(app: () => E2eApp) {
  describe('queue: views, columns, keyboard, bulk actions', () => {
    let dispatcher: { username: string };
    let p1: { id: string; number: string };
    let p2: { id: string; number: string };
    let closed: { id: string; number: string };

    beforeAll(async () => {
      const { t } = app();
      const admin = await t.factory.actor();
      dispatcher = await t.factory.user({ role: 'dispatcher', name: '周调度' });
      await t.factory.user({ role: 'engineer', name: '吴工程师' });
      const customer = await t.factory.customer({ name: '交通银行苏州分行' });
      p1 = await t.factory.ticket({ customerId: customer.id, title: '视图测试 核心交换机掉电', severity: 'P1' });
      p2 = await t.factory.ticket({ customerId: customer.id, title: '视图测试 存折打印机卡纸', severity: 'P3' });
      closed = await t.factory.ticket({ customerId: customer.id, title: '视图测试 已关闭的网点断网', severity: 'P1' });
      await t.services.tickets.transition(admin, closed.id, { to: 'cancelled', note: '重复报修' });
    });

    const rows = (page: import('playwright-core').Page) => page.getByTestId('ticket-row');
    const rowOf = (page: import('playwright-core').Page, title: string) => rows(page).filter({ hasText: title });
    const noOpenDropdown = (page: import('playwright-core').Page) =>
      poll(() => page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').count()).toBe(0);

    it('shows open tickets by default, saves a view with a filter and a column removed, switches views', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      // Open only by default: the switcher says 未解决, and the cancelled ticket is not listed.
      expect(await page.getByTestId('view-select').textContent()).toContain('未解决');
      expect(await page.getByTestId('filter-open').getAttribute('aria-checked')).toBe('true');
      await snap(page, 'queue-views-default');
      await page.getByTestId('queue-search').fill('视图测试');
      await poll(() => new URL(page.url()).searchParams.get('q')).toBe('视图测试');
      await poll(() => rows(page).count()).toBe(2);
      await rowOf(page, '核心交换机掉电').waitFor();
      await rowOf(page, '存折打印机卡纸').waitFor();
      expect(await rowOf(page, '已关闭的网点断网').count()).toBe(0);

      // A filter (P1) and a column removed (客户), saved as a view of one's own.
      await chooseOption(page, page.getByTestId('filter-severity'), 'P1');
      await page.keyboard.press('Escape');
      await poll(() => rows(page).count()).toBe(1);
      await page.getByTestId('column-chooser-button').click();
      await page.getByTestId('column-toggle-customer').click();
      await poll(() => page.getByTestId('queue-col-customer').count()).toBe(0);
      await snap(page, 'queue-views-columns');
      await page.getByTestId('column-chooser-button').click();
      await page.getByTestId('view-save-as').click();
      await page.getByTestId('view-name').fill('P1 未解决');
      await page.keyboard.press('Enter');
      await poll(() => page.getByTestId('view-select').textContent()).toContain('P1 未解决');
      expect(new URL(page.url()).searchParams.get('view')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await page.getByTestId('view-modified').count()).toBe(0);

      // 全部 shows the cancelled ticket too (and keeps the person's columns); the saved view brings its filter back.
      await chooseOption(page, page.getByTestId('view-select'), '全部');
      // A view is the whole URL state: the search is emptied too.
      await poll(() => page.getByTestId('queue-search').inputValue()).toBe('');
      await page.getByTestId('queue-search').fill('视图测试');
      await rowOf(page, '已关闭的网点断网').waitFor();
      expect(await page.getByTestId('queue-col-customer').count()).toBe(0);
      // The search makes it a filter of its own (not 全部 any more).
      await poll(() => page.getByTestId('view-select').textContent()).toContain('当前筛选');
      await chooseOption(page, page.getByTestId('view-select'), 'P1 未解决');
      await poll(() => rows(page).count()).toBe(1);
      expect(await rows(page).first().textContent()).toContain('核心交换机掉电');
      expect(new URL(page.url()).searchParams.get('severity')).toBe('P1');
      await snap(page, 'queue-views-saved');
    }, 60_000);

    it('keeps a resized column after a reload', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      const header = page.getByTestId('queue-col-number');
      await header.waitFor();
      const before = (await header.boundingBox())!.width;
      const handle = (await page.getByTestId('resize-number').boundingBox())!;
      await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
      await page.mouse.down();
      await page.mouse.move(handle.x + handle.width / 2 + 40, handle.y + handle.height / 2, { steps: 5 });
      await page.mouse.move(handle.x + handle.width / 2 + 80, handle.y + handle.height / 2, { steps: 5 });
      await page.mouse.up();
      await poll(async () => Math.round((await header.boundingBox())!.width)).toBe(Math.round(before + 80));
      // The title still has the most room.
      const title = (await page.getByTestId('queue-col-title').boundingBox())!.width;
      const sla = (await page.getByTestId('queue-col-sla').boundingBox())!.width;
      expect(title).toBeGreaterThan(sla);

      await page.reload();
      await header.waitFor();
      await poll(async () => Math.round((await header.boundingBox())!.width)).toBe(Math.round(before + 80));
      await snap(page, 'queue-views-resized');
    }, 60_000);

    it('gives the keyboard back to the table after a filter is used: j then Enter opens the ticket', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.goto('/tickets?q=视图测试');
      await rowOf(page, '存折打印机卡纸').waitFor();
      // A filter chosen in a multiple select, closed with Escape: the table has the keyboard again.
      await chooseOption(page, page.getByTestId('filter-status'), '新建');
      await page.keyboard.press('Escape');
      await noOpenDropdown(page);
      await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('queue-table-focus');
      // A single select (sort) closes on choosing; the keys must reach the table, not the select.
      await chooseOption(page, page.getByTestId('queue-sort'), '按级别');
      await noOpenDropdown(page);
      await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('queue-table-focus');
      await poll(() => rows(page).first().textContent()).toContain('核心交换机掉电');
      await page.keyboard.press('j');
      await poll(() => rows(page).first().getAttribute('class')).toContain('queue-row-selected');
      await page.keyboard.press('Enter');
      await waitForPath(page, new RegExp(`^/tickets/${p1.id}$`));
    }, 60_000);

    it('assigns two tickets at once and lists the result per ticket', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.goto('/tickets?q=视图测试');
      await rowOf(page, '存折打印机卡纸').waitFor();
      await poll(() => rows(page).count()).toBe(2);
      // One by the keyboard (j selects the first row, the newer ticket; x checks it), one by its checkbox.
      await page.getByTestId('queue-table-focus').focus();
      await page.keyboard.press('j');
      await page.keyboard.press('x');
      await poll(() => page.getByTestId('bulk-count').textContent()).toContain('已选 1 张工单');
      await rowOf(page, '核心交换机掉电').getByTestId('row-check').click();
      await poll(() => page.getByTestId('bulk-count').textContent()).toContain('已选 2 张工单');
      // Selecting did not open a ticket.
      expect(new URL(page.url()).pathname).toBe('/tickets');

      await page.getByTestId('bulk-assign').click();
      const dialog = page.locator('.ant-modal').filter({ has: page.getByTestId('bulk-run') });
      await dialog.waitFor();
      await chooseOption(page, dialog.getByTestId('bulk-assignee'), '吴工程师');
      await page.getByTestId('bulk-run').click();
      await poll(() => page.getByTestId('bulk-summary').textContent()).toContain('2 张成功，0 张未执行');
      const results = page.getByTestId('bulk-result');
      expect(await results.count()).toBe(2);
      expect(await results.evaluateAll((els) => els.map((el) => el.getAttribute('data-ok')))).toEqual(['true', 'true']);
      const text = (await page.getByTestId('bulk-results').textContent()) ?? '';
      expect(text).toContain(p1.number);
      expect(text).toContain(p2.number);
      expect(text).toContain('已指派');
      await snap(page, 'queue-views-bulk-result');
      await page.getByTestId('bulk-done').click();
      await poll(() => page.getByTestId('bulk-bar').count()).toBe(0);
      await poll(() => rowOf(page, '核心交换机掉电').textContent()).toContain('吴工程师');
      await poll(() => rowOf(page, '存折打印机卡纸').textContent()).toContain('吴工程师');

      // On a phone: a select mode turns taps into selection.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('select-mode').click();
      await rowOf(page, '核心交换机掉电').click();
      await poll(() => page.getByTestId('bulk-count').textContent()).toContain('已选 1 张工单');
      expect(new URL(page.url()).pathname).toBe('/tickets');
      await snap(page, 'queue-views-phone-select');
      await page.getByTestId('bulk-comment').click();
      await page.getByTestId('bulk-body').waitFor();
      // The sheet has slid in (the screenshot is for people to look at).
      await poll(() => page.locator('.ant-zoom-enter, .ant-zoom-appear').count()).toBe(0);
      await snap(page, 'queue-views-phone-dialog');
    }, 60_000);
  });
}
