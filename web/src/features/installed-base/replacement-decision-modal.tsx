/**
 * Approving a replacement proposal names the new unit (serial required; product the same unless
 * changed; warranty end recomputed from today unless given); rejecting one says why (required).
 */
import { DatePicker, Form, Input, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useProductList } from '../../api/contracts';
import { useDecideReplacement, type ReplacementProposal } from '../../api/replacements';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';

interface DecisionValues {
  newSerial?: string;
  productId?: string;
  warrantyEndsOn?: Dayjs | null;
  note?: string;
}

export function ReplacementDecisionModal({ proposal, decision, onClose }: { proposal: ReplacementProposal | null; decision: 'approve' | 'reject'; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DecisionValues>();
  const decide = useDecideReplacement(proposal?.id ?? '');
  const open = proposal !== null;
  const approving = decision === 'approve';
  const products = useProductList(open && approving);
  useEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);

  const submit = async (v: DecisionValues) => {
    if (approving) {
      await decide.mutateAsync({
        decision: 'approve',
        newSerial: v.newSerial!.trim(),
        ...(v.productId ? { productId: v.productId } : {}),
        ...(v.warrantyEndsOn ? { warrantyEndsOn: v.warrantyEndsOn.format('YYYY-MM-DD') } : {}),
        note: v.note?.trim() || null,
      });
      showSuccess(t('replacements.approved', { serial: v.newSerial!.trim() }));
    } else {
      await decide.mutateAsync({ decision: 'reject', note: v.note!.trim() });
      showSuccess(t('replacements.rejected'));
    }
  };

  return (
    <FormModal
      form={form}
      open={open}
      destroyOnHidden
      title={proposal ? t(approving ? 'replacements.approveTitle' : 'replacements.rejectTitle', { serial: proposal.device.serial }) : ''}
      okText={approving ? t('replacements.approve') : t('replacements.reject')}
      okButtonProps={approving ? undefined : { danger: true }}
      onClose={onClose}
      onSubmit={submit}
      pending={decide.isPending}
      errorAliases={{ productId: 'productId', warrantyEndsOn: 'warrantyEndsOn' }}
      intro={
        proposal && (
          <p className="muted">
            {t('replacements.decisionIntro', { serial: proposal.device.serial, product: proposal.device.product, customer: proposal.customer.name, count: proposal.counted.length })}
          </p>
        )
      }
    >
      {approving && (
        <>
          <Form.Item name="newSerial" label={t('replacements.newSerial')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input autoFocus className="mono" data-testid="replacement-new-serial" />
          </Form.Item>
          <Form.Item name="productId" label={t('replacements.product')} extra={t('replacements.productHint')}>
            <Select
              allowClear
              placeholder={proposal ? t('replacements.sameProduct', { product: proposal.device.product }) : undefined}
              loading={products.isLoading}
              options={(products.data ?? []).map((p) => ({ value: p.id, label: `${p.model} ${p.name}` }))}
              showSearch={{ optionFilterProp: 'label' }}
            />
          </Form.Item>
          <Form.Item name="warrantyEndsOn" label={t('replacements.warrantyEndsOn')} extra={t('replacements.warrantyHint')}>
            <DatePicker style={{ width: '100%' }} placeholder={t('replacements.warrantyDefault')} />
          </Form.Item>
        </>
      )}
      <Form.Item
        name="note"
        label={approving ? t('replacements.note') : t('replacements.rejectNote')}
        rules={approving ? [] : [{ required: true, whitespace: true, message: t('replacements.rejectNoteRequired') }]}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} autoFocus={!approving} data-testid="replacement-note" />
      </Form.Item>
    </FormModal>
  );
}
