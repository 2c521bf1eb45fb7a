/**
 * A dispatcher takes a phone call: the caller is identified from a number typed in another format
 * than stored, a P2 ticket is created, and it is worked to the end on the detail page.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOption, login, snap, timelineEvents, waitForPath, type E2eApp } from '../support';

export function hotlineSpec(app: () => E2eApp) {
  describe('hotline: dispatcher logs a call and works the ticket', () => {
    let dispatcher: { username: string };
    const customerName = '南京银行鼓楼支行';
    const engineerName = '赵工程师';

    beforeAll(async () => {
      const { factory } = app().t;
      const customer = await factory.customer({ name: customerName });
      await factory.contact(customer.id, { name: '王建国', phones: ['13800138000'] });
      await factory.contact((await factory.customer({ name: '其他客户' })).id, { name: '李四', phones: ['13912345678'] });
      dispatcher = await factory.user({ role: 'dispatcher', name: '陈座席' });
      await factory.user({ role: 'engineer', name: engineerName });
    });

    it('creates the ticket from the caller number and moves it to closed', async () => {
      const { page } = await app().newPage();
      await login(page, dispatcher.username);
      await snap(page, 'queue-empty');

      // `n` opens the new-ticket form from the queue.
      await page.keyboard.press('n');
      await waitForPath(page, /^\/tickets\/new$/);

      // Stored as 13800138000, typed as the caller ID shows it.
      await page.getByTestId('caller-phone').fill('+86 138-0013-8000');
      const match = page.getByTestId('lookup-match').filter({ hasText: '王建国' });
      await match.waitFor();
      expect(await match.textContent()).toContain(customerName);
      expect(await match.textContent()).toContain('完全匹配');
      await match.getByTestId('lookup-pick').click();
      await page.getByTestId('customer-select').getByText(customerName).waitFor();
      await page.getByTestId('contact-select').getByText('王建国').waitFor();

      await page.getByTestId('ticket-title-input').fill('鼓楼支行 ATM 无法读卡');
      await page.getByTestId('ticket-description-input').fill('客户来电：两台 ATM 均提示读卡失败，已重启无效。');
      const p2 = page.getByTestId('severity-P2');
      await p2.click();
      expect(await p2.textContent()).toContain('系统的操作性能严重下降，或部分业务运作受限');
      expect(await page.getByRole('radio', { name: /P2/ }).isChecked()).toBe(true);
      await snap(page, 'new-ticket');

      await page.getByTestId('create-ticket').click();
      await waitForPath(page, /^\/tickets\/[0-9a-f-]{36}$/);
      const number = (await page.getByTestId('ticket-number').textContent())!;
      expect(number).toMatch(/^FW-\d{4}-\d{6}$/);
      await page.locator('.ant-message').getByText(`工单 ${number} 已创建`).waitFor();
      expect(await page.getByTestId('ticket-title').textContent()).toBe('鼓楼支行 ATM 无法读卡');
      const status = page.getByTestId('ticket-page').getByTestId('status-tag').first();
      expect(await status.getAttribute('data-status')).toBe('new');
      expect(await page.getByTestId('ticket-page').getByTestId('severity-tag').first().textContent()).toContain('P2');
      expect(await page.getByTestId('ticket-page').getByTestId('sla-badge').getAttribute('data-milestone')).toBe('respond');

      // A public reply, sent with Ctrl+Enter.
      await page.getByTestId('comment-input').fill('您好，已收到报修，工程师将尽快联系您。');
      await page.getByTestId('comment-input').press('Control+Enter');
      await timelineEvents(page, 'comment').filter({ hasText: '已收到报修' }).waitFor();
      expect(await timelineEvents(page, 'comment').filter({ hasText: '已收到报修' }).getAttribute('data-public')).toBe('true');

      // An internal note: yellow, tagged 内部.
      await page.getByTestId('comment-internal').click();
      await page.getByTestId('comment-input').fill('疑似读卡器模块故障，带备件上门。');
      await page.getByTestId('comment-send').click();
      const note = timelineEvents(page, 'comment').filter({ hasText: '疑似读卡器模块故障' });
      await note.waitFor();
      expect(await note.getAttribute('data-public')).toBe('false');
      expect(await note.getByTestId('internal-tag').textContent()).toBe('内部');
      expect(await note.locator('.timeline-bubble-internal').count()).toBe(1);

      // Assign the engineer: a new ticket becomes assigned.
      await chooseOption(page, page.getByTestId('assignee-select'), engineerName);
      await timelineEvents(page, 'assigned').filter({ hasText: engineerName }).waitFor();
      await expect.poll(() => status.getAttribute('data-status')).toBe('assigned');

      await page.getByTestId('transition-in_progress').click();
      await expect.poll(() => status.getAttribute('data-status')).toBe('in_progress');

      // Resolving asks for a note.
      await page.getByTestId('transition-resolved').click();
      await page.getByTestId('transition-confirm').click();
      await page.getByText('请填写说明').waitFor();
      await page.getByTestId('transition-note').fill('更换读卡器模块后恢复正常。');
      await page.getByTestId('transition-confirm').click();
      await expect.poll(() => status.getAttribute('data-status')).toBe('resolved');
      await timelineEvents(page, 'status_changed').filter({ hasText: '更换读卡器模块后恢复正常' }).waitFor();

      await page.getByTestId('transition-closed').click();
      await expect.poll(() => status.getAttribute('data-status')).toBe('closed');
      expect(await status.textContent()).toBe('已关闭');
      await expect.poll(() => page.locator('[data-testid^=transition-]').count()).toBe(0);
      // A stopped ticket owes nothing more: no countdown badge.
      expect(await page.getByTestId('ticket-page').getByTestId('sla-badge').count()).toBe(0);

      // Every step is in the timeline, in order.
      await expect.poll(() => timelineEvents(page, 'status_changed').count()).toBe(4);
      const kinds = await timelineEvents(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-kind')));
      expect(kinds).toEqual(['created', 'comment', 'comment', 'assigned', 'status_changed', 'status_changed', 'status_changed', 'status_changed']);
      const sentences = await timelineEvents(page, 'status_changed').allTextContents();
      expect(sentences[0]).toContain('「新建」改为「已指派」');
      expect(sentences[1]).toContain('「已指派」改为「处理中」');
      expect(sentences[2]).toContain('「处理中」改为「已解决」');
      expect(sentences[3]).toContain('「已解决」改为「已关闭」');
      await snap(page, 'ticket-closed');

      // Back in the queue (open tickets only by default) the 全部 view lists the ticket as closed.
      await page.getByRole('link', { name: /工单队列/ }).first().click();
      await chooseOption(page, page.getByTestId('view-select'), '全部');
      const row = page.getByTestId('ticket-row').filter({ hasText: number });
      await row.waitFor();
      expect(await row.getByTestId('status-tag').getAttribute('data-status')).toBe('closed');
      expect(await row.getByTestId('sla-badge').count()).toBe(0);
    }, 60_000);
  });
}
