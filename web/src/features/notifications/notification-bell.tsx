/**
 * The header bell: how many notifications are unread (refreshed by live push, and when the window
 * regains focus), the latest ones in a dropdown, each opening its ticket and marked read on the
 * way; 全部已读 clears the count. A new notification also shows a short toast. The bell is in
 * every signed-in layout, so it also keeps the live connection and the query caches in step.
 */
import {
  BellOutlined,
  ClockCircleOutlined,
  ExclamationCircleOutlined,
  MessageOutlined,
  NotificationOutlined,
  PaperClipOutlined,
  RiseOutlined,
  UserSwitchOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Badge, Button, Empty, Popover, Spin, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useLiveCacheSync } from '../../api/live';
import { useMarkAllNotificationsRead, useMarkNotificationRead, useNotifications } from '../../api/notifications';
import type { Notification } from '../../api/types';
import { RelativeTime } from '../../components/time';
import { showNotification } from '../../components/feedback';
import { notificationLines, notificationText } from './notification-text';

const KIND_ICONS: Record<string, React.ReactNode> = {
  escalation: <RiseOutlined style={{ color: '#cf1322' }} />,
  sla_breach: <ExclamationCircleOutlined style={{ color: '#cf1322' }} />,
  sla_warning: <ClockCircleOutlined style={{ color: '#d46b08' }} />,
  'escalation.fired': <RiseOutlined style={{ color: '#cf1322' }} />,
  'sla.breached': <ExclamationCircleOutlined style={{ color: '#cf1322' }} />,
  'sla.warned': <ClockCircleOutlined style={{ color: '#d46b08' }} />,
  'ticket.commented': <MessageOutlined style={{ color: '#1677ff' }} />,
  'ticket.assigned': <UserSwitchOutlined style={{ color: '#1677ff' }} />,
  'ticket.severity_changed': <WarningOutlined style={{ color: '#d46b08' }} />,
  'ticket.attachment_added': <PaperClipOutlined />,
};

function NotificationList({ items, onOpen }: { items: Notification[]; onOpen: (n: Notification) => void }) {
  const { t } = useTranslation();
  if (items.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} />;
  return (
    <ul className="bell-list" data-testid="bell-list">
      {items.map((n) => {
        const lines = notificationLines(n, t);
        return (
          <li key={n.id}>
            <button
              type="button"
              className={n.readAt ? 'bell-item' : 'bell-item bell-item-unread'}
              onClick={() => onOpen(n)}
              data-testid="bell-item"
              data-kind={n.kind}
              data-read={String(Boolean(n.readAt))}
            >
              <span className="bell-item-icon" aria-hidden>
                {KIND_ICONS[n.kind] ?? <NotificationOutlined />}
              </span>
              <span className="bell-item-text">
                {lines.ticket && (
                  <span className="bell-item-ticket" data-testid="bell-item-ticket">
                    <span className="mono">{lines.ticket.number}</span> {lines.ticket.title}
                  </span>
                )}
                <span className="bell-item-title">{lines.text}</span>
                <span className="bell-item-time">
                  <RelativeTime value={n.createdAt} />
                  {n.ticketId && <span className="bell-item-link">{t('notifications.openTicket')}</span>}
                </span>
              </span>
              {!n.readAt && <span className="bell-dot" role="img" aria-label={t('notifications.unread')} />}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function NotificationBell() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const notifications = useNotifications();
  const markRead = useMarkNotificationRead();
  const markAll = useMarkAllNotificationsRead();
  const unread = notifications.data?.unreadCount ?? 0;
  useLiveCacheSync((n) =>
    showNotification({
      key: `notification-${n.id}`,
      title: notificationText(n, t),
      placement: 'topRight',
      duration: 5,
      icon: KIND_ICONS[n.kind] ?? <NotificationOutlined />,
      className: 'live-notification-toast',
      onClick: n.ticketId ? () => navigate(`/tickets/${n.ticketId}`) : undefined,
      style: n.ticketId ? { cursor: 'pointer' } : undefined,
    }),
  );

  const openItem = (n: Notification) => {
    if (!n.readAt) markRead.mutate(n.id);
    setOpen(false);
    if (n.ticketId) navigate(`/tickets/${n.ticketId}`);
  };

  const content = (
    <div className="bell-panel">
      <div className="bell-head">
        <b>{t('notifications.title')}</b>
        <Button type="link" size="small" disabled={unread === 0} loading={markAll.isPending} onClick={() => markAll.mutate()} data-testid="bell-read-all">
          {t('notifications.readAll')}
        </Button>
      </div>
      {notifications.isPending ? (
        <div className="bell-loading">
          <Spin />
        </div>
      ) : (
        <NotificationList items={notifications.data?.items ?? []} onOpen={openItem} />
      )}
    </div>
  );

  return (
    <Popover
      content={content}
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) void notifications.refetch();
      }}
      arrow={false}
    >
      <Tooltip title={open ? undefined : t('notifications.title')}>
        <Button type="text" aria-label={t('notifications.bellLabel', { count: unread })} data-testid="bell" style={{ height: 40 }}>
          <Badge count={unread} size="small" overflowCount={99} data-testid="bell-count">
            <BellOutlined style={{ fontSize: 17 }} />
          </Badge>
        </Button>
      </Tooltip>
    </Popover>
  );
}
