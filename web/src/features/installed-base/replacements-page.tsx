/**
 * /replacements (换新审批): proposals the second-failure rule raised — a device that failed again
 * within the window — pending first. Each shows the device, customer, the fault tickets counted and
 * the one whose resolution raised it; a manager (replacements.decide) approves with the new unit's
 * serial or rejects with a reason. Below, the rule's and the renewal reminders' settings.
 */
import { CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Segmented, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { REPLACEMENT_STATUSES } from '../../../../common/api/installed-base';
import { useReplacements, type ReplacementProposal, type ReplacementStatus } from '../../api/replacements';
import { LoadError, LoadingRows } from '../../components/states';
import { DateTime, formatDate, RelativeTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useCan } from '../auth/session';
import { IbSettingsCard } from './ib-settings-card';
import { ReplacementDecisionModal } from './replacement-decision-modal';
import './contract-pages.css';

const STATUS_COLORS: Record<ReplacementStatus, string> = { pending: 'orange', approved: 'green', rejected: 'default' };

function TicketLink({ ticket }: { ticket: { id: string; number: string; title: string } }) {
  return (
    <Link to={`/tickets/${ticket.id}`} title={ticket.title} className="replacement-ticket">
      <span className="mono">{ticket.number}</span> {ticket.title}
    </Link>
  );
}

function Decision({ p }: { p: ReplacementProposal }) {
  const { t } = useTranslation();
  return (
    <div className="replacement-line">
      <Tag color={STATUS_COLORS[p.status]} data-testid="replacement-status">
        {t(`replacements.status.${p.status}`)}
      </Tag>
      {p.decidedBy && (
        <span className="muted">
          {p.decidedBy.name} · <DateTime value={p.decidedAt} />
        </span>
      )}
      {p.newDevice && (
        <div>
          {t('replacements.newDevice')}：
          <Link to={`/devices/${p.newDevice.id}`} className="mono">
            {p.newDevice.serial}
          </Link>
        </div>
      )}
      {p.decisionNote && <div className="muted pre-wrap">{p.decisionNote}</div>}
    </div>
  );
}

export function ReplacementsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('replacements.title'));
  const can = useCan();
  const narrow = useNarrow();
  const mayDecide = can('replacements.decide');
  const [params, setParams] = useSearchParams();
  const statusParam = params.get('status') ?? 'pending';
  const status = (REPLACEMENT_STATUSES as readonly string[]).includes(statusParam) ? (statusParam as ReplacementStatus) : undefined;
  const list = useReplacements(status);
  const pendingCount = useReplacements('pending').data?.length;
  const [deciding, setDeciding] = useState<{ proposal: ReplacementProposal; decision: 'approve' | 'reject' } | null>(null);

  // Pending first (the server orders within a status), then newest.
  const rows = [...(list.data ?? [])].sort((a, b) => Number(b.status === 'pending') - Number(a.status === 'pending') || b.createdAt.localeCompare(a.createdAt));

  const actions = (p: ReplacementProposal) =>
    mayDecide && p.status === 'pending' ? (
      <div className="replacement-actions">
        <Button type="primary" size="small" icon={<CheckOutlined />} onClick={() => setDeciding({ proposal: p, decision: 'approve' })} data-testid="replacement-approve">
          {t('replacements.approve')}
        </Button>
        <Button size="small" danger icon={<CloseOutlined />} onClick={() => setDeciding({ proposal: p, decision: 'reject' })} data-testid="replacement-reject">
          {t('replacements.reject')}
        </Button>
      </div>
    ) : null;

  const device = (p: ReplacementProposal) => (
    <div>
      <Link to={`/devices/${p.device.id}`} className="mono replacement-device">
        {p.device.serial}
      </Link>
      <div className="muted replacement-line">
        {p.device.product}
        {p.device.warrantyEndsOn ? ` · ${t('replacements.warrantyUntil', { day: p.device.warrantyEndsOn })}` : ''}
      </div>
    </div>
  );
  const counted = (p: ReplacementProposal) => (
    <div className="replacement-tickets">
      {p.counted.map((c) => (
        <span key={c.id}>
          <TicketLink ticket={c} /> <span className="muted">{formatDate(c.reportedAt)}</span>
        </span>
      ))}
    </div>
  );

  const columns: TableColumnsType<ReplacementProposal> = [
    { title: t('replacements.device'), key: 'device', width: 200, render: (_, p) => device(p) },
    { title: t('replacements.customer'), key: 'customer', width: 160, render: (_, p) => <Link to={`/customers/${p.customer.id}`}>{p.customer.name}</Link> },
    { title: t('replacements.counted'), key: 'counted', render: (_, p) => counted(p) },
    { title: t('replacements.trigger'), key: 'ticket', width: 200, ellipsis: true, render: (_, p) => <TicketLink ticket={p.ticket} /> },
    { title: t('replacements.proposedAt'), key: 'at', width: 110, render: (_, p) => <RelativeTime value={p.createdAt} /> },
    { title: t('replacements.decision'), key: 'decision', width: 220, render: (_, p) => (p.status === 'pending' ? actions(p) ?? <Decision p={p} /> : <Decision p={p} />) },
  ];

  const empty = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={status === 'pending' ? t('replacements.emptyPending') : t('replacements.empty')} />;

  return (
    <div className="replacements-page">
      <div className="page-card">
        <div className="page-title-row">
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('replacements.title')}
          </Typography.Title>
        </div>
        <Typography.Paragraph type="secondary">{t('replacements.intro')}</Typography.Paragraph>
        <div className="contract-state-filter">
          <Segmented
            value={status ?? 'all'}
            onChange={(v) => setParams(v === 'pending' ? {} : { status: String(v) }, { replace: true })}
            options={[
              { value: 'pending', label: pendingCount ? `${t('replacements.status.pending')} ${pendingCount}` : t('replacements.status.pending') },
              { value: 'approved', label: t('replacements.status.approved') },
              { value: 'rejected', label: t('replacements.status.rejected') },
              { value: 'all', label: t('common.all') },
            ]}
            data-testid="replacement-filter"
          />
        </div>
        {list.isError ? (
          <LoadError error={list.error} onRetry={() => void list.refetch()} />
        ) : narrow ? (
          <div className="replacement-cards">
            {list.isPending ? (
              <LoadingRows />
            ) : rows.length === 0 ? (
              empty
            ) : (
              rows.map((p) => (
                <Card key={p.id} size="small" className="replacement-card" data-testid="replacement-row">
                  <div className="replacement-head">
                    {device(p)}
                    <Tag color={STATUS_COLORS[p.status]}>{t(`replacements.status.${p.status}`)}</Tag>
                  </div>
                  <div className="replacement-line">
                    <span className="muted">{t('replacements.customer')}：</span>
                    {p.customer.name}
                  </div>
                  <div className="replacement-line">
                    <div className="muted">{t('replacements.counted')}：</div>
                    {counted(p)}
                  </div>
                  <div className="replacement-line">
                    <span className="muted">{t('replacements.trigger')}：</span>
                    <TicketLink ticket={p.ticket} />
                  </div>
                  {p.status === 'pending' ? actions(p) : <Decision p={p} />}
                </Card>
              ))
            )}
          </div>
        ) : (
          <Table<ReplacementProposal>
            className="admin-table"
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={rows}
            loading={list.isPending}
            tableLayout="fixed"
            pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
            locale={{ emptyText: list.isPending ? <LoadingRows /> : empty }}
            onRow={() => ({ 'data-testid': 'replacement-row' }) as React.HTMLAttributes<HTMLElement>}
          />
        )}
      </div>
      {mayDecide && <IbSettingsCard />}
      <ReplacementDecisionModal proposal={deciding?.proposal ?? null} decision={deciding?.decision ?? 'approve'} onClose={() => setDeciding(null)} />
    </div>
  );
}
