/**
 * The back-office pages' texts are not in the first load (web/src/i18n/admin.*.ts): they arrive with the page.
 * A manager opens the calendars page from the queue's menu — its words are there from its first paint, never a
 * raw key — switches to English on it, and opens the SLA policies by their own URL in English; back to Chinese there.
 * A MutationObserver installed before the app's script records every text the page ever shows that looks like
 * a key of a moved block, so a key that flashes for one frame fails too.
 * The ticket page's and the new-ticket form's texts (web/src/i18n/ticket.*.ts) likewise: a dispatcher opens a ticket
 * from the queue, switches to English on it, opens the new-ticket form by its URL in English and switches back there.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ticketZhCN } from '../../web/src/i18n/ticket.zh-CN';
import { login, openQueueRow, snap, timelineEvents, waitForPath, type E2eApp } from '../support';

/** A raw key of one of the blocks that load with their pages (`audit.title`, `users.create` …). */
const RAW_KEY_SOURCE = String.raw`\b(users|centers|audit|setup|calendars|policies|escalation|deliveries|tokens|notificationSettings|jobs|macros|mailboxes|mailSender|quarantine|mailTemplates)\.[a-zA-Z]`;

/** Every key of the ticket page's and new-ticket form's part (`ticket.details`, `comment.send` …), as whole words. */
const ticketKeys = (texts: object, prefix = ''): string[] =>
  Object.entries(texts).flatMap(([key, value]) => (typeof value === 'string' ? [prefix + key] : ticketKeys(value, `${prefix}${key}.`)));
const TICKET_KEY_SOURCE = String.raw`\b(?:` + ticketKeys(ticketZhCN).map((key) => key.replaceAll('.', String.raw`\.`)).join('|') + String.raw`)\b`;

function watchForRawKeys(source: string) {
  const pattern = new RegExp(source);
  const seen: string[] = [];
  (window as unknown as { rawKeysSeen: string[] }).rawKeysSeen = seen;
  const check = (text: string | null) => {
    if (text && pattern.test(text)) seen.push(text);
  };
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'characterData') check(record.target.textContent);
      for (const node of record.addedNodes) check(node.textContent);
    }
    check(document.title);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

const rawKeysSeen = (page: Page) => page.evaluate(() => (window as unknown as { rawKeysSeen: string[] }).rawKeysSeen);

export function pageTextsSpec(app: () => E2eApp) {
  describe('back-office texts load with their pages', () => {
    // A manager: no setup checklist on the queue (administrators only), which would bring the texts in early.
    let manager: { username: string };

    beforeAll(async () => {
      manager = await app().t.factory.user({ role: 'manager', name: '钱经理' });
    });

    it('shows an admin page in words at once, in Chinese and English, never raw keys', async () => {
      const { page } = await app().newPage();
      await page.addInitScript(watchForRawKeys, RAW_KEY_SOURCE);
      await login(page, manager.username);

      // From the queue by the menu: the page's code and its texts arrive together.
      await page.getByRole('menuitem', { name: '工作日历' }).click();
      await waitForPath(page, /^\/admin\/calendars$/);
      await page.getByRole('heading', { name: '工作日历' }).waitFor();
      await snap(page, 'page-texts-calendars');
      await page.getByRole('columnheader', { name: '节假日录入至' }).waitFor();

      // Switching on the page loads the English part before i18next switches.
      await page.getByTestId('language-switch').getByText('English').click();
      await page.getByRole('heading', { name: 'Business calendars' }).waitFor();
      await page.getByRole('columnheader', { name: 'Holidays entered to' }).waitFor();
      expect(await rawKeysSeen(page)).toEqual([]);

      // An admin page as the first page, in the stored language; then back to Chinese on it.
      await page.goto('/admin/sla-policies');
      await page.getByRole('heading', { name: 'SLA policies' }).waitFor();
      expect(await page.title()).toContain('SLA policies');
      await page.getByTestId('language-switch').getByText('中文').click();
      await page.getByRole('heading', { name: 'SLA 策略' }).waitFor();
      expect(await rawKeysSeen(page)).toEqual([]);
    });

    it('shows the ticket page and the new-ticket form in words at once, in Chinese and English, never raw keys', async () => {
      const { factory, services } = app().t;
      const customer = await factory.customer({ name: '浙商银行宁波分行' });
      const dispatcher = await factory.user({ role: 'dispatcher', name: '孙调度' });
      const ticket = await factory.ticket({ customerId: customer.id, title: '江北支行排队机黑屏', severity: 'P2' });
      const other = await factory.ticket({ customerId: customer.id, title: '江北支行回单机缺纸' });
      const staff = await factory.actor();
      await services.tickets.comment(staff, ticket.id, { body: '已电话指导重启', public: true });
      await services.ticketLinks.addLink(staff, ticket.id, { kind: 'related', ticket: other.number });

      const { page } = await app().newPage();
      await page.addInitScript(watchForRawKeys, TICKET_KEY_SOURCE);
      await login(page, dispatcher.username);

      // From the queue: the ticket page's code and its texts arrive together.
      const row = page.getByTestId('ticket-row').filter({ hasText: '江北支行排队机黑屏' });
      await openQueueRow(page, row, new RegExp(`^/tickets/${ticket.id}$`));
      await timelineEvents(page, 'comment').filter({ hasText: '已电话指导重启' }).waitFor();
      await page.getByText('处理记录', { exact: true }).waitFor();
      await page.getByText('工单信息', { exact: true }).waitFor();
      await page.getByTestId('links-panel').getByText('关联工单').first().waitFor();
      await page.getByTestId('sla-panel').waitFor();
      await snap(page, 'page-texts-ticket');
      expect(await rawKeysSeen(page)).toEqual([]);

      // Switching on the ticket page loads the English part before i18next switches.
      await page.getByTestId('language-switch').getByText('English').click();
      await page.getByText('Timeline', { exact: true }).waitFor();
      await page.getByText('Details', { exact: true }).waitFor();
      expect(await rawKeysSeen(page)).toEqual([]);

      // The new-ticket form as the first page, in the stored language; then back to Chinese on it.
      await page.goto('/tickets/new');
      await page.getByRole('heading', { name: 'New ticket (phone call)' }).waitFor();
      expect(await page.title()).toContain('New ticket (phone call)');
      await page.getByTestId('language-switch').getByText('中文').click();
      await page.getByRole('heading', { name: '新建工单（来电登记）' }).waitFor();
      expect(await rawKeysSeen(page)).toEqual([]);
    });
  });
}
