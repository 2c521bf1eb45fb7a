/**
 * /admin/mailboxes (邮箱): the IMAP mailboxes customers write to — each with its server, center,
 * when it was last fetched and its last error in words; add/edit in a dialog, test the connection,
 * fetch now (立即收取, answering what came in), enable/disable, delete after a confirmation.
 */
import { ApiOutlined, CloudDownloadOutlined, DeleteOutlined, EditOutlined, MailOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Popconfirm, Space, Switch, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCenters } from '../../api/admin';
import { useDeleteMailbox, useMailboxes, usePollMailbox, useSaveMailbox, useTestMailbox, type Mailbox, type MailboxTestResult, type MailPollResult } from '../../api/mail';
import { showError, showSuccess } from '../../components/feedback';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { RelativeTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useCan } from '../auth/session';
import { LastError, PollAnswer, TestAnswer } from './mail-text';
import { MailboxModal } from './mailbox-modal';
import { SenderModal } from './sender-modal';
import './mail.css';

function EnabledSwitch({ mailbox }: { mailbox: Mailbox }) {
  const { t } = useTranslation();
  const save = useSaveMailbox(mailbox.id);
  return (
    <Switch
      size="small"
      checked={mailbox.enabled}
      loading={save.isPending}
      aria-label={t('mailboxes.enabledOf', { name: mailbox.name })}
      onChange={(enabled) => save.mutate({ enabled }, { onError: showError })}
      data-testid="mailbox-enabled-switch"
    />
  );
}

