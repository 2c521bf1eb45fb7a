/**
 * Administration on a phone and the administrator's first start: every admin page fits 390 px
 * (no sideways page scroll, its main action on screen); the first-start checklist shows to the
 * administrator only, with its progress and a step skipped by hand; the audit log names the ticket
 * by its FW number, filters by person and kind of object, and shows what changed field by field.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, snap, waitForPath, type E2eApp } from '../support';

const PHONE = { width: 390, height: 844 };

async function expectOnScreen(page: Page, locator: Locator) {
  await locator.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = await locator.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(-0.5);
  expect(box!.x + box!.width).toBeLessThanOrEqual(page.viewportSize()!.width + 0.5);
}

export function adminMobileSpec(app: () => E2eApp) {
  describe('admin pages on a phone, the first-start checklist and the audit log', () => {
    let admin: { username: string };
    let dispatcher: { username: string };
    let engineer: { id: string; username: string };
    let ticket: { id: string; number: string; title: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      admin = await factory.user({ role: 'admin', name: '陈管理员' });
      dispatcher = await factory.user({ role: 'dispatcher', name: '黄调度' });
      engineer = await factory.user({ role: 'engineer', name: '郑工程师' });
      const customer = await factory.customer({ name: '兴业银行福州分行' });
      ticket = await factory.ticket({ customerId: customer.id, title: '柜面扫码枪无法识别二维码', severity: 'P3' });
      // The engineer's own change, so "by this person" has something to find.
      const actor = { id: engineer.id, username: engineer.username, name: '郑工程师', role: 'engineer' as const, customerId: null, centerId: null, centerPath: null };
      await services.tickets.patch(actor, ticket.id, { assigneeId: engineer.id, severity: 'P2', severityReason: '两台扫码枪同时故障' });
    });

    it('every admin page fits 390 px with its main action on screen', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize(PHONE);
      await login(page, admin.username);
      await page.getByTestId('setup-checklist').waitFor();
      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await snap(page, 'admin-mobile-queue-checklist');

      const pages: Array<[string, string, (p: Page) => Locator]> = [
        ['users', '/admin/users', (p) => p.getByTestId('create-user')],
        ['centers', '/admin/centers', (p) => p.locator('.page-card .ant-btn-primary').first()],
        ['audit', '/admin/audit', (p) => p.getByTestId('audit-actor-filter')],
        ['calendars', '/admin/calendars', (p) => p.getByTestId('create-calendar')],
        ['sla-policies', '/admin/sla-policies', (p) => p.getByTestId('create-policy')],
        ['escalation', '/admin/escalation', (p) => p.getByTestId('add-rule')],
        ['jobs', '/admin/jobs', (p) => p.getByTestId('jobs-page')],
        ['tokens', '/admin/tokens', (p) => p.locator('.ant-btn-primary').first()],
        ['deliveries', '/admin/deliveries', (p) => p.getByTestId('delivery-table')],
        ['notification-settings', '/settings/notifications', (p) => p.getByTestId('pref-table')],
        ['customers', '/customers', (p) => p.getByTestId('create-customer')],
      ];
      const wide: string[] = [];
      for (const [name, path, main] of pages) {
        await page.goto(path);
        const action = main(page);
        await action.waitFor();
        // Let late content (tables, cards) settle before measuring.
        await page.waitForTimeout(300);
        const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
        if (width > PHONE.width) wide.push(`${name}: ${width}`);
        await expectOnScreen(page, action);
        await snap(page, `admin-mobile-${name}`);
        // Their create dialogs are full-screen sheets with one-column forms.
        if (['users', 'escalation', 'tokens', 'calendars'].includes(name)) {
          await action.click();
          const dialog = page.locator('.ant-modal').last();
          await dialog.waitFor();
          await page.waitForTimeout(400);
          const box = (await dialog.boundingBox())!;
          expect(Math.round(box.width), name).toBe(PHONE.width);
          expect(await page.evaluate(() => document.scrollingElement!.scrollWidth), name).toBeLessThanOrEqual(PHONE.width);
          const fields = await dialog.locator('.ant-form-item').evaluateAll((items) => items.map((i) => i.getBoundingClientRect().width));
          for (const w of fields) expect(w === 0 || w > PHONE.width - 60, `${name}: a field ${w} px wide`).toBe(true);
          await snap(page, `admin-mobile-${name}-dialog`);
          await page.keyboard.press('Escape');
          await dialog.waitFor({ state: 'hidden' });
        }
      }
      expect(wide).toEqual([]);
    }, 120_000);

    it('the checklist is the administrator’s; the audit log reads like a history', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.waitForTimeout(500);
      expect(await page.getByTestId('setup-checklist').count()).toBe(0);
      await page.context().clearCookies();

      await login(page, admin.username);
      const card = page.getByTestId('setup-checklist');
      await card.waitFor();
      // Staff exist (this spec made some): that step is done from the real state.
      expect(await card.getByTestId('setup-step-users').getAttribute('data-complete')).toBe('true');
      const progress = async () => (await card.getByTestId('setup-progress').textContent())?.trim();
      const before = await progress();
      expect(before).toMatch(/^\d\/5$/);
      const mail = card.getByTestId('setup-step-mail');
      if ((await mail.getAttribute('data-complete')) === 'false') {
        await card.getByTestId('setup-skip-mail').click();
        await expect.poll(() => mail.getAttribute('data-complete')).toBe('true');
        expect(await progress()).toBe(`${Number(before!.split('/')[0]) + 1}/5`);
      }
      await snap(page, 'admin-checklist-desktop');

      await page.goto('/admin/audit');
      // Typed first: with many people the list is virtual and shows only some of them.
      const actorFilter = page.getByTestId('audit-actor-filter');
      await actorFilter.click();
      await actorFilter.locator('input').fill('郑工程师');
      await chooseOption(page, actorFilter, '郑工程师');
      await expect.poll(() => new URL(page.url()).searchParams.get('actor')).toBe(engineer.id);
      // The list is fetched again for the kind filter: wait for that answer, not the person-only one.
      const listed = page.waitForResponse((r) => r.url().includes('/api/audit') && r.url().includes('entity=ticket'));
      await chooseOption(page, page.getByTestId('audit-entity-filter'), '工单');
      await listed;
      await expect.poll(() => new URL(page.url()).searchParams.get('entity')).toBe('ticket');
      // Assigning a new ticket also moved it to 已指派: the field change is the row that names the assignee.
      const row = page.getByTestId('audit-row').filter({ hasText: ticket.number }).filter({ hasText: '处理人' });
      await row.first().waitFor();
      await expect.poll(() => page.getByTestId('audit-row').count()).toBeGreaterThan(0);
      for (const text of await page.getByTestId('audit-row').allTextContents()) expect(text).toContain('郑工程师');
      const link = row.first().getByTestId('audit-entity-link');
      expect(await link.textContent()).toBe(ticket.number);
      expect(await row.first().textContent()).toContain(ticket.title);
      expect(await row.first().getByTestId('audit-action').textContent()).toBe('修改');
      const diff = row.first().getByTestId('audit-diff');
      expect(await diff.locator('[data-field=assigneeId]').textContent()).toContain('郑工程师');
      expect(await diff.locator('[data-field=severity]').textContent()).toMatch(/P3.*P2/);
      await snap(page, 'admin-audit-desktop');
      await link.click();
      await waitForPath(page, new RegExp(`^/tickets/${ticket.id}$`));

      // The same view on a phone: cards, still filtered (the filters live in the URL).
      await page.setViewportSize(PHONE);
      await page.goBack();
      await page.getByTestId('audit-cards').waitFor();
      expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      await snap(page, 'admin-audit-phone');
    }, 60_000);
  });
}
