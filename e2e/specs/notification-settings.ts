/**
 * Notification choices and the event consumers: an engineer turns off 新回复 in the app from
 * 个人设置 → 通知设置 and it stays off after a reload; a save the server refuses moves the switch
 * back with a message; the mail switches are disabled with the reason while the desk has no mail
 * server; a customer user finds the same page in the portal. An administrator sees the 事件处理
 * card on 消息投递 with the consumers in state 正常, and a failing one with its event and error,
 * retries it and skips the event.
 */
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { domainEvents } from '../../server/db/schema';
import type { EventConsumer } from '../../server/modules/events';
import { clickUntilPath, login, snap, type E2eApp } from '../support';

const PHONE = { width: 390, height: 844 };

async function openNotificationSettings(page: Page) {
  // Opened again if a click was lost while the page was still settling after the login (seen on a busy CI machine).
  await clickUntilPath(
    page,
    async () => {
      await page.getByTestId('user-menu').click();
      await page.getByRole('menuitem', { name: '通知设置' }).click();
    },
    /^\/settings\/notifications$/,
  );
  await page.getByTestId('pref-table').waitFor();
  await page.locator('.ant-dropdown:not(.ant-dropdown-hidden)').waitFor({ state: 'detached' });
}

const checked = async (page: Page, testId: string) => (await page.getByTestId(testId).getAttribute('aria-checked')) === 'true';

