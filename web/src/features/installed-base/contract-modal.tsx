/**
 * 新建 / 编辑合同: number, title, customer, period, status, what it covers (the whole customer, or
 * listed devices, sites and products of that customer), service level and calendars, visits and
 * inspections, people, price (yuan typed, integer fen sent) and notes. Editing a terminated or
 * terminating contract asks for the termination day.
 */
import { DatePicker, Form, Input, InputNumber, Radio, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONTRACT_STATUSES, INSPECTION_FREQUENCIES, type ContractStatus, type InspectionFrequency } from '../../../../common/api/installed-base';
import { useAssignableUsers } from '../../api/admin';
import { useContract, useDeviceList, useProductList, useSaveContract, type Contract, type ContractDetail } from '../../api/contracts';
import { useCustomer } from '../../api/customers';
import { useCalendars } from '../../api/time-rules';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { PolicySelect } from '../../components/policy-select';
import { CustomerSelect } from '../../components/selects';
import { useDebounced } from '../../components/use-debounced';
import { useLabels } from '../../i18n/labels';
import { fenToYuanText, yuanToFen } from './contract-parts';

interface ContractValues {
  number: string;
  title: string;
  customerId?: string;
  period?: [Dayjs, Dayjs];
  status: ContractStatus;
  terminatedOn?: Dayjs | null;
  scope: 'customer' | 'listed';
  deviceIds: string[];
  siteIds: string[];
  productIds: string[];
  slaPolicyId?: string | null;
  onsiteCalendarId?: string | null;
  phoneCalendarId?: string | null;
  includedVisits?: number | null;
  inspectionFrequency: InspectionFrequency;
  residentEngineerIds: string[];
  accountManagerId?: string | null;
  price?: string;
  currency: string;
  notes?: string;
}

const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD'];
const DAY = 'YYYY-MM-DD';

/** Staff users (engineers, dispatchers, managers) grouped by role, one or many. */
function StaffSelect({ multiple, ...props }: { multiple?: boolean; value?: string | string[] | null; onChange?: (v: never) => void; id?: string; placeholder?: string; 'data-testid'?: string }) {
  const labels = useLabels();
  const { groups, isLoading } = useAssignableUsers();
  const options = useMemo(
    () =>
      groups
        .filter((g) => g.users.length)
        .map((g) => ({ label: labels.role(g.role), title: labels.role(g.role), options: g.users.map((u) => ({ value: u.id, label: u.name, search: `${u.name} ${u.username}` })) })),
    [groups, labels],
  );
  return (
    <Select
      {...props}
      value={props.value ?? undefined}
      onChange={(v) => props.onChange?.((v ?? (multiple ? [] : null)) as never)}
      mode={multiple ? 'multiple' : undefined}
      allowClear
      options={options}
      showSearch={{ optionFilterProp: 'search' }}
      loading={isLoading}
    />
  );
}

/** Devices of one customer, found by serial or asset tag prefix; keeps the labels of those already chosen. */
function DevicePicker({ customerId, known, value, onChange, id }: { customerId?: string; known: Map<string, string>; value?: string[]; onChange?: (v: string[]) => void; id?: string }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const list = useDeviceList({ customerId, q: q || undefined, limit: 50 }, Boolean(customerId));
  const labels = useRef(known);
  labels.current = known;
  for (const d of list.data?.items ?? []) known.set(d.id, `${d.serial} · ${d.product.model}${d.site ? ` · ${d.site.name}` : ''}`);
  const options = useMemo(() => {
    const ids = new Set([...(value ?? []), ...(list.data?.items ?? []).map((d) => d.id)]);
    return [...ids].map((id) => ({ value: id, label: labels.current.get(id) ?? id }));
  }, [value, list.data]);
  return (
    <Select
      id={id}
      mode="multiple"
      value={value}
      onChange={onChange}
      options={options}
      disabled={!customerId}
      placeholder={customerId ? t('contracts.devicesPlaceholder') : t('contracts.customerFirst')}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      loading={list.isFetching}
      notFoundContent={list.isFetching ? t('common.loading') : t('contracts.noDevices')}
      data-testid="contract-devices"
    />
  );
}

