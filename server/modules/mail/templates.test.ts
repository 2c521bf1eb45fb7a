/** The customer mail template renderer: strict placeholders, escaping in HTML, and shipped templates that render. */
import { describe, expect, it } from 'vitest';
import { MAIL_LANGUAGES, MAIL_PLACEHOLDERS, MAIL_TEMPLATE_EVENTS } from '../../../common/api/mail-out';
import { AppError } from '../../platform/errors';
import { checkTemplate, DEFAULT_TEMPLATES, renderParts, renderTemplate, SAMPLE_VALUES, type TemplateValues } from './templates';

const values = (over: Partial<TemplateValues> = {}): TemplateValues => ({ ...SAMPLE_VALUES, ...over });
const keyOf = (fn: () => void) => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? { key: error.key, params: error.details } : String(error);
  }
  return null;
};

describe('checkTemplate', () => {
  it('accepts every known placeholder, with or without spaces inside the braces', () => {
    for (const name of MAIL_PLACEHOLDERS) {
      expect(keyOf(() => checkTemplate('text', `a {{${name}}} b {{ ${name} }}`))).toBeNull();
    }
  });

  it('refuses unknown names, empty braces and stray braces, naming the field', () => {
    expect(keyOf(() => checkTemplate('html', '<p>{{ticket.nomber}}</p>'))).toEqual({ key: 'mail.template_placeholder_unknown', params: { placeholder: 'ticket.nomber', field: 'html' } });
    expect(keyOf(() => checkTemplate('text', 'x {{}} y'))).toMatchObject({ key: 'mail.template_placeholder_unknown', params: { placeholder: '' } });
    expect(keyOf(() => checkTemplate('subject', '{{ticket.number}'))).toEqual({ key: 'mail.template_syntax', params: { field: 'subject' } });
    expect(keyOf(() => checkTemplate('text', 'ticket.number}}'))).toEqual({ key: 'mail.template_syntax', params: { field: 'text' } });
    expect(keyOf(() => checkTemplate('text', '{{constructor}}'))).toMatchObject({ key: 'mail.template_placeholder_unknown' });
  });
});

describe('renderTemplate', () => {
  const nasty = `<script>alert("x")</script> & 'quoted'\nline two`;

  it('escapes values in HTML (and breaks lines), leaves the template’s own markup alone', () => {
    const html = renderTemplate('<p class="c">{{comment.body}}</p>', values({ 'comment.body': nasty }), 'html');
    expect(html).toBe('<p class="c">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;<br>\nline two</p>');
    expect(html).not.toContain('<script>');
  });

  it('writes values as they are in plain text, and on one line in the subject', () => {
    expect(renderTemplate('{{comment.body}}', values({ 'comment.body': nasty }), 'text')).toBe(nasty);
    expect(renderParts({ subject: ' Re {{ticket.title}} ', text: '', html: '' }, values({ 'ticket.title': 'a\r\nb' })).subject).toBe('Re a b');
  });

  it('does not read a placeholder out of a value (no second pass)', () => {
    expect(renderTemplate('{{ticket.title}}', values({ 'ticket.title': '{{portal.url}}' }), 'text')).toBe('{{portal.url}}');
  });
});

describe('shipped templates', () => {
  it('pass the save check and render every event in both languages with the ticket number', () => {
    for (const event of MAIL_TEMPLATE_EVENTS) {
      for (const language of MAIL_LANGUAGES) {
        const parts = DEFAULT_TEMPLATES[event][language];
        for (const field of ['subject', 'text', 'html'] as const) expect(keyOf(() => checkTemplate(field, parts[field])), `${event}/${language}/${field}`).toBeNull();
        const rendered = renderParts(parts, SAMPLE_VALUES);
        expect(rendered.text, `${event}/${language}`).toContain(SAMPLE_VALUES['ticket.number']);
        expect(rendered.html).toContain(SAMPLE_VALUES['ticket.number']);
        expect(`${rendered.subject}${rendered.text}${rendered.html}`).not.toMatch(/\{\{|\}\}/);
      }
    }
    expect(renderParts(DEFAULT_TEMPLATES.resolved['zh-CN'], SAMPLE_VALUES).text).toContain(SAMPLE_VALUES['portal.url']);
    // Without a note: no run of blank lines, no empty paragraph.
    const bare = renderParts(DEFAULT_TEMPLATES.pending_customer.en, { ...SAMPLE_VALUES, 'status.note': '' });
    expect(bare.text).not.toMatch(/\n\s*\n\s*\n/);
    expect(bare.html).not.toMatch(/<p>\s*<\/p>/);
    expect(bare.text).toContain('We need your answer');
  });
});
