import { describe, expect, it } from 'vitest';
import {
  bareMessageId,
  makeMessageId,
  messageIdList,
  referencesFor,
  replySubject,
  threadCandidates,
  ticketNumberFromMessageId,
  ticketNumberFromSubject,
  ticketSubject,
} from './threading';

describe('ticketNumberFromSubject', () => {
  const cases: [string, string | null][] = [
    ['Re: 打印机卡纸 [FW-2026-000123]', 'FW-2026-000123'],
    ['回复：打印机卡纸【FW-2026-000123】', 'FW-2026-000123'],
    ['RE: [ fw - 2026 - 000123 ] noise', 'FW-2026-000123'],
    ['［ＦＷ－２０２６－０００１２３］', 'FW-2026-000123'],
    ['[FW-2026-1234567] grown past a million', 'FW-2026-1234567'],
    ['FW-2026-000123 without brackets', null],
    ['[FW-2026-0001] short tail', null],
    ['Fw: 设备报修', null],
  ];
  it.each(cases)('%s', (subject, expected) => expect(ticketNumberFromSubject(subject)).toBe(expected));
});

describe('threadCandidates', () => {
  it('In-Reply-To first, then References newest first, deduped', () => {
    expect(threadCandidates({ inReplyTo: 'c@x', references: ['a@x', 'b@x', 'c@x'] })).toEqual(['c@x', 'b@x', 'a@x']);
    expect(threadCandidates({ inReplyTo: null, references: [] })).toEqual([]);
  });
});

describe('replySubject', () => {
  const cases: [string, string][] = [
    ['打印机卡纸', 'Re: 打印机卡纸 [FW-2026-000123]'],
    ['Re: RE: 回复：答复: 打印机卡纸 [FW-2026-000123]', 'Re: 打印机卡纸 [FW-2026-000123]'],
    ['Fwd: Re: 【FW-2026-000123】 打印机卡纸 [FW-2026-000123]', 'Re: 打印机卡纸 [FW-2026-000123]'],
    ['AW: Re[2]: Drucker', 'Re: Drucker [FW-2026-000123]'],
    ['', 'Re: [FW-2026-000123]'],
  ];
  it.each(cases)('%s', (subject, expected) => expect(replySubject('FW-2026-000123', subject)).toBe(expected));
  it('ticketSubject adds the token once', () => {
    expect(ticketSubject('FW-2026-000123', '打印机卡纸 [FW-2026-000123]')).toBe('打印机卡纸 [FW-2026-000123]');
  });
});

describe('message ids', () => {
  it('makeMessageId is unique, carries the ticket and the domain', () => {
    const a = makeMessageId('FW-2026-000123', 'Desk.Example.com');
    const b = makeMessageId('FW-2026-000123', 'desk.example.com');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^fw\.fw-2026-000123\.[0-9a-f]{24}@desk\.example\.com$/);
    expect(ticketNumberFromMessageId(a)).toBe('FW-2026-000123');
    expect(makeMessageId(null, 'd.example', () => 'r1')).toBe('fw.r1@d.example');
    expect(ticketNumberFromMessageId('CAF=abc@mail.gmail.com')).toBeNull();
  });
  it('referencesFor appends the parent and keeps the root plus the newest', () => {
    expect(referencesFor('<c@x>', ['a@x', 'b@x'])).toEqual(['a@x', 'b@x', 'c@x']);
    expect(referencesFor('b@x', ['a@x', 'b@x'])).toEqual(['a@x', 'b@x']);
    const long = Array.from({ length: 30 }, (_, i) => `m${i}@x`);
    const refs = referencesFor('p@x', long, 5);
    expect(refs).toEqual(['m0@x', 'm27@x', 'm28@x', 'm29@x', 'p@x']);
  });
  it('bareMessageId and messageIdList strip brackets', () => {
    expect(bareMessageId(' <abc@x> ')).toBe('abc@x');
    expect(messageIdList('<a@x>\r\n <b@x> <a@x>')).toEqual(['a@x', 'b@x']);
    expect(messageIdList('a@x b@x')).toEqual(['a@x', 'b@x']);
    expect(messageIdList(undefined)).toEqual([]);
  });
});
