/**
 * Add, change or remove the exception on one date: a holiday (休) or a make-up working day (班)
 * with a name and, for a working day, its own hours (empty: the calendar's make-up-day hours).
 */
import { DatePicker, Form, Input, Radio } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { usePutException, useRemoveException } from '../../api/time-rules';
import type { CalendarDetail, CalendarException } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { DeleteButton, FormModal } from '../../components/form-modal';
import { intervalsText, type Interval } from './calendar-text';
import { IntervalList, intervalProblem } from './interval-list';

interface ExceptionValues {
  date: Dayjs;
  kind: 'holiday' | 'workday';
  name?: string;
  intervals: Interval[];
}

export function ExceptionModal({
  calendar,
  date,
  exception,
  defaultYear,
  open,
  onClose,
}: {
  calendar: CalendarDetail;
  date: string | null;
  exception: CalendarException | null;
  defaultYear: number;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ExceptionValues>();
  const put = usePutException(calendar.id);
  const remove = useRemoveException(calendar.id);
  const kind = Form.useWatch('kind', form);
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    const weekday = date ? ((dayjs(date).day() + 6) % 7) + 1 : null;
    // A weekday is usually made a holiday; a weekend day a make-up working day.
    const guess = weekday && !(calendar.weekly[String(weekday)] ?? []).length ? 'workday' : 'holiday';
    form.setFieldsValue({
      date: date ? dayjs(date) : dayjs(`${defaultYear}-01-01`),
      kind: exception?.kind ?? guess,
      name: exception?.name ?? '',
      intervals: exception?.intervals ?? [],
    });
  }, [open, date, exception, defaultYear, calendar.weekly, form]);

  const submit = async (v: ExceptionValues) => {
    const day = v.date.format('YYYY-MM-DD');
    await put.mutateAsync({
      date: day,
      kind: v.kind,
      name: v.name?.trim() || null,
      intervals: v.kind === 'workday' && v.intervals.length ? v.intervals : null,
    });
    showSuccess(t('calendars.exceptionSaved', { date: day }));
  };

  return (
    <FormModal
      form={form}
      open={open}
      title={exception ? t('calendars.editException', { date: exception.date }) : t('calendars.addException')}
      onClose={onClose}
      onSubmit={submit}
      okButtonProps={{ 'data-testid': 'exception-save' }}
      pending={put.isPending}
      footerStart={
        exception && (
          <DeleteButton
            confirm={t('calendars.removeConfirm', { date: exception.date })}
            testId="exception-remove"
            onConfirm={() =>
              remove.mutate(exception.id, {
                onSuccess: () => {
                  showSuccess(t('calendars.exceptionRemoved', { date: exception.date }));
                  onClose();
                },
              })
            }
          />
        )
      }
    >
      <div className="form-row-2">
        <Form.Item name="date" label={t('calendars.date')} rules={[{ required: true, message: t('common.required') }]}>
          <DatePicker style={{ width: '100%' }} disabled={Boolean(exception)} allowClear={false} data-testid="exception-date" />
        </Form.Item>
        <Form.Item name="kind" label={t('calendars.kind')}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'holiday', label: `${t('calendars.holidayShort')} · ${t('calendars.holiday')}` },
              { value: 'workday', label: `${t('calendars.workdayShort')} · ${t('calendars.workday')}` },
            ]}
            data-testid="exception-kind"
          />
        </Form.Item>
      </div>
      <Form.Item name="name" label={t('calendars.exceptionName')} extra={t('calendars.exceptionNameHint')}>
        <Input maxLength={100} data-testid="exception-name" />
      </Form.Item>
      {kind === 'workday' && (
        <Form.Item
          name="intervals"
          label={t('calendars.ownHours')}
          extra={t('calendars.ownHoursHint', { hours: intervalsText(calendar.defaultWorkday) || t('calendars.noDefaultWorkday') })}
          rules={[{ validator: (_, list: Interval[]) => { const p = intervalProblem(list ?? [], t); return p ? Promise.reject(new Error(p)) : Promise.resolve(); } }]}
        >
          <IntervalList emptyText={t('calendars.usesDefault')} />
        </Form.Item>
      )}
    </FormModal>
  );
}
