/**
 * /admin/deliveries: the outbox as administrators watch it — how many messages wait, went out or
 * failed, whether email is configured at all, each message with its last error, and a retry for
 * the failed ones. Newest first, a hundred at a time with "load more". Above them, the domain-event
 * consumers that produce most of these messages (事件处理).
 */
import { MailOutlined, BellOutlined, RedoOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Row, Segmented, Statistic, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useDeliveries, useRetryDelivery } from '../../api/notifications';
import type { Delivery } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { DateTime, RelativeTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useCan } from '../auth/session';
import { EventConsumersCard } from './event-consumers-card';

type Filter = 'all' | Delivery['status'];
const STATUS_COLORS: Record<Delivery['status'], string> = { pending: 'processing', sent: 'success', failed: 'error' };

export function DeliveriesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('deliveries.title'));
  const can = useCan();
  const allowed = can('deliveries.manage');
  const [filter, setFilter] = useState<Filter>('all');
  const deliveries = useDeliveries(filter === 'all' ? undefined : filter, allowed);
  const retry = useRetryDelivery();

  if (!allowed) return <NotFoundPage />;
  // Counts and the mail set-up come with every page; the first (newest) one is current.
  const overview = deliveries.data?.pages[0];
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? [];

  const columns: TableColumnsType<Delivery> = [
    { title: t('deliveries.createdAt'), dataIndex: 'createdAt', width: 100, render: (v: string) => <RelativeTime value={v} /> },
    {
      title: t('deliveries.recipient'),
      key: 'recipient',
      width: 170,
      ellipsis: true,
      render: (_, d) => (
        <Tooltip title={t(`deliveries.channels.${d.channel}`)}>
          <span className="delivery-recipient">
            {d.channel === 'email' ? <MailOutlined style={{ color: '#2f54eb' }} /> : <BellOutlined className="muted" />} {d.recipient}
          </span>
        </Tooltip>
      ),
    },
    {
      title: t('deliveries.subject'),
      dataIndex: 'subject',
      ellipsis: true,
      render: (s: string, d) => (d.ticketId ? <Link to={`/tickets/${d.ticketId}`}>{s}</Link> : s),
    },
    { title: t('deliveries.kind'), dataIndex: 'kind', width: 76, render: (k: string) => t(`deliveries.kinds.${k}` as 'deliveries.kinds.escalation', { defaultValue: k }) },
    {
      title: t('deliveries.status'),
      key: 'status',
      width: 120,
      render: (_, d) => (
        <span className="delivery-status">
          <Tag color={STATUS_COLORS[d.status]} data-testid="delivery-status">
            {t(`deliveries.statuses.${d.status}`)}
          </Tag>
          {d.attempts > 1 && <span className="muted">{t('deliveries.attemptCount', { n: d.attempts })}</span>}
        </span>
      ),
    },
    {
      title: t('deliveries.lastError'),
      dataIndex: 'lastError',
      width: 190,
      ellipsis: true,
      render: (e: string | null) =>
        e ? (
          <Tooltip title={e} styles={{ root: { maxWidth: 480 } }}>
            <Typography.Text type="danger">{e}</Typography.Text>
          </Tooltip>
        ) : (
          <span className="muted">—</span>
        ),
    },
    {
      title: t('deliveries.when'),
      key: 'when',
      width: 160,
      render: (_, d) =>
        d.status === 'sent' ? (
          <DateTime value={d.sentAt} />
        ) : d.status === 'pending' ? (
          <span className="muted">
            {t('deliveries.nextAttempt')} <RelativeTime value={d.nextAttemptAt} />
          </span>
        ) : null,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 86,
      render: (_, d) =>
        d.status === 'failed' ? (
          <Button
            size="small"
            icon={<RedoOutlined />}
            loading={retry.isPending && retry.variables === d.id}
            onClick={() => retry.mutate(d.id, { onSuccess: () => showSuccess(t('deliveries.retried')) })}
            data-testid="delivery-retry"
          >
            {t('deliveries.retry')}
          </Button>
        ) : null,
    },
  ];

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('deliveries.title')}
        </Typography.Title>
      </div>
      <EventConsumersCard />
      {deliveries.isError ? (
        <LoadError error={deliveries.error} onRetry={() => void deliveries.refetch()} />
      ) : (
        <>
          {overview && !overview.emailConfigured && (
            <Alert type="info" showIcon className="page-alert" title={t('deliveries.noEmail')} description={t('deliveries.noEmailHint')} data-testid="no-email" />
          )}
          <Row gutter={12} className="delivery-stats">
            {(['pending', 'sent', 'failed'] as const).map((s) => (
              <Col key={s} xs={8} md={6} lg={4}>
                <Card size="small" className={`delivery-stat delivery-stat-${s}`}>
                  <Statistic title={t(`deliveries.statuses.${s}`)} value={overview?.counts[s] ?? 0} data-testid={`delivery-count-${s}`} />
                </Card>
              </Col>
            ))}
          </Row>
          <div className="queue-filters">
            <Segmented<Filter>
              value={filter}
              onChange={setFilter}
              options={[
                { value: 'all', label: t('common.all') },
                { value: 'pending', label: t('deliveries.statuses.pending') },
                { value: 'failed', label: t('deliveries.statuses.failed') },
                { value: 'sent', label: t('deliveries.statuses.sent') },
              ]}
            />
          </div>
          <Table<Delivery> className="admin-table"
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={items}
            loading={deliveries.isPending}
            pagination={false}
            tableLayout="fixed"
            data-testid="delivery-table"
            locale={{ emptyText: deliveries.isPending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('deliveries.empty')} /> }}
          />
          {deliveries.hasNextPage && (
            <div style={{ textAlign: 'center', marginTop: 12 }}>
              <Button onClick={() => void deliveries.fetchNextPage()} loading={deliveries.isFetchingNextPage} data-testid="deliveries-more">
                {t('common.loadMore')}
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
