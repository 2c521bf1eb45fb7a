/**
 * Add, change or remove the exception on one date: a holiday (休) or a make-up working day (班)
 * with a name and, for a working day, its own hours (empty: the calendar's make-up-day hours).
 */
import { Button, DatePicker, Form, Input, Modal, Popconfirm, Radio } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { usePutException, useRemoveException } from '../../api/time-rules';
import type { CalendarDetail, CalendarException } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { handleFormError, validated } from '../../components/form-errors';
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

  const submit = async () => {
    const v = await validated(form);
    if (!v) return;
    const day = v.date.format('YYYY-MM-DD');
    try {
      await put.mutateAsync({
        date: day,
        kind: v.kind,
        name: v.name?.trim() || null,
        intervals: v.kind === 'workday' && v.intervals.length ? v.intervals : null,
      });
      showSuccess(t('calendars.exceptionSaved', { date: day }));
      onClose();
    } catch (error) {
      handleFormError(form, error);
    }
  };

  return (
    <Modal
      open={open}
      title={exception ? t('calendars.editException', { date: exception.date }) : t('calendars.addException')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'exception-save' }}
      confirmLoading={put.isPending}
      forceRender
      footer={(_, { OkBtn, CancelBtn }) => (
        <div className="modal-footer-split">
          <span>
            {exception && (
              <Popconfirm
                title={t('calendars.removeConfirm', { date: exception.date })}
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  remove.mutate(exception.id, {
                    onSuccess: () => {
                      showSuccess(t('calendars.exceptionRemoved', { date: exception.date }));
                      onClose();
                    },
                  })
                }
              >
                <Button danger data-testid="exception-remove">
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            )}
          </span>
          <span>
            <CancelBtn />
            <OkBtn />
          </span>
        </div>
      )}
    >
      <Form form={form} layout="vertical" requiredMark={false}>
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
      </Form>
    </Modal>
  );
}
