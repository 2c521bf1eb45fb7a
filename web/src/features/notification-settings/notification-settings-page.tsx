/**
 * 个人设置 → 通知设置: per topic, whether it reaches me in the app (the bell) and by email. Each
 * switch saves at once (optimistic; moved back with a message if the save fails). Mail switches
 * are disabled, with the reason, when the desk sends no mail or I have no address.
 */
import { Alert, Grid, Switch, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { NOTIFICATION_TOPICS, type NotificationChannel, type NotificationPreference, type NotificationTopic } from '../../../../common/api/notifications';
import { useNotificationPreferences, useSavePreference } from '../../api/notifications';
import { LoadError, PageSkeleton } from '../../components/states';
import { useDocumentTitle } from '../../components/use-document-title';
import './notification-settings.css';

export function NotificationSettingsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('notificationSettings.title'));
  const prefs = useNotificationPreferences();
  const save = useSavePreference();
  const narrow = !Grid.useBreakpoint().sm;

  if (prefs.isPending) return <PageSkeleton />;
  if (prefs.isError) return <LoadError error={prefs.error} onRetry={() => void prefs.refetch()} />;

  const { emailConfigured, email } = prefs.data;
  const mailAvailable = emailConfigured && Boolean(email);
  const mailReason = !emailConfigured ? t('notificationSettings.noSmtpHint') : !email ? t('notificationSettings.noAddressHint') : null;
  // The server's order is not a promise; the page shows the topics in their documented order.
  const byTopic = new Map(prefs.data.items.map((p) => [p.topic, p]));
  const rows = NOTIFICATION_TOPICS.map((topic) => byTopic.get(topic)).filter((p): p is NotificationPreference => p !== undefined);
  const topicName = (topic: NotificationTopic) => t(`notificationSettings.topics.${topic}.name`);

  const toggle = (row: NotificationPreference, channel: NotificationChannel) => {
    const channelName = t(`notificationSettings.${channel}`);
    const control = (
      <Switch
        checked={row[channel]}
        disabled={channel === 'email' && !mailAvailable}
        onChange={(enabled) => save.mutate({ topic: row.topic, channel, enabled })}
        aria-label={t('notificationSettings.switchLabel', { topic: topicName(row.topic), channel: channelName })}
        data-testid={`pref-${row.topic}-${channel}`}
      />
    );
    // A disabled button gets no mouse events: the tooltip hangs on a wrapper.
    return channel === 'email' && mailReason ? (
      <Tooltip title={mailReason}>
        <span style={{ display: 'inline-block' }}>{control}</span>
      </Tooltip>
    ) : (
      control
    );
  };

  const switchWidth = narrow ? 64 : 104;
  const columns: TableColumnsType<NotificationPreference> = [
    {
      title: t('notificationSettings.topic'),
      key: 'topic',
      render: (_, row) => (
        <>
          <span className="notify-topic-name">{topicName(row.topic)}</span>
          <span className="notify-topic-hint">{t(`notificationSettings.topics.${row.topic}.hint`)}</span>
        </>
      ),
    },
    { title: t('notificationSettings.inapp'), key: 'inapp', width: switchWidth, align: 'center', render: (_, row) => toggle(row, 'inapp') },
    { title: t('notificationSettings.email'), key: 'email', width: switchWidth, align: 'center', render: (_, row) => toggle(row, 'email') },
  ];

  return (
    <div className="page-card notify-settings" data-testid="notification-settings">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('notificationSettings.title')}
        </Typography.Title>
      </div>
      <Typography.Text type="secondary" className="notify-settings-intro">
        {t('notificationSettings.intro')}
        {mailAvailable && email && <> {t('notificationSettings.mailTo', { email })}</>}
      </Typography.Text>
      {!emailConfigured ? (
        <Alert type="info" showIcon className="page-alert" title={t('notificationSettings.noSmtp')} description={t('notificationSettings.noSmtpHint')} data-testid="mail-unavailable" />
      ) : !email ? (
        <Alert type="warning" showIcon className="page-alert" title={t('notificationSettings.noAddress')} description={t('notificationSettings.noAddressHint')} data-testid="mail-unavailable" />
      ) : null}
      <Table<NotificationPreference>
        className="notify-table"
        size="middle"
        rowKey="topic"
        columns={columns}
        dataSource={rows}
        pagination={false}
        tableLayout="fixed"
        onRow={(row) => ({ 'data-testid': 'pref-row', 'data-topic': row.topic }) as React.HTMLAttributes<HTMLElement>}
        data-testid="pref-table"
      />
    </div>
  );
}
