/** Create or edit a product: model, name, maker, category, versions, warranty, SLA policy, end of supply, spare parts. */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, InputNumber, Select } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PRODUCT_CATEGORIES, type ProductCategory, type ProductSparePart } from '../../../../common/api/installed-base';
import { useSaveProduct, type Product, type ProductCreate } from '../../api/products';
import { changedFields } from '../../components/changed-fields';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { PolicySelect } from '../../components/policy-select';
import { TagsInput } from '../../components/tags-input';
import { DayInput } from './device-day-input';

interface ProductValues {
  model: string;
  name: string;
  maker?: string;
  category: ProductCategory;
  versions: string[];
  warrantyMonths: number;
  slaPolicyId?: string | null;
  endOfSupplyOn?: string | null;
  spareParts: Partial<ProductSparePart>[];
  notes?: string;
}

const toBody = (v: ProductValues): ProductCreate => ({
  model: v.model.trim(),
  name: v.name.trim(),
  maker: v.maker?.trim() || null,
  category: v.category,
  versions: v.versions ?? [],
  warrantyMonths: v.warrantyMonths ?? 0,
  slaPolicyId: v.slaPolicyId ?? null,
  endOfSupplyOn: v.endOfSupplyOn ?? null,
  spareParts: (v.spareParts ?? []).map((p) => ({ partNumber: (p.partNumber ?? '').trim(), name: (p.name ?? '').trim(), quantity: p.quantity ?? 1 })),
  notes: v.notes?.trim() || null,
});

export function ProductModal({
  product,
  open,
  onClose,
}: {
  /** null: a new product. */
  product: Product | null;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ProductValues>();
  const save = useSaveProduct(product?.id);
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      product
        ? {
            model: product.model,
            name: product.name,
            maker: product.maker ?? '',
            category: product.category,
            versions: product.versions,
            warrantyMonths: product.warrantyMonths,
            slaPolicyId: product.slaPolicyId,
            endOfSupplyOn: product.endOfSupplyOn,
            spareParts: product.spareParts,
            notes: product.notes ?? '',
          }
        : { category: 'hardware', versions: [], warrantyMonths: 12, spareParts: [], slaPolicyId: null, endOfSupplyOn: null },
    );
  }, [open, product, form]);

  const submit = async (values: ProductValues) => {
    const body = toBody(values);
    if (product) {
      const before = toBody({ ...product, maker: product.maker ?? '', notes: product.notes ?? '' });
      const patch = changedFields(before, body);
      if (Object.keys(patch).length) await save.mutateAsync(patch);
      showSuccess(t('common.saved'));
    } else {
      const saved = await save.mutateAsync(body);
      showSuccess(t('products.created', { model: saved.model }));
    }
  };

  return (
    <FormModal form={form} open={open} title={product ? t('products.edit') : t('products.create')} onClose={onClose} onSubmit={submit} pending={save.isPending} width={720}>
      <div className="form-row-2">
        <Form.Item name="model" label={t('products.model')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input autoFocus data-testid="product-model" maxLength={100} />
        </Form.Item>
        <Form.Item name="name" label={t('products.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input data-testid="product-name" maxLength={200} />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="maker" label={t('products.maker')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="category" label={t('products.category')}>
          <Select options={PRODUCT_CATEGORIES.map((c) => ({ value: c, label: t(`products.categories.${c}`) }))} data-testid="product-category" />
        </Form.Item>
      </div>
      <Form.Item name="versions" label={t('products.versions')} extra={t('products.versionsHint')}>
        <TagsInput placeholder={t('products.versionsPlaceholder')} data-testid="product-versions" />
      </Form.Item>
      <div className="form-row-2">
        <Form.Item name="warrantyMonths" label={t('products.warrantyMonths')} rules={[{ required: true, message: t('common.required') }]}>
          <InputNumber min={0} max={240} precision={0} suffix={t('products.warrantyMonthsUnit')} style={{ width: '100%' }} data-testid="product-warranty" />
        </Form.Item>
        <Form.Item name="endOfSupplyOn" label={t('products.endOfSupply')} extra={t('products.endOfSupplyTip')}>
          <DayInput data-testid="product-end-of-supply" />
        </Form.Item>
      </div>
      <Form.Item name="slaPolicyId" label={t('products.slaPolicy')} extra={t('products.slaPolicyHint')}>
        <PolicySelect placeholder={t('products.noPolicy')} />
      </Form.Item>
      <Form.Item label={t('products.spareParts')} required={false}>
        <Form.List name="spareParts">
          {(fields, { add, remove }) => (
            <div className="product-parts" data-testid="product-parts">
              {fields.map((field) => (
                <div key={field.key} className="product-part-row">
                  <Form.Item name={[field.name, 'partNumber']} rules={[{ required: true, whitespace: true, message: t('common.required') }]} noStyle={false} style={{ marginBottom: 8 }}>
                    <Input placeholder={t('products.partNumber')} aria-label={t('products.partNumber')} maxLength={100} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'name']} rules={[{ required: true, whitespace: true, message: t('common.required') }]} style={{ marginBottom: 8 }}>
                    <Input placeholder={t('products.partName')} aria-label={t('products.partName')} maxLength={200} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'quantity']} style={{ marginBottom: 8 }}>
                    <InputNumber min={1} max={10_000} precision={0} placeholder={t('products.quantity')} aria-label={t('products.quantity')} style={{ width: '100%' }} />
                  </Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('products.removePart')} title={t('products.removePart')} />
                </div>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ partNumber: '', name: '', quantity: 1 })} data-testid="product-add-part">
                {t('products.addPart')}
              </Button>
            </div>
          )}
        </Form.List>
      </Form.Item>
      <Form.Item name="notes" label={t('products.notes')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={5000} />
      </Form.Item>
    </FormModal>
  );
}
