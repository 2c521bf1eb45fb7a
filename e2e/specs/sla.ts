/**
 * Time promises on the desk: a dispatcher sees P1 countdowns in the queue — green, amber from
 * 75 % of the target, red once due — and the SLA panel on the ticket; an engineer submits the
 * solution plan and the panel shows the plan milestone met.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { login, snap, timelineEvents, waitForPath, type E2eApp } from '../support';

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

export function slaSpec(app: () => E2eApp) {
  describe('SLA: countdowns in the queue, the SLA panel, recording the plan', () => {
    let dispatcher: { username: string };
    let engineer: { username: string };
    let green: { id: string; number: string };

    beforeAll(async () => {
      const { factory } = app().t;
      const customer = await factory.customer({ name: '招商银行深圳分行' });
      dispatcher = await factory.user({ role: 'dispatcher', name: '周座席' });
      engineer = await factory.user({ role: 'engineer', name: '吴工程师' });
      // The default policy (标准) gives a P1 10 minutes to respond.
      green = await factory.ticket({ customerId: customer.id, severity: 'P1', title: 'SLA 核心交易系统宕机', reportedAt: minutesAgo(4) });
      await factory.ticket({ customerId: customer.id, severity: 'P1', title: 'SLA 网银登录缓慢', reportedAt: minutesAgo(8) });
      await factory.ticket({ customerId: customer.id, severity: 'P1', title: 'SLA 柜面系统报错', reportedAt: minutesAgo(13) });
    });

    it('shows live countdown badges in the queue and the SLA panel on the ticket', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.getByTestId('queue-search').fill('SLA ');
      const badge = (title: string) => page.getByTestId('ticket-row').filter({ hasText: title }).getByTestId('sla-badge');

      await expect.poll(() => badge('核心交易系统宕机').getAttribute('data-tone')).toBe('ok');
      expect(await badge('核心交易系统宕机').textContent()).toMatch(/^响应 剩 \d+ 分$/);
      expect(await badge('网银登录缓慢').getAttribute('data-tone')).toBe('amber');
      expect(await badge('柜面系统报错').getAttribute('data-tone')).toBe('red');
      expect(await badge('柜面系统报错').textContent()).toMatch(/^响应 超时 \d+ 分$/);
      await snap(page, 'queue-sla');

      // The tooltip gives the absolute due time.
      await badge('核心交易系统宕机').hover();
      await page.locator('.ant-tooltip').getByText(/「响应」截止：\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/).waitFor();

      await page.getByTestId('ticket-row').filter({ hasText: '核心交易系统宕机' }).click();
      await waitForPath(page, new RegExp(`^/tickets/${green.id}$`));
      const panel = page.getByTestId('sla-panel');
      await panel.waitFor();
      expect(await panel.getByTestId('sla-policy-name').textContent()).toBe('标准');
      const milestones = panel.getByTestId('sla-milestone');
      expect(await milestones.evaluateAll((els) => els.map((el) => `${el.getAttribute('data-milestone')}:${el.getAttribute('data-state')}`))).toEqual([
        'respond:running',
        'plan:running',
        'resolve:running',
      ]);
      expect(await panel.locator('[data-milestone=plan]').textContent()).toContain('时限 30 分钟');
      await snap(page, 'ticket-sla-panel');
    });

    it('an engineer submits the solution plan and the panel shows it met', async () => {
      const { page } = await app().newPage();
      await login(page, engineer.username);
      await page.goto(`/tickets/${green.id}`);
      const panel = page.getByTestId('sla-panel');
      await panel.waitFor();
      // Respond and resolve are automatic: no buttons for them.
      expect(await panel.getByTestId('milestone-action-respond').count()).toBe(0);
      expect(await panel.getByTestId('sla-automatic').textContent()).toContain('响应、解决自动记录');

      await panel.getByTestId('milestone-action-plan').click();
      expect(await page.getByTestId('milestone-action-plan').textContent()).toBe('提交解决方案');
      await page.getByTestId('milestone-confirm').click();
      await page.getByText('请填写解决方案').waitFor();
      await page.getByTestId('milestone-note').fill('判断为主库存储链路故障：切换至备库，30 分钟内恢复交易。');
      await page.getByTestId('milestone-confirm').click();

      const plan = panel.locator('[data-testid=sla-milestone][data-milestone=plan]');
      await expect.poll(() => plan.getAttribute('data-state')).toBe('met');
      expect(await plan.getByTestId('sla-met').textContent()).toContain('吴工程师');
      expect(await panel.getByTestId('milestone-action-plan').count()).toBe(0);
      const event = timelineEvents(page, 'milestone').filter({ hasText: '吴工程师 记录了「提交方案」' });
      await event.waitFor();
      expect(await event.textContent()).toContain('切换至备库');
      await snap(page, 'ticket-plan-met');
    });
  });
}
