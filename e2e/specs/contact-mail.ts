/**
 * A contact's mail on the customer page: a bounced address shows a red 邮件退信 tag with the
 * bounce reason on hover and in the edit dialog; a manager sets the contact's mail language
 * (English) and clears the mark there, and the tag goes.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { contacts } from '../../server/db/schema';
import { hoverUntil, login, snap, type E2eApp } from '../support';

export function contactMailSpec(app: () => E2eApp) {
  describe('contacts: a bounced address and the mail language', () => {
    let manager: { username: string };
    let customer: { id: string };
    let contact: { id: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      customer = await factory.customer({ name: '招商银行扬州分行（退信）' });
      contact = await services.customers.addContact(await factory.actor(), customer.id, { name: '李工', email: 'li.gong@cmb.example', phones: ['13900001111'] });
      await services.db
        .update(contacts)
        .set({ emailFailingAt: new Date(), emailFailingReason: '550 5.1.1 <li.gong@cmb.example>: user unknown' })
        .where(eq(contacts.id, contact.id));
      manager = await factory.user({ role: 'manager', name: '陈经理' });
    });

    it('shows the bounce with its reason; a manager sets English and clears the mark', async () => {
      const { page } = await app().newPage();
      await login(page, manager.username);
      await page.goto(`/customers/${customer.id}`);
      await page.getByRole('tab', { name: /联系人/ }).click();
      const tag = page.getByTestId('contact-email-failing');
      await tag.waitFor();
      expect(await tag.textContent()).toBe('邮件退信');
      await hoverUntil(page, tag, page.locator('.ant-tooltip').filter({ hasText: '退信原因：550 5.1.1 <li.gong@cmb.example>: user unknown' }));
      await snap(page, 'contact-email-failing');

      await page.getByRole('button', { name: '编辑联系人' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('退信原因：550 5.1.1').waitFor();
      await dialog.getByTestId('contact-language').click();
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: 'English' }).click();
      await dialog.getByTestId('contact-clear-email-failing').click();
      await snap(page, 'contact-edit-mail');
      await dialog.getByTestId('contact-save').click();
      await expect.poll(() => tag.count()).toBe(0);

      const [row] = await app().t.services.db.select().from(contacts).where(eq(contacts.id, contact.id));
      expect(row).toMatchObject({ language: 'en', emailFailingAt: null, emailFailingReason: null, email: 'li.gong@cmb.example' });
    });
  });
}
