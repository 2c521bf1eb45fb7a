/**
 * Time promises on the desk: a dispatcher sees P1 countdowns in the queue — green, amber from
 * 75 % of the target, red once due — and the SLA panel on the ticket; an engineer submits the
 * solution plan and the panel shows the plan milestone met. A manager sees a customer's own
 * policy: its custom milestone named on the queue badge, a milestone waiting for another, where
 * the policy comes from; moves the ticket to another policy and back; and reads it all in English.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, hoverUntil, login, openQueueRow, snap, timelineEvents, type E2eApp } from '../support';

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

export function slaSpec(app: () => E2eApp) {
  describe('SLA: countdowns in the queue, the SLA panel, recording the plan', () => {
    let dispatcher: { username: string };
    let engineer: { username: string };
    let green: { id: string; number: string };
    let manager: { username: string };
    let onsite: { id: string };

    beforeAll(async () => {
      const { factory, services } = app().t;
      const customer = await factory.customer({ name: '招商银行深圳分行' });
      dispatcher = await factory.user({ role: 'dispatcher', name: '周座席' });
      engineer = await factory.user({ role: 'engineer', name: '吴工程师' });
      // The default policy (标准) gives a P1 10 minutes to respond.
      green = await factory.ticket({ customerId: customer.id, severity: 'P1', title: 'SLA 核心交易系统宕机', reportedAt: minutesAgo(4) });
      await factory.ticket({ customerId: customer.id, severity: 'P1', title: 'SLA 网银登录缓慢', reportedAt: minutesAgo(8) });
      await factory.ticket({ customerId: customer.id, severity: 'P1', title: 'SLA 柜面系统报错', reportedAt: minutesAgo(13) });

      // A customer on its own policy (7×24, so the numbers do not depend on when the test runs): a
      // P3 must be called back within 20 minutes, and the site report counts from the arrival.
      manager = await factory.user({ role: 'manager', name: '孙经理' });
      const policy = await services.policies.create(await factory.actor(), {
        key: 'onsite-e2e',
        name: '现场服务',
        nameEn: 'On-site service',
        definition: {
          severities: {
            P1: [],
            P2: [],
            P3: [
              { key: 'callback', name: { zh: '电话回访', en: 'Call back' }, minutes: 20, calendar: '7x24', anchor: 'reported' },
              { key: 'arrive', minutes: 240, calendar: '7x24', anchor: 'reported' },
              { key: 'site_report', name: { zh: '提交现场报告', en: 'Site report' }, minutes: 120, calendar: '7x24', anchor: { milestone: 'arrive' } },
              { key: 'resolve', minutes: 480, calendar: '7x24', anchor: 'reported' },
            ],
            P4: [],
          },
        },
      });
      const securities = await services.customers.create(null, { name: '中信证券杭州营业部', slaPolicyId: policy.id });
      onsite = await factory.ticket({ customerId: securities.id, severity: 'P3', title: 'SLA 现场 交易终端蓝屏', reportedAt: minutesAgo(2) });
    });

    it('shows live countdown badges in the queue and the SLA panel on the ticket', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await page.getByTestId('queue-search').fill('SLA ');
      const badge = (title: string) => page.getByTestId('ticket-row').filter({ hasText: `SLA ${title}` }).getByTestId('sla-badge');

      await expect.poll(() => badge('核心交易系统宕机').getAttribute('data-tone')).toBe('ok');
      expect(await badge('核心交易系统宕机').textContent()).toMatch(/^响应 剩 \d+ 分$/);
      expect(await badge('网银登录缓慢').getAttribute('data-tone')).toBe('amber');
      expect(await badge('柜面系统报错').getAttribute('data-tone')).toBe('red');
      expect(await badge('柜面系统报错').textContent()).toMatch(/^响应 超时 \d+ 分$/);
      await snap(page, 'queue-sla');

      // The tooltip gives the absolute due time.
      await hoverUntil(page, badge('核心交易系统宕机'), page.locator('.ant-tooltip').getByText(/「响应」截止：\d{4}-\d{2}-\d{2} \d{2}:\d{2}/));

      await page.mouse.move(0, 0); // let the tooltip go
      await openQueueRow(page, page.getByTestId('ticket-row').filter({ hasText: 'SLA 核心交易系统宕机' }), new RegExp(`^/tickets/${green.id}$`));
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

    it("a manager sees the customer's policy, its own milestone names and a waiting milestone, changes the policy and back, in both languages", async () => {
      const { page } = await app().newPage();
      await login(page, manager.username);
      await page.getByTestId('queue-search').fill('SLA 现场');
      const row = page.getByTestId('ticket-row').filter({ hasText: '交易终端蓝屏' });
      const badge = row.getByTestId('sla-badge');
      // The custom milestone is due first; the badge names it as the policy does.
      await expect.poll(() => badge.getAttribute('data-milestone')).toBe('callback');
      expect(await badge.textContent()).toMatch(/^电话回访 剩 1\d 分$/);

      await openQueueRow(page, row, new RegExp(`^/tickets/${onsite.id}$`));
      const panel = page.getByTestId('sla-panel');
      const source = panel.getByTestId('sla-policy-source');
      await source.waitFor();
      expect(await panel.getByTestId('sla-policy-name').textContent()).toBe('现场服务');
      expect(await source.textContent()).toBe('客户服务级别');
      const report = panel.locator('[data-testid=sla-milestone][data-milestone=site_report]');
      expect(await report.getAttribute('data-state')).toBe('waiting');
      expect(await report.getByTestId('sla-waiting').textContent()).toBe('在「到达现场」之后开始计时');
      await snap(page, 'ticket-sla-customer-policy');

      // The customer's policy is preselected, and there is nothing to restore yet.
      const select = page.getByTestId('sla-policy-select');
      const options = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option');
      await panel.getByTestId('sla-change-policy').click();
      await expect.poll(() => select.innerText()).toContain('现场服务');
      await select.click();
      // The whole list (three shipped policies and the customer's), not the placeholder shown while it loads.
      await expect.poll(() => options.count()).toBeGreaterThanOrEqual(4);
      expect((await options.allTextContents()).some((o) => o.startsWith('恢复'))).toBe(false);
      await chooseOption(page, select, /^标准/);
      await expect.poll(() => select.innerText()).toContain('标准');
      await page.getByTestId('sla-policy-save').click();
      await expect.poll(() => source.getAttribute('data-source')).toBe('ticket');
      expect(await source.textContent()).toBe('本工单指定');
      expect(await panel.getByTestId('sla-policy-name').textContent()).toBe('标准');
      await timelineEvents(page, 'field_changed').filter({ hasText: '孙经理 将 SLA 策略改为「标准」' }).waitFor();

      // Set on the ticket: now it can go back to the customer's service level.
      await panel.getByTestId('sla-change-policy').click();
      await expect.poll(() => select.innerText()).toContain('标准');
      await select.click();
      await options.filter({ hasText: '恢复为客户的服务级别（现场服务）' }).waitFor();
      await snap(page, 'ticket-sla-policy-restore');
      await chooseOption(page, select, '恢复为客户的服务级别（现场服务）');
      await expect.poll(() => select.innerText()).toContain('恢复为客户的服务级别');
      await page.getByTestId('sla-policy-save').click();
      await expect.poll(() => source.getAttribute('data-source')).toBe('customer');
      expect(await panel.getByTestId('sla-policy-name').textContent()).toBe('现场服务');

      // In English: the policy's English name, its source, the anchor's name, and the badge.
      await page.getByTestId('language-switch').getByText('English').click();
      await expect.poll(() => source.textContent()).toBe('Customer service level');
      expect(await panel.getByTestId('sla-policy-name').textContent()).toBe('On-site service');
      expect(await report.getByTestId('sla-waiting').textContent()).toBe('Starts once "Arrive on site" is met');
      await page.goBack();
      await expect.poll(() => badge.textContent()).toMatch(/^Call back 1\d min left$/);
      await snap(page, 'queue-sla-english');
    });
  });
}
