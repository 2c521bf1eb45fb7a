/**
 * HTML of an incoming mail made safe to show inside the ticket page: no script in any form (tags,
 * on* handlers, javascript: URLs, SVG, CSS expressions), no forms or frames, and no remote images
 * loaded by default — a remote image tells the sender when and where the mail was opened.
 *
 * Images:
 * - `http(s)://` and `//` sources are removed; the URL stays in `data-blocked-src` so the page can
 *   offer "load images" (it copies data-blocked-src into src; only http(s) URLs are kept there);
 * - `cid:<content-id>` sources name an inline attachment. They become `cidMap[content-id]` when
 *   the caller knows the attachment's URL, and otherwise stay `cid:` so a later pass can rewrite
 *   them: the parser sanitises without a map; ingest, once the attachments are stored, runs
 *   `sanitiseMailHtml(parsed.html, { cidMap })` again — sanitising is idempotent, so the second pass
 *   only swaps the cid: sources;
 * - `data:` images are kept (they are inside the mail already and cannot run script in an img).
 */
import sanitizeHtml from 'sanitize-html';

export interface SanitiseOptions {
  /** content-id (without <>) → URL of the stored inline attachment. */
  cidMap?: Record<string, string>;
}

/** A CSS value with no way to run code or fetch anything. */
const SAFE_CSS = /^(?!.*(expression|url\s*\(|javascript:|vbscript:|behavior|binding|@import|\\|<)).*$/i;
const STYLE_PROPERTIES = [
  'color', 'background-color', 'font', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-align',
  'text-decoration', 'line-height', 'vertical-align', 'white-space', 'width', 'max-width', 'height', 'margin',
  'margin-top', 'margin-bottom', 'margin-left', 'margin-right', 'padding', 'padding-top', 'padding-bottom',
  'padding-left', 'padding-right', 'border', 'border-top', 'border-bottom', 'border-left', 'border-right',
  'border-collapse', 'border-color', 'border-width', 'border-style', 'display',
];
const TABLE_ATTRIBUTES = ['border', 'cellpadding', 'cellspacing', 'summary'];

export function sanitiseMailHtml(html: string, options: SanitiseOptions = {}): string {
  const cidMap = options.cidMap ?? {};
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'del', 'ins'],
    nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'head', 'title', 'template'],
    allowedAttributes: {
      '*': ['style', 'align', 'valign', 'width', 'height', 'bgcolor', 'colspan', 'rowspan', 'dir', 'lang', 'title'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height', 'data-blocked-src'],
      font: ['color', 'size', 'face'],
      table: TABLE_ATTRIBUTES,
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['cid', 'data', 'http', 'https'] },
    allowProtocolRelative: false,
    allowedStyles: { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, [SAFE_CSS]])) },
    transformTags: {
      a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer' } }),
      img: (tagName, attribs) => ({ tagName, attribs: imageAttributes(attribs, cidMap) }),
    },
  });
}

function imageAttributes(attribs: Record<string, string>, cidMap: Record<string, string>): Record<string, string> {
  const { src = '', 'data-blocked-src': blocked, ...rest } = attribs;
  const source = src.trim();
  const cid = /^cid:(.+)$/i.exec(source)?.[1]?.replace(/^<|>$/g, '');
  if (cid !== undefined) return { ...rest, src: cidMap[cid] ?? `cid:${cid}` };
  if (/^data:image\//i.test(source)) return { ...rest, src: source };
  const remote = [source, blocked ?? ''].map(absoluteHttp).find(Boolean);
  return remote ? { ...rest, 'data-blocked-src': remote } : rest;
}

/** An http(s) URL (a `//host/…` one made https), or '' for anything else. */
function absoluteHttp(url: string): string {
  const value = url.trim();
  if (/^https?:\/\//i.test(value)) return value;
  if (value.startsWith('//')) return `https:${value}`;
  return '';
}
