/**
 * The policy's automatic close of resolved tickets: after how many calendar days without a customer
 * answer (absent = 7, off = null: never), and how many days before that the reporting contact is
 * mailed (absent = 1, 0 = no mail). Server: tickets/auto-close.ts.
 */
import { Form, InputNumber, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { DEFAULT_AUTO_CLOSE_DAYS, DEFAULT_AUTO_CLOSE_REMINDER_DAYS, MAX_AUTO_CLOSE_DAYS, autoCloseOf } from '../../../../common/api/sla-definition';
import type { SlaPolicyDefinition } from '../../api/types';
import type { TFunction } from 'i18next';

function DaysInput({ value, onChange, id }: { value?: number | null; onChange?: (v: number | null) => void; id?: string }) {
  const { t } = useTranslation();
  const on = value !== null;
  return (
    <span className="auto-close-days">
      <Switch
        checked={on}
        onChange={(checked) => onChange?.(checked ? DEFAULT_AUTO_CLOSE_DAYS : null)}
        aria-label={t('policies.autoCloseSwitch')}
        data-testid="policy-auto-close-switch"
      />
      {on ? (
        <InputNumber
          id={id}
          value={value ?? DEFAULT_AUTO_CLOSE_DAYS}
          onChange={(v) => onChange?.(v === null ? DEFAULT_AUTO_CLOSE_DAYS : Number(v))}
          min={1}
          max={MAX_AUTO_CLOSE_DAYS}
          precision={0}
          suffix={t('policies.daysSuffix')}
          style={{ width: 110 }}
          data-testid="policy-auto-close-days"
        />
      ) : (
        <span className="muted">{t('policies.autoCloseNever')}</span>
      )}
    </span>
  );
}

function ReminderInput({ value, onChange, id, max }: { value?: number; onChange?: (v: number) => void; id?: string; max: number }) {
  const { t } = useTranslation();
  return (
    <InputNumber
      id={id}
      value={value ?? DEFAULT_AUTO_CLOSE_REMINDER_DAYS}
      onChange={(v) => onChange?.(v === null ? 0 : Number(v))}
      min={0}
      max={max}
      precision={0}
      suffix={t('policies.daysSuffix')}
      style={{ width: 110 }}
      data-testid="policy-auto-close-reminder"
    />
  );
}

/** Two fields of the policy form (`definition.autoCloseDays`, `definition.autoCloseReminderDays`). */
export function AutoCloseFields() {
  const { t } = useTranslation();
  const days = Form.useWatch(['definition', 'autoCloseDays']) as number | null | undefined;
  const effective = days === undefined ? DEFAULT_AUTO_CLOSE_DAYS : days;
  return (
    <>
      <Form.Item name={['definition', 'autoCloseDays']} label={t('policies.autoClose')} tooltip={t('policies.autoCloseHint')}>
        <DaysInput />
      </Form.Item>
      {effective !== null && (
        <Form.Item name={['definition', 'autoCloseReminderDays']} label={t('policies.autoCloseReminder')} tooltip={t('policies.autoCloseReminderHint')}>
          <ReminderInput max={Math.max(0, effective - 1)} />
        </Form.Item>
      )}
    </>
  );
}

/** One sentence for people who read the policy without editing it. */
export function autoCloseText(def: SlaPolicyDefinition, t: TFunction) {
  const { days, reminderDays } = autoCloseOf(def);
  if (days === null) return t('policies.autoCloseOff');
  return reminderDays > 0 ? t('policies.autoCloseText', { days, reminder: reminderDays }) : t('policies.autoCloseTextNoMail', { days });
}