export function notificationSettingsSpec(app: () => E2eApp) {
  describe('notification settings and event consumers', () => {
    let engineer: { username: string };
    let customerUser: { username: string };
    let admin: { username: string };
    let failingEventId = 0;

    beforeAll(async () => {
      const { factory, services } = app().t;
      engineer = await factory.user({ role: 'engineer', name: '孙工' });
      customerUser = await factory.user({ role: 'customer_user', name: '建行用户' });
      admin = await factory.user({ role: 'admin', name: '赵管理员' });

      // A consumer that cannot handle one ticket's creation, so the card has a failure to show.
      const failOn = new Set<number>();
      const probe: EventConsumer = {
        name: 'e2e-probe',
        kinds: ['ticket.created'],
        async handle(_tx, event) {
          if (failOn.has(event.id)) throw new Error(`probe cannot handle event ${event.id}\n    at handle (probe.ts:1:1)`);
        },
      };
      await services.consumers.drain();
      services.consumers.register(probe);
      await services.consumers.init();
      const ticket = await factory.ticket({ title: '营业厅叫号机故障' });
      const [created] = await services.db.select().from(domainEvents).where(eq(domainEvents.ticketId, ticket.id));
      failingEventId = created!.id;
      failOn.add(failingEventId);
      await services.consumers.drain();
    });

    it('turns off in-app notices of replies; the choice survives a reload; a refused save moves back', async () => {
      const { page } = await app().newPage();
      await login(page, engineer.username);
      await openNotificationSettings(page);

      const rows = page.getByTestId('pref-row');
      expect(await rows.count()).toBe(7);
      expect(await rows.nth(1).textContent()).toContain('新回复和备注');
      expect(await checked(page, 'pref-commented-inapp')).toBe(true);

      // No mail server in tests: every mail switch is disabled, and the page says why.
      expect(await page.getByTestId('mail-unavailable').textContent()).toContain('邮件通知暂不可用');
      for (const topic of ['assigned', 'commented', 'sla']) expect(await page.getByTestId(`pref-${topic}-email`).isDisabled()).toBe(true);
      await snap(page, 'notification-settings');

      const saved = page.waitForResponse((r) => r.url().endsWith('/api/me/notification-preferences') && r.request().method() === 'PATCH');
      await page.getByTestId('pref-commented-inapp').click();
      expect((await saved).status()).toBe(200);
      expect(JSON.parse((await saved).request().postData() ?? '{}')).toEqual({ items: [{ topic: 'commented', channel: 'inapp', enabled: false }] });
      expect(await checked(page, 'pref-commented-inapp')).toBe(false);

      await page.reload();
      await page.getByTestId('pref-table').waitFor();
      expect(await checked(page, 'pref-commented-inapp')).toBe(false);
      expect(await checked(page, 'pref-status-inapp')).toBe(true);

      // Keyboard: the switch takes focus and Space flips it at once. The server refuses this one
      // (held until the flip is seen): it moves back, with a message.
      let release = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/me/notification-preferences', async (route) => {
        if (route.request().method() !== 'PATCH') return route.continue();
        await held;
        return route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ code: 'unavailable', message: 'down for maintenance' }) });
      });
      await page.getByTestId('pref-status-inapp').focus();
      await page.keyboard.press('Space');
      await expect.poll(() => checked(page, 'pref-status-inapp')).toBe(false);
      release();
      const notice = page.locator('.ant-notification-notice').first();
      await notice.waitFor();
      expect(await notice.textContent()).not.toContain('down for maintenance');
      await expect.poll(() => checked(page, 'pref-status-inapp')).toBe(true);
      await page.unroute('**/api/me/notification-preferences');
      await page.reload();
      await page.getByTestId('pref-table').waitFor();
      expect(await checked(page, 'pref-status-inapp')).toBe(true);
      expect(await checked(page, 'pref-commented-inapp')).toBe(false);

      // On a phone: both switches of every row stay on screen.
      await page.setViewportSize(PHONE);
      const box = await page.getByTestId('pref-milestone-email').boundingBox();
      expect(box && box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      await snap(page, 'notification-settings-390');
    });

    it('is in the portal user menu too', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize(PHONE);
      await login(page, customerUser.username);
      await openNotificationSettings(page);
      expect(await page.getByTestId('pref-row').count()).toBe(7);
      expect(await checked(page, 'pref-assigned-inapp')).toBe(true);
      await snap(page, 'notification-settings-portal-390');
    });

    it('shows the event consumers to an administrator, retries a failing one and skips its event', async () => {
      const { services } = app().t;
      const { page } = await app().newPage();
      await login(page, admin.username);
      await page.goto('/admin/deliveries');
      const card = page.getByTestId('event-consumers');
      await card.waitFor();
      const row = (name: string) => card.locator(`[data-testid=consumer-row][data-name="${name}"]`);
      for (const name of ['notifications', 'push']) {
        await row(name).waitFor();
        expect(await row(name).getByTestId('consumer-state').textContent()).toBe('正常');
        expect(await row(name).getByTestId('consumer-lag').textContent()).toBe('积压 0');
        expect(await row(name).getByTestId('consumer-failure').count()).toBe(0);
      }

      const probe = row('e2e-probe');
      expect(await probe.getByTestId('consumer-state').textContent()).toBe('重试中');
      expect(await probe.getByTestId('consumer-failure').textContent()).toContain(`卡在事件 #${failingEventId}：工单创建`);
      expect(await probe.getByTestId('consumer-failure').textContent()).toContain('已尝试 1 次');
      expect(await probe.getByTestId('consumer-error').isVisible()).toBe(false);
      await probe.getByText('最近错误').click();
      expect(await probe.getByTestId('consumer-error').textContent()).toContain(`probe cannot handle event ${failingEventId}`);
      await snap(page, 'event-consumers');
      await page.setViewportSize(PHONE);
      await snap(page, 'event-consumers-390');
      await page.setViewportSize({ width: 1440, height: 900 });

      // 立即重试 clears the wait; the consumer tries again at its next run.
      await services.consumers.runOnce('e2e-probe');
      const waiting = async () => (await services.consumers.status()).find((c) => c.name === 'e2e-probe')!;
      expect((await waiting()).retryAt).not.toBeNull();
      await probe.getByTestId('consumer-retry').click();
      await page.getByText('已安排立即重试').waitFor();
      await expect.poll(async () => (await waiting()).retryAt).toBeNull();

      // 跳过此事件 asks first, then the consumer passes over it and is 正常 again.
      await probe.getByTestId('consumer-skip').click();
      const confirm = page.locator('.ant-popconfirm');
      await confirm.getByText(`跳过事件 #${failingEventId}？`).waitFor();
      expect(await confirm.textContent()).toContain('将不再处理这个事件');
      await confirm.getByRole('button', { name: '跳过' }).click();
      await page.getByText('已跳过该事件').waitFor();
      await expect.poll(() => probe.getByTestId('consumer-state').textContent()).toBe('正常');
      expect(await probe.getByTestId('consumer-failure').count()).toBe(0);
      expect((await waiting()).failingEventId).toBeNull();
    });
  });
}
