/**
 * The email channel (issue 10) as people use it, against a real Dovecot and a real SMTP sink:
 * an administrator adds a mailbox on 邮箱, tests the connection (folders found, IDLE offered), then
 * sees a wrong password answered in words. A customer's mail (its HTML with a <script> and an
 * onerror handler) is appended to Dovecot; 立即收取 makes it a ticket that appears in the queue;
 * the formatted mail is shown on the ticket page and nothing in it runs. An engineer replies from
 * the ticket page with 发送给客户 on, and the reply arrives at the SMTP sink threaded on the
 * customer's Message-ID.
 */
import fs from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer, deliverOnce } from '../../server/jobs/delivery';
import { startImapServer, startSmtpSink, type ImapTestServer, type SmtpSink } from '../../server/test/mail-servers';
import { chooseOption, login, snap, waitForPath, type E2eApp } from '../support';

const IMAP_PASSWORD = 'imap-secret-9f3k';
const CUSTOMER = 'li.ming@bank-e2e.example';

export function mailSpec(app: () => E2eApp) {
  describe('email channel: mailbox, connection test, mail in, reply out', () => {
    let imap: ImapTestServer;
    let sink: SmtpSink;
    let admin: { username: string };
    let engineer: { username: string };
    let mailboxId: string;
    let ticketId: string;
    const customerMessageId = `e2e-${Date.now()}@bank-e2e.example`;
    const subject = `E2E 邮件报修 ${Date.now() % 100000} 3 号 ATM 吞卡`;

    beforeAll(async () => {
      [imap, sink] = await Promise.all([startImapServer({ users: [{ user: 'desk', password: IMAP_PASSWORD }] }), startSmtpSink()]);
      const { factory, services } = app().t;
      admin = await factory.user({ role: 'admin', name: '邮箱管理员' });
      engineer = await factory.user({ role: 'engineer', name: '邮件工程师' });
      const customer = await factory.customer({ name: `邮件客户${Date.now() % 100000}` });
      await services.customers.addContact(await factory.actor(), customer.id, { name: '李明', email: CUSTOMER, phones: [] });
    });
    afterAll(async () => {
      await imap?.close();
      await sink?.close();
    });

    it('adds a mailbox, tests the connection, and a wrong password is answered in words', async () => {
      const { page } = await app().newPage();
      await login(page, admin.username);
      await page.getByRole('menuitem', { name: '邮箱' }).click();
      await waitForPath(page, /^\/admin\/mailboxes$/);
      await page.getByTestId('mailbox-table').waitFor();

      await page.getByTestId('mailbox-add').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('mailbox-name').fill('售后服务邮箱');
      await dialog.getByTestId('mailbox-address').fill('desk@desk-e2e.example');
      await dialog.getByTestId('mailbox-host').fill(imap.host);
      await chooseOption(page, dialog.getByTestId('mailbox-security'), 'STARTTLS');
      await dialog.getByTestId('mailbox-port').fill(String(imap.port));
      await dialog.getByTestId('mailbox-user').fill('desk');
      await dialog.getByTestId('mailbox-password').fill(IMAP_PASSWORD);
      // The test Dovecot's certificate is self-signed: the admin's explicit choice to accept it.
      await dialog.getByTestId('mailbox-tls-verify').click();
      expect(await dialog.getByTestId('mailbox-tls-verify').getAttribute('aria-checked')).toBe('false');

      await dialog.getByTestId('mailbox-test').click();
      const ok = dialog.getByTestId('mailbox-test-ok');
      await ok.waitFor();
      expect(await ok.textContent()).toContain('连接成功');
      expect(await ok.textContent()).toContain('INBOX');
      expect(await ok.textContent()).toContain('服务器支持 IDLE');
      await snap(page, 'mailbox-modal');

      await dialog.getByTestId('mailbox-password').fill('not-the-password');
      await dialog.getByTestId('mailbox-test').click();
      const failed = dialog.getByTestId('mailbox-test-error');
      await failed.waitFor();
      expect(await failed.getAttribute('data-key')).toBe('mail.auth_failed');
      expect(await failed.textContent()).toContain('邮件服务器拒绝了用户名或密码');
      expect(await dialog.getByTestId('mailbox-test-ok').count()).toBe(0);

      await dialog.getByTestId('mailbox-password').fill(IMAP_PASSWORD);
      await dialog.getByTestId('mailbox-save').click();
      await dialog.waitFor({ state: 'hidden' });
      const row = page.getByTestId('mailbox-table').locator('tr').filter({ hasText: '售后服务邮箱' });
      await row.waitFor();
      expect(await row.textContent()).toContain(`${imap.host}:${imap.port}`);
      const boxes = (await (await app().t.as('admin')).get('/api/mailboxes')).body as { id: string; address: string; passwordSet: boolean; tlsVerify: boolean; imapSecurity: string }[];
      const saved = boxes.find((b) => b.address === 'desk@desk-e2e.example')!;
      expect(saved).toMatchObject({ passwordSet: true, tlsVerify: false, imapSecurity: 'starttls' });
      mailboxId = saved.id;

      // The saved mailbox is tested with its stored password, from its row.
      await row.getByTestId('mailbox-row-test').click();
      await page.getByTestId('mailbox-test-ok').waitFor();
      await snap(page, 'mailboxes');
      await page.setViewportSize({ width: 390, height: 844 });
      await snap(page, 'mailboxes-phone');
      // On a phone the rows are cards, and the dialog a full-screen sheet; the password shows only that one is set.
      await page.getByTestId('mailbox-card').getByRole('button', { name: '售后服务邮箱' }).click();
      const sheet = page.getByRole('dialog');
      await sheet.getByTestId('mailbox-password').waitFor();
      expect(await sheet.getByTestId('mailbox-password').inputValue()).toBe('');
      expect(await sheet.getByTestId('mailbox-password').getAttribute('placeholder')).toBe('已设置（留空则保持不变）');
      await expect.poll(async () => sheet.getAttribute('class')).not.toContain('zoom-enter');
      await snap(page, 'mailbox-modal-phone');
      await page.keyboard.press('Escape');
      await sheet.waitFor({ state: 'hidden' });
    });

    it('立即收取 makes the customer’s mail a ticket; its HTML runs nothing; the engineer’s reply reaches the customer threaded', async () => {
      // The mail's HTML tries to run script twice: a <script> and an onerror handler.
      const raw = [
        `From: 李明 <${CUSTOMER}>`,
        'To: desk@desk-e2e.example',
        `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
        `Message-ID: <${customerMessageId}>`,
        `Date: ${new Date().toUTCString()}`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        '今天上午 3 号 ATM 连续吞卡两次，请尽快处理。',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>今天上午 <b>3 号 ATM</b> 连续吞卡两次，请尽快处理。</p>',
        '<script>window.__mailScriptRan = "script"; parent.__mailScriptRan = "script";</script>',
        '<img src="x" onerror="window.__mailScriptRan = \'onerror\'; parent.__mailScriptRan = \'onerror\'">',
        '--b1--',
        '',
      ].join('\r\n');
      await imap.append('desk', raw);

      const { page } = await app().newPage();
      await login(page, admin.username);
      await page.goto('/admin/mailboxes');
      const row = page.getByTestId('mailbox-table').locator('tr').filter({ hasText: '售后服务邮箱' });
      const polled = page.waitForResponse((r) => r.url().endsWith(`/api/mailboxes/${mailboxId}/poll`));
      await row.getByTestId('mailbox-poll').click();
      const pollBody = await (await polled).json();
      expect(pollBody, JSON.stringify(pollBody)).toMatchObject({ taken: 1, error: null });
      const summary = page.getByTestId('mailbox-poll-summary');
      await summary.waitFor();
      expect(await summary.textContent()).toContain('收取 1 封');
      expect(await summary.textContent()).toContain('新工单 1');
      await snap(page, 'mailboxes-polled');

      // Replies about this mailbox's tickets go out from its own identity, set on its row (发信).
      await row.getByTestId('mailbox-sender').click();
      const senderDialog = page.getByRole('dialog').filter({ has: page.getByTestId('sender-host') });
      await senderDialog.getByTestId('sender-host').waitFor();
      expect(await senderDialog.getByTestId('sender-from').inputValue()).toBe('desk@desk-e2e.example');
      await senderDialog.getByTestId('sender-host').fill('127.0.0.1');
      await chooseOption(page, senderDialog.getByTestId('sender-security'), '不加密');
      await senderDialog.getByTestId('sender-port').fill(String(sink.port));
      await senderDialog.getByTestId('sender-user').fill('');
      await senderDialog.getByTestId('sender-save').click();
      await senderDialog.waitFor({ state: 'hidden' });
      const senderView = (await (await app().t.as('admin')).get(`/api/mailboxes/${mailboxId}/sender`)).body;
      expect(senderView.sender).toMatchObject({ fromAddress: 'desk@desk-e2e.example', smtpHost: '127.0.0.1', smtpPort: sink.port, smtpSecurity: 'none', smtpUser: null });

      await page.goto('/tickets');
      const queueRow = page.getByTestId('ticket-table').locator('tr').filter({ hasText: subject });
      await queueRow.waitFor();
      const found = (await (await app().t.as('admin')).get(`/api/tickets?q=${encodeURIComponent(subject)}`)).body as { items: { id: string; channel: string }[] };
      expect(found.items).toHaveLength(1);
      expect(found.items[0]!.channel).toBe('email');
      ticketId = found.items[0]!.id;

      await page.goto(`/tickets/${ticketId}`);
      await page.getByTestId('ticket-channel-email').waitFor();
      const created = page.locator('[data-testid=timeline-event][data-kind=created]');
      expect(await created.getAttribute('data-mail')).toBe('true');
      expect(await created.getByTestId('mail-tag').textContent()).toContain('李明');
      await created.getByTestId('mail-html-toggle').click();
      const frame = created.getByTestId('mail-html-frame');
      await frame.waitFor();
      expect(await frame.getAttribute('sandbox')).toBe('');
      const doc = (await frame.getAttribute('srcdoc')) ?? '';
      expect(doc).toContain('3 号 ATM');
      expect(doc).not.toMatch(/<script|onerror/i);
      // Give an image error or a script every chance to run, then check that nothing did.
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => (window as unknown as { __mailScriptRan?: string }).__mailScriptRan)).toBeUndefined();
      await snap(page, 'ticket-mail');

      // The engineer answers from the ticket page; 发送给客户 is on by default.
      const engineerPage = (await app().newPage()).page;
      await login(engineerPage, engineer.username);
      await engineerPage.goto(`/tickets/${ticketId}`);
      const notify = engineerPage.getByTestId('comment-notify-customer');
      await notify.waitFor();
      expect(await notify.getAttribute('aria-checked')).toBe('true');
      // A public file uploaded in the attachments panel goes with the reply, chosen in the comment box's 附件 picker.
      const fileName = '读卡器检查单.txt';
      const fileText = '3 号 ATM 读卡器检查单：皮带、传感器、吞卡口。\n';
      const picker = engineerPage.getByTestId('comment-attachments-select');
      await picker.waitFor();
      expect(await picker.textContent()).toContain('暂无客户可见的附件');
      await engineerPage
        .getByTestId('attachments')
        .locator('input[type=file]')
        .setInputFiles({ name: fileName, mimeType: 'text/plain', buffer: Buffer.from(fileText) });
      await engineerPage.getByTestId('attachments').getByRole('link', { name: fileName }).waitFor();
      expect(await engineerPage.getByTestId('comment-attachments').textContent()).toContain('文件请在“附件”栏上传');
      // By keyboard: focus the picker, type part of the name, Enter takes it.
      await picker.locator('input').focus();
      await engineerPage.keyboard.type('检查单');
      const option = engineerPage.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) [data-testid=comment-attachment-option]');
      await option.waitFor();
      expect(await option.textContent()).toMatch(/读卡器检查单\.txt \(\d+ B\)/);
      await engineerPage.keyboard.press('Enter');
      await expect.poll(async () => picker.textContent()).toContain(fileName);
      await engineerPage.keyboard.press('Escape');
      const answer = '您好，已安排工程师今天下午到场检查读卡器。';
      await engineerPage.getByTestId('comment-input').fill(answer);
      await engineerPage.setViewportSize({ width: 1440, height: 900 });
      await snap(engineerPage, 'comment-attachments');
      await engineerPage.setViewportSize({ width: 390, height: 844 });
      await snap(engineerPage, 'comment-attachments-phone');
      const box = await engineerPage.getByTestId('comment-attachments').boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      const sent = engineerPage.waitForRequest((r) => r.url().endsWith(`/api/tickets/${ticketId}/comments`) && r.method() === 'POST');
      await engineerPage.getByTestId('comment-send').click();
      expect((await sent).postDataJSON().attachmentIds).toHaveLength(1);
      const mailed = engineerPage.locator('[data-testid=timeline-event][data-kind=comment]').filter({ hasText: answer });
      await mailed.waitFor();
      expect(await mailed.getByTestId('comment-files').textContent()).toContain(fileName);
      // The choice is cleared once the reply is sent.
      await expect.poll(async () => picker.textContent()).not.toContain(fileName);

      // What a running server does on its own: the consumers, then the outbox (the mailbox's identity → the sink).
      const { services } = app().t;
      const mailer = createSmtpMailer(`smtp://127.0.0.1:${sink.port}`, 'desk@desk-e2e.example');
      await services.consumers.drain();
      await deliverOnce(services.db, mailer, new Date(), 100, services.mailSenders);
      const parsed = await Promise.all(sink.messages.map((m) => simpleParser(m.raw)));
      const reply = parsed.find((m) => (m.text ?? '').includes(answer));
      expect(reply, `the reply at the sink (got: ${parsed.map((m) => m.subject).join(' | ')})`).toBeDefined();
      const bare = (v: string | undefined) => v?.replace(/^<|>$/g, '');
      const refs = (Array.isArray(reply!.references) ? reply!.references : reply!.references ? [reply!.references] : []).map((r) => bare(r));
      expect(bare(reply!.inReplyTo)).toBe(customerMessageId);
      expect(refs[0]).toBe(customerMessageId);
      expect(refs.at(-1)).toBe(customerMessageId);
      expect(reply!.to && 'value' in reply!.to ? reply!.to.value[0]?.address : undefined).toBe(CUSTOMER);
      expect(reply!.subject).toContain(subject);
      const sentFile = reply!.attachments.find((a) => a.filename === fileName);
      expect(sentFile, `the reply's attachments: ${reply!.attachments.map((a) => a.filename).join(', ')}`).toBeDefined();
      expect(sentFile!.content.toString('utf8')).toBe(fileText);
    }, 60_000); // a whole journey: IMAP poll, ticket, reply, SMTP sink (24.7 s on a loaded CI run, once over 30 s)

    it('a broken mail is quarantined, listed with its reason in words, and turned into a ticket by hand', async () => {
      await imap.append('desk', fs.readFileSync(path.join(import.meta.dirname, '../../server/modules/mail/fixtures/broken-mime.eml')));
      const { page } = await app().newPage();
      await login(page, admin.username);
      await page.goto('/admin/mailboxes');
      await page.getByTestId('mailbox-table').locator('tr').filter({ hasText: '售后服务邮箱' }).getByTestId('mailbox-poll').click();
      const summary = page.getByTestId('mailbox-poll-summary');
      await summary.waitFor();
      expect(await summary.textContent()).toContain('隔离 1');

      await page.getByRole('menuitem', { name: '隔离邮件' }).click();
      await waitForPath(page, /^\/admin\/mail-quarantine$/);
      const row = page.getByTestId('quarantine-table').locator('tr').filter({ hasText: 'zhou.qiang@customer.example' });
      await row.waitFor();
      expect(await row.getByTestId('quarantine-reason').textContent()).toBe('无法解析（MIME 损坏）');
      await snap(page, 'quarantine');
      await row.getByTestId('quarantine-convert').click();
      await page.locator('.ant-popover:not(.ant-popover-hidden)').getByRole('button', { name: /确\s*定/ }).click();
      const link = page.getByTestId('quarantine-made-link');
      await link.waitFor();
      await row.waitFor({ state: 'detached' });
      await page.setViewportSize({ width: 390, height: 844 });
      await snap(page, 'quarantine-phone');
      await link.click();
      await waitForPath(page, /^\/tickets\/[0-9a-f-]+$/);
      await page.getByTestId('ticket-channel-email').waitFor();
    });

    it('mail templates: the preview renders the unsaved edit, its HTML in a sandboxed frame', async () => {
      const { page } = await app().newPage();
      await login(page, admin.username);
      await page.getByRole('menuitem', { name: '邮件模板' }).click();
      await waitForPath(page, /^\/admin\/mail-templates$/);
      const frame = page.getByTestId('template-preview-html');
      await frame.waitFor();
      expect(await frame.getAttribute('sandbox')).toBe('');
      await page.getByTestId('template-subject').fill('已受理：{{ticket.title}} 预览测试');
      await expect.poll(async () => page.getByTestId('template-preview').textContent()).toContain('预览测试');
      expect(await page.getByTestId('template-preview').textContent()).not.toContain('{{ticket.title}}');
      await snap(page, 'mail-templates');
      await page.setViewportSize({ width: 390, height: 844 });
      await snap(page, 'mail-templates-phone');
    });
  });
}
