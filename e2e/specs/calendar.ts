/**
 * Business calendars: an administrator sees that next year's holidays are missing, adds New
 * Year's Day 2027 to the 5×8 China calendar from the year view, and the due-time preview for
 * "2026-12-31 17:00 + 60 working minutes" moves from Friday 1 January to Monday 4 January. With
 * one day entered, 2027 is no longer missing but flagged as probably incomplete, on the calendar's
 * per-year counts and in the list.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { login, snap, waitForPath, type E2eApp } from '../support';

export function calendarSpec(app: () => E2eApp) {
  describe('calendars: a 2027 holiday changes the due-time preview', () => {
    let admin: { username: string };
    let calendarId: string;
    let missingYear: number | null;
    /** 2027 will hold only the New Year's Day added here (the installed holiday data stops before it). */
    let onlyNewYear2027: boolean;

    beforeAll(async () => {
      const { factory, services } = app().t;
      admin = await factory.user({ role: 'admin', name: '郑管理员' });
      const calendar = (await services.calendars.list()).find((c) => c.key === '5x8-china')!;
      calendarId = calendar.id;
      // Start from a 2027 without New Year's Day, whatever the installed holiday data knows.
      const detail = await services.calendars.get(calendar.id, 2027);
      const newYear = detail.exceptions.find((e) => e.date === '2027-01-01');
      if (newYear) await services.calendars.removeException(await factory.actor(), calendar.id, newYear.id);
      const next = new Date().getFullYear() + 1;
      missingYear = (calendar.lastExceptionYear ?? 0) < next ? next : null;
      const entered2027 = (await services.calendars.list()).find((c) => c.key === '5x8-china')!.years.find((y) => y.year === 2027);
      onlyNewYear2027 = new Date().getFullYear() <= 2027 && !entered2027;
    });

    it('adds a holiday in the year view and the preview follows', async () => {
      const { page } = await app().newPage();
      await login(page, admin.username);
      await page.getByRole('menuitem', { name: '工作日历' }).click();
      await waitForPath(page, /^\/admin\/calendars$/);
      const row = page.getByTestId('calendar-table').locator('tr').filter({ hasText: '5x8-china' });
      await row.waitFor();
      if (missingYear) {
        expect(await row.locator(`[data-testid=missing-year][data-year="${missingYear}"]`).textContent()).toBe(`${missingYear} 年节假日尚未录入`);
        await page.getByTestId('missing-year-alert').waitFor();
      }
      await snap(page, 'calendars');

      await row.click();
      await waitForPath(page, new RegExp(`^/admin/calendars/${calendarId}$`));
      const start = page.getByTestId('preview-start');
      await start.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type('2026-12-31 17:00');
      await page.keyboard.press('Enter');
      // 60 minutes: half an hour left on Thursday, half an hour on the next working day.
      expect(await page.getByTestId('preview-minutes-amount').inputValue()).toBe('1');
      const result = page.getByTestId('due-result');
      await expect.poll(() => result.getAttribute('data-end')).toBe('2027-01-01 09:00');
      expect(await result.textContent()).toContain('2027-01-01 周五 09:00');

      await page.getByTestId('next-year').click();
      await expect.poll(() => page.getByTestId('year-title').textContent()).toBe('2027 年');
      const day = page.locator('[data-date="2027-01-01"]');
      expect(await day.getAttribute('data-kind')).toBe('work');
      await day.click();
      expect(await page.getByTestId('exception-kind').locator('.ant-radio-button-wrapper-checked').textContent()).toContain('节假日');
      await page.getByTestId('exception-name').fill('元旦');
      await page.getByTestId('exception-save').click();
      await expect.poll(() => day.getAttribute('data-kind')).toBe('holiday');
      expect(await day.getAttribute('title')).toContain('元旦');
      await page.getByTestId('exception-table').getByText('元旦').waitFor();

      // The holiday pushes the end over the weekend.
      await expect.poll(() => result.getAttribute('data-end')).toBe('2027-01-04 09:00');
      expect(await result.textContent()).toContain('2027-01-04 周一 09:00');
      await snap(page, 'calendar-2027');

      if (onlyNewYear2027) {
        // One holiday is not a year's worth: the counts per year and the warning say so.
        const chip = page.locator('[data-testid=year-chip][data-year="2027"]');
        await expect.poll(() => chip.getAttribute('data-state')).toBe('incomplete');
        expect(await chip.textContent()).toBe('2027休 1 · 班 0');
        expect(await page.getByTestId('missing-year-alert').textContent()).toContain('2027 年只录入了 1 天假期');

        await page.getByRole('link', { name: '工作日历' }).first().click();
        await waitForPath(page, /^\/admin\/calendars$/);
        const tag = row.locator('[data-testid=missing-year][data-year="2027"]');
        await expect.poll(() => tag.textContent()).toBe('2027 年可能不完整');
        expect(await tag.getAttribute('data-kind')).toBe('incomplete');
        const issue = page.getByTestId('missing-year-alert').locator('[data-testid=calendar-issue][data-year="2027"]');
        expect(await issue.textContent()).toMatch(/^5×8.*：2027 年只录入了 1 天假期.*可能不完整$/);
        await snap(page, 'calendars-incomplete');
      }
    });
  });
}
