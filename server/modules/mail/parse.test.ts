import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParsedMail } from '../../domain/mail/types';
import { parseMail } from './parse';

const OPTS = { maxBytes: 25 * 1024 * 1024, ownAddresses: ['desk@fuwutai.example'], loopMark: 'fuwutai.example' };
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

async function parsed(name: string, opts = OPTS): Promise<ParsedMail> {
  const outcome = await parseMail(fixture(name), opts);
  if (!outcome.ok) throw new Error(`${name} quarantined: ${outcome.quarantine.detail}`);
  return outcome.mail;
}

describe('parseMail: Chinese mail clients', () => {
  it('Outlook, GB2312 base64 text and QP HTML, B-encoded GB2312 subject, inline cid image', async () => {
    const mail = await parsed('outlook-gb2312-reply.eml');
    expect(mail.subject).toBe('回复: 打印机卡纸 [FW-2026-000123]');
    expect(mail.from).toEqual({ address: 'zhang.wei@customer.example', name: '张伟' });
    expect(mail.to).toEqual([{ address: 'desk@fuwutai.example', name: '服务台' }]);
    expect(mail.cc).toEqual([{ address: 'li.na@customer.example', name: 'Li, Na' }]);
    expect(mail.messageId).toBe('SG2PR06MB5310A1B2C3D4E5F6@SG2PR06MB5310.apcprd06.prod.outlook.com');
    expect(mail.messageIdSynthetic).toBe(false);
    expect(mail.inReplyTo).toBe('fw.fw-2026-000123.0a1b2c3d4e5f60718293a4b5@fuwutai.example');
    expect(mail.references).toEqual(['fw.fw-2026-000123.0a1b2c3d4e5f60718293a4b5@fuwutai.example']);
    expect(mail.date?.toISOString()).toBe('2026-12-01T02:05:10.000Z');
    expect(mail.text).toContain('发件人: 服务台 <desk@fuwutai.example>');
    expect(mail.body).toBe('您好：\n\n打印机又卡纸了，型号 HP M404，序列号 CNB8K12345。\n请尽快安排工程师。\n\n张伟');
    expect(mail.html).toContain('<p>打印机又卡纸了，型号 HP M404，序列号 CNB8K12345。</p>');
    expect(mail.html).toContain('<img width="20" src="cid:image001.png@01DB43A2.5F1E2A30" />');
    expect(mail.html).not.toMatch(/<style|<meta|margin:0/);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({
      filename: 'image001.png',
      contentType: 'image/png',
      size: 70,
      contentId: 'image001.png@01DB43A2.5F1E2A30',
      inline: true,
    });
    expect(mail.attachments[0]?.content.subarray(1, 4).toString()).toBe('PNG');
    expect(mail.classification).toEqual({ kind: 'normal', reason: null });
    expect(mail.bounce).toBeNull();
    expect(mail.size).toBe(fixture('outlook-gb2312-reply.eml').length);
  });

  it('Foxmail, GB18030 8-bit body with characters GBK lacks, Q-encoded GB18030 subject, Chinese attachment name', async () => {
    const mail = await parsed('foxmail-gb18030.eml');
    expect(mail.subject).toBe('复印机故障 E-200（龑䶮科技）');
    expect(mail.from).toEqual({ address: 'wang.fang@yanyan.example', name: '王芳' });
    expect(mail.to).toEqual([{ address: 'desk@fuwutai.example', name: 'desk' }]);
    expect(mail.text).toBe(
      '服务台：\n\n复印机显示错误代码 E-200，客户名称：龑䶮科技有限公司。\n日志见附件（联系人 𠮷野）。\n\n--\n王芳\n龑䶮科技 设备部\n\n',
    );
    expect(mail.body).toBe('服务台：\n\n复印机显示错误代码 E-200，客户名称：龑䶮科技有限公司。\n日志见附件（联系人 𠮷野）。');
    expect(mail.html).toBeNull();
    expect(mail.inReplyTo).toBeNull();
    expect(mail.references).toEqual([]);
    const [log] = mail.attachments;
    expect(log).toMatchObject({ filename: '故障日志.txt', inline: false, contentId: null });
    expect(new TextDecoder('gb18030').decode(log?.content)).toBe('2026-12-01 09:00 E-200 定影器温度异常\n');
  });

  it('QQ Mail, GBK base64, RFC 2231 attachment name, quote separator, References list', async () => {
    const mail = await parsed('qq-gbk-reply.eml');
    expect(mail.subject).toBe('回复：上门时间确认 [FW-2026-000200]');
    expect(mail.from).toEqual({ address: '12345678@qq.com', name: '刘洋' });
    expect(mail.body).toBe('好的，明天上午九点可以上门。');
    expect(mail.text).toContain('请问明天上午是否方便？');
    expect(mail.references).toEqual([
      'fw.fw-2026-000200.0011223344556677889900aa@fuwutai.example',
      'fw.fw-2026-000200.aa11bb22cc33dd44ee55ff66@fuwutai.example',
    ]);
    expect(mail.inReplyTo).toBe('fw.fw-2026-000200.aa11bb22cc33dd44ee55ff66@fuwutai.example');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.inline])).toEqual([['现场照片.jpg', 'image/jpeg', false]]);
  });

  it('Gmail, UTF-8 quoted-printable, Chinese attribution line, punycode address left alone', async () => {
    const mail = await parsed('gmail-utf8-reply.eml');
    expect(mail.subject).toBe('Re: 定影器故障 [FW-2026-000123]');
    expect(mail.from).toEqual({ address: 'chen.jing@gmail.com', name: '陈静' });
    expect(mail.cc).toEqual([{ address: 'ops@xn--fiqs8s.example', name: '' }]);
    expect(mail.body).toBe('收到，谢谢！设备已经恢复正常。');
    expect(mail.references).toHaveLength(2);
    expect(mail.html).toContain('收到，谢谢！设备已经恢复正常。');
    expect(mail.html).toContain('<a href="mailto:desk@fuwutai.example" target="_blank" rel="noopener noreferrer">');
  });

  it('NetEase HTML-only: readable text without image URLs, script gone, signature stripped, tracker blocked', async () => {
    const mail = await parsed('netease-html-only.eml');
    expect(mail.subject).toBe('门禁故障');
    expect(mail.text).toBe('你好，\n门禁系统无法刷卡，三号门完全失灵。\n联系电话 13800138000\n\n发自网易邮箱大师');
    expect(mail.body).toBe('你好，\n门禁系统无法刷卡，三号门完全失灵。\n联系电话 13800138000');
    expect(mail.html).not.toMatch(/script|alert|onclick|steal| src="https/);
    expect(mail.html).toContain('data-blocked-src="https://tracker.example/open.gif?id=77"');
  });

  it('a message without Message-ID gets one from the hash of its bytes', async () => {
    const raw = fixture('no-message-id.eml');
    const mail = await parsed('no-message-id.eml');
    expect(mail.messageId).toBe(`sha256-${createHash('sha256').update(raw).digest('hex')}@fuwutai.invalid`);
    expect(mail.messageIdSynthetic).toBe(true);
    expect(mail.subject).toBe('报修 UPS');
    expect(mail.text).toBe('UPS 告警。\n');
    expect(mail.body).toBe('UPS 告警。');
  });

  it('Message-ID and threading headers are trimmed of brackets, spaces and comments', async () => {
    const raw = (headers: string) => Buffer.from(`From: a@x.example\r\n${headers}\r\nSubject: t\r\n\r\nhi\r\n`);
    const outcome = await parseMail(
      raw('Message-ID:  <Abc.123@Host.Example> (sent by a relay)\r\nIn-Reply-To: <p@x> (Li\'s message)\r\nReferences: <r1@x>\r\n\t<r2@x>'),
      OPTS,
    );
    expect(outcome.ok && [outcome.mail.messageId, outcome.mail.inReplyTo, outcome.mail.references]).toEqual(['Abc.123@Host.Example', 'p@x', ['r1@x', 'r2@x']]);
    const empty = await parseMail(raw('Message-ID: <>'), OPTS);
    expect(empty.ok && empty.mail.messageIdSynthetic).toBe(true);
  });
});

