/**
 * The on-call rota (issue 12): a manager opens /on-call on their own center, sees this week with
 * today marked and the shift already planned, adds one for another engineer through the dialog, and
 * at 390 px reads a list per day instead of the grid.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { login, snap, type E2eApp } from '../support';

export function onCallSpec(app: () => E2eApp) {
  describe('on-call rota: week grid, add a shift, phone list', () => {
    let manager: { username: string };
    beforeAll(async () => {
      const { factory, services } = app().t;
      const center = await factory.center({ level: 'provincial' });
      manager = await factory.user({ role: 'manager', name: '郑经理', centerId: center.id });
      const first = await factory.user({ role: 'engineer', name: '值班甲', centerId: center.id });
      await factory.user({ role: 'engineer', name: '值班乙', centerId: center.id });
      const start = new Date();
      start.setHours(0, 0, 0, 0);
      await services.onCall.create(await factory.actor(), {
        centerId: center.id,
        userId: first.id,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 24 * 3_600_000).toISOString(),
        note: '全天',
      });
    });

    it('shows the week with today marked, adds a shift, and lists days at 390 px', async () => {
      const { page } = await app().newPage();
      await login(page, manager.username);
      await page.goto('/on-call');
      await page.getByTestId('rota-grid').waitFor();
      await page.getByTestId('rota-today').first().waitFor();
      await expect.poll(() => page.getByTestId('rota-row').count()).toBe(1);
      expect(await page.getByTestId('rota-row').first().textContent()).toContain('值班甲');

      await page.getByTestId('rota-add').click();
      await page.getByTestId('rota-user').click();
      await page.locator('.ant-select-item-option').filter({ hasText: '值班乙' }).click();
      await page.getByTestId('rota-note').fill('白班');
      await page.getByTestId('rota-submit').click();
      await expect.poll(() => page.getByTestId('rota-row').count()).toBe(2);
      await snap(page, 'on-call-1440');

      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('rota-days').waitFor();
      expect(await page.getByTestId('rota-day-card').count()).toBe(7);
      expect(await page.getByTestId('rota-grid').count()).toBe(0);
      await snap(page, 'on-call-390');
    });
  });
}
