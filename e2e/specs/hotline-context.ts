/**
 * The hotline form gives the agent the caller's context before saving: the number typed finds the
 * reception line, the agent switches to the person actually calling, the customer's open tickets
 * show (the caller's own first, a likely duplicate highlighted as the title is typed), and the due
 * times of the chosen severity show next to it. The created ticket keeps the calling number and
 * shows the contact card with tap-to-call phones — on the desktop and at 390 × 844.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, snap, waitForPath, type E2eApp } from '../support';

/** "10:25", or "3月3日 09:00" when not today: how the form writes a due time. */
function dueText(iso: string) {
  const due = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${pad(due.getHours())}:${pad(due.getMinutes())}`;
  return due.toDateString() === new Date().toDateString() ? time : `${due.getMonth() + 1}月${due.getDate()}日 ${time}`;
}

export function hotlineContextSpec(app: () => E2eApp) {
  describe('hotline context: caller history, duplicate warning, due preview, contact card', () => {
    let dispatcher: { username: string };
    let duplicate: { id: string; number: string };
    let own: { number: string };
    const customerName = '建设银行玄武支行';

    beforeAll(async () => {
      const { factory, services } = app().t;
      const actor = await factory.actor();
      const customer = await factory.customer({ name: customerName });
      await factory.contact(customer.id, { name: '营业部前台', phones: ['025-8888 6666'] });
      const caller = await services.customers.addContact(actor, customer.id, { name: '张伟', title: '运维主管', email: 'zhangwei@ccb.example', phones: ['136 1111 2222', '025-8888 6600 转 301'] });
      const colleague = await factory.contact(customer.id, { name: '李娜' });
      await services.customers.addSite(actor, customer.id, { name: '玄武支行营业部', address: '南京市玄武区中山路 100 号' });
      const day = 24 * 3600_000;
      duplicate = await services.tickets.create(actor, {
        title: '3号 ATM 读卡器无法读卡',
        severity: 'P2',
        channel: 'phone',
        customerId: customer.id,
        contactId: colleague.id,
        reportedAt: new Date(Date.now() - 3 * day).toISOString(),
      });
      own = await services.tickets.create(actor, {
        title: '网银登录缓慢',
        severity: 'P3',
        channel: 'phone',
        customerId: customer.id,
        contactId: caller.id,
        reportedAt: new Date(Date.now() - 2 * day).toISOString(),
      });
      dispatcher = await factory.user({ role: 'dispatcher', name: '周座席' });
    });

    it('shows the open tickets with a duplicate, previews the due times, and the ticket keeps the calling number', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.goto('/tickets/new');

      // The call comes from the reception line; the person on the phone is 张伟.
      await page.getByTestId('caller-phone').fill('025 8888 6666');
      const match = page.getByTestId('lookup-match').filter({ hasText: '营业部前台' });
      await match.getByTestId('lookup-pick').click();
      await page.getByTestId('customer-select').getByText(customerName).waitFor();
      await chooseOption(page, page.getByTestId('contact-select'), '张伟');
      await chooseOption(page, page.getByTestId('site-select'), '玄武支行营业部');

      // The customer's open tickets, the caller's own first; nothing is a duplicate yet.
      const rows = page.getByTestId('caller-ticket');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.first().textContent()).toContain(own.number);
      expect(await rows.first().textContent()).toContain('本人');
      expect(await page.getByTestId('duplicate-tag').count()).toBe(0);

      // Typing a title like an open one highlights it before saving.
      await page.getByTestId('ticket-title-input').fill('ATM 读卡器故障');
      const flagged = rows.filter({ hasText: duplicate.number });
      await expect.poll(() => flagged.getAttribute('data-duplicate')).toBe('title');
      expect(await flagged.getByTestId('duplicate-tag').textContent()).toContain('可能重复');
      await page.getByTestId('duplicate-alert').filter({ hasText: duplicate.number }).waitFor();

      // The due times follow the severity chosen.
      await page.getByTestId('severity-P1').click();
      const preview = page.getByTestId('due-preview');
      await preview.getByText('P1').waitFor();
      const p1Text = await preview.textContent();
      await page.getByTestId('severity-P2').click();
      await preview.getByText('P2').waitFor();
      await expect.poll(() => preview.textContent()).not.toBe(p1Text);
      const p2Text = (await preview.textContent())!;
      expect(p2Text).toMatch(/响应 .*· 提交方案 .*· 解决 /);
      await snap(page, 'hotline-context-form');

      await page.getByTestId('create-ticket').click();
      await waitForPath(page, /^\/tickets\/[0-9a-f-]{36}$/);
      const id = new URL(page.url()).pathname.split('/').pop()!;
      const ticket = await app().t.services.tickets.get(await app().t.factory.actor(), id);
      expect(ticket.callerNumber).toBe('025 8888 6666');
      // The preview said what the ticket got.
      for (const m of ticket.sla) expect(p2Text).toContain(`${m.name.zh} ${dueText(m.dueAt!)}`);

      // The contact card: tap-to-call phones (the extension after a pause), e-mail, the calling number.
      const card = page.getByTestId('contact-card');
      expect(await card.getByTestId('contact-card-name').textContent()).toBe('张伟');
      const phones = card.getByTestId('contact-phone');
      expect(await phones.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['tel:02588886600,301', 'tel:13611112222']);
      expect(await card.getByTestId('contact-email').getAttribute('href')).toBe('mailto:zhangwei@ccb.example');
      expect(await card.getByTestId('caller-number').textContent()).toContain('025 8888 6666');
      expect(await card.getByTestId('caller-number').locator('a').getAttribute('href')).toBe('tel:02588886666');
      expect(await card.getByTestId('contact-site').textContent()).toContain('南京市玄武区中山路 100 号');
      await snap(page, 'hotline-context-ticket');

      // The person on the phone was someone else after all: the card's 更改 re-scopes the ticket.
      await card.getByTestId('rescope-open').click();
      await chooseOption(page, page.getByTestId('rescope-contact'), '李娜');
      await page.getByTestId('rescope-save').click();
      await expect.poll(() => card.getByTestId('contact-card-name').textContent()).toBe('李娜');
      expect(await card.getByTestId('contact-phone').count()).toBe(0);
      // The calling number is none of 李娜's either.
      expect(await card.getByTestId('caller-number').textContent()).toContain('025 8888 6666');

      // On a phone: the card is readable, its links are finger-sized, nothing scrolls sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      // The phone layout comes with the next render after the resize.
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await card.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      const box = (await card.getByTestId('caller-number').locator('a').boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(40);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await snap(page, 'hotline-context-ticket-390');
    }, 60_000);

    it('fits the form with the caller context on a phone', async () => {
      const { page } = await app().newPage();
      await page.setViewportSize({ width: 390, height: 844 });
      await login(page, dispatcher.username);
      await page.goto('/tickets/new');
      await page.getByTestId('caller-phone').fill('136 1111 2222');
      await page.getByTestId('lookup-match').filter({ hasText: '张伟' }).getByTestId('lookup-pick').click();
      await page.getByTestId('ticket-title-input').fill('ATM 读卡器故障');
      await page.getByTestId('caller-ticket').filter({ hasText: duplicate.number }).and(page.locator('[data-duplicate=title]')).waitFor();
      await page.getByTestId('severity-P2').click();
      await page.getByTestId('due-preview').getByText('P2').waitFor();
      for (const width of [390, 360]) {
        await page.setViewportSize({ width, height: 844 });
        await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
      }
      await page.setViewportSize({ width: 390, height: 844 });
      await snap(page, 'hotline-context-form-390');
      await page.setViewportSize({ width: 360, height: 844 });
      await snap(page, 'hotline-context-form-360');
    }, 60_000);
  });
}
