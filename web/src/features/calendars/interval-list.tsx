/** Working intervals of one day ("08:30–12:00, 13:00–17:30"): add, edit, remove. */
import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Input, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { clockMinutes } from '../../components/duration';
import type { Interval } from './calendar-text';

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** What is wrong with a day's intervals, for the person typing them; null when nothing. */
export function intervalProblem(list: readonly Interval[], t: (key: 'calendars.badClock' | 'calendars.badOrder' | 'calendars.overlap') => string): string | null {
  for (const i of list) {
    if (!CLOCK.test(i.start) || !CLOCK.test(i.end)) return t('calendars.badClock');
    if (clockMinutes(i.end) <= clockMinutes(i.start)) return t('calendars.badOrder');
  }
  const sorted = [...list].sort((a, b) => clockMinutes(a.start) - clockMinutes(b.start));
  for (let k = 1; k < sorted.length; k++) if (clockMinutes(sorted[k]!.start) < clockMinutes(sorted[k - 1]!.end)) return t('calendars.overlap');
  return null;
}

export function IntervalList({
  value = [],
  onChange,
  disabled,
  emptyText,
  testId,
}: {
  value?: Interval[];
  onChange?: (value: Interval[]) => void;
  disabled?: boolean;
  emptyText?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const set = (index: number, patch: Partial<Interval>) => onChange?.(value.map((i, k) => (k === index ? { ...i, ...patch } : i)));
  const last = value[value.length - 1];
  return (
    <div className="interval-list" data-testid={testId}>
      {value.length === 0 && <span className="muted interval-empty">{emptyText ?? t('calendars.dayOff')}</span>}
      {value.map((interval, index) => (
        <span className="interval" key={index}>
          <Input
            size="small"
            value={interval.start}
            onChange={(e) => set(index, { start: e.target.value.trim() })}
            disabled={disabled}
            placeholder="08:30"
            aria-label={t('calendars.start')}
            status={CLOCK.test(interval.start) ? undefined : 'error'}
          />
          <span className="muted">–</span>
          <Input
            size="small"
            value={interval.end}
            onChange={(e) => set(index, { end: e.target.value.trim() })}
            disabled={disabled}
            placeholder="17:30"
            aria-label={t('calendars.end')}
            status={CLOCK.test(interval.end) ? undefined : 'error'}
          />
          {!disabled && (
            <Button
              size="small"
              type="text"
              icon={<CloseOutlined />}
              aria-label={t('calendars.removeInterval')}
              onClick={() => onChange?.(value.filter((_, k) => k !== index))}
            />
          )}
        </span>
      ))}
      {!disabled && (
        <Tooltip title={t('calendars.addInterval')}>
          <Button
            size="small"
            type="dashed"
            icon={<PlusOutlined />}
            aria-label={t('calendars.addInterval')}
            onClick={() => onChange?.([...value, last ? { start: last.end === '24:00' ? '23:00' : last.end, end: last.end === '24:00' ? '24:00' : '17:30' } : { start: '08:30', end: '17:30' }])}
          />
        </Tooltip>
      )}
    </div>
  );
}