describe('parseMail: quarantine', () => {
  it('over the size limit, without parsing', async () => {
    const outcome = await parseMail(fixture('outlook-gb2312-reply.eml'), { ...OPTS, maxBytes: 1000 });
    expect(outcome).toEqual({ ok: false, quarantine: { reason: 'too_large', detail: 'The message is 3 KB; the limit is 1 KB.' } });
    const big = Buffer.concat([fixture('no-message-id.eml'), Buffer.alloc(26 * 1024 * 1024, 'a')]);
    const huge = await parseMail(big, OPTS);
    expect(huge).toEqual({ ok: false, quarantine: { reason: 'too_large', detail: 'The message is 26.0 MB; the limit is 25.0 MB.' } });
  });

  it('a multipart whose boundary never appears', async () => {
    const outcome = await parseMail(fixture('broken-mime.eml'), OPTS);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.quarantine.reason).toBe('unparseable');
    expect(outcome.quarantine.detail).toContain('(boundary "----=_Part_0_123456.1764547200000") never appears');
  });

  it('a multipart without a boundary, and data that is not mail', async () => {
    const noBoundary = Buffer.from('From: a@x.example\r\nContent-Type: multipart/mixed\r\n\r\nhello\r\n');
    expect(await parseMail(noBoundary, OPTS)).toMatchObject({ ok: false, quarantine: { reason: 'unparseable', detail: expect.stringMatching(/no boundary/) } });
    const junk = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await parseMail(junk, OPTS)).toMatchObject({ ok: false, quarantine: { reason: 'unparseable', detail: expect.stringMatching(/not an email message/) } });
  });

  it('no From, or a From without an address', async () => {
    expect(await parseMail(fixture('no-sender.eml'), OPTS)).toEqual({
      ok: false,
      quarantine: { reason: 'no_sender', detail: 'The message has no From header, so nobody could be answered.' },
    });
    const nameOnly = Buffer.from('From: Customer Service\r\nSubject: x\r\n\r\nhi\r\n');
    expect(await parseMail(nameOnly, OPTS)).toMatchObject({ ok: false, quarantine: { reason: 'no_sender', detail: expect.stringContaining('"Customer Service"') } });
  });
});

