/** Times: relative ("3 分钟前") with the absolute time in a tooltip, or absolute only. */
import { Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';

export const formatDateTime = (iso: string | null | undefined) => (iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '');

export function RelativeTime({ value }: { value: string }) {
  // Subscribing to the language re-renders the text when it changes.
  useTranslation();
  return (
    <Tooltip title={formatDateTime(value)}>
      <time dateTime={value} style={{ whiteSpace: 'nowrap' }}>
        {dayjs(value).fromNow()}
      </time>
    </Tooltip>
  );
}

export function DateTime({ value }: { value: string | null | undefined }) {
  return value ? <time dateTime={value} style={{ whiteSpace: 'nowrap' }}>{formatDateTime(value)}</time> : null;
}
