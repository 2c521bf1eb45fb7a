/**
 * Escalation steps fired for a ticket: level, after how long, when, whether late, who was told.
 * Staff only (`tickets.internal`): a customer's browser never asks for them.
 */
import { RiseOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useTicketEscalations } from '../../api/tickets';
import { formatTarget } from '../../components/duration';
import { EscalationTag } from '../../components/sla-badge';
import { DateTime, formatDateTime } from '../../components/time';
import { useCan } from '../auth/session';

export function EscalationList({ ticketId, level }: { ticketId: string; level: number }) {
  const { t } = useTranslation();
  const can = useCan();
  const allowed = can('tickets.internal');
  const escalations = useTicketEscalations(ticketId, allowed);
  const rows = escalations.data ?? [];
  if (!allowed || rows.length === 0) return null;
  return (
    <div className="sla-escalations" data-testid="escalation-list">
      <div className="sla-subtitle">
        <RiseOutlined /> {t('sla.escalations')} <EscalationTag level={level} />
      </div>
      <ul>
        {rows.map((e) => (
          <li key={e.key} data-testid="escalation-item">
            <div className="sla-escalation-head">
              <Tag color="volcano" style={{ marginInlineEnd: 0 }}>
                L{e.level}
              </Tag>
              <span>{t('sla.escalatedAfter', { time: formatTarget(e.afterMinutes, t) })}</span>
              <span className="muted">
                <DateTime value={e.firedAt} />
              </span>
              {e.late && (
                <Tooltip title={t('sla.lateHint', { due: formatDateTime(e.dueAt) })}>
                  <Tag color="default">{t('sla.late')}</Tag>
                </Tooltip>
              )}
            </div>
            <div className="sla-escalation-who">
              {e.recipients.length ? e.recipients.map((r) => r.name).join(t('common.listSeparator')) : <span className="muted">{t('sla.nobody')}</span>}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
