/**
 * A manager or administrator moves one ticket to another SLA policy, or — when the ticket has one
 * of its own — back to its customer's service level (the default policy when the customer has none).
 * The policy in force is preselected; saving it unchanged is not offered.
 */
import { Form, Select, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useCustomer } from '../../api/customers';
import { usePatchTicket } from '../../api/tickets';
import { usePolicies } from '../../api/time-rules';
import type { Ticket } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { useLabels } from '../../i18n/labels';
import { policyName } from '../sla-policies/policy-text';

/** The Select's value for "no override: the customer's service level (or the default)". */
const INHERIT = '__inherit__';

export function SlaPolicyModal({ ticket, open, onClose }: { ticket: Ticket; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [form] = Form.useForm<{ policy: string }>();
  const policies = usePolicies(open);
  const own = ticket.slaPolicy?.source === 'ticket';
  // Only to name what "restore" goes back to.
  const customer = useCustomer(open && own ? ticket.customer.id : null);
  const patch = usePatchTicket(ticket.id, true);
  const current = ticket.slaPolicy?.id;
  const chosen = Form.useWatch('policy', form);
  useEffect(() => {
    if (open) form.setFieldsValue({ policy: current });
  }, [open, current, form]);

  const byId = new Map((policies.data ?? []).map((p) => [p.id, p]));
  const fallback = (policies.data ?? []).find((p) => p.isDefault);
  const customerPolicy = customer.data?.slaPolicyId ? byId.get(customer.data.slaPolicyId) : undefined;
  const restoreLabel = customerPolicy
    ? t('sla.restoreCustomer', { name: policyName(customerPolicy, labels.lang) })
    : customer.data && fallback
      ? t('sla.restoreDefault', { name: policyName(fallback, labels.lang) })
      : t('sla.restoreInherited');

  const submit = async (values: { policy: string }) => {
    const saved = await patch.mutateAsync({ slaPolicyId: values.policy === INHERIT ? null : values.policy });
    const name = saved.slaPolicy ? policyName(saved.slaPolicy, labels.lang) : '—';
    showSuccess(values.policy === INHERIT ? t('sla.policyRestored', { name }) : t('sla.policyChanged', { name }));
  };

  const currentText = ticket.slaPolicy
    ? t('sla.policyWithSource', { name: policyName(ticket.slaPolicy, labels.lang), source: t(`sla.source.${ticket.slaPolicy.source}`) })
    : '—';
  // Until the list arrives, the preselected policy still shows its name rather than its id.
  const loadingCurrent = !policies.data && ticket.slaPolicy ? [{ value: ticket.slaPolicy.id, label: policyName(ticket.slaPolicy, labels.lang) }] : [];
  return (
    <FormModal
      form={form}
      open={open}
      title={`${t('sla.changePolicy')} · ${ticket.number}`}
      onClose={onClose}
      onSubmit={submit}
      okButtonProps={{ 'data-testid': 'sla-policy-save', disabled: !chosen || chosen === current }}
      pending={patch.isPending}
      errorAliases={{ slaPolicyId: 'policy' }}
      intro={<Typography.Paragraph type="secondary">{t('sla.changePolicyHint', { name: currentText })}</Typography.Paragraph>}
    >
      <Form.Item name="policy" label={t('sla.policy')} rules={[{ required: true, message: t('common.required') }]}>
        <Select
          loading={policies.isLoading}
          data-testid="sla-policy-select"
          options={[
            ...(own ? [{ value: INHERIT, label: restoreLabel }] : []),
            ...loadingCurrent,
            ...(policies.data ?? []).map((p) => ({
              value: p.id,
              label: p.isDefault ? `${policyName(p, labels.lang)}（${t('policies.default')}）` : policyName(p, labels.lang),
            })),
          ]}
        />
      </Form.Item>
    </FormModal>
  );
}
