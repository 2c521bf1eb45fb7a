/**
 * The hotline form's context: the customer's open and recent tickets (the caller's own first, a
 * likely duplicate of the call being logged highlighted before saving), and the due times the
 * chosen severity would give ("响应 10:25 · 方案 11:15 · 恢复 14:15").
 */
import { WarningOutlined } from '@ant-design/icons';
import { Alert, Skeleton, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Severity } from '../../../../common/domain';
import type { DuePreview, HotlineTicket } from '../../../../common/api';
import { useDuePreview, useHotlineTickets, type HotlineTicketsParams } from '../../api/hotline';
import { SeverityTag, StatusTag } from '../../components/tags';
import { formatDateTime, RelativeTime } from '../../components/time';
import { useLabels } from '../../i18n/labels';

function Row({ item }: { item: HotlineTicket }) {
  const { t } = useTranslation();
  return (
    <li className={item.duplicate ? 'caller-ticket caller-ticket-duplicate' : 'caller-ticket'} data-testid="caller-ticket" data-duplicate={item.duplicate ?? undefined}>
      <div className="caller-ticket-head">
        {/* A new tab: the call being logged stays on this form. */}
        <Link to={`/tickets/${item.id}`} target="_blank" rel="noopener" className="caller-ticket-number">
          {item.number}
        </Link>
        <SeverityTag severity={item.severity} />
        <StatusTag status={item.status} />
        {item.duplicate && (
          <Tooltip title={item.duplicate === 'title' ? t('hotline.duplicateTitle') : t('hotline.duplicateCaller')}>
            <Tag color="volcano" icon={<WarningOutlined />} data-testid="duplicate-tag">
              {t('hotline.duplicate')}
            </Tag>
          </Tooltip>
        )}
        {item.sameCaller && <Tag color="blue">{t('hotline.sameCaller')}</Tag>}
      </div>
      <div className="caller-ticket-title">{item.title}</div>
      <div className="caller-ticket-meta muted">
        <RelativeTime value={item.reportedAt} />
        {item.contact && <span>{item.contact.name}</span>}
        {item.site && <span>{item.site.name}</span>}
      </div>
    </li>
  );
}

/** The picked customer's open tickets and those of the last 30 days (the title already debounced by the form). */
export function CallerTickets(params: HotlineTicketsParams) {
  const { t } = useTranslation();
  const query = useHotlineTickets(params);
  if (!params.customerId) return null;
  const items = query.data?.items ?? [];
  const open = items.filter((i) => i.open);
  const recent = items.filter((i) => !i.open);
  const duplicates = items.filter((i) => i.duplicate).length;
  return (
    <section className="caller-tickets" data-testid="caller-tickets" aria-live="polite">
      <div className="caller-tickets-head">
        <strong>{t('hotline.ticketsTitle')}</strong>
        {duplicates > 0 && (
          <Typography.Text type="warning" data-testid="duplicate-warning">
            <WarningOutlined /> {t('hotline.duplicateWarning', { count: duplicates })}
          </Typography.Text>
        )}
      </div>
      {query.isPending ? (
        <Skeleton active paragraph={{ rows: 2 }} title={false} />
      ) : items.length === 0 ? (
        <span className="muted" data-testid="caller-tickets-none">
          {t('hotline.none')}
        </span>
      ) : (
        <>
          {open.length > 0 && (
            <>
              <div className="caller-tickets-group">{t('hotline.open', { count: open.length })}</div>
              <ul className="caller-ticket-list">{open.map((item) => <Row key={item.id} item={item} />)}</ul>
            </>
          )}
          {recent.length > 0 && (
            <>
              <div className="caller-tickets-group">{t('hotline.recent', { count: recent.length })}</div>
              <ul className="caller-ticket-list">{recent.map((item) => <Row key={item.id} item={item} />)}</ul>
            </>
          )}
          {query.data?.truncated && <div className="muted">{t('hotline.truncated')}</div>}
        </>
      )}
    </section>
  );
}

