/**
 * Reading a delivery status notification (RFC 3464): which of our recipients failed, why, and
 * which of our messages it was — so the contact's address can be marked failing and the note
 * shown on the ticket that message belonged to.
 */
import { bareMessageId } from './threading';
import type { BounceReport } from './types';

/** Header-style fields of one block, by lower-case name; continuation lines unfolded. */
type Fields = Map<string, string>;

/**
 * @param deliveryStatus the text of the message/delivery-status part (or message/global-delivery-status)
 * @param originalHeaders the header block (or whole text) of the returned message/rfc822 or
 *   text/rfc822-headers part, when the report carries one
 */
export function parseDeliveryStatus(deliveryStatus: string, originalHeaders: string | null): BounceReport {
  // The first block is about the message, each following block about one recipient.
  const recipients = blocks(deliveryStatus).filter((b) => b.has('final-recipient') || b.has('original-recipient'));
  const failing = recipients.filter((b) => /^[45]/.test(b.get('status') ?? '') || /^(failed|delayed)$/i.test(b.get('action') ?? ''));
  const failedRecipients = [
    ...new Set(failing.flatMap((b) => [b.get('original-recipient'), b.get('final-recipient')].map(recipientAddress).filter(Boolean))),
  ];
  const first = failing[0] ?? recipients[0];
  const status = /\d\.\d{1,3}\.\d{1,3}/.exec(first?.get('status') ?? '')?.[0] ?? null;
  const action = first?.get('action')?.toLowerCase() ?? '';
  const diagnostic = first?.get('diagnostic-code')?.replace(/^[\w-]+;\s*/, '') || null;
  return {
    failedRecipients,
    status,
    diagnostic,
    originalMessageId: originalHeaders ? originalMessageId(originalHeaders) : null,
    // 4.x.x and "delayed" mean the MTA still retries: the address is not dead yet.
    permanent: status ? status.startsWith('5') : action !== 'delayed',
  };
}

/** The Message-ID in the header block of a returned message. */
export function originalMessageId(headersOrMessage: string): string | null {
  const header = headersOrMessage.replace(/\r\n?/g, '\n').split(/\n\n/)[0] ?? '';
  const value = blocks(header)[0]?.get('message-id');
  return value ? bareMessageId(value) || null : null;
}

/** "rfc822; Nobody@Example.com" → "nobody@example.com". */
function recipientAddress(value: string | undefined): string {
  if (!value) return '';
  const address = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  return address.trim().replace(/^<|>$/g, '').trim().toLowerCase();
}

function blocks(text: string): Fields[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((block) => {
      const fields: Fields = new Map();
      let last = '';
      for (const line of block.split('\n')) {
        if (/^[ \t]/.test(line) && last) {
          fields.set(last, `${fields.get(last)} ${line.trim()}`);
          continue;
        }
        const m = /^([!-9;-~]+):\s*(.*)$/.exec(line);
        if (!m?.[1]) continue;
        last = m[1].toLowerCase();
        // The first occurrence wins (a returned message can repeat Received and the like).
        if (!fields.has(last)) fields.set(last, (m[2] ?? '').trim());
        else last = '';
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}
