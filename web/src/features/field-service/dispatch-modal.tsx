/**
 * The dialog that dispatches a ticket: from the board, to the engineer it was dropped on or picked
 * for — assign only (PATCH /api/tickets/:id {assigneeId}) or assign and plan a visit — and from the
 * ticket page's visits card, plan a visit. The window starts at the next full hour and lasts the
 * desk's default visit length; the engineers come from the ticket's suggestions (ranked, the
 * chosen one first, leading). Mounted only while open, so its reads happen only then.
 */
import { Alert, DatePicker, Form, Input, Radio, Select, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey } from '../../api/client';
import { type EngineerSuggestion, useAssignTicket, useCreateVisit, useFieldServiceSettings, useSuggestions } from '../../api/field-service';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { DEFAULT_FIELD_SERVICE_SETTINGS } from '../../../../common/api/field-service';
import { LevelTag, ReasonList, useIneligibleWhy } from './dispatch-parts';

export interface DispatchTicket {
  id: string;
  number: string;
  title: string;
  assignee: { id: string; name: string } | null;
}

interface Values {
  action: 'assign' | 'plan';
  plannedStart: Dayjs;
  plannedEnd: Dayjs;
  engineerIds: string[];
  notes?: string;
}

const TIME_FORMAT = 'YYYY-MM-DD HH:mm';

