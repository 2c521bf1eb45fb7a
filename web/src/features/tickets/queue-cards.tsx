/**
 * The queue on a phone: one card per ticket (number, severity, status, title, customer, SLA
 * countdown, assignee, reported) instead of a table whose columns no longer fit. A tap opens the
 * ticket. Same test ids as the table (`ticket-table`, `ticket-row`), so flows read the same.
 * In select mode (`checked` given) a tap checks or unchecks the card for a bulk action instead.
 */
import { Checkbox, Empty, Spin } from 'antd';
import { Text } from '../../components/typography';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { TicketSummary } from '../../api/types';
import { EscalationTag, SlaBadge } from '../../components/sla-badge';
import { LoadingRows } from '../../components/states';
import { SeverityTag, StatusTag } from '../../components/tags';
import { RelativeTime } from '../../components/time';

export interface QueueCardsProps {
  rows: TicketSummary[];
  loading: boolean;
  /** First load: keep the height instead of flashing the empty state. */
  pending: boolean;
  emptyText: string;
  showCustomer: boolean;
  showSla: boolean;
  selected: number;
  liveChanged: ReadonlySet<string>;
  /** Select mode: the checked tickets' ids; a tap toggles. */
  checked?: readonly string[];
  onToggle?: (id: string) => void;
}

export function QueueCards({ rows, loading, pending, emptyText, showCustomer, showSla, selected, liveChanged, checked, onToggle }: QueueCardsProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  if (rows.length === 0) {
    return (
      <div className="queue-cards-empty" data-testid="ticket-table">
        {pending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText} />}
      </div>
    );
  }
  return (
    <Spin spinning={loading}>
      <ul className="queue-cards" data-testid="ticket-table">
        {rows.map((row, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the number link inside is the keyboard path; the card is the tap target
          <li
            key={row.id}
            className={[
              'queue-card',
              index === selected && 'queue-card-selected',
              liveChanged.has(row.id) && 'queue-card-live',
              checked?.includes(row.id) && 'queue-card-checked',
            ]
              .filter(Boolean)
              .join(' ')}
            data-row-index={index}
            data-testid="ticket-row"
            data-live-updated={liveChanged.has(row.id) ? 'true' : undefined}
            onClick={() => (checked && onToggle ? onToggle(row.id) : navigate(`/tickets/${row.id}`))}
          >
            <div className="queue-card-head">
              {checked && (
                <Checkbox
                  checked={checked.includes(row.id)}
                  aria-label={row.number}
                  data-testid="row-check"
                  onClick={(e) => e.stopPropagation()}
                  onChange={() => onToggle?.(row.id)}
                />
              )}
              <Link to={`/tickets/${row.id}`} className="ticket-number" onClick={(e) => e.stopPropagation()}>
                {row.number}
              </Link>
              <SeverityTag severity={row.severity} pending={row.severityPending} />
              <StatusTag status={row.status} />
            </div>
            <div className="queue-card-title ticket-title">{row.title}</div>
            {showCustomer && <div className="queue-card-customer">{row.customer.name}</div>}
            {showSla && (row.slaBadge || row.escalationLevel > 0) && (
              <div className="queue-sla queue-card-sla">
                {row.slaBadge && <SlaBadge badge={row.slaBadge} />}
                <EscalationTag level={row.escalationLevel} />
              </div>
            )}
            <div className="queue-card-meta">
              <span className="queue-card-assignee">
                {row.assignee?.name ?? <Text type="secondary">{t('queue.unassigned')}</Text>}
              </span>
              <RelativeTime value={row.reportedAt} />
            </div>
          </li>
        ))}
      </ul>
    </Spin>
  );
}
