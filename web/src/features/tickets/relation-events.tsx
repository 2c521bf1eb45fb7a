/**
 * Timeline words for ticket relations (modules/ticket-links): links added or removed, merges (on
 * the duplicate and on the survivor), parent/child changes, and the "合并自 FW-…" mark on comments
 * and files that arrived with a merge.
 */
import { Tag } from 'antd';
import type { TFunction } from 'i18next';
import type { TicketEvent } from '../../api/types';

const str = (value: unknown) => (typeof value === 'string' ? value : '');
const num = (value: unknown) => (typeof value === 'number' ? value : 0);
const numberOf = (value: unknown) => (value && typeof value === 'object' && 'number' in value ? str((value as { number: unknown }).number) : '');

/** The sentence of a link / merge / parent event, or null for other kinds. */
export function relationSentence(event: TicketEvent, t: TFunction, actor: string): string | null {
  const d = event.data;
  const number = numberOf(d.other);
  switch (event.kind) {
    case 'link': {
      const kind = t(`links.view.${str(d.link)}` as 'links.view.related', { defaultValue: str(d.link) }) as string;
      return d.action === 'removed' ? t('links.event.linkRemoved', { actor, kind, number }) : t('links.event.linkAdded', { actor, kind, number });
    }
    case 'merge': {
      const counts = { comments: num(d.comments), attachments: num(d.attachments), followers: num(d.followers) };
      return d.side === 'duplicate'
        ? t('links.event.mergedInto', { actor, number, ...counts })
        : t('links.event.mergedFrom', { actor, number, ...counts });
    }
    case 'parent': {
      if (d.action === 'resolved') {
        const children = Array.isArray(d.children) ? (d.children as { result?: unknown }[]) : [];
        return t('links.event.childrenResolved', { actor, count: children.filter((c) => c.result === 'resolved').length });
      }
      if (d.side === 'child') return d.action === 'removed' ? t('links.event.parentCleared', { actor, number }) : t('links.event.parentSet', { actor, number });
      return d.action === 'removed' ? t('links.event.childRemoved', { actor, number }) : t('links.event.childAdded', { actor, number });
    }
    default:
      return null;
  }
}

/** "合并自 FW-…" on a comment or file that came over with a merge (keeping its author and time). */
export function MergedFromTag({ event, t }: { event: TicketEvent; t: TFunction }) {
  const number = numberOf(event.data.mergedFrom);
  if (!number) return null;
  return (
    <Tag color="purple" data-testid="merged-from-tag">
      {t('links.event.mergedFromTag', { number })}
    </Tag>
  );
}
