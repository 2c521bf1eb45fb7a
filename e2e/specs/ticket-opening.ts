/**
 * Opening a ticket is one API request (GET /api/tickets/:id/overview), for staff and for a
 * customer user: the panels — timeline, links, escalations, attachments, the assignee picker, the
 * `/` canned replies, the SLA panel's calendars — render from what it put in their caches. After
 * that each part lives on its own: a comment refreshes the timeline through its own route.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { login, openQueueRow, timelineEvents, type E2eApp } from '../support';

/** Records the API requests the page makes from now on ("GET /api/…?…"). */
function recordApi(page: Page) {
  const seen: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) seen.push(`${request.method()} ${url.pathname}${url.search}`);
  });
  return seen;
}

/** Lets requests started by what is on screen reach the recorder (effects run after paint). */
async function settle(page: Page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  await page.waitForTimeout(300);
}

export function ticketOpeningSpec(app: () => E2eApp) {
  describe('ticket opening: one request', () => {
    let dispatcher: { username: string };
    let customerUser: { username: string };
    let ticket: { id: string; number: string };
    let other: { number: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      const customer = await factory.customer({ name: '中信银行杭州分行' });
      dispatcher = await factory.user({ role: 'dispatcher', name: '周调度' });
      customerUser = await factory.user({ role: 'customer_user', customerId: customer.id, name: '中信用户' });
      await factory.user({ role: 'engineer', name: '甄工程师' });
      ticket = await factory.ticket({ customerId: customer.id, title: '西湖支行叫号机死机', severity: 'P2' });
      other = await factory.ticket({ customerId: customer.id, title: '西湖支行打印机卡纸' });
      const staff = await factory.actor();
      await services.tickets.comment(staff, ticket.id, { body: '已远程重启叫号机', public: true });
      await services.tickets.comment(staff, ticket.id, { body: '内部：主板老化，建议更换', public: false });
      await services.ticketLinks.addLink(staff, ticket.id, { kind: 'related', ticket: other.number });
      await services.macros.create(staff, { name: '上门安排', body: '工程师将于今天下午上门。', shared: true });
    });

    it('staff: one request opens the ticket, every panel renders from it, and a comment still refreshes the timeline', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      const row = page.getByTestId('ticket-row').filter({ hasText: '西湖支行叫号机死机' });
      await row.waitFor();
      const api = recordApi(page);
      await openQueueRow(page, row, new RegExp(`^/tickets/${ticket.id}$`));

      await timelineEvents(page, 'comment').filter({ hasText: '主板老化' }).waitFor();
      await page.getByTestId('links-panel').getByTestId('links-item').filter({ hasText: other.number }).waitFor();
      await page.getByTestId('attachments').waitFor();
      await page.getByTestId('sla-panel').waitFor();
      await settle(page);
      expect(api).toEqual([`GET /api/tickets/${ticket.id}/overview`]);

      // The picker and the `/` menu are there already, without asking.
      await page.getByTestId('assignee-select').click();
      await page.getByTestId('assignee-option').filter({ hasText: '甄工程师' }).waitFor();
      await page.keyboard.press('Escape');
      await page.getByTestId('comment-input').fill('/上门');
      await page.getByTestId('macro-option').filter({ hasText: '上门安排' }).waitFor();
      await page.getByTestId('comment-input').fill('');
      await settle(page);
      // (Typing announces the draft to others watching the ticket: POST …/presence, not a read.)
      expect(api.filter((r) => r.startsWith('GET '))).toEqual([`GET /api/tickets/${ticket.id}/overview`]);

      // Afterwards the parts refresh by their own routes, as before.
      await page.getByTestId('comment-input').fill('下午两点到场');
      await page.getByTestId('comment-send').click();
      await timelineEvents(page, 'comment').filter({ hasText: '下午两点到场' }).waitFor();
      expect(api).toContain(`POST /api/tickets/${ticket.id}/comments`);
      expect(api).toContain(`GET /api/tickets/${ticket.id}/events`);
      expect(api.filter((r) => r.endsWith('/overview'))).toHaveLength(1);
    });

    it('customer user: one request, and the internal note is not in it', async () => {
      const { page } = await app().newPage();
      const api: string[] = [];
      page.on('response', async (response) => {
        if (new URL(response.url()).pathname.endsWith('/overview')) api.push(await response.text());
      });
      await login(page, customerUser.username);
      const row = page.getByTestId('ticket-row').filter({ hasText: '西湖支行叫号机死机' });
      await row.waitFor();
      const requests = recordApi(page);
      await openQueueRow(page, row, new RegExp(`^/tickets/${ticket.id}$`));
      await timelineEvents(page, 'comment').filter({ hasText: '已远程重启叫号机' }).waitFor();
      await page.getByTestId('attachments').waitFor();
      await settle(page);
      expect(requests).toEqual([`GET /api/tickets/${ticket.id}/overview`]);
      expect(await timelineEvents(page, 'comment').filter({ hasText: '主板老化' }).count()).toBe(0);
      await expect.poll(() => api.length).toBe(1);
      expect(api[0]).not.toContain('主板老化');
      expect(JSON.parse(api[0]!)).toMatchObject({ escalations: null, assignees: null, macros: null, calendars: null });
    });
  });
}
