/**
 * The back-office pages' texts are not in the first load (web/src/i18n/admin.*.ts): they arrive with the page.
 * A manager opens the calendars page from the queue's menu — its words are there from its first paint, never a
 * raw key — switches to English on it, and opens the SLA policies by their own URL in English; back to Chinese there.
 * A MutationObserver installed before the app's script records every text the page ever shows that looks like
 * a key of a moved block, so a key that flashes for one frame fails too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, snap, waitForPath, type E2eApp } from '../support';

/** A raw key of one of the blocks that load with their pages (`audit.title`, `users.create` …). */
const RAW_KEY_SOURCE = String.raw`\b(users|centers|audit|setup|calendars|policies|escalation|deliveries|tokens|notificationSettings|jobs|macros|mailboxes|mailSender|quarantine|mailTemplates)\.[a-zA-Z]`;

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
  });
}
