/**
 * One raw RFC 5322 message → a `ParsedMail`, or the reason it must be quarantined. Parsing is
 * done once, here, with mailparser; everything after (threading, ticket or comment, bounce marks)
 * works on the result. Nothing here touches the database or the network.
 */
import { createHash } from 'node:crypto';
import { type AddressObject, type Attachment, parseAddressHeader, simpleParser } from 'mailparser';
import { parseDeliveryStatus } from '../../domain/mail/bounce';
import { classifyMail, type MailHeaderMap } from '../../domain/mail/classify';
import { sanitiseMailHtml } from '../../domain/mail/html';
import { mailBody } from '../../domain/mail/quote';
import { bareMessageId, messageIdList } from '../../domain/mail/threading';
import type { BounceReport, MailAddress, MailAttachment, MailClassification, ParseOutcome } from '../../domain/mail/types';

export interface ParseMailOptions {
  /** Messages larger than this are quarantined unparsed (a 25 MB attachment must not be read into a ticket). */
  maxBytes: number;
  /** Our mailbox addresses: mail from them is our own coming back. */
  ownAddresses: string[];
  /** The mark our outgoing mail carries in X-Loop. */
  loopMark: string;
}

export async function parseMail(raw: Buffer, opts: ParseMailOptions): Promise<ParseOutcome> {
  // Before parsing: parsing a huge message is exactly the cost the limit is there to avoid.
  if (raw.length > opts.maxBytes) {
    return quarantine('too_large', `The message is ${size(raw.length)}; the limit is ${size(opts.maxBytes)}.`);
  }
  const headers = readTopHeaders(raw);
  const broken = structureProblem(raw, headers);
  if (broken) return quarantine('unparseable', broken);

  let mail: Awaited<ReturnType<typeof simpleParser>>;
  try {
    mail = await simpleParser(raw, {
      keepCidLinks: true, // cid: images stay references; ingest rewrites them to attachment URLs
      keepDeliveryStatus: true, // the DSN part as an attachment, not mixed into the text
      skipTextToHtml: true,
      skipTextLinks: true,
    });
  } catch (error) {
    return quarantine('unparseable', `The message could not be read as MIME: ${(error as Error).message}`);
  }

  const from = addresses(mail.from, headers.from)[0] ?? null;
  if (!from) {
    return quarantine(
      'no_sender',
      headers.from
        ? `The From header "${headers.from[0]}" holds no email address, so nobody could be answered.`
        : 'The message has no From header, so nobody could be answered.',
    );
  }
  const subject = mail.subject ?? '';
  // Classification reads the top-level headers as written, with the subject decoded.
  const classification = classifyMail({ ...headers, subject: [subject] }, from, opts.ownAddresses, opts.loopMark, hasPart(mail.attachments, DSN_TYPES));

  // The first id when the header holds junk around it (comments, several ids).
  const messageId = messageIdList(mail.messageId)[0] ?? '';
  const html = typeof mail.html === 'string' ? mail.html : null;
  const text = textOf(mail.text ?? '', html !== null && !hasPlainTextPart(raw, headers));
  return {
    ok: true,
    mail: {
      messageId: messageId || `sha256-${createHash('sha256').update(raw).digest('hex')}@fuwutai.invalid`,
      messageIdSynthetic: !messageId,
      inReplyTo: messageIdList(mail.inReplyTo)[0] ?? null,
      references: messageIdList(mail.references),
      subject,
      from,
      replyTo: addresses(mail.replyTo, headers['reply-to']),
      to: addresses(mail.to, headers.to),
      cc: addresses(mail.cc, headers.cc),
      date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date : null,
      text,
      body: mailBody(text),
      html: html === null ? null : sanitiseMailHtml(html),
      attachments: mail.attachments.map(attachment),
      classification,
      bounce: bounceOf(classification, mail.attachments, mail.inReplyTo),
      size: raw.length,
    },
  };
}

const quarantine = (reason: 'too_large' | 'unparseable' | 'no_sender', detail: string): ParseOutcome => ({
  ok: false,
  quarantine: { reason, detail },
});

function size(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The top-level header block, unfolded, by lower-case name (values as raw text; encoded words not decoded). */
export function readTopHeaders(raw: Buffer): MailHeaderMap {
  const text = raw.subarray(0, headerEnd(raw)).toString('latin1');
  const headers: MailHeaderMap = {};
  for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const name = m[1].toLowerCase();
    (headers[name] ??= []).push(Buffer.from(m[2] ?? '', 'latin1').toString('utf8').trim());
  }
  return headers;
}

function headerEnd(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  return ends.length ? Math.min(...ends) : raw.length;
}