/** "10:25", or "3月3日 09:00" / "Mar 3 09:00" when not today. */
function dueText(iso: string, lang: 'zh' | 'en') {
  const due = dayjs(iso);
  if (due.isSame(dayjs(), 'day')) return due.format('HH:mm');
  return lang === 'zh' ? due.format('M月D日 HH:mm') : due.format('MMM D HH:mm');
}

/** The name of the milestone a clock counts from ("到场后 2 小时"). */
function anchorName(preview: DuePreview, anchor: DuePreview['milestones'][number]['anchor'], lang: 'zh' | 'en') {
  if (anchor === 'reported') return '';
  return preview.milestones.find((x) => x.milestone === anchor.milestone)?.name[lang] ?? anchor.milestone;
}

export function DueLine({ preview }: { preview: DuePreview }) {
  const { t } = useTranslation();
  const labels = useLabels();
  if (preview.milestones.length === 0) return <span className="muted">{t('hotline.noPolicy')}</span>;
  return (
    <span className="due-preview-line">
      {preview.milestones.map((m, i) => (
        <span key={m.milestone} className="due-preview-item" data-testid={`due-${m.milestone}`}>
          {i > 0 && <span className="due-preview-sep"> · </span>}
          {m.name[labels.lang]}{' '}
          {m.dueAt ? (
            <time dateTime={m.dueAt} title={formatDateTime(m.dueAt)}>
              {dueText(m.dueAt, labels.lang)}
            </time>
          ) : (
            <span className="muted">{t('hotline.afterAnchor', { anchor: anchorName(preview, m.anchor, labels.lang) })}</span>
          )}
        </span>
      ))}
    </span>
  );
}

/** Next to the severity choice: the due times it would give, on the customer's policy. */
export function DuePreviewHint({
  customerId,
  severity,
  reportedAt,
  siteId,
  deviceIds,
}: {
  customerId?: string;
  severity?: Severity;
  reportedAt?: string;
  /** The site and devices named: the covering contract's or the device's product policy decides the times. */
  siteId?: string | null;
  deviceIds?: readonly string[];
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const preview = useDuePreview({ customerId, severity, reportedAt, siteId: siteId ?? undefined, deviceIds });
  if (!customerId || !severity) return <span className="muted">{t('hotline.previewNeeds')}</span>;
  if (!preview.data) return <span className="muted">{t('common.loading')}</span>;
  const policy = preview.data.policy;
  return (
    // While the chosen severity's times load, the previous ones stay, dimmed, under their own label.
    <span className={`due-preview${preview.isPlaceholderData ? ' is-stale' : ''}`} data-testid="due-preview" aria-busy={preview.isPlaceholderData}>
      <strong>{t('hotline.previewLabel', { severity: preview.data.severity })}</strong> <DueLine preview={preview.data} />
      {policy && (
        <span className="muted due-preview-policy" data-testid="due-preview-policy" data-source={policy.source}>
          {(labels.lang === 'en' && policy.nameEn) || policy.name}
          {policy.source === 'contract' || policy.source === 'product' ? ` · ${t(`coverage.chain.${policy.source}`)}` : ''}
        </span>
      )}
    </span>
  );
}

/** Above the submit button: the likely duplicates, so the agent looks before creating another ticket. */
export function DuplicateWarning(params: HotlineTicketsParams) {
  const { t } = useTranslation();
  const query = useHotlineTickets(params);
  const duplicates = params.customerId ? (query.data?.items ?? []).filter((i) => i.duplicate) : [];
  if (duplicates.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      className="duplicate-alert"
      data-testid="duplicate-alert"
      message={t('hotline.duplicateAlert', { count: duplicates.length })}
      description={
        <ul className="duplicate-alert-list">
          {duplicates.slice(0, 3).map((d) => (
            <li key={d.id}>
              <Link to={`/tickets/${d.id}`} target="_blank" rel="noopener">
                {d.number}
              </Link>{' '}
              {d.title} <StatusTag status={d.status} />
            </li>
          ))}
        </ul>
      }
    />
  );
}
