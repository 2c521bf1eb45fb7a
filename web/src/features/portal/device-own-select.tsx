/**
 * The portal's 报修 form: which of the organisation's own devices the problem concerns (several,
 * searched by serial number or asset tag prefix on the server; GET /api/devices answers a customer
 * user only their own organisation's units).
 */
import { Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Device } from '../../../../common/api';
import { useOwnDevices } from '../../api/hotline';
import { useDebounced } from '../../components/use-debounced';

const label = (d: Device) => [d.serial, `${d.product.model} ${d.product.name}`, d.site?.name].filter(Boolean).join(' · ');

export function OwnDeviceSelect({ customerId, value, onChange }: { customerId: string | null; value?: string[]; onChange?: (ids: string[]) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const list = useOwnDevices(customerId, q);
  const items = list.data?.items ?? [];
  // The labels of devices chosen under an earlier search stay known.
  const [seen, setSeen] = useState<Record<string, string>>({});
  const options = items.map((d) => ({ value: d.id, label: label(d) }));
  for (const id of value ?? []) if (!items.some((d) => d.id === id) && seen[id]) options.push({ value: id, label: seen[id] });

  return (
    <Select
      mode="multiple"
      allowClear
      maxCount={20}
      value={value}
      onChange={(ids: string[]) => {
        setSeen((known) => ({ ...known, ...Object.fromEntries(items.filter((d) => ids.includes(d.id)).map((d) => [d.id, label(d)])) }));
        setText('');
        onChange?.(ids);
      }}
      options={options}
      showSearch={{ filterOption: false, onSearch: setText }}
      loading={list.isFetching}
      placeholder={t('portalReport.devicesPlaceholder')}
      notFoundContent={list.isFetching ? null : t('portalReport.devicesNone')}
      data-testid="report-devices"
    />
  );
}
