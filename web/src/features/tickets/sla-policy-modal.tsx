/** A manager or administrator moves one ticket to another SLA policy (or back to its customer's). */
import { Form, Modal, Select, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { usePatchTicket } from '../../api/tickets';
import { usePolicies } from '../../api/time-rules';
import type { Ticket } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { handleFormError, validated } from '../../components/form-errors';

/** The Select's value for "no override: the customer's service level (or the default)". */
const INHERIT = '__inherit__';

export function SlaPolicyModal({ ticket, open, onClose }: { ticket: Ticket; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ policy: string }>();
  const policies = usePolicies(open);
  const patch = usePatchTicket(ticket.id, true);
  useEffect(() => {
    if (open) form.setFieldsValue({ policy: undefined });
  }, [open, form]);

  const submit = async () => {
    const values = await validated(form);
    if (!values) return;
    try {
      const saved = await patch.mutateAsync({ slaPolicyId: values.policy === INHERIT ? null : values.policy });
      showSuccess(t('sla.policyChanged', { name: saved.slaPolicy?.name ?? '—' }));
      onClose();
    } catch (error) {
      handleFormError(form, error, { slaPolicyId: 'policy' });
    }
  };

  return (
    <Modal
      open={open}
      title={`${t('sla.changePolicy')} · ${ticket.number}`}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'sla-policy-save' }}
      confirmLoading={patch.isPending}
      forceRender
    >
      <Typography.Paragraph type="secondary">{t('sla.changePolicyHint', { name: ticket.slaPolicy?.name ?? '—' })}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="policy" label={t('sla.policy')} rules={[{ required: true, message: t('common.required') }]}>
          <Select
            loading={policies.isLoading}
            data-testid="sla-policy-select"
            options={[
              { value: INHERIT, label: t('sla.inheritPolicy') },
              ...(policies.data ?? []).map((p) => ({ value: p.id, label: p.isDefault ? `${p.name}（${t('policies.default')}）` : p.name })),
            ]}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
