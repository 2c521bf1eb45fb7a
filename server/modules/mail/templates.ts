/**
 * Customer mail templates (issue 10): one per event (acknowledgement, public reply, assigned,
 * waiting for the customer, resolved) and language (zh-CN, en), each a subject, a plain text and an
 * HTML body. The defaults ship here in code; an admin's version is a `mail_templates` row, and
 * deleting it brings the default back.
 *
 * The renderer is deliberately small and strict: `{{name}}` (spaces inside allowed) with a name
 * from PLACEHOLDERS, nothing else — no logic, no helpers, no partials. A stray `{{` or an unknown
 * name is refused when an admin saves, so what is stored always renders. Values are escaped in
 * the HTML body (and line breaks become <br>); the template's own markup is the admin's.
 * The subject gets the ticket's `[FW-…]` token from the sender (modules/mail/outgoing.ts), so no
 * template can lose it.
 */
import { and, eq } from 'drizzle-orm';
import type { MailTemplate, MailTemplateBody, MailTemplatePreview, MailTemplates } from '../../../common/api/mail-out';
import { MAIL_LANGUAGES, MAIL_PLACEHOLDERS, MAIL_TEMPLATE_EVENTS } from '../../../common/api/mail-out';
import type { Db } from '../../db/client';
import { mailTemplates, type CustomerMailEvent, type MailLanguage } from '../../db/schema';
import { replySubject, ticketSubject } from '../../domain/mail/threading';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { Audit } from '../audit';

