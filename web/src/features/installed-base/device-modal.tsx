/**
 * Create or edit a device: product, serial, customer and site, location, install date, warranty end
 * (empty: the server computes it from the product's warranty months), versions (the product's known
 * versions offered), status, asset tag, IP and free key/value attributes. An edit sends only what changed.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Form, Input, Select } from 'antd';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { DEVICE_STATUSES, type DeviceStatus } from '../../../../common/api/installed-base';
import { useCustomer } from '../../api/customers';
import { useSaveDevice, type Device, type DeviceCreate } from '../../api/devices';
import { useProducts } from '../../api/products';
import { changedFields } from '../../components/changed-fields';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { CustomerSelect } from '../../components/selects';
import { DayInput } from './device-day-input';

interface DeviceValues {
  productId?: string;
  serial: string;
  customerId?: string;
  siteId?: string | null;
  location?: string;
  installedOn?: string | null;
  warrantyEndsOn?: string | null;
  softwareVersion?: string;
  firmwareVersion?: string;
  status: DeviceStatus;
  assetTag?: string;
  ip?: string;
  attributes: { key?: string; value?: string }[];
}

const text = (s: string | undefined | null) => s?.trim() || null;

const toBody = (v: DeviceValues): DeviceCreate => ({
  productId: v.productId ?? '',
  serial: v.serial.trim(),
  customerId: v.customerId ?? '',
  siteId: v.siteId ?? null,
  location: text(v.location),
  installedOn: v.installedOn ?? null,
  warrantyEndsOn: v.warrantyEndsOn ?? null,
  softwareVersion: text(v.softwareVersion),
  firmwareVersion: text(v.firmwareVersion),
  status: v.status,
  assetTag: text(v.assetTag),
  ip: text(v.ip),
  attributes: Object.fromEntries((v.attributes ?? []).filter((a) => a.key?.trim()).map((a) => [a.key!.trim(), (a.value ?? '').trim()])),
});

const valuesOf = (d: Device): DeviceValues => ({
  productId: d.product.id,
  serial: d.serial,
  customerId: d.customer.id,
  siteId: d.site?.id ?? null,
  location: d.location ?? '',
  installedOn: d.installedOn,
  warrantyEndsOn: d.warrantyEndsOn,
  softwareVersion: d.softwareVersion ?? '',
  firmwareVersion: d.firmwareVersion ?? '',
  status: d.status,
  assetTag: d.assetTag ?? '',
  ip: d.ip ?? '',
  attributes: Object.entries(d.attributes).map(([key, value]) => ({ key, value })),
});

export function DeviceModal({
  device,
  open,
  onClose,
  onSaved,
  defaults,
}: {
  /** null: a new device. */
  device: Device | null;
  open: boolean;
  onClose: () => void;
  onSaved?: (device: Device) => void;
  /** A new device's starting customer and product (the list's filters). */
  defaults?: { customerId?: string; siteId?: string; productId?: string };
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<DeviceValues>();
  const save = useSaveDevice(device?.id);
  const products = useProducts(open);
  const customerId = Form.useWatch('customerId', form);
  const productId = Form.useWatch('productId', form);
  const customer = useCustomer(open ? customerId : null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the defaults only matter at opening
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      device ? valuesOf(device) : { status: 'in_service', attributes: [], siteId: defaults?.siteId ?? null, customerId: defaults?.customerId, productId: defaults?.productId },
    );
  }, [open, device, form]);

  const productOptions = useMemo(
    () =>
      [...(products.data ?? [])]
        .sort((a, b) => a.model.localeCompare(b.model))
        .map((p) => ({ value: p.id, label: `${p.model} · ${p.name}`, search: `${p.model} ${p.name} ${p.maker ?? ''}`.toLowerCase() })),
    [products.data],
  );
  const product = products.data?.find((p) => p.id === productId);
  const versionOptions = (product?.versions ?? []).map((v) => ({ value: v }));
  const siteOptions = (customer.data?.sites ?? []).map((s) => ({ value: s.id, label: s.name }));
  // The site the device is at, even before the customer's sites have loaded.
  if (device?.site && customerId === device.customer.id && !siteOptions.some((o) => o.value === device.site?.id)) siteOptions.unshift({ value: device.site.id, label: device.site.name });

  const submit = async (values: DeviceValues) => {
    const body = toBody(values);
    if (device) {
      const patch = changedFields(toBody(valuesOf(device)), body);
      const saved = Object.keys(patch).length ? await save.mutateAsync(patch) : device;
      showSuccess(t('common.saved'));
      onSaved?.(saved);
    } else {
      const saved = await save.mutateAsync(body);
      showSuccess(t('devices.created', { serial: saved.serial }));
      onSaved?.(saved);
    }
  };

  return (
    <FormModal form={form} open={open} title={device ? t('devices.edit') : t('devices.create')} onClose={onClose} onSubmit={submit} pending={save.isPending} width={760}>
      <div className="form-row-2">
        <Form.Item name="productId" label={t('devices.product')} rules={[{ required: true, message: t('common.required') }]}>
          <Select
            options={productOptions}
            showSearch={{ filterOption: (input, option) => Boolean(option?.search.includes(input.toLowerCase())) }}
            loading={products.isPending}
            placeholder={t('devices.productPlaceholder')}
            data-testid="device-product"
          />
        </Form.Item>
        <Form.Item name="serial" label={t('devices.serial')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input className="mono" maxLength={100} autoFocus={!device} data-testid="device-serial" />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="customerId" label={t('devices.customer')} rules={[{ required: true, message: t('common.required') }]}>
          <CustomerSelect
            data-testid="device-customer"
            onChange={(id) => {
              form.setFieldsValue({ customerId: id, siteId: null });
            }}
          />
        </Form.Item>
        <Form.Item name="siteId" label={t('devices.site')}>
          <Select
            allowClear
            options={siteOptions}
            disabled={!customerId}
            loading={customer.isFetching}
            placeholder={customerId ? t('devices.sitePlaceholder') : t('devices.siteNeedsCustomer')}
            data-testid="device-site"
          />
        </Form.Item>
      </div>
      <Form.Item name="location" label={t('devices.location')}>
        <Input maxLength={500} />
      </Form.Item>
      <div className="form-row-2">
        <Form.Item name="installedOn" label={t('devices.installedOn')}>
          <DayInput data-testid="device-installed-on" />
        </Form.Item>
        <Form.Item
          name="warrantyEndsOn"
          label={t('devices.warrantyEndsOn')}
          extra={product ? `${t('devices.warrantyEndsHint')} · ${t('products.warrantyMonthsValue', { count: product.warrantyMonths })}` : t('devices.warrantyEndsHint')}
        >
          <DayInput data-testid="device-warranty-ends" />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="softwareVersion" label={t('devices.softwareVersion')}>
          <AutoComplete options={versionOptions} data-testid="device-software-version" filterOption={(input, option) => Boolean(option?.value.toLowerCase().includes(input.toLowerCase()))}>
            <Input maxLength={100} />
          </AutoComplete>
        </Form.Item>
        <Form.Item name="firmwareVersion" label={t('devices.firmwareVersion')}>
          <AutoComplete options={versionOptions} filterOption={(input, option) => Boolean(option?.value.toLowerCase().includes(input.toLowerCase()))}>
            <Input maxLength={100} />
          </AutoComplete>
        </Form.Item>
      </div>
      <div className="form-row-3">
        <Form.Item name="status" label={t('devices.status')}>
          <Select options={DEVICE_STATUSES.map((s) => ({ value: s, label: t(`devices.statuses.${s}`) }))} data-testid="device-status" />
        </Form.Item>
        <Form.Item name="assetTag" label={t('devices.assetTag')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="ip" label={t('devices.ip')}>
          <Input maxLength={100} className="mono" />
        </Form.Item>
      </div>
      <Form.Item label={t('devices.attributes')}>
        <Form.List name="attributes">
          {(fields, { add, remove }) => (
            <div data-testid="device-attributes">
              {fields.map((field) => (
                <div key={field.key} className="device-attr-row">
                  <Form.Item
                    name={[field.name, 'key']}
                    style={{ marginBottom: 8 }}
                    rules={[
                      { required: true, whitespace: true, message: t('common.required') },
                      {
                        validator: async (_, key: string | undefined) => {
                          const all = (form.getFieldValue('attributes') as DeviceValues['attributes']) ?? [];
                          if (key?.trim() && all.filter((a) => a?.key?.trim() === key.trim()).length > 1) throw new Error(t('devices.attributeDuplicate'));
                        },
                      },
                    ]}
                  >
                    <Input placeholder={t('devices.attributeKey')} aria-label={t('devices.attributeKey')} maxLength={100} />
                  </Form.Item>
                  <Form.Item name={[field.name, 'value']} style={{ marginBottom: 8 }}>
                    <Input placeholder={t('devices.attributeValue')} aria-label={t('devices.attributeValue')} maxLength={1000} />
                  </Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(field.name)} aria-label={t('devices.removeAttribute')} title={t('devices.removeAttribute')} />
                </div>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ key: '', value: '' })} disabled={fields.length >= 50}>
                {t('devices.addAttribute')}
              </Button>
            </div>
          )}
        </Form.List>
      </Form.Item>
    </FormModal>
  );
}
