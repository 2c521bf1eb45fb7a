/**
 * antd's message and notification holders (loaded by `FeedbackBridge` in `feedback.tsx` when the
 * first toast is asked for, or once the page is idle — they are not part of the first load).
 */
import type { MessageInstance } from 'antd/es/message/interface';
import useMessage from 'antd/es/message/useMessage';
import type { NotificationInstance } from 'antd/es/notification/interface';
import useNotification from 'antd/es/notification/useNotification';
import { useEffect } from 'react';

export interface FeedbackApis {
  message: MessageInstance;
  notification: NotificationInstance;
}

export function FeedbackHolders({ onReady }: { onReady: (apis: FeedbackApis) => void }) {
  const [message, messageHolder] = useMessage();
  const [notification, notificationHolder] = useNotification();
  useEffect(() => onReady({ message, notification }), [message, notification, onReady]);
  return (
    <>
      {messageHolder}
      {notificationHolder}
    </>
  );
}