/** What makes a message unreadable before mailparser sees it (mailparser itself accepts almost anything). */
function structureProblem(raw: Buffer, headers: MailHeaderMap): string | null {
  // An mbox "From " separator line may precede the headers when a message comes from a file.
  if (Object.keys(headers).length === 0 || !/^([!-9;-~]+:|From )/.test(raw.subarray(0, 200).toString('latin1'))) {
    return 'The data does not start with mail headers: it is not an email message.';
  }
  const contentType = headers['content-type']?.[0] ?? '';
  if (!/^\s*multipart\//i.test(contentType)) return null;
  const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const value = boundary?.[1] ?? boundary?.[2];
  if (!value) return `The message says it has several parts (${contentType.split(';')[0]}) but gives no boundary to separate them.`;
  if (!raw.includes(`--${value}`, headerEnd(raw))) {
    return `The message says it has several parts, but the separator (boundary "${value}") never appears: the message is truncated or broken.`;
  }
  return null;
}

/**
 * Addresses of one header, normalised. Names come from mailparser (encoded words decoded); the
 * addresses are read again from the raw header without punycode decoding, so `xn--` domains stay
 * as written and compare equal to what contacts store.
 */
function addresses(parsed: AddressObject | AddressObject[] | undefined, raw: string[] | undefined): MailAddress[] {
  const flat = (objects: AddressObject | AddressObject[] | undefined) =>
    [objects ?? []].flat().flatMap((o) => o.value.flatMap((a) => (a.group ? a.group : [a])));
  const named = flat(parsed);
  const plain = raw ? flat(parseAddressHeader(raw, { decodePunycode: false })) : [];
  return named
    .map((a, i) => ({
      address: (plain.length === named.length ? plain[i]?.address : a.address)?.trim().toLowerCase() ?? '',
      name: a.name.trim(),
    }))
    .filter((a) => a.address.includes('@'));
}

/**
 * The text people read. For HTML-only mail mailparser converts the HTML; images come out as
 * `[https://…]` lines (often tracking pixels), which say nothing to a reader.
 */
function textOf(text: string, fromHtml: boolean): string {
  const normalised = text.replace(/\r\n?/g, '\n');
  if (!fromHtml) return normalised;
  return normalised
    .split('\n')
    .filter((line) => !/^\s*\[(https?:|cid:)[^\]\s]*\]\s*$/i.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function hasPlainTextPart(raw: Buffer, headers: MailHeaderMap): boolean {
  // No Content-Type at all means text/plain (RFC 2045); otherwise look for a text/plain part anywhere.
  return !headers['content-type'] || /^content-type:[ \t]*text\/plain/im.test(raw.toString('latin1'));
}

const DSN_TYPES = ['message/delivery-status', 'message/global-delivery-status'];
const ORIGINAL_TYPES = ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'];

function hasPart(attachments: Attachment[], types: string[]): boolean {
  return attachments.some((a) => types.includes(a.contentType.toLowerCase()));
}

function bounceOf(classification: MailClassification, attachments: Attachment[], inReplyTo: string | undefined): BounceReport | null {
  if (classification.kind !== 'bounce') return null;
  const part = (types: string[]) => attachments.find((a) => types.includes(a.contentType.toLowerCase()))?.content.toString('utf8');
  const report = parseDeliveryStatus(part(DSN_TYPES) ?? '', part(ORIGINAL_TYPES) ?? null);
  // Exchange and others also answer our message in In-Reply-To when they return no copy of it.
  return { ...report, originalMessageId: report.originalMessageId ?? messageIdList(inReplyTo)[0] ?? null };
}

const EXTENSIONS: Record<string, string> = {
  'message/rfc822': '.eml',
  'message/delivery-status': '.txt',
  'text/rfc822-headers': '.txt',
  'text/plain': '.txt',
  'text/html': '.html',
  'text/calendar': '.ics',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'application/pdf': '.pdf',
};

function attachment(a: Attachment, index: number): MailAttachment {
  const contentId = a.contentId ? bareMessageId(a.contentId) || null : null;
  const disposition = a.contentDisposition?.toLowerCase();
  return {
    filename: a.filename?.trim() || `attachment-${index + 1}${EXTENSIONS[a.contentType.toLowerCase()] ?? '.bin'}`,
    contentType: a.contentType.toLowerCase(),
    content: a.content,
    size: a.content.length,
    contentId,
    // An image referenced from the HTML: inline, or without disposition inside multipart/related (Outlook).
    inline: !!contentId && (disposition === 'inline' || (!disposition && a.related === true)),
  };
}
