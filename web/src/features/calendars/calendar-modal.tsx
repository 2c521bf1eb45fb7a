/**
 * Create a calendar (key, names, time zone, 24×7 or working hours) or edit its names and zone.
 * A new working-hours calendar starts Monday to Friday 08:30–17:30; the hours editor changes it.
 */
import { AutoComplete, Form, Input, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSaveCalendar } from '../../api/time-rules';
import type { Calendar } from '../../api/types';
import { changedFields } from '../../components/changed-fields';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';

interface CalendarValues {
  key: string;
  name: string;
  nameEn?: string;
  timeZone: string;
  always: boolean;
}

const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Macau', 'Asia/Taipei', 'Asia/Urumqi', 'Asia/Singapore', 'Asia/Tokyo', 'UTC'];
const OFFICE_DAY = [{ start: '08:30', end: '17:30' }];

export function CalendarModal({
  calendar,
  open,
  onClose,
  onSaved,
}: {
  calendar?: Calendar | null;
  open: boolean;
  onClose: () => void;
  onSaved?: (calendar: Calendar) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CalendarValues>();
  const save = useSaveCalendar(calendar?.id);
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      calendar
        ? { key: calendar.key, name: calendar.name, nameEn: calendar.nameEn ?? '', timeZone: calendar.timeZone, always: calendar.always }
        : { key: '', name: '', nameEn: '', timeZone: 'Asia/Shanghai', always: false },
    );
  }, [open, calendar, form]);

  const submit = async (v: CalendarValues) => {
    const common = { name: v.name.trim(), nameEn: v.nameEn?.trim() || null, timeZone: v.timeZone.trim(), always: v.always };
    const saved = await save.mutateAsync(
      calendar
        ? changedFields({ name: calendar.name, nameEn: calendar.nameEn, timeZone: calendar.timeZone, always: calendar.always }, common)
        : {
            ...common,
            key: v.key.trim(),
            weekly: v.always ? {} : { 1: OFFICE_DAY, 2: OFFICE_DAY, 3: OFFICE_DAY, 4: OFFICE_DAY, 5: OFFICE_DAY },
            defaultWorkday: v.always ? [] : OFFICE_DAY,
          },
    );
    showSuccess(calendar ? t('common.saved') : t('calendars.created', { name: saved.name }));
    onSaved?.(saved);
  };

  return (
    <FormModal
      form={form}
      open={open}
      title={calendar ? t('calendars.edit') : t('calendars.create')}
      onClose={onClose}
      onSubmit={submit}
      okButtonProps={{ 'data-testid': 'calendar-save' }}
      pending={save.isPending}
      submitOnEnter
    >
      <div className="form-row-2">
        <Form.Item
          name="key"
          label={t('calendars.key')}
          extra={calendar ? undefined : t('calendars.keyHint')}
          rules={[{ required: true, whitespace: true, message: t('common.required') }, { pattern: /^[a-z0-9][a-z0-9-]{1,49}$/, message: t('calendars.keyInvalid') }]}
        >
          <Input disabled={Boolean(calendar)} className="mono" data-testid="calendar-key" />
        </Form.Item>
        <Form.Item name="timeZone" label={t('calendars.timeZone')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <AutoComplete options={ZONES.map((z) => ({ value: z }))} />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="name" label={t('calendars.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input data-testid="calendar-name" />
        </Form.Item>
        <Form.Item name="nameEn" label={t('calendars.nameEn')}>
          <Input />
        </Form.Item>
      </div>
      <Form.Item name="always" label={t('calendars.alwaysSwitch')} valuePropName="checked" extra={t('calendars.alwaysHint')}>
        <Switch disabled={Boolean(calendar?.builtIn)} />
      </Form.Item>
    </FormModal>
  );
}
