/**
 * The customer portal: a customer user sees their organisation's tickets only — another
 * customer's ticket opened by URL shows the not-found page, never its title — and can reply,
 * confirm a resolution, report a problem and withdraw it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { login, snap, timelineEvents, waitForPath, type E2eApp } from '../support';

export function portalSpec(app: () => E2eApp) {
  describe('portal: customer users see their own organisation only', () => {
    const ownName = '华夏证券上海营业部';
    let user: { username: string };
    let ownOpen: { id: string; title: string };
    let ownResolved: { id: string; title: string; number: string };
    let foreign: { id: string; title: string; number: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      const own = await factory.customer({ name: ownName });
      const other = await factory.customer({ name: '东方航空信息部' });
      const engineer = await factory.user({ role: 'engineer', name: '钱工程师' });
      ownOpen = await factory.ticket({ customerId: own.id, title: '交易终端无法登录', severity: 'P2' });
      ownResolved = await factory.ticket({ customerId: own.id, title: '营业部打印机脱机', assigneeId: engineer.id });
      foreign = await factory.ticket({ customerId: other.id, title: '东航机密：订座系统核心网故障', severity: 'P1' });
      const staff = await factory.actor();
      await services.tickets.transition(staff, ownResolved.id, { to: 'in_progress' });
      await services.tickets.comment(staff, ownResolved.id, { body: '内部备注：设备已过保，按收费服务处理', public: false });
      await services.tickets.transition(staff, ownResolved.id, { to: 'resolved', note: '已重新安装打印驱动' });
      user = await factory.user({ role: 'customer_user', customerId: own.id, name: '华夏用户' });
    });

    it('lists only their own tickets under the customer name', async () => {
      const { page } = await app().newPage();
      await login(page, user.username);
      expect(await page.getByTestId('portal-title').textContent()).toContain(ownName);
      await page.getByTestId('ticket-row').filter({ hasText: ownOpen.title }).waitFor();
      const rows = await page.getByTestId('ticket-row').allTextContents();
      expect(rows).toHaveLength(2);
      expect(rows.join('\n')).toContain(ownResolved.title);
      expect(rows.join('\n')).not.toContain(foreign.title);
      await snap(page, 'portal-list');

      // Keyboard: `/` searches (kept in the URL), j selects the first row, Enter opens it.
      await page.keyboard.press('/');
      await page.keyboard.type('打印机');
      await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('打印机');
      await expect.poll(() => page.getByTestId('ticket-row').count()).toBe(1);
      await page.getByTestId('ticket-table').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('j');
      await page.keyboard.press('Enter');
      await waitForPath(page, new RegExp(`^/tickets/${ownResolved.id}$`));
      await page.goBack();
      await expect.poll(() => page.getByTestId('queue-search').inputValue()).toBe('打印机');
    });

    it("shows the not-found page for another customer's ticket opened by URL", async () => {
      const { page } = await app().newPage();
      await login(page, user.username);
      await page.goto(`/tickets/${foreign.id}`);
      await page.getByText('工单不存在或无权查看').waitFor();
      const text = await page.locator('body').innerText();
      expect(text).not.toContain(foreign.title);
      expect(text).not.toContain(foreign.number);
      expect(await page.getByTestId('ticket-page').count()).toBe(0);
      await snap(page, 'portal-not-found');
    });

    it('replies on a resolved ticket and confirms the resolution', async () => {
      const { page } = await app().newPage();
      // Escalations are staff bookkeeping: the portal never asks for them.
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await login(page, user.username);
      await page.getByTestId('ticket-row').filter({ hasText: ownResolved.title }).click();
      await waitForPath(page, new RegExp(`^/tickets/${ownResolved.id}$`));
      await page.getByTestId('ticket-title').filter({ hasText: ownResolved.title }).waitFor();
      await timelineEvents(page, 'status_changed').filter({ hasText: '已重新安装打印驱动' }).waitFor();

      // Internal notes and the internal switch are staff-only.
      expect(await page.locator('body').innerText()).not.toContain('设备已过保');
      expect(await page.getByTestId('comment-internal').count()).toBe(0);
      expect(await page.getByTestId('transition-closed').textContent()).toBe('确认解决');
      expect(await page.getByTestId('transition-in_progress').textContent()).toBe('问题未解决');

      await page.getByTestId('comment-input').fill('打印已恢复，谢谢！');
      await page.getByTestId('comment-send').click();
      await timelineEvents(page, 'comment').filter({ hasText: '打印已恢复，谢谢！' }).waitFor();
      await snap(page, 'portal-ticket');

      await page.getByTestId('transition-closed').click();
      const status = page.getByTestId('ticket-page').getByTestId('status-tag').first();
      await expect.poll(() => status.getAttribute('data-status')).toBe('closed');
      await timelineEvents(page, 'status_changed').filter({ hasText: '「已解决」改为「已关闭」' }).waitFor();
      expect(requested.filter((p) => p.startsWith('/api/tickets/'))).not.toEqual([]);
      expect(requested.filter((p) => p.endsWith('/escalations'))).toEqual([]);
    });

    it('reports a problem and withdraws it', async () => {
      const { page } = await app().newPage();
      await login(page, user.username);
      await page.getByRole('link', { name: '报修', exact: true }).click();
      await waitForPath(page, /^\/tickets\/new$/);
      await page.getByTestId('ticket-title-input').fill('行情大屏黑屏');
      await page.getByTestId('impact-impaired').click();
      await snap(page, 'portal-report');
      await page.getByTestId('create-ticket').click();
      await waitForPath(page, /^\/tickets\/[0-9a-f-]{36}$/);
      await page.getByTestId('ticket-title').filter({ hasText: '行情大屏黑屏' }).waitFor();
      expect(await page.getByTestId('follow-toggle').getAttribute('aria-pressed')).toBe('true');

      await page.getByTestId('transition-cancelled').click();
      await page.getByTestId('transition-note').fill('重启后已恢复');
      await page.getByTestId('transition-confirm').click();
      const status = page.getByTestId('ticket-page').getByTestId('status-tag').first();
      await expect.poll(() => status.getAttribute('data-status')).toBe('cancelled');
    });
  });
}
