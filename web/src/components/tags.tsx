/** Severity and status tags used in lists, headers and timelines. */
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Severity, TicketStatus } from '../../../common/domain';
import { useLabels } from '../i18n/labels';

export const SEVERITY_COLORS: Record<Severity, string> = { P1: 'red', P2: 'orange', P3: 'blue', P4: 'default' };

/** `pending`: proposed by the customer's impact, not yet confirmed by staff (dashed, with a "?"). */
export function SeverityTag({ severity, withName = false, pending = false }: { severity: Severity; withName?: boolean; pending?: boolean }) {
  const labels = useLabels();
  const { t } = useTranslation();
  return (
    <Tooltip
      title={
        <>
          <b>{severity} {labels.severityName(severity)}</b>
          <br />
          {labels.severityText(severity)}
          {pending && (
            <>
              <br />
              {t('impact.pendingTooltip')}
            </>
          )}
        </>
      }
    >
      <Tag
        color={SEVERITY_COLORS[severity]}
        data-testid="severity-tag"
        data-pending={pending || undefined}
        className={pending ? 'severity-tag-pending' : undefined}
        style={{ marginInlineEnd: 0, fontWeight: 600 }}
      >
        {withName ? `${severity} ${labels.severityName(severity)}` : severity}
        {pending && (withName ? ` · ${t('impact.pendingShort')}` : '?')}
      </Tag>
    </Tooltip>
  );
}

export const STATUS_COLORS: Record<TicketStatus, string> = {
  new: 'cyan',
  assigned: 'geekblue',
  in_progress: 'purple',
  pending_customer: 'gold',
  resolved: 'green',
  closed: 'default',
  cancelled: 'default',
};

export function StatusTag({ status }: { status: TicketStatus }) {
  const labels = useLabels();
  return (
    <Tag
      color={STATUS_COLORS[status]}
      data-testid="status-tag"
      data-status={status}
      style={{ marginInlineEnd: 0, textDecoration: status === 'cancelled' ? 'line-through' : undefined }}
    >
      {labels.status(status)}
    </Tag>
  );
}
