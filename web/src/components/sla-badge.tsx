/**
 * The countdown of a ticket's next SLA milestone ("响应 剩 7 分", "解决 超时 1 小时 20 分"), under the
 * name its policy gives it (custom milestones too) in the current language. Green while under 75 %
 * of the target is used, amber from `amberAt`, red once due, grey while paused. Every badge reads
 * the one shared clock (use-now.ts); none has its own timer.
 */
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SlaBadge as SlaBadgeData, SlaState } from '../api/types';
import { useLabels } from '../i18n/labels';
import { formatCountdown } from './duration';
import { formatDateTime } from './time';
import { useCountdownNow } from './use-now';

/** What the badge looks like now: derived from the server's state and the clock. */
export type BadgeTone = 'ok' | 'amber' | 'red' | 'paused' | 'muted';

export const TONE_COLORS: Record<BadgeTone, string> = { ok: 'green', amber: 'orange', red: 'red', paused: 'default', muted: 'default' };

export function badgeTone(state: SlaState, dueAt: number | null, amberAt: number | null, now: number): BadgeTone {
  if (state === 'breached') return 'red';
  if (state === 'paused') return 'paused';
  if (state !== 'running') return 'muted';
  if (dueAt !== null && now >= dueAt) return 'red';
  if (amberAt !== null && now >= amberAt) return 'amber';
  return 'ok';
}

/** A stopped ticket (resolved, closed, cancelled) has no badge: the server sends `slaBadge: null`. */
export function SlaBadge({ badge }: { badge: SlaBadgeData }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const dueAt = Date.parse(badge.dueAt);
  const amberAt = badge.amberAt ? Date.parse(badge.amberAt) : null;
  const now = useCountdownNow(badge.state === 'paused' ? null : dueAt);
  const tone = badgeTone(badge.state, dueAt, amberAt, now);
  const name = badge.name[labels.lang];

  let text: string;
  if (badge.state === 'paused') text = t('sla.badgePaused', { milestone: name });
  else if (now >= dueAt) text = t('sla.badgeOverdue', { milestone: name, time: formatCountdown(now - dueAt, t, false) });
  else text = t('sla.badgeLeft', { milestone: name, time: formatCountdown(dueAt - now, t, true) });

  const tip = (
    <>
      <div>{t('sla.badgeDue', { milestone: name, time: formatDateTime(badge.dueAt) })}</div>
      {badge.state === 'paused' && <div>{t('sla.badgePausedHint')}</div>}
      {tone === 'amber' && <div>{t('sla.badgeAmberHint')}</div>}
    </>
  );
  return (
    <Tooltip title={tip}>
      <Tag
        color={TONE_COLORS[tone]}
        className={`sla-badge sla-badge-${tone}`}
        data-testid="sla-badge"
        data-tone={tone}
        data-milestone={badge.milestone}
      >
        {text}
      </Tag>
    </Tooltip>
  );
}

/** L1 / L2 / L3: how far up the escalation matrix the ticket has gone. */
export function EscalationTag({ level }: { level: number }) {
  const { t } = useTranslation();
  if (level <= 0) return null;
  return (
    <Tooltip title={t('sla.escalationLevelHint', { level })}>
      <Tag color={level >= 3 ? 'magenta' : level === 2 ? 'volcano' : 'gold'} className="escalation-tag" data-testid="escalation-tag">
        L{level}
      </Tag>
    </Tooltip>
  );
}
