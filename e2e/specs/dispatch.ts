/**
 * The dispatch board (issue 12): a dispatcher opens /dispatch and sees an unassigned P1 of their
 * center with its countdown; 派给… lists the suggestions ranked with reasons in words (a junior
 * greyed out: a P1 needs a senior); choosing the senior engineer and 分配并计划上门 assigns the
 * ticket and plans a visit, which leaves the work list and shows on the timeline; the ticket page's
 * visits card shows the visit. A second ticket is dragged onto an engineer and assigned only. At
 * 390 px the lists stack and the pick flow works without dragging.
 */
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tickets, users, visits } from '../../server/db/schema';
import { login, snap, waitForPath, type E2eApp } from '../support';

const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

export function dispatchSpec(app: () => E2eApp) {
  describe('dispatch board: pick, plan, timeline, drag', () => {
    const suffix = `${process.pid}${Date.now() % 100_000}`;
    let dispatcher: { username: string };
    let customerUser: { username: string };
    let senior: { id: string };
    let junior: { id: string };
    let p1: { id: string; number: string };
    let p2: { id: string; number: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      const actor = await factory.actor();
      // A center of its own: the board shows the dispatcher's center, not the other specs' work.
      const center = await factory.center();
      const customer = await factory.customer({ name: `深圳农商银行 ${suffix}`, centerId: center.id });
      const site = await services.customers.addSite(actor, customer.id, { name: '福田支行营业厅', address: '深圳市福田区深南大道 1 号', region: '广东' });
      dispatcher = await factory.user({ role: 'dispatcher', name: '吴调度', centerId: center.id });
      customerUser = await factory.user({ role: 'customer_user', customerId: customer.id, name: '农商行用户' });
      const engineer = async (name: string, level: 'junior' | 'senior', skills: string[]) => {
        const u = await factory.user({ role: 'engineer', name, centerId: center.id });
        await services.db.update(users).set({ engineerLevel: level, skills }).where(eq(users.id, u.id));
        return u;
      };
      senior = await engineer('孙高工', 'senior', ['ATM', '网络']);
      junior = await engineer('钱小工', 'junior', ['ATM']);
      const create = (title: string, severity: 'P1' | 'P2') =>
        services.tickets.create(actor, { title, description: '整机无响应', severity, channel: 'phone', customerId: customer.id, siteId: site.id, centerId: center.id });
      p1 = await create('福田支行 ATM 整机宕机', 'P1');
      p2 = await create('福田支行叫号机黑屏', 'P2');
      await services.db.update(tickets).set({ requiredSkills: ['ATM'] }).where(eq(tickets.id, p1.id));
    });

    it('assigns a P1 to a suggested engineer with a planned visit, shown on the timeline and on the ticket', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.goto('/dispatch');
      const work = page.locator(`[data-testid=board-ticket][data-ticket-id="${p1.id}"]`);
      await work.waitFor();
      await expect.poll(() => work.getByTestId('board-reason').textContent()).toBe('未分配');
      expect(await work.getByTestId('severity-tag').textContent()).toBe('P1');
      await work.getByTestId('sla-badge').waitFor();
      await page.locator(`[data-testid=board-engineer][data-engineer-id="${senior.id}"]`).waitFor();
      await snap(page, 'dispatch-board-1440');

      // 派给…: ranked suggestions with reasons in words; the junior is greyed out with why.
      await work.getByTestId('board-pick').click();
      const list = page.getByTestId('suggestions');
      await list.waitFor();
      const first = list.getByTestId('suggestion').first();
      expect(await first.getAttribute('data-user-id')).toBe(senior.id);
      expect(await first.getAttribute('data-eligible')).toBe('true');
      expect(await first.getByTestId('suggestion-reasons').textContent()).toContain('技能匹配：ATM');
      const weak = list.locator(`[data-testid=suggestion][data-user-id="${junior.id}"]`);
      expect(await weak.getAttribute('data-eligible')).toBe('false');
      expect(await weak.getByTestId('suggestion-reasons').textContent()).toContain('级别不够');
      await snap(page, 'dispatch-suggestions');
      await first.getByTestId('suggestion-choose').click();

      // Assign and plan a visit (the default), the chosen engineer leading.
      const modal = page.getByTestId('dispatch-modal');
      await modal.waitFor();
      expect(await page.getByTestId('dispatch-engineer').textContent()).toContain('孙高工');
      await page.locator('[data-testid=visit-engineers] .ant-select-selection-item').filter({ hasText: '孙高工' }).waitFor();
      await snap(page, 'dispatch-modal');
      await page.getByTestId('dispatch-submit').click();
      await work.waitFor({ state: 'detached' });

      const { services, config } = app().t;
      await expect.poll(async () => (await services.db.select().from(visits).where(eq(visits.ticketId, p1.id))).length).toBe(1);
      const [visit] = await services.db.select().from(visits).where(eq(visits.ticketId, p1.id));
      const [row] = await services.db.select({ assigneeId: tickets.assigneeId }).from(tickets).where(eq(tickets.id, p1.id));
      expect(row!.assigneeId).toBe(senior.id);
      expect(visit!.status).toBe('planned');

      // The timeline of the visit's day (the desk's day: the default window may start after midnight).
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(visit!.plannedStart);
      await page.goto(`/dispatch?day=${day}`);
      const block = page.locator(`[data-testid=timeline-row][data-engineer-id="${senior.id}"] [data-testid=timeline-visit][data-visit-id="${visit!.id}"]`);
      await block.waitFor();
      expect(await block.getAttribute('data-status')).toBe('planned');
      expect(await block.textContent()).toContain(p1.number);
      await snap(page, 'dispatch-timeline-1440');
      // The week holding that day shows it too, in a column per day.
      await page.getByTestId('board-span').getByText('周').click();
      await page.locator('[data-testid=visit-timeline][data-span=week]').waitFor();
      await block.waitFor();
      await snap(page, 'dispatch-week-1440');

      // The ticket page's visits card shows it.
      await page.goto(`/tickets/${p1.id}`);
      const card = page.getByTestId('ticket-visits');
      const item = card.locator(`[data-testid=ticket-visit][data-visit-id="${visit!.id}"]`);
      await item.waitFor();
      expect(await item.getByTestId('visit-status').textContent()).toBe('已计划');
      expect(await item.getByTestId('ticket-visit-engineers').textContent()).toContain('孙高工');
      await snap(page, 'ticket-visits-card');
      await item.getByTestId('ticket-visit-open').click();
      await waitForPath(page, new RegExp(`^/visits/${visit!.id}$`));

      // The customer's portal page shows when the visit is and who comes, without the desk's visit page.
      const portal = (await app().newPage()).page;
      await login(portal, customerUser.username);
      await portal.goto(`/tickets/${p1.id}`);
      const theirs = portal.locator(`[data-testid=ticket-visits] [data-testid=ticket-visit][data-visit-id="${visit!.id}"]`);
      await theirs.waitFor();
      expect(await theirs.getByTestId('ticket-visit-engineers').textContent()).toContain('孙高工');
      expect(await theirs.getByTestId('ticket-visit-open').count()).toBe(0);
    }, 120_000);

    it('drags a ticket onto an engineer and assigns it only', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.goto('/dispatch');
      const work = page.locator(`[data-testid=board-ticket][data-ticket-id="${p2.id}"]`);
      const target = page.locator(`[data-testid=board-engineer][data-engineer-id="${junior.id}"]`);
      await work.waitFor();
      await target.waitFor();
      await work.dragTo(target);
      await page.getByTestId('dispatch-modal').waitFor();
      expect(await page.getByTestId('dispatch-engineer').textContent()).toContain('钱小工');
      await page.getByTestId('dispatch-assign-only').click();
      await page.getByTestId('dispatch-submit').click();
      // Assigned, no visit yet, on site: it stays on the board as work to visit.
      await expect.poll(() => work.getByTestId('board-reason').textContent()).toBe('待上门');
      const { services } = app().t;
      const [row] = await services.db.select({ assigneeId: tickets.assigneeId }).from(tickets).where(eq(tickets.id, p2.id));
      expect(row!.assigneeId).toBe(junior.id);
      expect(await services.db.select().from(visits).where(eq(visits.ticketId, p2.id))).toEqual([]);
    }, 60_000);

    it('works at 390 px: stacked lists, the pick flow, the timeline on its tab', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await login(page, dispatcher.username);
      await page.goto('/dispatch');
      const work = page.locator(`[data-testid=board-ticket][data-ticket-id="${p2.id}"]`);
      await work.waitFor();
      await page.locator(`[data-testid=board-engineer][data-engineer-id="${senior.id}"]`).waitFor();
      expect(await work.getAttribute('draggable')).toBe('false');
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await snap(page, 'dispatch-board-390');
      await work.getByTestId('board-pick').click();
      await page.getByTestId('suggestions').waitFor();
      await snap(page, 'dispatch-suggestions-390');
      await page.keyboard.press('Escape');
      await page.getByRole('tab', { name: '上门日程' }).click();
      await page.getByTestId('visit-timeline').or(page.getByTestId('timeline-empty')).first().waitFor();
      await snap(page, 'dispatch-timeline-390');
    }, 60_000);
  });
}
