import { describe, expect, it } from 'vitest';
import { mailBody, stripQuotedText } from './quote';

describe('stripQuotedText', () => {
  const cases: [string, string, string][] = [
    ['plain text stays', '打印机卡纸，请尽快派人。\n谢谢', '打印机卡纸，请尽快派人。\n谢谢'],
    ['> lines go, lines between stay', '还是不行\n> 请重启试试\n重启过了\n> 好的', '还是不行\n重启过了'],
    [
      'Outlook English',
      'Still broken.\r\n\r\n-----Original Message-----\r\nFrom: Desk <desk@fuwutai.example>\r\nSent: Monday\r\n\r\nold',
      'Still broken.',
    ],
    ['NetEase 原始邮件', '已收到\n\n-----原始邮件-----\n发件人: 服务台\n旧内容', '已收到'],
    [
      'QQ Mail separator',
      '好的，明天上午可以。\n\n------------------&nbsp;原始邮件&nbsp;------------------\n'.replace(/&nbsp;/g, ' ') +
        '发件人: "服务台"<desk@fuwutai.example>;\n发送时间: 2026年12月1日(星期二) 上午10:00\n旧内容',
      '好的，明天上午可以。',
    ],
    [
      'Outlook Chinese header block after a rule',
      '设备编号 SN-778\n\n________________________________\n发件人: 服务台 <desk@fuwutai.example>\n发送时间: 2026年12月1日 10:00\n收件人: 李雷\n主题: 旧',
      '设备编号 SN-778',
    ],
    [
      'Foxmail header block',
      '附件是照片\n\nFrom: desk@fuwutai.example\nDate: 2026-12-01 10:00\nTo: li@example.com\nSubject: Re: 故障',
      '附件是照片',
    ],
    ['Outlook web one-line header', 'Done.\nFrom: Desk Sent: Tuesday, December 1, 2026 To: Li', 'Done.'],
    ['Gmail English', 'Thanks!\n\nOn Tue, Dec 1, 2026 at 10:00 AM Desk <desk@fuwutai.example> wrote:\n> hi', 'Thanks!'],
    ['Gmail English wrapped', 'Thanks!\n\nOn Tue, Dec 1, 2026 at 10:00 AM Fuwutai Service Desk <desk@fuwutai.example>\nwrote:\n', 'Thanks!'],
    ['Gmail Chinese', '收到\n\n在 2026年12月1日周二 10:00，服务台 <desk@fuwutai.example> 写道：\n> 旧', '收到'],
    ['163 attribution', '可以\n\n在 2026-12-01 10:00:00，"服务台" <desk@fuwutai.example> 写道:\n旧', '可以'],
    ['QQ Mail in English', 'OK\n\n------------------ Original ------------------\nFrom: "Desk"<desk@fuwutai.example>;\nold', 'OK'],
    ['NetEase Master', '好\n\n---- 回复的原邮件 ----\n| 发件人 | 服务台 |\n旧', '好'],
    ['163 in English', 'Fine.\n\nAt 2026-12-01 10:00:00, "Desk" <desk@fuwutai.example> wrote:\n>old', 'Fine.'],
    ['Gmail Chinese, name first', '好的\n\n服务台 <desk@fuwutai.example> 于2026年12月1日周二 10:00写道：\n> 旧', '好的'],
    ['"wrote:" in a sentence is text', 'The engineer wrote: replace the drum.', 'The engineer wrote: replace the drum.'],
    ['signature after "-- "', '请联系我\n-- \n李雷\n13800000000', '请联系我'],
    ['phone signature', '机器又响了\n\n发自我的iPhone', '机器又响了'],
    ['"From:" in a sentence is text', 'From: the second floor printer\nIt beeps.', 'From: the second floor printer\nIt beeps.'],
    ['forwarded message is kept', 'FYI\n---------- Forwarded message ---------\nFrom: a\nbody', 'FYI\n---------- Forwarded message ---------\nFrom: a\nbody'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(stripQuotedText(input)).toBe(expected);
  });
});

describe('mailBody', () => {
  it('falls back to the whole text when the reply is only a quote', () => {
    expect(mailBody('> 旧内容\n> 第二行')).toBe('> 旧内容\n> 第二行');
    expect(mailBody('-----Original Message-----\nold')).toBe('-----Original Message-----\nold');
  });
  it('is empty only for empty text', () => {
    expect(mailBody('  \n ')).toBe('');
  });
});
