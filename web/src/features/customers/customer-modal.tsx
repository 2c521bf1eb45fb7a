/** Create or edit a customer organisation, including its service level (SLA policy). */
import { Form, Input } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSaveCustomer } from '../../api/customers';
import type { Customer } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { CenterSelect } from '../../components/center-select';
import { PolicySelect } from '../../components/policy-select';
import { useMe } from '../auth/session';

interface CustomerValues {
  name: string;
  code?: string;
  industry?: string;
  region?: string;
  centerId?: string | null;
  slaPolicyId?: string | null;
  notes?: string;
}

export function CustomerModal({
  customer,
  open,
  onClose,
  onSaved,
}: {
  customer?: Customer | null;
  open: boolean;
  onClose: () => void;
  onSaved?: (customer: Customer) => void;
}) {
  const { t } = useTranslation();
  // A customer's service level moves the clocks of all its tickets: managers and administrators decide it.
  const mayChangeServiceLevel = ['admin', 'manager'].includes(useMe().role);
  const [form] = Form.useForm<CustomerValues>();
  const save = useSaveCustomer(customer?.id);
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (customer) {
      form.setFieldsValue({
        name: customer.name,
        code: customer.code ?? '',
        industry: customer.industry ?? '',
        region: customer.region ?? '',
        centerId: customer.centerId,
        slaPolicyId: customer.slaPolicyId,
        notes: customer.notes ?? '',
      });
    }
  }, [open, customer, form]);

  const submit = async (values: CustomerValues) => {
    const saved = await save.mutateAsync({
      name: values.name.trim(),
      code: values.code?.trim() || null,
      industry: values.industry?.trim() || null,
      region: values.region?.trim() || null,
      centerId: values.centerId ?? null,
      slaPolicyId: values.slaPolicyId ?? null,
      notes: values.notes?.trim() || null,
    });
    showSuccess(customer ? t('common.saved') : t('customers.created', { name: saved.name }));
    onSaved?.(saved);
  };

  return (
    <FormModal
      form={form}
      open={open}
      title={customer ? t('customers.edit') : t('customers.create')}
      onClose={onClose}
      onSubmit={submit}
      pending={save.isPending}
      submitOnEnter
    >
      <Form.Item name="name" label={t('customers.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input autoFocus data-testid="customer-name" />
      </Form.Item>
      <div className="form-row-2">
        <Form.Item name="code" label={t('customers.code')}>
          <Input />
        </Form.Item>
        <Form.Item name="industry" label={t('customers.industry')}>
          <Input />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="region" label={t('customers.region')}>
          <Input />
        </Form.Item>
        <Form.Item name="centerId" label={t('customers.center')}>
          <CenterSelect placeholder={t('customers.center')} />
        </Form.Item>
      </div>
      <Form.Item
        name="slaPolicyId"
        label={t('customers.slaPolicy')}
        extra={mayChangeServiceLevel ? t('customers.slaPolicyHint') : t('customers.slaPolicyManagersOnly')}
      >
        <PolicySelect data-testid="customer-sla-policy-select" disabled={!mayChangeServiceLevel} />
      </Form.Item>
      <Form.Item name="notes" label={t('customers.notes')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
    </FormModal>
  );
}
