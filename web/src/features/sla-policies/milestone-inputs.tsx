/**
 * The inputs of one milestone row in the policy editor. Each edits exactly the value the server
 * validates at that path (`…key`, `…anchor`, `…outOfHours`), so its errors land on the right cell.
 */
import { Checkbox, Input, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Calendar, MilestoneTarget } from '../../api/types';
import { workingDayMinutes } from '../../components/duration';
import { DurationInput } from '../../components/duration-input';
import { useLabels } from '../../i18n/labels';
import { calendarName } from '../calendars/calendar-text';
import { BUILT_IN_MILESTONES, isBuiltIn, milestoneLabel } from './policy-text';

interface ValueProps<T> {
  value?: T;
  onChange?: (value: T) => void;
  id?: string;
  disabled?: boolean;
  'aria-invalid'?: boolean | 'true' | 'false';
}

const CUSTOM = '__custom__';

/** A built-in milestone from a list, or 自定义 with its own key typed in. */
export function MilestoneKeyInput({ value = '', onChange, id, disabled, ...rest }: ValueProps<string>) {
  const { t } = useTranslation();
  const [custom, setCustom] = useState(() => Boolean(value) && !isBuiltIn(value));
  const showInput = custom || (Boolean(value) && !isBuiltIn(value));
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Select
        id={id}
        value={showInput ? CUSTOM : value || undefined}
        disabled={disabled}
        status={rest['aria-invalid'] === true || rest['aria-invalid'] === 'true' ? 'error' : undefined}
        onChange={(v: string) => {
          setCustom(v === CUSTOM);
          onChange?.(v === CUSTOM ? '' : v);
        }}
        options={[
          ...BUILT_IN_MILESTONES.map((k) => ({ value: k, label: t(`milestone.${k}` as 'milestone.respond') })),
          { value: CUSTOM, label: t('policies.customMilestone') },
        ]}
        style={{ width: showInput ? 92 : '100%' }}
        popupMatchSelectWidth={false}
        data-testid="milestone-key"
      />
      {showInput && (
        <Input value={value} onChange={(e) => onChange?.(e.target.value.trim())} disabled={disabled} placeholder="e.g. callback" className="mono" data-testid="milestone-custom-key" />
      )}
    </Space.Compact>
  );
}

export function CalendarSelect({ value, onChange, id, disabled, calendars, allowClear }: ValueProps<string> & { calendars: Calendar[]; allowClear?: boolean }) {
  const { t } = useTranslation();
  const labels = useLabels();
  return (
    <Select
      id={id}
      value={value || undefined}
      onChange={(v: string) => onChange?.(v ?? '')}
      disabled={disabled}
      allowClear={allowClear}
      placeholder={t('policies.chooseCalendar')}
      options={calendars.map((c) => ({ value: c.key, label: calendarName(c, labels.lang) }))}
      style={{ width: '100%' }}
      popupMatchSelectWidth={false}
      data-testid="calendar-select"
    />
  );
}

type Anchor = MilestoneTarget['anchor'];

/** 报告时 or "after <another milestone of this severity>". */
export function AnchorSelect({ value = 'reported', onChange, id, disabled, siblings, self }: ValueProps<Anchor> & { siblings: MilestoneTarget[]; self: string }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const current = value === 'reported' ? 'reported' : `m:${value.milestone}`;
  return (
    <Select
      id={id}
      value={current}
      disabled={disabled}
      onChange={(v: string) => onChange?.(v === 'reported' ? 'reported' : { milestone: v.slice(2) })}
      options={[
        { value: 'reported', label: t('policies.anchorReported') },
        ...siblings
          .filter((m) => m?.key && m.key !== self)
          .map((m) => ({ value: `m:${m.key}`, label: t('policies.anchorAfter', { name: milestoneLabel(m, t, labels.lang) }) })),
      ]}
      style={{ width: '100%' }}
      popupMatchSelectWidth={false}
      data-testid="anchor-select"
    />
  );
}

type OutOfHours = MilestoneTarget['outOfHours'];

/** Seed 000's "1 h in working hours, 5 h otherwise": an optional second target and the calendar that defines "working hours". */
export function OutOfHoursInput({ value, onChange, id, disabled, calendars, calendarKey }: ValueProps<OutOfHours> & { calendars: Calendar[]; calendarKey: string }) {
  const { t } = useTranslation();
  const calendar = calendars.find((c) => c.key === calendarKey);
  const hoursDefault = calendars.find((c) => !c.always)?.key ?? calendarKey;
  return (
    <div className="out-of-hours" id={id}>
      <Checkbox
        checked={Boolean(value)}
        disabled={disabled}
        onChange={(e) => onChange?.(e.target.checked ? { minutes: 300, hoursCalendar: hoursDefault } : undefined)}
        data-testid="out-of-hours-toggle"
      >
        {t('policies.outOfHoursToggle')}
      </Checkbox>
      {value && (
        <div className="out-of-hours-fields">
          <DurationInput
            value={value.minutes}
            onChange={(minutes) => onChange?.({ ...value, minutes: minutes ?? 0 })}
            dayMinutes={workingDayMinutes(calendar)}
            workingDays={Boolean(calendar && !calendar.always)}
            disabled={disabled}
            width={170}
          />
          <span className="muted">{t('policies.outOfHoursOf')}</span>
          <CalendarSelect value={value.hoursCalendar} onChange={(hoursCalendar) => onChange?.({ ...value, hoursCalendar })} calendars={calendars} disabled={disabled} />
        </div>
      )}
    </div>
  );
}
