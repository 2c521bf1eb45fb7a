/**
 * A bell entry in the reader's language: entries written from domain events carry their facts
 * (`params`: number, who, excerpt …) and are worded here; older entries and the SLA engine's own
 * messages have only their (Chinese) title, shown as it is.
 */
import type { TFunction } from 'i18next';

interface Worded {
  kind: string;
  title: string;
  params?: Record<string, string | number | boolean | null> | null;
  ticket?: { number: string; title: string } | null;
}

export function notificationText(n: Worded, t: TFunction): string {
  const p = n.params;
  if (!p) return n.title;
  const variant = typeof p.variant === 'string' ? `_${p.variant}` : '';
  const key = `bellText.${n.kind.replace(/\./g, '_')}${variant}`;
  if (!t(key as never, { defaultValue: '' })) return n.title;
  const values: Record<string, unknown> = { ...p, actor: p.actor ?? t('bellText.system') };
  if (typeof p.status === 'string') values.status = t(`status.${p.status}` as never);
  return String(t(key as never, values as never));
}

/** The ticket an entry is about, when it says so (entries from domain events carry number and title). */
export function notificationTicket(n: Worded): { number: string; title: string } | null {
  const p = n.params;
  if (p && typeof p.number === 'string' && typeof p.title === 'string' && p.title) return { number: p.number, title: p.title };
  return n.ticket ?? null;
}

const NUMBER = '\u0000N';
const TITLE = '\u0000T';

/**
 * The bell's two lines: the ticket ("FW-2026-000123 ATM 吞卡") and what happened, worded without
 * repeating the number and title the first line already shows. Entries without a ticket title
 * (older ones, the SLA engine's own) keep their one line.
 */
export function notificationLines(n: Worded, t: TFunction): { ticket: { number: string; title: string } | null; text: string } {
  const ticket = notificationTicket(n);
  if (!ticket) return { ticket: null, text: notificationText(n, t) };
  // Only a title (the SLA engine's own entries): shown as written, under the ticket.
  if (!n.params) return { ticket, text: n.title };
  const marked = notificationText({ ...n, params: { ...n.params, number: NUMBER, title: TITLE } }, t);
  if (marked === n.title) return { ticket, text: n.title };
  const text = marked
    .replace(new RegExp(`${NUMBER}[:：]?\\s*`, 'g'), '')
    .replace(new RegExp(`[:：]?\\s*${TITLE}`, 'g'), '')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return { ticket, text: text.charAt(0).toUpperCase() + text.slice(1) };
}
