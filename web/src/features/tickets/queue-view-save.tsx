/**
 * "Save as" for the queue's view bar (queue-views.tsx): the dialog that names a new saved view of
 * the current filters and columns. A chunk of its own, loaded when the dialog is first opened, so
 * the queue's first load carries no form code.
 */
import { Checkbox, Form, Input } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { newIdempotencyKey } from '../../api/client';
import { useCreateView, type SavedView, type ViewColumn } from '../../api/views';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { useCan } from '../auth/session';
import { viewQueryOf, type QueueFilters } from './queue-state';

export default function SaveViewModal({
  open,
  onClose,
  filters,
  layout,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  filters: QueueFilters;
  layout: ViewColumn[];
  onSaved: (view: SavedView) => void;
}) {
  const { t } = useTranslation();
  const can = useCan();
  const create = useCreateView();
  const [form] = Form.useForm<{ name: string; shared: boolean }>();
  // Every opening starts empty.
  useEffect(() => {
    if (open) form.setFieldsValue({ name: '', shared: false });
  }, [open, form]);
  return (
    <FormModal
      form={form}
      open={open}
      onClose={onClose}
      title={t('queueViews.saveAsTitle')}
      pending={create.isPending}
      submitOnEnter
      onSubmit={async (values) => {
        const created = await create.mutateAsync({
          body: { name: values.name, shared: Boolean(values.shared), query: viewQueryOf(filters), columns: layout },
          idempotencyKey: newIdempotencyKey(),
        });
        onSaved(created);
        showSuccess(t('queueViews.saved', { name: created.name }));
      }}
    >
      <Form.Item name="name" label={t('queueViews.name')} rules={[{ required: true, whitespace: true, message: t('errors.field.required') }, { max: 60 }]}>
        <Input placeholder={t('queueViews.namePlaceholder')} maxLength={60} autoFocus data-testid="view-name" />
      </Form.Item>
      {can('views.share') && (
        <Form.Item name="shared" valuePropName="checked" extra={t('queueViews.shareHint')}>
          <Checkbox data-testid="view-shared">{t('queueViews.shareWithAll')}</Checkbox>
        </Form.Item>
      )}
    </FormModal>
  );
}
