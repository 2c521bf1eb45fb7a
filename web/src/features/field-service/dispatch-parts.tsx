/**
 * Small pieces the dispatch board, its dialogs and the ticket page's visits card share: the visit
 * status tag, the engineer level tag, a suggestion's reasons in words, and the board ticket's SLA
 * badge (the queue's badge, fed from the board's facts).
 */
import { CheckCircleOutlined, ExclamationCircleOutlined, MinusCircleOutlined } from '@ant-design/icons';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EngineerLevel } from '../../../../common/domain';
import type { BoardTicket, SuggestionReason, VisitStatus } from '../../api/field-service';
import type { SlaState } from '../../api/types';
import { SlaBadge } from '../../components/sla-badge';
import { useLabels } from '../../i18n/labels';

export const VISIT_STATUS_COLORS: Record<VisitStatus, string> = {
  planned: 'blue',
  departed: 'gold',
  on_site: 'purple',
  finished: 'green',
  cancelled: 'default',
};

export function VisitStatusTag({ status }: { status: VisitStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={VISIT_STATUS_COLORS[status]} data-testid="visit-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`dispatch.visitStatus.${status}`)}
    </Tag>
  );
}

const LEVEL_COLORS: Record<EngineerLevel, string> = { junior: 'default', intermediate: 'cyan', senior: 'blue', principal: 'geekblue', expert: 'purple' };

/** 初级 … 专家. */
export function LevelTag({ level }: { level: EngineerLevel | null }) {
  const labels = useLabels();
  if (!level) return null;
  return (
    <Tag color={LEVEL_COLORS[level]} data-testid="engineer-level" data-level={level} style={{ marginInlineEnd: 0 }}>
      {labels.level(level)}
    </Tag>
  );
}

export type ReasonTone = 'good' | 'bad' | 'neutral';

/** One reason of a suggestion in words, and whether it speaks for or against the engineer. */
export function useReasonText() {
  const { t } = useTranslation();
  const labels = useLabels();
  const join = (items: string[]) => items.join(labels.lang === 'zh' ? '、' : ', ');
  const level = (l: EngineerLevel | null) => (l ? labels.level(l) : t('dispatch.reasons.levelUnset'));
  return (reason: SuggestionReason): { text: string; tone: ReasonTone }[] => {
    switch (reason.kind) {
      case 'skills': {
        if (!reason.matched.length && !reason.missing.length) return [{ text: t('dispatch.reasons.skillsNone'), tone: 'neutral' }];
        const out: { text: string; tone: ReasonTone }[] = [];
        if (reason.matched.length) out.push({ text: t('dispatch.reasons.skillsMatched', { skills: join(reason.matched) }), tone: 'good' });
        if (reason.missing.length) out.push({ text: t('dispatch.reasons.skillsMissing', { skills: join(reason.missing) }), tone: 'bad' });
        return out;
      }
      case 'level':
        if (!reason.ok) return [{ text: t('dispatch.reasons.levelLow', { needed: level(reason.needed), level: level(reason.level) }), tone: 'bad' }];
        if (!reason.needed) return [{ text: t('dispatch.reasons.levelAny', { level: level(reason.level) }), tone: 'neutral' }];
        return [{ text: t('dispatch.reasons.levelOk', { needed: level(reason.needed), level: level(reason.level) }), tone: 'good' }];
      case 'distance':
        return [
          {
            text: t(`dispatch.reasons.distance.${reason.class}`),
            tone: reason.class === 'local' ? 'good' : reason.class === 'far' ? 'bad' : 'neutral',
          },
        ];
      case 'load':
        return [{ text: t('dispatch.reasons.load', { open: reason.openTickets, visits: reason.plannedVisits }), tone: 'neutral' }];
      case 'on_call':
        return [{ text: reason.onCall ? t('dispatch.reasons.onCall') : t('dispatch.reasons.offCall'), tone: reason.onCall ? 'good' : 'neutral' }];
    }
  };
}

const TONE_ICONS: Record<ReasonTone, React.ReactNode> = {
  good: <CheckCircleOutlined style={{ color: '#52c41a' }} />,
  bad: <ExclamationCircleOutlined style={{ color: '#fa541c' }} />,
  neutral: <MinusCircleOutlined style={{ color: '#bfbfbf' }} />,
};

/** The reasons as a list of short lines, each with a tick, a warning or a dash. */
export function ReasonList({ reasons }: { reasons: SuggestionReason[] }) {
  const text = useReasonText();
  return (
    <ul className="fs-reasons" data-testid="suggestion-reasons">
      {reasons.flatMap((r) =>
        text(r).map((line) => (
          <li key={`${r.kind}:${line.text}`} data-tone={line.tone}>
            {TONE_ICONS[line.tone]} {line.text}
          </li>
        )),
      )}
    </ul>
  );
}

/** Why an engineer is not eligible: the reasons against them, in words. */
export function useIneligibleWhy() {
  const text = useReasonText();
  const labels = useLabels();
  return (reasons: SuggestionReason[]) =>
    reasons
      .flatMap(text)
      .filter((l) => l.tone === 'bad')
      .map((l) => l.text)
      .join(labels.lang === 'zh' ? '；' : '; ');
}

/** The queue's SLA countdown for a board ticket (its next unmet milestone), or nothing once none is running. */
export function BoardSlaBadge({ ticket }: { ticket: BoardTicket }) {
  const { t } = useTranslation();
  if (!ticket.slaMilestone || !ticket.slaDueAt || !ticket.slaState) return null;
  const name = t(`milestone.${ticket.slaMilestone}`, { defaultValue: ticket.slaMilestone });
  return (
    <SlaBadge
      badge={{ milestone: ticket.slaMilestone, name: { zh: name, en: name }, dueAt: ticket.slaDueAt, amberAt: null, state: ticket.slaState as SlaState }}
    />
  );
}
