/**
 * The one way the app shows a moment (bell, timeline, tables, admin pages):
 * - absolute: `YYYY-MM-DD HH:mm` in the browser's time zone (`formatDateTime`, `<DateTime>`);
 * - relative where recency matters ("3 分钟前" / "3 minutes ago", in the reader's language), with the
 *   absolute time in a tooltip on hover (`<RelativeTime>`), kept fresh by the shared
 *   clock (`useNow`, every 30 s) rather than a timer per element.
 * Use these instead of `dayjs(...).format(...)` or `toLocaleString()` in pages.
 */
import { Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNow } from './use-now';

export const DATE_TIME_FORMAT = 'YYYY-MM-DD HH:mm';
export const DATE_FORMAT = 'YYYY-MM-DD';

/** `2026-03-02 10:05`, or '' for nothing. */
export const formatDateTime = (iso: string | null | undefined) => (iso ? dayjs(iso).format(DATE_TIME_FORMAT) : '');
/** `2026-03-02`, or '' for nothing. */
export const formatDate = (iso: string | null | undefined) => (iso ? dayjs(iso).format(DATE_FORMAT) : '');
/** With seconds, for hovers where the exact moment matters (the audit log, deliveries). */
const formatExact = (iso: string) => dayjs(iso).format('YYYY-MM-DD HH:mm:ss');

/** "3 分钟前" / "2 小时后", in the current language. */
export const relativeTime = (iso: string) => dayjs(iso).fromNow();

export function RelativeTime({ value, 'data-testid': testId }: { value: string; 'data-testid'?: string }) {
  // Subscribing to the language re-renders the text when it changes; the shared clock keeps it fresh.
  useTranslation();
  useNow(30_000);
  return (
    <Tooltip title={formatDateTime(value)}>
      <time dateTime={value} style={{ whiteSpace: 'nowrap' }} data-testid={testId}>
        {relativeTime(value)}
      </time>
    </Tooltip>
  );
}

export function DateTime({ value, 'data-testid': testId }: { value: string | null | undefined; 'data-testid'?: string }) {
  return value ? (
    <time dateTime={value} title={formatExact(value)} style={{ whiteSpace: 'nowrap' }} data-testid={testId}>
      {formatDateTime(value)}
    </time>
  ) : null;
}
