/**
 * "When would this be due?": a start in the calendar's own time zone plus an amount of working
 * time gives the end, said in words with how much calendar time that is.
 */
import { ArrowRightOutlined } from '@ant-design/icons';
import { Card, DatePicker, Form, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useWorkingTimePreview } from '../../api/time-rules';
import type { Calendar } from '../../api/types';
import { formatMinutes, workingDayMinutes } from '../../components/duration';
import { DurationInput } from '../../components/duration-input';
import { errorText } from '../../components/feedback';
import { weekdayName } from './calendar-text';

dayjs.extend(utc);
dayjs.extend(timezone);

const INPUT_FORMAT = 'YYYY-MM-DD HH:mm';

export function DuePreview({ calendar }: { calendar: Calendar }) {
  const { t } = useTranslation();
  // The picker shows wall-clock time; start at this hour as the calendar's zone sees it.
  const [start, setStart] = useState<Dayjs | null>(() => dayjs(dayjs().tz(calendar.timeZone).format('YYYY-MM-DD HH:00')));
  const [minutes, setMinutes] = useState<number | null>(60);
  // The picked wall-clock time is read in the calendar's zone, whatever the browser's zone is.
  const startIso = start ? dayjs.tz(start.format(INPUT_FORMAT), calendar.timeZone).toISOString() : null;
  const preview = useWorkingTimePreview(calendar.id, startIso, minutes);

  let result: React.ReactNode = null;
  if (preview.isError) result = <Typography.Text type="danger">{errorText(preview.error)}</Typography.Text>;
  else if (preview.data && startIso) {
    const end = dayjs(preview.data.end).tz(calendar.timeZone);
    const wall = Math.round((end.valueOf() - Date.parse(startIso)) / 60_000);
    const weekday = weekdayName(((end.day() + 6) % 7) + 1, t);
    result = (
      <div className="due-result" data-testid="due-result" data-end={end.format(INPUT_FORMAT)}>
        <ArrowRightOutlined />{' '}
        <span>
          {t('calendars.previewEnd')} <b className="due-end">{`${end.format('YYYY-MM-DD')} ${weekday} ${end.format('HH:mm')}`}</b>
        </span>
        <div className="muted">{t('calendars.previewWords', { wall: formatMinutes(wall, t), zone: calendar.timeZone })}</div>
      </div>
    );
  }

  return (
    <Card size="small" title={t('calendars.preview')} className="section-card" data-testid="due-preview">
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t('calendars.previewHint')}
      </Typography.Paragraph>
      <Form layout="vertical" requiredMark={false}>
        <Form.Item label={t('calendars.previewStart', { zone: calendar.timeZone })}>
          <DatePicker showTime={{ format: 'HH:mm' }} format={INPUT_FORMAT} value={start} onChange={setStart} style={{ width: '100%' }} data-testid="preview-start" />
        </Form.Item>
        <Form.Item label={t('calendars.previewMinutes')}>
          <DurationInput value={minutes} onChange={setMinutes} dayMinutes={workingDayMinutes(calendar)} workingDays={!calendar.always} width={220} data-testid="preview-minutes" />
        </Form.Item>
      </Form>
      {result}
    </Card>
  );
}