export function MailboxesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('mailboxes.title'));
  const can = useCan();
  const allowed = can('mail.manage');
  const narrow = useNarrow();
  const mailboxes = useMailboxes(allowed);
  const centers = useCenters(allowed);
  const remove = useDeleteMailbox();
  const poll = usePollMailbox();
  const test = useTestMailbox();
  const [editing, setEditing] = useState<Mailbox | null | undefined>(undefined);
  const [sending, setSending] = useState<Mailbox | null>(null);
  const [polled, setPolled] = useState<{ name: string; result: MailPollResult } | null>(null);
  const [tested, setTested] = useState<{ name: string; folder: string; result: MailboxTestResult } | null>(null);
  const centerNames = useMemo(() => new Map((centers.data ?? []).map((c) => [c.id, c.name])), [centers.data]);

  if (!allowed) return <NotFoundPage />;

  const runPoll = (m: Mailbox) => {
    setPolled(null);
    poll.mutate(m.id, { onSuccess: (result) => setPolled({ name: m.name, result }), onError: showError });
  };
  const runTest = (m: Mailbox) => {
    setTested(null);
    test.mutate({ id: m.id }, { onSuccess: (result) => setTested({ name: m.name, folder: m.folder, result }), onError: showError });
  };

  const actions = (m: Mailbox) => (
        <Space size={4} wrap>
          <Button size="small" icon={<ApiOutlined />} loading={test.isPending && test.variables && 'id' in test.variables && test.variables.id === m.id} onClick={() => runTest(m)} data-testid="mailbox-row-test">
            {t('mailboxes.testShort')}
          </Button>
          <Tooltip title={m.enabled ? undefined : t('mailboxes.pollDisabled')}>
            <Button
              size="small"
              icon={<CloudDownloadOutlined />}
              disabled={!m.enabled}
              loading={poll.isPending && poll.variables === m.id}
              onClick={() => runPoll(m)}
              data-testid="mailbox-poll"
            >
              {t('mailboxes.poll')}
            </Button>
          </Tooltip>
          <Button size="small" icon={<SendOutlined />} onClick={() => setSending(m)} data-testid="mailbox-sender">
            {t('mailSender.button')}
          </Button>
          <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(m)} aria-label={t('common.edit')} data-testid="mailbox-edit" />
          <Popconfirm
            title={t('mailboxes.deleteConfirm', { name: m.name })}
            description={t('mailboxes.deleteHint')}
            okButtonProps={{ danger: true }}
            onConfirm={() => remove.mutate(m.id, { onSuccess: () => showSuccess(t('mailboxes.deleted')), onError: showError })}
          >
            <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="mailbox-delete" />
          </Popconfirm>
        </Space>
  );

  const columns: TableColumnsType<Mailbox> = [
    {
      title: t('mailboxes.name'),
      key: 'name',
      width: 200,
      render: (_, m) => (
        <div>
          <Button type="link" className="mailbox-name-link" onClick={() => setEditing(m)} data-testid="mailbox-open">
            {m.name}
          </Button>
          <div className="muted mono mailbox-address">{m.address}</div>
        </div>
      ),
    },
    { title: t('mailboxes.host'), key: 'host', width: 190, ellipsis: true, render: (_, m) => <span className="mono">{`${m.imapHost}:${m.imapPort}`}</span> },
    {
      title: t('mailboxes.center'),
      dataIndex: 'centerId',
      width: 120,
      ellipsis: true,
      render: (id: string | null) => (id ? (centerNames.get(id) ?? '—') : <span className="muted">{t('mailboxes.byCustomer')}</span>),
    },
    { title: t('mailboxes.enabled'), key: 'enabled', width: 70, render: (_, m) => <EnabledSwitch mailbox={m} /> },
    {
      title: t('mailboxes.lastPolled'),
      dataIndex: 'lastPolledAt',
      width: 110,
      render: (v: string | null) => (v ? <RelativeTime value={v} /> : <span className="muted">{t('mailboxes.never')}</span>),
    },
    { title: t('mailboxes.lastError'), key: 'lastError', width: 220, render: (_, m) => <LastError error={m.lastError} /> },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 350,
      render: (_, m) => actions(m),
    },
  ];

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          <MailOutlined /> {t('mailboxes.title')}
        </Typography.Title>
        <Space wrap>
          <Link to="/admin/mail-quarantine">{t('quarantine.title')}</Link>
          {can('mail.manage') && <Link to="/admin/mail-templates">{t('mailTemplates.title')}</Link>}
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="mailbox-add">
            {t('mailboxes.create')}
          </Button>
        </Space>
      </div>
      <Typography.Paragraph type="secondary">{t('mailboxes.intro')}</Typography.Paragraph>
      {polled && <PollAnswer name={polled.name} result={polled.result} onClose={() => setPolled(null)} />}
      {tested && (
        <div className="mailbox-row-answer">
          <Typography.Text strong>{tested.name}</Typography.Text>
          <TestAnswer result={tested.result} folder={tested.folder} onClose={() => setTested(null)} />
        </div>
      )}
      {mailboxes.isError ? (
        <LoadError error={mailboxes.error} onRetry={() => void mailboxes.refetch()} />
      ) : narrow ? (
        <div className="mailbox-cards" data-testid="mailbox-cards">
          {mailboxes.isPending ? (
            <LoadingRows />
          ) : (mailboxes.data ?? []).length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('mailboxes.empty')} />
          ) : (
            (mailboxes.data ?? []).map((m) => (
              <Card key={m.id} size="small" className="mailbox-card" data-testid="mailbox-card">
                <div className="mailbox-card-head">
                  <div style={{ minWidth: 0 }}>
                    <Button type="link" className="mailbox-name-link" onClick={() => setEditing(m)}>
                      {m.name}
                    </Button>
                    <div className="muted mono mailbox-address">{m.address}</div>
                  </div>
                  <EnabledSwitch mailbox={m} />
                </div>
                <div className="mailbox-card-line muted mono">{`${m.imapHost}:${m.imapPort}`}</div>
                <div className="mailbox-card-line">
                  <span className="muted">{t('mailboxes.lastPolled')}：</span>
                  {m.lastPolledAt ? <RelativeTime value={m.lastPolledAt} /> : t('mailboxes.never')}
                </div>
                {m.lastError && (
                  <div className="mailbox-card-line">
                    <LastError error={m.lastError} />
                  </div>
                )}
                <div className="mailbox-card-line">{actions(m)}</div>
              </Card>
            ))
          )}
        </div>
      ) : (
        <Table<Mailbox>
          className="admin-table"
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={mailboxes.data ?? []}
          loading={mailboxes.isPending}
          pagination={false}
          tableLayout="fixed"
          scroll={{ x: 1000 }}
          data-testid="mailbox-table"
          locale={{
            emptyText: mailboxes.isPending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('mailboxes.empty')} />,
          }}
        />
      )}
      {mailboxes.data?.some((m) => m.enabled && !m.passwordSet) && <Alert type="warning" showIcon className="page-alert" title={t('mailboxes.noPassword')} />}
      <MailboxModal mailbox={editing ?? null} open={editing !== undefined} onClose={() => setEditing(undefined)} />
      <SenderModal mailbox={sending} onClose={() => setSending(null)} />
    </div>
  );
}
