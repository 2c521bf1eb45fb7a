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
