/**
 * Add or edit one step of the escalation matrix: severity, after how long (elapsed time since the
 * report, or working time on a calendar), the level the ticket reaches, who is told, active or not.
 */
import { Form, InputNumber, Radio, Select, Switch } from 'antd';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { SEVERITIES, type Severity } from '../../../../common/domain';
import { useUsers } from '../../api/admin';
import { useCalendars, useDeleteEscalationRule, useEscalationContacts, useSaveEscalationRule } from '../../api/time-rules';
import type { EscalationRuleDto } from '../../api/types';
import { workingDayMinutes } from '../../components/duration';
import { DurationInput } from '../../components/duration-input';
import { changedFields } from '../../components/changed-fields';
import { showSuccess } from '../../components/feedback';
import { DeleteButton, FormModal } from '../../components/form-modal';
import { useLabels } from '../../i18n/labels';
import { CalendarSelect } from '../sla-policies/milestone-inputs';
import { decodeRecipient, encodeRecipient, ESCALATION_ROLES } from './recipients';

interface RuleValues {
  severity: Severity;
  afterMinutes: number;
  clock: 'calendar' | 'working';
  calendar?: string;
  level: number;
  recipients: string[];
  active: boolean;
}

export interface RuleDialog {
  rule: EscalationRuleDto | null;
  /** Prefill for a new rule (from an empty cell of the grid). */
  severity?: Severity;
  afterMinutes?: number;
}

export function RuleModal({ dialog, onClose }: { dialog: RuleDialog | null; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [form] = Form.useForm<RuleValues>();
  const rule = dialog?.rule ?? null;
  const save = useSaveEscalationRule(rule?.id);
  const remove = useDeleteEscalationRule();
  const calendars = useCalendars(dialog !== null);
  const contacts = useEscalationContacts(dialog !== null);
  const users = useUsers({ active: true }, dialog !== null);
  const clock = Form.useWatch('clock', form);
  const calendarKey = Form.useWatch('calendar', form);
  const calendar = calendars.data?.find((c) => c.key === calendarKey);

  useEffect(() => {
    if (!dialog) return;
    form.resetFields();
    const r = dialog.rule;
    form.setFieldsValue(
      r
        ? {
            severity: r.severity,
            afterMinutes: r.afterMinutes,
            clock: r.clock,
            calendar: r.calendar ?? undefined,
            level: r.level,
            recipients: r.recipients.map(encodeRecipient),
            active: r.active,
          }
        : { severity: dialog.severity ?? 'P1', afterMinutes: dialog.afterMinutes ?? 60, clock: 'calendar', level: 1, recipients: [], active: true },
    );
  }, [dialog, form]);

  const options = useMemo(
    () => [
      {
        label: t('escalation.groupRoles'),
        title: 'roles',
        options: [...ESCALATION_ROLES.map((r) => ({ value: `role:${r}`, label: labels.role(r) })), { value: 'on_call', label: t('escalation.onCall') }],
      },
      {
        label: t('escalation.groupExternal'),
        title: 'external',
        options: [
          { value: 'vendor', label: t('escalation.vendor') },
          ...(contacts.data ?? []).filter((c) => !c.isVendorCenter).map((c) => ({ value: `contact:${c.id}`, label: c.organisation ? `${c.organisation} ${c.name}` : c.name })),
        ],
      },
      {
        label: t('escalation.groupUsers'),
        title: 'users',
        options: (users.data ?? [])
          .filter((u) => !u.customerId)
          .map((u) => ({ value: `user:${u.id}`, label: `${u.name}（${labels.role(u.role)}）` })),
      },
    ],
    [contacts.data, users.data, labels, t],
  );

  const submit = async (v: RuleValues) => {
    const body = {
      severity: v.severity,
      afterMinutes: v.afterMinutes,
      clock: v.clock,
      calendar: v.clock === 'working' ? (v.calendar ?? null) : null,
      level: v.level,
      recipients: v.recipients.map(decodeRecipient),
      active: v.active,
    };
    await save.mutateAsync(rule ? changedFields(rule, body) : body);
    showSuccess(rule ? t('escalation.ruleSaved') : t('escalation.ruleCreated'));
  };

  return (
    <FormModal
      form={form}
      open={dialog !== null}
      title={rule ? t('escalation.editRule') : t('escalation.addRule')}
      onClose={onClose}
      onSubmit={submit}
      okButtonProps={{ 'data-testid': 'rule-save' }}
      pending={save.isPending}
      width={620}
      footerStart={
        rule && (
          <DeleteButton
            confirm={t('escalation.deleteConfirm')}
            testId="rule-delete"
            onConfirm={() =>
              remove.mutate(rule.id, {
                onSuccess: () => {
                  showSuccess(t('escalation.ruleDeleted'));
                  onClose();
                },
              })
            }
          />
        )
      }
    >
      <Form.Item name="severity" label={t('escalation.severity')}>
        <Radio.Group optionType="button" buttonStyle="solid" options={SEVERITIES.map((s) => ({ value: s, label: `${s} ${labels.severityName(s)}` }))} data-testid="rule-severity" />
      </Form.Item>
      <div className="form-row-2">
        <Form.Item name="clock" label={t('escalation.clock')}>
          <Radio.Group
            options={[
              { value: 'calendar', label: t('escalation.clockCalendar') },
              { value: 'working', label: t('escalation.clockWorking') },
            ]}
          />
        </Form.Item>
        {clock === 'working' && (
          <Form.Item name="calendar" label={t('escalation.calendar')} rules={[{ required: true, message: t('policies.chooseCalendar') }]}>
            <CalendarSelect calendars={(calendars.data ?? []).filter((c) => !c.always)} />
          </Form.Item>
        )}
      </div>
      <div className="form-row-2">
        <Form.Item
          name="afterMinutes"
          label={clock === 'working' ? t('escalation.afterWorking') : t('escalation.after')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <DurationInput dayMinutes={clock === 'working' ? workingDayMinutes(calendar) : 1440} workingDays={clock === 'working'} width={220} data-testid="rule-after" />
        </Form.Item>
        <Form.Item name="level" label={t('escalation.level')} extra={t('escalation.levelHint')} rules={[{ required: true, message: t('common.required') }]}>
          <InputNumber min={1} max={9} precision={0} prefix="L" style={{ width: 110 }} data-testid="rule-level" />
        </Form.Item>
      </div>
      <Form.Item name="recipients" label={t('escalation.recipients')} rules={[{ required: true, type: 'array', min: 1, message: t('escalation.recipientsRequired') }]}>
        <Select
          mode="multiple"
          options={options}
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('escalation.recipientsPlaceholder')}
          loading={users.isLoading || contacts.isLoading}
          data-testid="rule-recipients"
        />
      </Form.Item>
      <Form.Item name="active" label={t('escalation.active')} valuePropName="checked">
        <Switch />
      </Form.Item>
    </FormModal>
  );
}