export function ContractModal({ contract, open, onClose, onSaved }: { contract?: Contract | null; open: boolean; onClose: () => void; onSaved?: (c: Contract) => void }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<ContractValues>();
  const save = useSaveContract(contract?.id);
  const detail = useContract(open && contract ? contract.id : null);
  const customerId = Form.useWatch('customerId', form);
  const scope = Form.useWatch('scope', form);
  const status = Form.useWatch('status', form);
  const currency = Form.useWatch('currency', form);
  const customer = useCustomer(customerId);
  const products = useProductList(open);
  const calendars = useCalendars(open);
  const knownDevices = useRef(new Map<string, string>()).current;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (!contract) return;
    const c = (detail.data ?? contract) as Contract & Partial<ContractDetail>;
    for (const d of c.coverage?.devices ?? []) knownDevices.set(d.id, `${d.serial} · ${d.product}`);
    form.setFieldsValue({
      number: c.number,
      title: c.title,
      customerId: c.customer.id,
      period: [dayjs(c.startsOn), dayjs(c.endsOn)],
      status: c.status,
      terminatedOn: c.terminatedOn ? dayjs(c.terminatedOn) : null,
      scope: c.scope,
      deviceIds: c.coverage?.devices.map((d) => d.id) ?? [],
      siteIds: c.coverage?.sites.map((s) => s.id) ?? [],
      productIds: c.coverage?.products.map((p) => p.id) ?? [],
      slaPolicyId: c.slaPolicy?.id ?? null,
      onsiteCalendarId: c.onsiteCalendar?.id ?? null,
      phoneCalendarId: c.phoneCalendar?.id ?? null,
      includedVisits: c.includedVisits,
      inspectionFrequency: c.inspectionFrequency,
      residentEngineerIds: c.residentEngineers.map((u) => u.id),
      accountManagerId: c.accountManager?.id ?? null,
      price: fenToYuanText(c.priceCents),
      currency: c.currency,
      notes: c.notes ?? '',
    });
  }, [open, contract, detail.data, form, knownDevices]);

  const calendarOptions = (calendars.data ?? []).map((c) => ({ value: c.id, label: (i18n.language === 'en' && c.nameEn) || c.name }));

  const submit = async (values: ContractValues) => {
    const [start, end] = values.period!;
    const listed = values.scope === 'listed';
    const body = {
      number: values.number.trim(),
      title: values.title.trim(),
      ...(contract ? {} : { customerId: values.customerId! }),
      startsOn: start.format(DAY),
      endsOn: end.format(DAY),
      status: values.status,
      terminatedOn: values.status === 'terminated' && values.terminatedOn ? values.terminatedOn.format(DAY) : null,
      scope: values.scope,
      coverage: listed ? { deviceIds: values.deviceIds, siteIds: values.siteIds, productIds: values.productIds } : { deviceIds: [], siteIds: [], productIds: [] },
      slaPolicyId: values.slaPolicyId ?? null,
      onsiteCalendarId: values.onsiteCalendarId ?? null,
      phoneCalendarId: values.phoneCalendarId ?? null,
      includedVisits: values.includedVisits ?? null,
      inspectionFrequency: values.inspectionFrequency,
      residentEngineerIds: values.residentEngineerIds,
      accountManagerId: values.accountManagerId ?? null,
      priceCents: yuanToFen(values.price) ?? null,
      currency: values.currency,
      notes: values.notes?.trim() || null,
    };
    const saved = await save.mutateAsync(body);
    showSuccess(contract ? t('common.saved') : t('contracts.created', { number: saved.number }));
    onSaved?.(saved);
  };

  return (
    <FormModal
      form={form}
      open={open}
      width={780}
      title={contract ? t('contracts.edit') : t('contracts.create')}
      onClose={onClose}
      onSubmit={submit}
      pending={save.isPending}
      errorAliases={{ startsOn: 'period', endsOn: 'period', priceCents: 'price', 'coverage.deviceIds': 'deviceIds', 'coverage.siteIds': 'siteIds', 'coverage.productIds': 'productIds' }}
    >
      <div className="form-row-2">
        <Form.Item name="number" label={t('contracts.number')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input autoFocus data-testid="contract-number" placeholder="HT-2026-001" />
        </Form.Item>
        <Form.Item name="title" label={t('contracts.titleField')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input data-testid="contract-title" placeholder={t('contracts.titlePlaceholder')} />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="customerId" label={t('contracts.customer')} rules={[{ required: true, message: t('common.required') }]}>
          <CustomerSelect disabled={Boolean(contract)} data-testid="contract-customer" />
        </Form.Item>
        <Form.Item name="period" label={t('contracts.period')} rules={[{ required: true, message: t('common.required') }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} data-testid="contract-period" />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="status" label={t('contracts.status')} initialValue="active" extra={t('contracts.statusHint')}>
          <Radio.Group
            optionType="button"
            options={CONTRACT_STATUSES.filter((s) => contract || s !== 'terminated').map((s) => ({ value: s, label: t(`contracts.statuses.${s}`) }))}
          />
        </Form.Item>
        {status === 'terminated' && (
          <Form.Item name="terminatedOn" label={t('contracts.terminatedOn')} rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        )}
      </div>
      <Form.Item name="scope" label={t('contracts.scope')} initialValue="customer">
        <Radio.Group
          data-testid="contract-scope"
          options={[
            { value: 'customer', label: t('contracts.scopeCustomer') },
            { value: 'listed', label: t('contracts.scopeListed') },
          ]}
        />
      </Form.Item>
      {scope === 'listed' && (
        <div className="contract-coverage-fields">
          <Form.Item name="deviceIds" label={t('contracts.devices')} initialValue={[]}>
            <DevicePicker customerId={customerId} known={knownDevices} />
          </Form.Item>
          <div className="form-row-2">
            <Form.Item name="siteIds" label={t('contracts.sites')} initialValue={[]}>
              <Select
                mode="multiple"
                disabled={!customerId}
                placeholder={customerId ? undefined : t('contracts.customerFirst')}
                options={(customer.data?.sites ?? []).map((s) => ({ value: s.id, label: s.name }))}
                optionFilterProp="label"
              />
            </Form.Item>
            <Form.Item name="productIds" label={t('contracts.products')} initialValue={[]}>
              <Select
                mode="multiple"
                loading={products.isLoading}
                options={(products.data ?? []).map((p) => ({ value: p.id, label: `${p.model} ${p.name}` }))}
                optionFilterProp="label"
              />
            </Form.Item>
          </div>
          <div className="muted contract-coverage-hint">{t('contracts.scopeListedHint')}</div>
        </div>
      )}
      <Form.Item name="slaPolicyId" label={t('contracts.slaPolicy')} extra={t('contracts.slaPolicyHint')}>
        <PolicySelect placeholder={t('contracts.slaPolicyNone')} />
      </Form.Item>
      <div className="form-row-2">
        <Form.Item name="onsiteCalendarId" label={t('contracts.onsiteCalendar')} extra={t('contracts.calendarHint')}>
          <Select allowClear options={calendarOptions} loading={calendars.isLoading} placeholder={t('contracts.calendarNone')} />
        </Form.Item>
        <Form.Item name="phoneCalendarId" label={t('contracts.phoneCalendar')}>
          <Select allowClear options={calendarOptions} loading={calendars.isLoading} placeholder={t('contracts.calendarNone')} />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="includedVisits" label={t('contracts.includedVisits')} extra={t('contracts.includedVisitsHint')}>
          <InputNumber min={0} max={10_000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="inspectionFrequency" label={t('contracts.inspectionFrequency')} initialValue="none">
          <Select options={INSPECTION_FREQUENCIES.map((f) => ({ value: f, label: t(`contracts.inspection.${f}`) }))} />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="residentEngineerIds" label={t('contracts.residentEngineers')} initialValue={[]}>
          <StaffSelect multiple placeholder={t('contracts.nobody')} />
        </Form.Item>
        <Form.Item name="accountManagerId" label={t('contracts.accountManager')}>
          <StaffSelect placeholder={t('contracts.nobody')} data-testid="contract-account-manager" />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item
          name="price"
          label={t('contracts.price')}
          rules={[{ validator: (_, v: string | undefined) => (yuanToFen(v) === undefined ? Promise.reject(new Error(t('contracts.priceInvalid'))) : Promise.resolve()) }]}
        >
          <Input inputMode="decimal" placeholder="0.00" prefix={<span className="muted">{currency === 'CNY' || !currency ? '¥' : currency}</span>} data-testid="contract-price" />
        </Form.Item>
        <Form.Item name="currency" label={t('contracts.currency')} initialValue="CNY">
          <Select options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
        </Form.Item>
      </div>
      <Form.Item name="notes" label={t('contracts.notes')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
    </FormModal>
  );
}
