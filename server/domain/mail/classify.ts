/**
 * Whether a message was written by a person. Auto-replies, bulk mail, bounces and our own mail
 * coming back must never open or reopen a ticket nor get an acknowledgement, or two robots
 * answer each other forever (the classic helpdesk mail loop).
 *
 * Order matters: a bounce often also says "Auto-Submitted: auto-replied", and it must still be
 * read as a bounce so the failing address gets marked; our own mail beats everything else.
 */
import type { MailAddress, MailClassification } from './types';

/** Header values by lower-case name, in the order they appear, unfolded; Subject decoded. */
export type MailHeaderMap = Record<string, string[]>;

const OUT_OF_OFFICE_SUBJECT =
  /^\s*(自动回复|自動回覆|自動回复|休假|外出|不在办公室|out of (the )?office|automatic reply|auto(matic)?[ -]?(reply|response)|autoreply|auto:|abwesend|absence)/i;

export function classifyMail(
  headers: MailHeaderMap,
  from: MailAddress | null,
  ownAddresses: string[],
  loopMark: string,
  /** The message carries a message/delivery-status part. */
  hasDeliveryStatus = false,
): MailClassification {
  const first = (name: string) => headers[name]?.[0]?.trim() ?? '';
  const sender = from?.address.toLowerCase() ?? '';
  const own = new Set(ownAddresses.map((a) => a.trim().toLowerCase()));

  const mark = loopMark.trim().toLowerCase();
  const loop = (headers['x-loop'] ?? []).find((v) => mark && v.toLowerCase().includes(mark));
  if (loop) return { kind: 'own_loop', reason: `X-Loop: ${loop.trim()} (our own mark)` };
  if (sender && own.has(sender)) return { kind: 'own_loop', reason: `From our own address ${sender}` };

  const contentType = first('content-type').toLowerCase();
  const report = /^multipart\/report\b/.test(contentType);
  if (report && /report-type\s*=\s*"?delivery-status/.test(contentType)) {
    return { kind: 'bounce', reason: 'Delivery status notification (multipart/report; report-type=delivery-status)' };
  }
  if (/^(mailer-daemon|postmaster)@/.test(sender) && (hasDeliveryStatus || report)) {
    return { kind: 'bounce', reason: `Delivery status notification from ${sender}` };
  }
  if (report && /report-type\s*=\s*"?disposition-notification/.test(contentType)) {
    return { kind: 'auto_reply', reason: 'Read receipt (multipart/report; report-type=disposition-notification)' };
  }

  const autoSubmitted = first('auto-submitted');
  if (autoSubmitted && !/^no\b/i.test(autoSubmitted)) return { kind: 'auto_reply', reason: `Auto-Submitted: ${autoSubmitted}` };
  // Exchange sets it on its own automatic mail; DR/RN/NRN alone only ask not to get receipts back.
  const suppress = first('x-auto-response-suppress');
  if (/\b(all|oof|autoreply)\b/i.test(suppress)) return { kind: 'auto_reply', reason: `X-Auto-Response-Suppress: ${suppress}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    const value = first(name);
    if (headers[name] && !/^(no|false)$/i.test(value)) return { kind: 'auto_reply', reason: `${headerName(name)}: ${value}` };
  }

  const precedence = first('precedence').toLowerCase();
  if (precedence === 'auto_reply') return { kind: 'auto_reply', reason: 'Precedence: auto_reply' };
  if (['bulk', 'junk', 'list'].includes(precedence)) return { kind: 'bulk', reason: `Precedence: ${precedence}` };
  if (headers['list-id']) return { kind: 'bulk', reason: `Mailing list (List-Id: ${first('list-id')})` };
  if (headers['list-unsubscribe']) return { kind: 'bulk', reason: 'Mailing list or newsletter (List-Unsubscribe)' };

  const subject = first('subject');
  if (OUT_OF_OFFICE_SUBJECT.test(subject)) return { kind: 'auto_reply', reason: `Out-of-office subject "${subject}"` };

  return { kind: 'normal', reason: null };
}

function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}
