import { describe, expect, it } from 'vitest';
import { classifyMail, type MailHeaderMap } from './classify';
import type { MailKind } from './types';

const person = { address: 'li.lei@customer.example', name: '李雷' };
const OWN = ['desk@fuwutai.example', 'support@fuwutai.example'];
const MARK = 'fuwutai.example';

describe('classifyMail', () => {
  const cases: [string, MailHeaderMap, string, MailKind, RegExp | null][] = [
    ['a person', { subject: ['打印机卡纸'] }, person.address, 'normal', null],
    ['Auto-Submitted: no is a person', { 'auto-submitted': ['no'] }, person.address, 'normal', null],
    ['Auto-Submitted: auto-replied', { 'auto-submitted': ['auto-replied'] }, person.address, 'auto_reply', /Auto-Submitted: auto-replied/],
    ['Auto-Submitted: auto-generated', { 'auto-submitted': ['auto-generated'] }, person.address, 'auto_reply', /auto-generated/],
    ['X-Auto-Response-Suppress: All', { 'x-auto-response-suppress': ['All'] }, person.address, 'auto_reply', /X-Auto-Response-Suppress/],
    ['X-Auto-Response-Suppress: DR only is a person', { 'x-auto-response-suppress': ['DR, RN'] }, person.address, 'normal', null],
    ['X-Autoreply', { 'x-autoreply': ['yes'] }, person.address, 'auto_reply', /X-Autoreply: yes/],
    ['X-Autorespond', { 'x-autorespond': ['Out of office'] }, person.address, 'auto_reply', /X-Autorespond/],
    ['Precedence: bulk', { precedence: ['bulk'] }, person.address, 'bulk', /Precedence: bulk/],
    ['Precedence: junk', { precedence: ['Junk'] }, person.address, 'bulk', /junk/],
    ['Precedence: list', { precedence: ['list'] }, person.address, 'bulk', /list/],
    ['Precedence: auto_reply', { precedence: ['auto_reply'] }, person.address, 'auto_reply', /Precedence: auto_reply/],
    ['List-Id', { 'list-id': ['<users.lists.example>'] }, person.address, 'bulk', /List-Id: <users.lists.example>/],
    ['List-Unsubscribe', { 'list-unsubscribe': ['<mailto:u@x>'] }, person.address, 'bulk', /List-Unsubscribe/],
    ['自动回复 subject', { subject: ['自动回复: 打印机卡纸'] }, person.address, 'auto_reply', /Out-of-office subject/],
    ['Out of Office subject', { subject: ['Out of Office: printer'] }, person.address, 'auto_reply', /Out-of-office/],
    ['Automatic reply subject', { subject: ['Automatic reply: printer'] }, person.address, 'auto_reply', /Out-of-office/],
    ['休假 subject', { subject: ['休假自动回复：打印机'] }, person.address, 'auto_reply', /Out-of-office/],
    ['"out of office" later in a subject is a person', { subject: ['Re: printer out of office'] }, person.address, 'normal', null],
    ['X-Loop with our mark', { 'x-loop': ['desk@fuwutai.example'] }, person.address, 'own_loop', /X-Loop/],
    ['X-Loop of someone else', { 'x-loop': ['other.example'] }, person.address, 'normal', null],
    ['From our own address', {}, 'Support@Fuwutai.example', 'own_loop', /our own address support@fuwutai.example/],
    [
      'multipart/report delivery-status',
      { 'content-type': ['multipart/report; report-type=delivery-status; boundary="x"'], 'auto-submitted': ['auto-replied'] },
      'mailer-daemon@mx.customer.example',
      'bounce',
      /Delivery status notification/,
    ],
    [
      'read receipt',
      { 'content-type': ['multipart/report; report-type="disposition-notification"; boundary=x'] },
      person.address,
      'auto_reply',
      /Read receipt/,
    ],
  ];
  it.each(cases)('%s', (_name, headers, from, kind, reason) => {
    const result = classifyMail(headers, { address: from, name: '' }, OWN, MARK);
    expect(result.kind).toBe(kind);
    if (reason) expect(result.reason).toMatch(reason);
    else expect(result.reason).toBeNull();
  });

  it('mailer-daemon is a bounce only with a delivery-status part', () => {
    const daemon = { address: 'mailer-daemon@mx.example', name: '' };
    expect(classifyMail({}, daemon, OWN, MARK, true).kind).toBe('bounce');
    expect(classifyMail({ 'auto-submitted': ['auto-replied'] }, daemon, OWN, MARK, false).kind).toBe('auto_reply');
  });

  it('an empty loop mark never matches', () => {
    expect(classifyMail({ 'x-loop': ['anything'] }, person, OWN, '').kind).toBe('normal');
  });

  it('no sender is classified by headers alone', () => {
    expect(classifyMail({ precedence: ['bulk'] }, null, OWN, MARK).kind).toBe('bulk');
  });
});