export type Placeholder = (typeof MAIL_PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;
export interface TemplateParts {
  subject: string;
  text: string;
  html: string;
}

const TAG = /\{\{\s*([^{}]*?)\s*\}\}/g;
const KNOWN = new Set<string>(MAIL_PLACEHOLDERS);

/** Refuses what would not render: a `{{` or `}}` outside a placeholder, an unknown or empty name. */
export function checkTemplate(field: keyof TemplateParts, source: string): void {
  const rest = source.replace(TAG, (_whole, name: string) => {
    if (!KNOWN.has(name)) {
      throw new AppError('mail.template_placeholder_unknown', `Unknown placeholder {{${name}}} in the ${field}; known: ${MAIL_PLACEHOLDERS.join(', ')}`, {
        placeholder: name,
        field,
      });
    }
    return '';
  });
  if (rest.includes('{{') || rest.includes('}}')) {
    throw new AppError('mail.template_syntax', `The ${field} has a "{{" or "}}" that opens or closes no placeholder`, { field });
  }
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Fills a checked template; `mode` decides how values are written into it. */
export function renderTemplate(source: string, values: TemplateValues, mode: 'text' | 'html' | 'subject'): string {
  return source.replace(TAG, (_whole, name: string) => {
    const value = values[name as Placeholder] ?? '';
    if (mode === 'html') return escapeHtml(value).replace(/\r?\n/g, '<br>\n');
    if (mode === 'subject') return value.replace(/[\r\n]+/g, ' ');
    return value;
  });
}

export function renderParts(parts: TemplateParts, values: TemplateValues): TemplateParts {
  return {
    subject: renderTemplate(parts.subject, values, 'subject').replace(/\s+/g, ' ').trim(),
    // An empty value (no note with a status change) leaves no run of blank lines or an empty paragraph.
    text: renderTemplate(parts.text, values, 'text').replace(/\n[ \t]*\n(?:[ \t]*\n)+/g, '\n\n'),
    html: renderTemplate(parts.html, values, 'html').replace(/<p>\s*<\/p>\n?/g, ''),
  };
}

const page = (inner: string) =>
  `<div style="font-family: -apple-system, 'PingFang SC', 'Microsoft YaHei', Arial, sans-serif; font-size: 14px; line-height: 1.6; color: #222">\n${inner}\n</div>`;
const link = '<a href="{{portal.url}}">{{portal.url}}</a>';
const footerZh = '<p style="color: #888; font-size: 12px">回复本邮件即可补充信息，请保留主题中的工单号 {{ticket.number}}。<br>{{desk.name}}</p>';
const footerEn = '<p style="color: #888; font-size: 12px">Reply to this mail to add information; please keep the ticket number {{ticket.number}} in the subject.<br>{{desk.name}}</p>';
const textFooterZh = '\n\n--\n回复本邮件即可补充信息，请保留主题中的工单号 {{ticket.number}}。\n{{desk.name}}';
const textFooterEn = '\n\n--\nReply to this mail to add information; please keep the ticket number {{ticket.number}} in the subject.\n{{desk.name}}';

/** The shipped templates. The subject is the thread's subject; the sender adds "Re:" and the token. */
export const DEFAULT_TEMPLATES: Record<CustomerMailEvent, Record<MailLanguage, TemplateParts>> = {
  ack: {
    'zh-CN': {
      subject: '{{ticket.subject}}',
      text: `您好，\n\n我们已收到您的服务请求并登记为工单 {{ticket.number}}：\n{{ticket.title}}\n\n工程师会尽快与您联系。查看进度：{{portal.url}}${textFooterZh}`,
      html: page(`<p>您好，</p>\n<p>我们已收到您的服务请求并登记为工单 <b>{{ticket.number}}</b>：<br>{{ticket.title}}</p>\n<p>工程师会尽快与您联系。查看进度：${link}</p>\n${footerZh}`),
    },
    en: {
      subject: '{{ticket.subject}}',
      text: `Hello,\n\nWe have received your request and logged it as ticket {{ticket.number}}:\n{{ticket.title}}\n\nAn engineer will be in touch shortly. Follow it here: {{portal.url}}${textFooterEn}`,
      html: page(`<p>Hello,</p>\n<p>We have received your request and logged it as ticket <b>{{ticket.number}}</b>:<br>{{ticket.title}}</p>\n<p>An engineer will be in touch shortly. Follow it here: ${link}</p>\n${footerEn}`),
    },
  },
  comment: {
    'zh-CN': {
      subject: '{{ticket.subject}}',
      text: `{{comment.body}}\n\n—— {{comment.author}}（工单 {{ticket.number}}）\n查看工单：{{portal.url}}${textFooterZh}`,
      html: page(`<p>{{comment.body}}</p>\n<p>—— {{comment.author}}（工单 {{ticket.number}}）<br>查看工单：${link}</p>\n${footerZh}`),
    },
    en: {
      subject: '{{ticket.subject}}',
      text: `{{comment.body}}\n\n— {{comment.author}} (ticket {{ticket.number}})\nView the ticket: {{portal.url}}${textFooterEn}`,
      html: page(`<p>{{comment.body}}</p>\n<p>— {{comment.author}} (ticket {{ticket.number}})<br>View the ticket: ${link}</p>\n${footerEn}`),
    },
  },
  assigned: {
    'zh-CN': {
      subject: '{{ticket.subject}}',
      text: `您好，\n\n您的工单 {{ticket.number}}（{{ticket.title}}）已由工程师 {{engineer.name}} 负责处理。\n查看进度：{{portal.url}}${textFooterZh}`,
      html: page(`<p>您好，</p>\n<p>您的工单 <b>{{ticket.number}}</b>（{{ticket.title}}）已由工程师 <b>{{engineer.name}}</b> 负责处理。</p>\n<p>查看进度：${link}</p>\n${footerZh}`),
    },
    en: {
      subject: '{{ticket.subject}}',
      text: `Hello,\n\nYour ticket {{ticket.number}} ({{ticket.title}}) is now handled by our engineer {{engineer.name}}.\nFollow it here: {{portal.url}}${textFooterEn}`,
      html: page(`<p>Hello,</p>\n<p>Your ticket <b>{{ticket.number}}</b> ({{ticket.title}}) is now handled by our engineer <b>{{engineer.name}}</b>.</p>\n<p>Follow it here: ${link}</p>\n${footerEn}`),
    },
  },
  pending_customer: {
    'zh-CN': {
      subject: '{{ticket.subject}}',
      text: `您好，\n\n工单 {{ticket.number}}（{{ticket.title}}）需要您的答复才能继续处理。\n{{status.note}}\n\n请直接回复本邮件，或在此答复：{{portal.url}}${textFooterZh}`,
      html: page(`<p>您好，</p>\n<p>工单 <b>{{ticket.number}}</b>（{{ticket.title}}）需要您的答复才能继续处理。</p>\n<p>{{status.note}}</p>\n<p>请直接回复本邮件，或在此答复：${link}</p>\n${footerZh}`),
    },
    en: {
      subject: '{{ticket.subject}}',
      text: `Hello,\n\nWe need your answer to go on with ticket {{ticket.number}} ({{ticket.title}}).\n{{status.note}}\n\nPlease reply to this mail, or answer here: {{portal.url}}${textFooterEn}`,
      html: page(`<p>Hello,</p>\n<p>We need your answer to go on with ticket <b>{{ticket.number}}</b> ({{ticket.title}}).</p>\n<p>{{status.note}}</p>\n<p>Please reply to this mail, or answer here: ${link}</p>\n${footerEn}`),
    },
  },
  resolved: {
    'zh-CN': {
      subject: '{{ticket.subject}}',
      text: `您好，\n\n工单 {{ticket.number}}（{{ticket.title}}）已解决。\n{{status.note}}\n\n请在此确认或重新打开：{{portal.url}}\n如问题仍在，直接回复本邮件即可重新打开工单。${textFooterZh}`,
      html: page(`<p>您好，</p>\n<p>工单 <b>{{ticket.number}}</b>（{{ticket.title}}）已解决。</p>\n<p>{{status.note}}</p>\n<p>请在此确认或重新打开：${link}<br>如问题仍在，直接回复本邮件即可重新打开工单。</p>\n${footerZh}`),
    },
    en: {
      subject: '{{ticket.subject}}',
      text: `Hello,\n\nTicket {{ticket.number}} ({{ticket.title}}) has been resolved.\n{{status.note}}\n\nConfirm or reopen it here: {{portal.url}}\nIf the problem is still there, reply to this mail and the ticket reopens.${textFooterEn}`,
      html: page(`<p>Hello,</p>\n<p>Ticket <b>{{ticket.number}}</b> ({{ticket.title}}) has been resolved.</p>\n<p>{{status.note}}</p>\n<p>Confirm or reopen it here: ${link}<br>If the problem is still there, reply to this mail and the ticket reopens.</p>\n${footerEn}`),
    },
  },
};

/** What a preview renders with: a made-up ticket with a comment that needs escaping. */
export const SAMPLE_VALUES: TemplateValues = {
  'ticket.number': 'FW-2026-000123',
  'ticket.title': '3 号 ATM 吞卡 / ATM 3 keeps cards',
  'ticket.subject': '3 号 ATM 吞卡',
  'ticket.status': '处理中',
  'ticket.severity': 'P2',
  'comment.body': '已更换读卡器，请测试 <b>3 号机</b> & 回复结果。\nThe card reader is replaced; please test ATM 3.',
  'comment.author': '李工 (Li Gong)',
  'engineer.name': '李工 (Li Gong)',
  'contact.name': '王经理',
  'customer.name': '示例银行 Example Bank',
  'status.note': '请确认故障是否仍然出现。',
  'portal.url': 'https://desk.example.com/tickets/00000000-0000-0000-0000-000000000123',
  'desk.name': 'Fuwutai 服务台',
};

export function createTemplateService(deps: { db: Db; clock: Clock; audit: Audit }) {
  const { db, clock, audit } = deps;

  async function overrides(tx: Db) {
    return tx.select().from(mailTemplates);
  }

  const present = (event: CustomerMailEvent, language: MailLanguage, row: TemplateParts | undefined): MailTemplate => {
    const shipped = DEFAULT_TEMPLATES[event][language];
    const effective = row ?? shipped;
    return { event, language, subject: effective.subject, text: effective.text, html: effective.html, customized: Boolean(row), defaults: shipped };
  };

  const service = {
    /** The template used for an event and language: the admin's, else the shipped one. */
    async effective(tx: Db, event: CustomerMailEvent, language: MailLanguage): Promise<TemplateParts> {
      const [row] = await tx
        .select({ subject: mailTemplates.subject, text: mailTemplates.text, html: mailTemplates.html })
        .from(mailTemplates)
        .where(and(eq(mailTemplates.event, event), eq(mailTemplates.language, language)));
      return row ?? DEFAULT_TEMPLATES[event][language];
    },

    async list(): Promise<MailTemplates> {
      const rows = await overrides(db);
      const items = MAIL_TEMPLATE_EVENTS.flatMap((event) =>
        MAIL_LANGUAGES.map((language) => present(event, language, rows.find((r) => r.event === event && r.language === language))),
      );
      return { items, placeholders: [...MAIL_PLACEHOLDERS] };
    },

    async save(actor: Actor, event: CustomerMailEvent, language: MailLanguage, body: MailTemplateBody): Promise<MailTemplate> {
      for (const field of ['subject', 'text', 'html'] as const) checkTemplate(field, body[field]);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(mailTemplates).where(and(eq(mailTemplates.event, event), eq(mailTemplates.language, language)));
        const values = { subject: body.subject, text: body.text, html: body.html, updatedById: actor.id, updatedAt: now };
        await tx
          .insert(mailTemplates)
          .values({ event, language, ...values })
          .onConflictDoUpdate({ target: [mailTemplates.event, mailTemplates.language], set: values });
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'mail_template', `${event}:${language}`, 'updated', before ?? null, { event, language, ...body });
        return present(event, language, body);
      });
    },

    async reset(actor: Actor, event: CustomerMailEvent, language: MailLanguage): Promise<MailTemplate> {
      return db.transaction(async (tx) => {
        const [removed] = await tx
          .delete(mailTemplates)
          .where(and(eq(mailTemplates.event, event), eq(mailTemplates.language, language)))
          .returning();
        if (removed) await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'mail_template', `${event}:${language}`, 'reset', removed, null);
        return present(event, language, undefined);
      });
    },

    /** Renders the given (unsaved) parts, or the effective template, with the sample ticket. */
    async preview(input: MailTemplatePreview): Promise<TemplateParts> {
      const stored = await service.effective(db, input.event, input.language);
      const parts = { subject: input.subject ?? stored.subject, text: input.text ?? stored.text, html: input.html ?? stored.html };
      for (const field of ['subject', 'text', 'html'] as const) checkTemplate(field, parts[field]);
      const rendered = renderParts(parts, SAMPLE_VALUES);
      const number = SAMPLE_VALUES['ticket.number'];
      const subject = input.event === 'ack' ? ticketSubject(number, rendered.subject) : replySubject(number, rendered.subject);
      return { ...rendered, subject };
    },
  };
  return service;
}

export type TemplateService = ReturnType<typeof createTemplateService>;