export function DispatchModal({
  ticket,
  engineer,
  onClose,
  onDone,
}: {
  ticket: DispatchTicket;
  /** The engineer chosen on the board: the dialog offers assign only or assign + plan. Without: plan a visit. */
  engineer?: { id: string; name: string } | null;
  onClose: () => void;
  onDone?: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const action = Form.useWatch('action', form);
  const settings = useFieldServiceSettings();
  const suggestions = useSuggestions(ticket.id);
  const assign = useAssignTicket();
  const create = useCreateVisit();
  const why = useIneligibleWhy();
  // One key per opening: a retried submission of this dialog creates one visit.
  const idempotencyKey = useRef(newIdempotencyKey());
  const dispatching = Boolean(engineer);
  const minutes = settings.data?.defaultVisitMinutes ?? DEFAULT_FIELD_SERVICE_SETTINGS.defaultVisitMinutes;

  // biome-ignore lint/correctness/useExhaustiveDependencies: filled once on opening; the length only once the settings arrive
  useEffect(() => {
    const start = dayjs().add(1, 'hour').startOf('hour');
    const lead = engineer?.id ?? ticket.assignee?.id;
    form.setFieldsValue({ action: 'plan', plannedStart: start, plannedEnd: start.add(minutes, 'minute'), engineerIds: lead ? [lead] : [] });
  }, [settings.isSuccess]);

  const chosen = engineer ? suggestions.data?.find((s) => s.user.id === engineer.id) : undefined;
  const options = useMemo(() => {
    const list: { value: string; label: string; search: string; suggestion?: EngineerSuggestion }[] = (suggestions.data ?? []).map((s) => ({
      value: s.user.id,
      label: s.user.name,
      search: s.user.name,
      suggestion: s,
    }));
    for (const known of [engineer, ticket.assignee]) {
      if (known && !list.some((o) => o.value === known.id)) list.unshift({ value: known.id, label: known.name, search: known.name, suggestion: undefined });
    }
    return list;
  }, [suggestions.data, engineer, ticket.assignee]);

  const submit = async (values: Values) => {
    if (engineer && ticket.assignee?.id !== engineer.id) {
      await assign.mutateAsync({ ticketId: ticket.id, assigneeId: engineer.id });
      if (values.action === 'assign') showSuccess(t('dispatch.modal.assigned', { name: engineer.name }));
    }
    if (!dispatching || values.action === 'plan') {
      await create.mutateAsync({
        ticketId: ticket.id,
        idempotencyKey: idempotencyKey.current,
        body: {
          plannedStart: values.plannedStart.toISOString(),
          plannedEnd: values.plannedEnd.toISOString(),
          engineerIds: values.engineerIds,
          notes: values.notes?.trim() || null,
        },
      });
      showSuccess(t('dispatch.modal.planned'));
    }
    onDone?.();
  };

  const planning = !dispatching || action !== 'assign';
  return (
    <FormModal<Values>
      form={form}
      open
      destroyOnHidden
      onClose={onClose}
      onSubmit={submit}
      pending={assign.isPending || create.isPending}
      okText={t('dispatch.modal.submit')}
      okButtonProps={{ 'data-testid': 'dispatch-submit' }}
      title={t(dispatching ? 'dispatch.modal.title' : 'dispatch.modal.planTitle', { number: ticket.number })}
      width={560}
      intro={
        <div className="fs-modal-intro" data-testid="dispatch-modal">
          <Typography.Text strong>
            {ticket.number} {ticket.title}
          </Typography.Text>
          {ticket.assignee && (
            <div className="muted">{t('dispatch.modal.currentAssignee', { name: ticket.assignee.name })}</div>
          )}
          {engineer && (
            <div className="fs-modal-engineer" data-testid="dispatch-engineer">
              <Space size={6} wrap>
                <span className="muted">{t('dispatch.modal.engineer')}</span>
                <Typography.Text strong>{engineer.name}</Typography.Text>
                {chosen && <LevelTag level={chosen.user.level} />}
                {chosen?.user.center && <span className="muted">{chosen.user.center.name}</span>}
              </Space>
              {chosen && <ReasonList reasons={chosen.reasons} />}
              {chosen && !chosen.eligible && (
                <Alert type="warning" showIcon message={t('dispatch.modal.ineligible', { name: engineer.name, why: why(chosen.reasons) })} />
              )}
            </div>
          )}
        </div>
      }
      errorAliases={{ engineerIds: 'engineerIds' }}
    >
      {dispatching && (
        <Form.Item name="action" label={t('dispatch.modal.mode')}>
          <Radio.Group data-testid="dispatch-action">
            <Radio value="assign" data-testid="dispatch-assign-only">
              {t('dispatch.modal.assignOnly')}
            </Radio>
            <Radio value="plan" data-testid="dispatch-assign-plan">
              {t('dispatch.modal.assignAndPlan')}
            </Radio>
          </Radio.Group>
        </Form.Item>
      )}
      {planning && (
        <>
          <div className="fs-window">
            <Form.Item name="plannedStart" label={t('dispatch.modal.start')} rules={[{ required: true, message: t('dispatch.modal.required') }]}>
              <DatePicker
                showTime={{ format: 'HH:mm', minuteStep: 5 }}
                format={TIME_FORMAT}
                allowClear={false}
                style={{ width: '100%' }}
                data-testid="visit-start"
                onChange={(start) => {
                  // Moving the start keeps the length.
                  const prev = form.getFieldValue('plannedStart') as Dayjs | undefined;
                  const end = form.getFieldValue('plannedEnd') as Dayjs | undefined;
                  if (start && prev && end) form.setFieldValue('plannedEnd', start.add(end.diff(prev, 'minute'), 'minute'));
                }}
              />
            </Form.Item>
            <Form.Item
              name="plannedEnd"
              label={t('dispatch.modal.end')}
              dependencies={['plannedStart']}
              rules={[
                { required: true, message: t('dispatch.modal.required') },
                ({ getFieldValue }) => ({
                  validator: (_, end: Dayjs | undefined) =>
                    !end || !getFieldValue('plannedStart') || end.isAfter(getFieldValue('plannedStart'))
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('dispatch.modal.endAfterStart'))),
                }),
              ]}
            >
              <DatePicker showTime={{ format: 'HH:mm', minuteStep: 5 }} format={TIME_FORMAT} allowClear={false} style={{ width: '100%' }} data-testid="visit-end" />
            </Form.Item>
          </div>
          <Form.Item
            name="engineerIds"
            label={t('dispatch.modal.engineers')}
            extra={t('dispatch.modal.engineersHint')}
            rules={[{ required: true, type: 'array', min: 1, message: t('dispatch.modal.required') }]}
          >
            <Select
              mode="multiple"
              data-testid="visit-engineers"
              loading={suggestions.isLoading}
              showSearch={{ optionFilterProp: 'search' }}
              options={options}
              optionRender={(o) => {
                const s = o.data.suggestion;
                return (
                  <div className={s && !s.eligible ? 'fs-option-ineligible' : undefined} data-testid="visit-engineer-option">
                    <Space size={6}>
                      <span>{o.data.label}</span>
                      {s && <LevelTag level={s.user.level} />}
                      {s?.user.center && <span className="muted">{s.user.center.name}</span>}
                      {s && !s.eligible && <span className="muted">{t('dispatch.ineligible')}</span>}
                    </Space>
                  </div>
                );
              }}
            />
          </Form.Item>
          <Form.Item name="notes" label={t('dispatch.modal.notes')}>
            <Input.TextArea rows={2} maxLength={5000} placeholder={t('dispatch.modal.notesPlaceholder')} data-testid="visit-notes" />
          </Form.Item>
        </>
      )}
    </FormModal>
  );
}