describe('parseMail: robots', () => {
  it('Postfix bounce: failed recipient, status, diagnostic and our original Message-ID', async () => {
    const mail = await parsed('postfix-bounce.eml');
    expect(mail.classification.kind).toBe('bounce');
    expect(mail.bounce).toEqual({
      failedRecipients: ['nobody@customer.example'],
      status: '5.1.1',
      diagnostic: '550 5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown in virtual mailbox table',
      originalMessageId: 'fw.fw-2026-000123.0a1b2c3d4e5f60718293a4b5@fuwutai.example',
      permanent: true,
    });
    // The DSN is not part of the text people read.
    expect(mail.text).not.toContain('Reporting-MTA');
  });

  it('Exchange bounce: recipient from Final-Recipient, original Message-ID from the attached message', async () => {
    const mail = await parsed('exchange-bounce.eml');
    expect(mail.subject).toBe('无法传递: 工单更新 [FW-2026-000150]');
    expect(mail.classification.kind).toBe('bounce');
    expect(mail.bounce).toEqual({
      failedRecipients: ['j.smith@contoso.partner.example'],
      status: '5.2.2',
      diagnostic: '554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded',
      originalMessageId: 'fw.fw-2026-000150.99887766554433221100ffee@fuwutai.example',
      permanent: true,
    });
  });

  it('a delayed DSN (4.x.x) is a bounce that is not permanent', async () => {
    const mail = await parsed('delayed-dsn.eml');
    expect(mail.classification.kind).toBe('bounce');
    expect(mail.bounce).toMatchObject({
      failedRecipients: ['ops@slow.customer.example'],
      status: '4.4.1',
      permanent: false,
      originalMessageId: 'fw.fw-2026-000301.5566778899aabbccddeeff00@fuwutai.example',
    });
  });

  it('Exchange out-of-office', async () => {
    const mail = await parsed('exchange-out-of-office.eml');
    expect(mail.subject).toBe('自动回复: 打印机卡纸 [FW-2026-000123]');
    expect(mail.text).toBe('我正在休假，12月7日返回，急事请联系李娜。');
    expect(mail.classification).toEqual({ kind: 'auto_reply', reason: 'Auto-Submitted: auto-generated' });
    expect(mail.bounce).toBeNull();
  });

  it('a mailing list', async () => {
    const mail = await parsed('mailing-list.eml');
    expect(mail.classification).toEqual({ kind: 'bulk', reason: 'Precedence: list' });
  });

  it('our own mail coming back', async () => {
    const mail = await parsed('gmail-utf8-reply.eml', { ...OPTS, ownAddresses: ['Chen.Jing@gmail.com'] });
    expect(mail.classification.kind).toBe('own_loop');
    const looped = Buffer.from(`X-Loop: desk@fuwutai.example\r\n${fixture('no-message-id.eml').toString('latin1')}`, 'latin1');
    const outcome = await parseMail(looped, OPTS);
    expect(outcome.ok && outcome.mail.classification.kind).toBe('own_loop');
  });
});
