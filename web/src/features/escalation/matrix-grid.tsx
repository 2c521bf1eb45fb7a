/**
 * The escalation matrix as the seed prints it: one row per threshold (time since the report, or
 * working time on a calendar), one column per severity, each cell the steps due then with their
 * level and who is told. Inactive steps are struck through; an administrator clicks a step to
 * edit it, or an empty cell to add one there.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Tooltip } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES } from '../../../../common/domain';
import type { Calendar, EscalationRuleDto } from '../../api/types';
import { formatTarget } from '../../components/duration';
import { SeverityTag } from '../../components/tags';
import { useLabels } from '../../i18n/labels';
import { calendarName } from '../calendars/calendar-text';
import { recipientLabels } from './recipients';
import type { RuleDialog } from './rule-modal';

interface Threshold {
  id: string;
  afterMinutes: number;
  clock: 'calendar' | 'working';
  calendar: string | null;
}

export function MatrixGrid({
  rules,
  calendars,
  onEdit,
}: {
  rules: EscalationRuleDto[];
  calendars: Calendar[];
  onEdit?: (dialog: RuleDialog) => void;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const thresholds = useMemo(() => {
    const seen = new Map<string, Threshold>();
    for (const r of rules) {
      const id = `${r.clock}:${r.calendar ?? ''}:${r.afterMinutes}`;
      if (!seen.has(id)) seen.set(id, { id, afterMinutes: r.afterMinutes, clock: r.clock, calendar: (r.calendar ?? '') });
    }
    // Elapsed-time rows first (as in the seed), working-time rows after, each by time.
    return [...seen.values()].sort((a, b) => (a.clock === b.clock ? a.afterMinutes - b.afterMinutes : a.clock === 'calendar' ? -1 : 1));
  }, [rules]);

  const rowLabel = (row: Threshold) => {
    const calendar = calendars.find((c) => c.key === row.calendar);
    const time = formatTarget(row.afterMinutes, t, row.clock === 'working' ? calendar : undefined);
    if (row.clock === 'calendar') return <b>{time}</b>;
    return (
      <>
        <b>{time}</b>
        <span className="matrix-note">{t('escalation.workingOn', { name: calendar ? calendarName(calendar, labels.lang) : (row.calendar ?? '') })}</span>
      </>
    );
  };

  if (rules.length === 0) return <div className="muted">{t('escalation.empty')}</div>;
  return (
    <div className="policy-matrix-wrap">
      <table className="policy-matrix escalation-matrix" data-testid="escalation-matrix">
        <thead>
          <tr>
            <th>{t('escalation.elapsed')}</th>
            {SEVERITIES.map((s) => (
              <th key={s}>
                <SeverityTag severity={s} withName />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {thresholds.map((row) => (
            <tr key={row.id} data-after={row.afterMinutes} data-clock={row.clock}>
              <th>{rowLabel(row)}</th>
              {SEVERITIES.map((severity) => {
                const steps = rules.filter((r) => r.severity === severity && `${r.clock}:${r.calendar ?? ''}:${r.afterMinutes}` === row.id);
                return (
                  <td key={severity} data-severity={severity} className={steps.length ? undefined : 'matrix-empty'}>
                    {steps.map((r) => (
                      <button
                        type="button"
                        key={r.id}
                        className={`rule-chip rule-chip-l${Math.min(r.level, 3)}${r.active ? '' : ' rule-chip-inactive'}`}
                        onClick={onEdit ? () => onEdit({ rule: r }) : undefined}
                        disabled={!onEdit}
                        data-testid="rule-chip"
                        data-level={r.level}
                        data-active={String(r.active)}
                        title={r.active ? undefined : t('escalation.inactive')}
                      >
                        <span className="rule-level">L{r.level}</span>
                        <span>{recipientLabels(r, labels, t).join(t('common.listSeparator'))}</span>
                      </button>
                    ))}
                    {steps.length === 0 && onEdit && (
                      <Tooltip title={t('escalation.addHere')}>
                        <button
                          type="button"
                          className="matrix-add"
                          aria-label={t('escalation.addHere')}
                          onClick={() => onEdit({ rule: null, severity, afterMinutes: row.afterMinutes })}
                        >
                          <PlusOutlined />
                        </button>
                      </Tooltip>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
