/**
 * A policy at a glance, laid out like the seeds' tables: one row per severity, one column per
 * milestone, each cell the target in words with what is special about it (its calendar, the
 * milestone it counts from, a different target outside working hours, pauses).
 */
import { Tooltip } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES } from '../../../../common/domain';
import type { Calendar, MilestoneTarget, SlaPolicyDefinition } from '../../api/types';
import { formatTarget } from '../../components/duration';
import { SeverityTag } from '../../components/tags';
import { useLabels } from '../../i18n/labels';
import { calendarName } from '../calendars/calendar-text';
import { DEFAULT_PAUSE_ON, milestoneColumns, milestoneLabel } from './policy-text';

function Cell({ target, targets, calendars }: { target: MilestoneTarget; targets: MilestoneTarget[]; calendars: Map<string, Calendar> }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const calendar = calendars.get(target.calendar);
  const notes: string[] = [];
  if (calendar && !calendar.always) notes.push(calendarName(calendar, labels.lang));
  else if (!calendar && target.calendar) notes.push(target.calendar);
  if (target.anchor !== 'reported') {
    const anchor = targets.find((m) => m.key === (target.anchor as { milestone: string }).milestone);
    notes.push(t('policies.afterAnchor', { name: anchor ? milestoneLabel(anchor, t, labels.lang) : (target.anchor as { milestone: string }).milestone }));
  }
  if (target.outOfHours) {
    const hours = calendars.get(target.outOfHours.hoursCalendar);
    notes.push(t('policies.outOfHoursNote', { time: typeof target.outOfHours.minutes === 'number' ? formatTarget(target.outOfHours.minutes, t, calendar) : '—' }));
    if (hours) notes.push(t('policies.inHoursOf', { name: calendarName(hours, labels.lang) }));
  }
  const pauses = target.pauseOn ?? [];
  const defaultPauses = pauses.length === DEFAULT_PAUSE_ON.length && pauses.every((p) => DEFAULT_PAUSE_ON.includes(p));
  const pauseText = pauses.length === 0 ? t('policies.noPause') : defaultPauses ? null : t('policies.pausesOn', { statuses: pauses.map((p) => labels.status(p)).join(t('common.listSeparator')) });
  return (
    <Tooltip title={pauseText ?? t('policies.pausesOn', { statuses: labels.status('pending_customer') })}>
      <div className="matrix-cell">
        <b>{typeof target.minutes === 'number' ? formatTarget(target.minutes, t, calendar) : '—'}</b>
        {notes.map((n) => (
          <span key={n} className="matrix-note">
            {n}
          </span>
        ))}
        {pauseText && <span className="matrix-note">{pauseText}</span>}
      </div>
    </Tooltip>
  );
}

export function PolicyMatrix({ definition, calendars }: { definition: SlaPolicyDefinition; calendars: Calendar[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const byKey = useMemo(() => new Map(calendars.map((c) => [c.key, c])), [calendars]);
  const columns = milestoneColumns(definition);
  if (columns.length === 0) return <div className="muted">{t('policies.noMilestones')}</div>;
  return (
    <div className="policy-matrix-wrap">
      <table className="policy-matrix" data-testid="policy-matrix">
        <thead>
          <tr>
            <th>{t('policies.severity')}</th>
            {columns.map((m) => (
              <th key={m.key}>{milestoneLabel(m, t, labels.lang)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {SEVERITIES.map((severity) => {
            const targets = definition.severities?.[severity] ?? [];
            return (
              <tr key={severity} data-severity={severity}>
                <th>
                  <SeverityTag severity={severity} withName />
                </th>
                {columns.map((col) => {
                  const target = targets.find((m) => m.key === col.key);
                  return (
                    <td key={col.key} data-milestone={col.key}>
                      {target ? <Cell target={target} targets={targets} calendars={byKey} /> : <span className="muted">—</span>}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
