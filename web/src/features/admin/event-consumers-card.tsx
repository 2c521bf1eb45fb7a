/**
 * The 事件处理 card of /admin/deliveries: each domain-event consumer with its state, backlog,
 * handled count and last run; for one that fails, the event it stopped at, the attempts, the last
 * error, and "retry now" / "skip this event". Refreshed every 10 s while the page is visible.
 */
import { ReloadOutlined, RedoOutlined, StepForwardOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Popconfirm, Spin, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EventConsumerStatus } from '../../../../common/api/events';
import { useEventConsumers, useRetryConsumer, useSkipConsumerEvent } from '../../api/notifications';
import { showSuccess } from '../../components/feedback';
import { LoadError } from '../../components/states';
import { RelativeTime } from '../../components/time';
import { useNow } from '../../components/use-now';
import '../notification-settings/notification-settings.css';

const STATE_COLORS: Record<EventConsumerStatus['state'], string> = { ok: 'green', retrying: 'orange', stuck: 'red' };

/** When the consumer tries again: a moment ahead, or "at its next run" once that moment has passed. */
function NextRetry({ at }: { at: string }) {
  const { t } = useTranslation();
  const now = useNow(5_000);
  return (
    <span className="muted">
      {new Date(at).getTime() > now ? (
        <>
          {t('notificationSettings.consumers.nextRetry')} <RelativeTime value={at} />
        </>
      ) : (
        t('notificationSettings.consumers.retryDue')
      )}
    </span>
  );
}

function ConsumerRow({ consumer }: { consumer: EventConsumerStatus }) {
  const { t } = useTranslation();
  const retry = useRetryConsumer();
  const skip = useSkipConsumerEvent();
  const label = t(`notificationSettings.consumers.names.${consumer.name}` as 'notificationSettings.consumers.names.push', { defaultValue: consumer.name });
  const kind = consumer.failingEventKind
    ? t(`notificationSettings.consumers.kinds.${consumer.failingEventKind.replace(/\./g, '_')}` as 'notificationSettings.consumers.kinds.ticket_created', {
        defaultValue: consumer.failingEventKind,
      })
    : '';
  const eventId = consumer.failingEventId;
  return (
    <div className="consumer-row" data-testid="consumer-row" data-name={consumer.name} data-state={consumer.state}>
      <div className="consumer-head">
        <span className="consumer-name">
          {label}
          {label !== consumer.name && <code>{consumer.name}</code>}
        </span>
        <Tag color={STATE_COLORS[consumer.state]} data-testid="consumer-state">
          {t(`notificationSettings.consumers.states.${consumer.state}`)}
        </Tag>
        <span className="consumer-facts">
          <Tooltip title={t('notificationSettings.consumers.lagHint')}>
            <span data-testid="consumer-lag" style={consumer.lag > 0 ? { color: '#d46b08' } : undefined}>
              {t('notificationSettings.consumers.lag', { n: consumer.lag })}
            </span>
          </Tooltip>
          <span>{t('notificationSettings.consumers.processed', { n: consumer.processed })}</span>
          <span>
            {t('notificationSettings.consumers.lastRun')}{' '}
            {consumer.lastRunAt ? <RelativeTime value={consumer.lastRunAt} /> : t('notificationSettings.consumers.neverRun')}
          </span>
        </span>
      </div>
      {eventId !== null && (
        <div className="consumer-failure" data-testid="consumer-failure">
          <div className="consumer-failure-line">
            <Typography.Text strong type={consumer.state === 'stuck' ? 'danger' : 'warning'}>
              {t('notificationSettings.consumers.failingEvent', { id: eventId, kind })}
            </Typography.Text>
            <span className="muted">{t('notificationSettings.consumers.attempts', { n: consumer.attempts })}</span>
            {consumer.retryAt && <NextRetry at={consumer.retryAt} />}
          </div>
          {consumer.lastError && (
            <details className="consumer-error">
              <summary>{t('notificationSettings.consumers.lastError')}</summary>
              <pre data-testid="consumer-error">{consumer.lastError}</pre>
            </details>
          )}
          <div className="consumer-actions">
            <Button
              size="small"
              icon={<RedoOutlined />}
              loading={retry.isPending}
              onClick={() => retry.mutate(consumer.name, { onSuccess: () => showSuccess(t('notificationSettings.consumers.retried')) })}
              data-testid="consumer-retry"
            >
              {t('notificationSettings.consumers.retry')}
            </Button>
            <Popconfirm
              title={t('notificationSettings.consumers.skipTitle', { id: eventId })}
              description={<div style={{ maxWidth: 340 }}>{t('notificationSettings.consumers.skipText', { consumer: label })}</div>}
              okText={t('notificationSettings.consumers.skipOk')}
              okButtonProps={{ danger: true, loading: skip.isPending }}
              onConfirm={() =>
                skip.mutateAsync({ name: consumer.name, eventId }).then(() => showSuccess(t('notificationSettings.consumers.skipped')), () => undefined)
              }
            >
              <Button size="small" danger icon={<StepForwardOutlined />} data-testid="consumer-skip">
                {t('notificationSettings.consumers.skip')}
              </Button>
            </Popconfirm>
          </div>
        </div>
      )}
    </div>
  );
}

export function EventConsumersCard() {
  const { t } = useTranslation();
  const consumers = useEventConsumers();
  return (
    <Card
      size="small"
      className="section-card"
      title={t('notificationSettings.consumers.title')}
      data-testid="event-consumers"
      extra={
        <span className="muted" style={{ fontSize: 12 }}>
          {t('notificationSettings.consumers.autoRefresh')}{' '}
          <Tooltip title={t('notificationSettings.consumers.refresh')}>
            <Button
              type="text"
              size="small"
              icon={<ReloadOutlined spin={consumers.isFetching} />}
              aria-label={t('notificationSettings.consumers.refresh')}
              onClick={() => void consumers.refetch()}
            />
          </Tooltip>
        </span>
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 10 }}>
        {t('notificationSettings.consumers.intro')}
      </Typography.Paragraph>
      {consumers.isPending ? (
        <div style={{ textAlign: 'center', padding: 24 }}>
          <Spin />
        </div>
      ) : consumers.isError ? (
        <LoadError error={consumers.error} onRetry={() => void consumers.refetch()} />
      ) : consumers.data.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notificationSettings.consumers.empty')} />
      ) : (
        <div className="consumer-list">
          {consumers.data.items.map((c) => (
            <ConsumerRow key={c.name} consumer={c} />
          ))}
        </div>
      )}
    </Card>
  );
}
