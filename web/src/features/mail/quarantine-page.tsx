/**
 * /admin/mail-quarantine (隔离邮件): messages that could not become a ticket or a comment (too
 * large, unparseable, no sender, ingest failed), kept raw. Admins retry them (after a fix), turn
 * them into a ticket by hand (then the ticket is linked) or dismiss them; each asks first.
 */
import { CheckOutlined, FileAddOutlined, RedoOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Button, Empty, Popconfirm, Segmented, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { QUARANTINE_STATES, useMailboxes, useQuarantine, useQuarantineAction, type QuarantinedMail, type QuarantineState } from '../../api/mail';
import { showError, showInfo, showSuccess } from '../../components/feedback';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { DateTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useCan } from '../auth/session';
import { formatSize } from '../tickets/timeline';
import './mail.css';

type Filter = QuarantineState | 'all';
const STATE_COLORS: Record<QuarantineState, string> = { held: 'warning', retried: 'processing', converted: 'success', dismissed: 'default' };

export function QuarantinePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('quarantine.title'));
  const can = useCan();
  const allowed = can('mail.quarantine');
  const narrow = useNarrow();
  const [filter, setFilter] = useState<Filter>('held');
  /** The ticket the last retry or conversion made, linked above the list (the row leaves the held list). */
  const [made, setMade] = useState<{ ticketId: string; subject: string } | null>(null);
  const list = useQuarantine(filter, allowed);
  const mailboxes = useMailboxes(allowed && can('mail.manage'));
  const action = useQuarantineAction();
  const mailboxNames = useMemo(() => new Map((mailboxes.data ?? []).map((m) => [m.id, m.name])), [mailboxes.data]);

  if (!allowed) return <NotFoundPage />;

  const run = (item: QuarantinedMail, kind: 'retry' | 'convert' | 'dismiss') =>
    action.mutate(
      { id: item.id, action: kind },
      {
        onError: showError,
        onSuccess: (answer) => {
          if (answer.ticketId) setMade({ ticketId: answer.ticketId, subject: item.subject ?? '' });
          if (kind === 'dismiss') showSuccess(t('quarantine.dismissed'));
          else if (answer.item.state === 'held') showInfo(t('quarantine.stillHeld'));
          else if (answer.ticketId)
            showSuccess(t(kind === 'convert' ? 'quarantine.converted' : 'quarantine.retried', { outcome: t(`mailboxes.outcomes.${answer.outcome}` as 'mailboxes.outcomes.ticket_created', { defaultValue: answer.outcome }) }));
          else showSuccess(t('quarantine.retriedNoTicket', { outcome: t(`mailboxes.outcomes.${answer.outcome}` as 'mailboxes.outcomes.ticket_created', { defaultValue: answer.outcome }) }));
        },
      },
    );
  const busy = (item: QuarantinedMail, kind: string) => action.isPending && action.variables?.id === item.id && action.variables.action === kind;

  const columns: TableColumnsType<QuarantinedMail> = [
    { title: t('quarantine.received'), dataIndex: 'createdAt', width: 150, render: (v: string) => <DateTime value={v} /> },
    {
      title: t('quarantine.mailbox'),
      dataIndex: 'mailboxId',
      width: 120,
      ellipsis: true,
      render: (id: string | null) => (id ? (mailboxNames.get(id) ?? '—') : <span className="muted">—</span>),
    },
    { title: t('quarantine.from'), dataIndex: 'fromAddress', width: 190, ellipsis: true, render: (v: string | null) => v ?? <span className="muted">{t('quarantine.noFrom')}</span> },
    {
      title: t('quarantine.subject'),
      key: 'subject',
      ellipsis: true,
      width: 220,
      render: (_, q) => (
        <span>
          {q.subject || <span className="muted">{t('quarantine.noSubject')}</span>}
          {q.ticketId && (
            <>
              {' '}
              <Link to={`/tickets/${q.ticketId}`} data-testid="quarantine-ticket">
                {t('quarantine.openTicket')}
              </Link>
            </>
          )}
        </span>
      ),
    },
    {
      title: t('quarantine.reason'),
      key: 'reason',
      width: 200,
      render: (_, q) => (
        <Tooltip title={q.detail || undefined}>
          <Typography.Text type={q.state === 'held' ? 'danger' : undefined} data-testid="quarantine-reason">
            {t(`quarantine.reasons.${q.reason}`)}
          </Typography.Text>
        </Tooltip>
      ),
    },
    { title: t('quarantine.size'), dataIndex: 'size', width: 80, render: (v: number) => formatSize(v) },
    {
      title: t('quarantine.state'),
      dataIndex: 'state',
      width: 90,
      render: (s: QuarantineState) => <Tag color={STATE_COLORS[s]}>{t(`quarantine.states.${s}`)}</Tag>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: narrow ? 130 : 270,
      render: (_, q) =>
        q.state === 'held' || q.state === 'retried' ? (
          <Space size={4} wrap>
            <Popconfirm title={t('quarantine.retryConfirm')} description={t('quarantine.retryHint')} onConfirm={() => run(q, 'retry')}>
              <Button size="small" icon={<RedoOutlined />} loading={busy(q, 'retry')} data-testid="quarantine-retry">
                {t('quarantine.retry')}
              </Button>
            </Popconfirm>
            <Popconfirm title={t('quarantine.convertConfirm')} description={t('quarantine.convertHint')} onConfirm={() => run(q, 'convert')}>
              <Button size="small" type="primary" ghost icon={<FileAddOutlined />} loading={busy(q, 'convert')} data-testid="quarantine-convert">
                {t('quarantine.convert')}
              </Button>
            </Popconfirm>
            <Popconfirm title={t('quarantine.dismissConfirm')} okButtonProps={{ danger: true }} onConfirm={() => run(q, 'dismiss')}>
              <Button size="small" danger icon={<StopOutlined />} loading={busy(q, 'dismiss')} data-testid="quarantine-dismiss">
                {t('quarantine.dismiss')}
              </Button>
            </Popconfirm>
          </Space>
        ) : q.resolvedBy ? (
          <span className="muted">
            <CheckOutlined /> {q.resolvedBy.name}
          </span>
        ) : null,
    },
  ];

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('quarantine.title')}
        </Typography.Title>
        {can('mail.manage') && <Link to="/admin/mailboxes">{t('mailboxes.title')}</Link>}
      </div>
      <Typography.Paragraph type="secondary">{t('quarantine.intro')}</Typography.Paragraph>
      {made && (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setMade(null)}
          className="page-alert"
          data-testid="quarantine-made"
          title={
            <span>
              {t('quarantine.madeTicket', { subject: made.subject || t('quarantine.noSubject') })}{' '}
              <Link to={`/tickets/${made.ticketId}`} data-testid="quarantine-made-link">
                {t('quarantine.openTicket')}
              </Link>
            </span>
          }
        />
      )}
      <div className="queue-filters">
        <Segmented<Filter>
          value={filter}
          onChange={setFilter}
          data-testid="quarantine-filter"
          options={[...QUARANTINE_STATES.map((s) => ({ value: s as Filter, label: t(`quarantine.states.${s}`) })), { value: 'all', label: t('common.all') }]}
        />
      </div>
      {list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<QuarantinedMail>
          className="admin-table"
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.isPending}
          pagination={false}
          tableLayout="fixed"
          scroll={{ x: 1100 }}
          data-testid="quarantine-table"
          locale={{ emptyText: list.isPending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('quarantine.empty')} /> }}
        />
      )}
    </div>
  );
}
