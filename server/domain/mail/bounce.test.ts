import { describe, expect, it } from 'vitest';
import { originalMessageId, parseDeliveryStatus } from './bounce';

const POSTFIX = `Reporting-MTA: dns; mx.fuwutai.example
Arrival-Date: Tue,  1 Dec 2026 10:06:00 +0800 (CST)

Final-Recipient: rfc822; Nobody@Customer.Example
Original-Recipient: rfc822;nobody@customer.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <nobody@customer.example>: Recipient address
    rejected: User unknown
`.replace(/\n/g, '\r\n');

describe('parseDeliveryStatus', () => {
  it('reads recipients, status and the unfolded diagnostic', () => {
    expect(parseDeliveryStatus(POSTFIX, 'From: a@b\r\nMessage-ID:\r\n <fw.x.1@fuwutai.example>\r\n\r\nMessage-ID: <body@x>')).toEqual({
      failedRecipients: ['nobody@customer.example'],
      status: '5.1.1',
      diagnostic: '550 5.1.1 <nobody@customer.example>: Recipient address rejected: User unknown',
      originalMessageId: 'fw.x.1@fuwutai.example',
      permanent: true,
    });
  });

  it('a delayed 4.x.x report is not permanent', () => {
    const report = parseDeliveryStatus('Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; ops@slow.example\nAction: delayed\nStatus: 4.4.1\n', null);
    expect(report).toMatchObject({ failedRecipients: ['ops@slow.example'], status: '4.4.1', permanent: false, originalMessageId: null });
  });

  it('lists every failing recipient and skips delivered ones', () => {
    const text =
      'Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@x.example\nAction: failed\nStatus: 5.2.2\n\n' +
      'Final-Recipient: rfc822; ok@x.example\nAction: delivered\nStatus: 2.0.0\n\nFinal-Recipient: rfc822;<B@x.example>\nAction: failed\nStatus: 5.1.1\n';
    const report = parseDeliveryStatus(text, null);
    expect(report.failedRecipients).toEqual(['a@x.example', 'b@x.example']);
    expect(report.status).toBe('5.2.2');
  });

  it('without a status the action decides', () => {
    expect(parseDeliveryStatus('Final-Recipient: rfc822; a@x\nAction: failed\n', null)).toMatchObject({ status: null, permanent: true });
  });
});

describe('originalMessageId', () => {
  it('reads only the header block', () => {
    expect(originalMessageId('Subject: x\nMessage-Id: <a@b>\n\nbody')).toBe('a@b');
    expect(originalMessageId('Subject: x\n\nMessage-ID: <in-body@b>')).toBeNull();
  });
});
