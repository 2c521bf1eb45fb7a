/**
 * Live push between two people on one ticket: while 王工 types a reply, 李调度's page says
 * "王工 正在编辑…"; when 王工 sends it, 李调度's page shows the comment and "此工单已被 王工 更新"
 * without a reload, and the "editing" line goes away. A queue row follows a change made elsewhere;
 * a notification rings the bell with a toast.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../server/db/schema';
import { login, snap, timelineEvents, type E2eApp } from '../support';

export function liveSpec(app: () => E2eApp) {
  describe('live push: two people on one ticket', () => {
    let engineer: { username: string };
    let dispatcher: { username: string };
    let ticket: { id: string; number: string };

    beforeAll(async () => {
      const { factory } = app().t;
      engineer = await factory.user({ role: 'engineer', name: '王工' });
      dispatcher = await factory.user({ role: 'dispatcher', name: '李调度' });
      const customer = await factory.customer({ name: '招商银行南京分行' });
      ticket = await factory.ticket({ customerId: customer.id, title: '网点排队机黑屏', severity: 'P2' });
      // Its creation is old news by the time anyone opens it.
      await app().t.services.consumers.drain();
    });

    it('shows who is writing, and the other person’s change without a reload', async () => {
      const a = await app().newPage();
      const b = await app().newPage();
      await Promise.all([login(a.page, engineer.username), login(b.page, dispatcher.username)]);
      await Promise.all([a.page.goto(`/tickets/${ticket.id}`), b.page.goto(`/tickets/${ticket.id}`)]);
      await Promise.all([a.page.getByTestId('comment-input').waitFor(), b.page.getByTestId('ticket-title').waitFor()]);
      // 李调度's page hears live events before 王工 types (the first keystroke is announced once, then every 15 s).
      await b.page.locator('html[data-live=ready]').waitFor();
      let reloads = 0;
      b.page.on('load', () => reloads++);

      // 王工 starts typing: 李调度 sees it, 王工 does not see himself.
      await a.page.getByTestId('comment-input').fill('已联系网点，');
      const editing = b.page.getByTestId('ticket-editing');
      await editing.waitFor();
      expect(await editing.textContent()).toContain('王工 正在编辑…');
      expect(await a.page.getByTestId('ticket-editing').count()).toBe(0);
      await snap(b.page, 'live-editing');

      // 王工 sends; the event consumers turn the change into a push (the server runs them in the background).
      await a.page.getByTestId('comment-input').fill('已联系网点，下午两点上门更换电源。');
      await a.page.getByTestId('comment-send').click();
      await timelineEvents(a.page, 'comment').filter({ hasText: '下午两点上门' }).waitFor();
      await app().t.services.consumers.drain();

      await timelineEvents(b.page, 'comment').filter({ hasText: '下午两点上门' }).waitFor();
      const updated = b.page.getByTestId('ticket-updated-by');
      await updated.waitFor();
      expect(await updated.textContent()).toContain('此工单已被 王工 更新');
      // Sending emptied the box: "editing" is over.
      await expect.poll(() => editing.count()).toBe(0);
      expect(reloads).toBe(0);
      // 王工's own change does not tell 王工 that someone updated it.
      expect(await a.page.getByTestId('ticket-updated-by').count()).toBe(0);
      await snap(b.page, 'live-updated');
    });

    it('updates a queue row when someone else changes the ticket', async () => {
      const { t } = app();
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      const row = page.getByTestId('ticket-row').filter({ hasText: ticket.number });
      await row.waitFor();
      expect(await row.textContent()).not.toContain('王工');
      let reloads = 0;
      page.on('load', () => reloads++);

      const [engineerRow] = await t.services.db.select().from(users).where(eq(users.username, engineer.username));
      await t.services.tickets.patch(await t.factory.actor(), ticket.id, { assigneeId: engineerRow!.id });
      await t.services.consumers.drain();

      await page.locator('[data-testid=ticket-row][data-live-updated=true]').filter({ hasText: ticket.number }).waitFor();
      await expect.poll(() => row.textContent()).toContain('王工');
      expect(reloads).toBe(0);
    });

    it('rings the bell with a toast when a notification arrives, without polling', async () => {
      const { t } = app();
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      const count = page.getByTestId('bell').locator('.ant-badge-count');
      const unread = async () => Number((await count.count()) ? ((await count.getAttribute('title')) ?? 0) : 0);
      const before = await unread();

      const other = await t.factory.ticket({ title: '柜员机凭条打印模糊' });
      await t.services.consumers.drain();
      const [dispatcherRow] = await t.services.db.select().from(users).where(eq(users.username, dispatcher.username));
      await t.services.tickets.patch(await t.factory.actor(), other.id, { assigneeId: dispatcherRow!.id });
      await t.services.consumers.drain();

      const toast = page.locator('.live-notification-toast').filter({ hasText: other.number });
      await toast.waitFor();
      expect(await toast.textContent()).toContain('已指派给您');
      await expect.poll(unread).toBe(before + 1);
    });
  });
}
