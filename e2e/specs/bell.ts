/**
 * The bell: a P1 ticket reported two hours ago is escalated by the sweep (1 h: the support
 * manager), the delivery worker turns the message into a notification, and the manager sees the
 * unread count, opens the item, lands on the ticket, and the count drops.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { deliverOnce } from '../../server/jobs/delivery';
import { sweepOnce } from '../../server/jobs/sweep';
import { login, snap, waitForPath, type E2eApp } from '../support';

export function bellSpec(app: () => E2eApp) {
  describe('bell: a fired escalation reaches the manager', () => {
    let manager: { username: string };
    let ticket: { id: string; number: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      manager = await factory.user({ role: 'manager', name: '卫经理' });
      const customer = await factory.customer({ name: '平安证券北京营业部' });
      ticket = await factory.ticket({
        customerId: customer.id,
        severity: 'P1',
        title: '交易网关全部中断',
        reportedAt: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      });
      await sweepOnce(services.db, services.engine, new Date());
      await deliverOnce(services.db, null, new Date());
    });

    it('shows the unread count and the escalation, and marks it read on opening', async () => {
      const { page } = await app().newPage();
      await login(page, manager.username);
      const count = page.getByTestId('bell').locator('.ant-badge-count');
      await expect.poll(async () => Number((await count.getAttribute('title')) ?? 0)).toBeGreaterThan(0);
      const before = Number(await count.getAttribute('title'));

      await page.getByTestId('bell').click();
      // The ticket leads the entry (number and title); what happened follows.
      const item = page.getByTestId('bell-item').filter({ hasText: ticket.number }).filter({ hasText: '【升级 L1】' });
      await item.waitFor();
      expect(await item.getAttribute('data-kind')).toBe('escalation');
      expect(await item.getAttribute('data-read')).toBe('false');
      expect(await item.textContent()).toContain('交易网关全部中断');
      await snap(page, 'bell');

      await item.click();
      await waitForPath(page, new RegExp(`^/tickets/${ticket.id}$`));
      await expect.poll(async () => Number((await count.getAttribute('title')) ?? 0)).toBe(before - 1);

      // The ticket shows the step: level 1, an hour after the report, the manager told.
      const escalation = page.getByTestId('escalation-item').first();
      await escalation.waitFor();
      expect(await escalation.textContent()).toContain('报告后 1 小时');
      expect(await escalation.textContent()).toContain('卫经理');
      expect(await page.getByTestId('ticket-page').getByTestId('escalation-tag').first().textContent()).toBe('L1');
    });
  });
}
