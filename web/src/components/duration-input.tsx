/**
 * An amount of time as a number and a unit (分钟 / 小时 / 天 or 工作日); the form value is whole
 * minutes, so server errors on `…minutes` land on this field. A "working day" is the calendar's
 * working-day length (540 min on 5×8 China), a day on a 24×7 calendar is 24 h.
 */
import { InputNumber, Select, Space } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

type Unit = 'minute' | 'hour' | 'day';

export interface DurationInputProps {
  value?: number | null;
  onChange?: (minutes: number | null) => void;
  id?: string;
  /** Minutes in one "day" unit: a working day on working-time calendars, else 1440. */
  dayMinutes?: number;
  /** Call the day unit 工作日 (working time) rather than 天. */
  workingDays?: boolean;
  disabled?: boolean;
  status?: 'error' | 'warning';
  'data-testid'?: string;
  width?: number;
}

const sizeOf = (unit: Unit, dayMinutes: number) => (unit === 'day' ? dayMinutes : unit === 'hour' ? 60 : 1);

function bestUnit(minutes: number | null | undefined, dayMinutes: number): Unit {
  if (!minutes) return 'minute';
  if (minutes % dayMinutes === 0) return 'day';
  if (minutes % 60 === 0) return 'hour';
  return 'minute';
}

export function DurationInput({ value, onChange, id, dayMinutes = 1440, workingDays = false, disabled, status, width = 190, ...rest }: DurationInputProps) {
  const { t } = useTranslation();
  const [unit, setUnit] = useState<Unit>(() => bestUnit(value, dayMinutes));
  const size = sizeOf(unit, dayMinutes);
  // A value set from outside (a reset, a template) picks the unit that reads best; what was typed here keeps its unit.
  const emitted = useRef<number | null | undefined>(value);
  useEffect(() => {
    if (value !== emitted.current) {
      emitted.current = value;
      setUnit(bestUnit(value, dayMinutes));
    }
  }, [value, dayMinutes]);
  const amount = value === null || value === undefined ? null : Math.round((value / size) * 100) / 100;
  const emit = (minutes: number | null) => {
    emitted.current = minutes;
    onChange?.(minutes);
  };

  return (
    <Space.Compact style={{ width }} data-testid={rest['data-testid']}>
      <InputNumber
        id={id}
        min={0}
        value={amount}
        disabled={disabled}
        status={status}
        onChange={(n) => emit(n === null ? null : Math.round(Number(n) * size))}
        style={{ flex: 1, minWidth: 0 }}
        data-testid={rest['data-testid'] ? `${rest['data-testid']}-amount` : undefined}
      />
      <Select<Unit>
        value={unit}
        disabled={disabled}
        onChange={(next) => {
          setUnit(next);
          if (amount !== null) emit(Math.round(amount * sizeOf(next, dayMinutes)));
        }}
        options={[
          { value: 'minute', label: t('duration.unitMinute') },
          { value: 'hour', label: t('duration.unitHour') },
          { value: 'day', label: workingDays ? t('duration.unitWorkingDay') : t('duration.unitDay') },
        ]}
        style={{ width: 84 }}
        popupMatchSelectWidth={false}
        data-testid={rest['data-testid'] ? `${rest['data-testid']}-unit` : undefined}
      />
    </Space.Compact>
  );
}
