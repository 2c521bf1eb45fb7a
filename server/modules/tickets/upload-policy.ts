/**
 * Which uploads a service desk accepts. The type is decided from the file's content, never from
 * the name or the browser's claim: screenshots, documents, archives of logs, phone recordings and
 * packet captures pass; programs, scripts, HTML and SVG (which can carry scripts) do not.
 */
import type { ErrorKey } from '../../../common/api/errors';

/** Content types detected from magic bytes that we store, with the extension we serve them under. */
const BINARY_TYPES: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'image/avif': 'avif',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/x-7z-compressed': '7z',
  'application/x-rar-compressed': 'rar',
  'application/gzip': 'gz',
  'application/x-tar': 'tar',
  'application/x-bzip2': 'bz2',
  'application/x-xz': 'xz',
  'application/zstd': 'zst',
  'application/x-cfb': 'doc', // legacy Office (doc, xls, ppt) and Outlook .msg share this container
  'application/vnd.ms-outlook': 'msg',
  'application/rtf': 'rtf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/amr': 'amr',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/ogg': 'ogg',
  'audio/aac': 'aac',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'application/vnd.tcpdump.pcap': 'pcap',
  'application/xml': 'xml',
};

/** Plain-text files have no magic bytes; these extensions are accepted when the content is text. */
const TEXT_EXTENSIONS = new Set([
  'txt', 'log', 'csv', 'tsv', 'json', 'xml', 'md', 'cfg', 'conf', 'ini', 'yaml', 'yml', 'properties', 'trc', 'out', 'err', 'sql',
]);

/** Images a browser may show inline; everything else downloads. */
export const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

export type UploadVerdict =
  | { ok: true; contentType: string }
  | { ok: false; key: UploadRefusal; reason: string; params?: { type?: string; ext?: string } };

type UploadRefusal = Extract<ErrorKey, `attachment.${string}`>;

/**
 * @param detectedMime what content sniffing found (undefined when the content has no known signature)
 * @param filename the sanitised name, for the extension of text files
 * @param head the first bytes of the file
 */
export function classifyUpload(detectedMime: string | undefined, filename: string, head: Uint8Array): UploadVerdict {
  if (head.length === 0) return { ok: false, key: 'attachment.empty', reason: 'The file is empty' };
  if (detectedMime) {
    if (BINARY_TYPES[detectedMime]) return { ok: true, contentType: detectedMime };
    return { ok: false, key: 'attachment.type_refused', reason: `Files of type ${detectedMime} are not accepted`, params: { type: detectedMime } };
  }
  const ext = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
  if (!TEXT_EXTENSIONS.has(ext)) {
    return { ok: false, key: 'attachment.unrecognised', reason: `Unrecognised file content; accepted are images, PDF, Office documents, archives, recordings and text files (${[...TEXT_EXTENSIONS].map((e) => `.${e}`).join(' ')})` };
  }
  if (!looksLikeText(head)) return { ok: false, key: 'attachment.not_text', reason: `The .${ext} file does not contain text`, params: { ext } };
  if (/^\s*<(!doctype html|html|svg|script)/i.test(new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 512)))) {
    return { ok: false, key: 'attachment.markup_refused', reason: 'HTML and SVG content is not accepted' };
  }
  return { ok: true, contentType: ext === 'csv' ? 'text/csv' : ext === 'json' ? 'application/json' : 'text/plain' };
}

/** Text in any ASCII-compatible encoding (UTF-8, GBK logs …): no NUL bytes, few control characters. */
function looksLikeText(head: Uint8Array): boolean {
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control / head.length < 0.02;
}

/**
 * A safe display name: no directories, no control or reserved characters, at most 200 characters,
 * Chinese and other letters kept.
 */
export function sanitizeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a file name must lose
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '')
    .replace(/^[.\s]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!cleaned) return 'file';
  if (cleaned.length <= 200) return cleaned;
  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : '';
  return cleaned.slice(0, 200 - ext.length) + ext;
}
