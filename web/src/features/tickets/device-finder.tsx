/**
 * The device finder of the hotline form and the ticket page's devices panel: type a serial number
 * or asset-tag prefix (3+ characters, debounced), pick with the arrow keys and Enter (or a tap).
 * Each result shows the serial, the product, the customer and site, and the warranty. The devices
 * picked show as removable tags (a real button each, so the keyboard reaches it).
 */
import { CloseOutlined, SearchOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Input, Tag, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Device, WarrantyState } from '../../../../common/api';
import { useDeviceSearch } from '../../api/hotline';
import { useDebounced } from '../../components/use-debounced';
import './device-finder.css';

const WARRANTY_COLORS = { in: 'green', out: 'orange', unknown: 'default' } as const;

/** "在保 · 至 2027-06-30": a device's warranty as a small tag. */
export function WarrantyTag({ warranty, endsOn }: { warranty: WarrantyState; endsOn: string | null }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={endsOn ? t('coverage.warrantyUntil', { date: endsOn }) : t('coverage.warrantyNone')}>
      <Tag color={WARRANTY_COLORS[warranty]} className="device-warranty-tag" data-testid="device-warranty" data-warranty={warranty}>
        {t(`coverage.warranty.${warranty}`)}
        {endsOn && warranty !== 'unknown' ? ` · ${endsOn}` : ''}
      </Tag>
    </Tooltip>
  );
}

/** A device's warranty today, when only its end day is known ('YYYY-MM-DD' compares as text). */
export function warrantyOf(endsOn: string | null, today: string): WarrantyState {
  if (!endsOn) return 'unknown';
  return today <= endsOn ? 'in' : 'out';
}

export function DeviceFinder({
  customerId,
  excludeIds = [],
  onPick,
  disabled,
  autoFocus,
  full,
}: {
  /** Only this customer's devices (else any customer's: picking one fills the customer in). */
  customerId?: string | null;
  /** Devices already named: not offered again. */
  excludeIds?: readonly string[];
  onPick: (device: Device) => void;
  disabled?: boolean;
  autoFocus?: boolean;
  /** 20 devices named: no more can be added. */
  full?: boolean;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 250);
  const search = useDeviceSearch(q, customerId, !disabled && !full);
  const results = q.length >= 3 ? (search.data ?? []).filter((d) => !excludeIds.includes(d.id)) : [];
  const typed = text.trim().length;

  const options = results.map((d) => ({
    value: d.id,
    label: (
      <div className="device-option" data-testid="device-option" data-serial={d.serial}>
        <div className="device-option-head">
          <strong className="device-serial">{d.serial}</strong>
          <WarrantyTag warranty={d.warranty} endsOn={d.warrantyEndsOn} />
        </div>
        <div className="device-option-meta muted">
          {[`${d.product.model} ${d.product.name}`, d.customer.name, d.site?.name, d.assetTag ? t('coverage.assetTag', { tag: d.assetTag }) : null]
            .filter(Boolean)
            .join(' · ')}
        </div>
      </div>
    ),
  }));

  const notFound = full
    ? t('coverage.finderMax')
    : typed < 3
      ? t('coverage.finderShort')
      : search.isFetching && results.length === 0
        ? t('coverage.finderSearching')
        : t('coverage.finderNone');

  return (
    <AutoComplete
      className="device-finder"
      data-testid="device-finder"
      value={text}
      options={options}
      showSearch={{ filterOption: false, onSearch: setText }}
      onSelect={(id: string) => {
        const device = results.find((d) => d.id === id);
        setText('');
        if (device) onPick(device);
      }}
      notFoundContent={typed > 0 ? notFound : null}
      disabled={disabled || full}
      popupMatchSelectWidth
      defaultActiveFirstOption
      autoFocus={autoFocus}
    >
      <Input
        prefix={<SearchOutlined />}
        placeholder={t('coverage.finderPlaceholder')}
        aria-label={t('coverage.finder')}
        allowClear
        data-testid="device-finder-input"
      />
    </AutoComplete>
  );
}

export interface NamedDevice {
  id: string;
  serial: string;
  product: { model: string; name: string };
  site?: { name: string } | null;
  warranty: WarrantyState;
  warrantyEndsOn: string | null;
}

/** The devices named so far, in order, each removable (with a real, focusable button). */
export function NamedDevices({ devices, onRemove, link }: { devices: readonly NamedDevice[]; onRemove?: (d: NamedDevice) => void; link?: (d: NamedDevice) => React.ReactNode }) {
  const { t } = useTranslation();
  if (devices.length === 0) return null;
  return (
    <ul className="named-devices" data-testid="named-devices">
      {devices.map((d) => (
        <li key={d.id} className="named-device" data-testid="named-device" data-serial={d.serial}>
          <span className="named-device-text">
            {link ? link(d) : <strong className="device-serial">{d.serial}</strong>}
            <span className="muted named-device-product">
              {d.product.model} {d.product.name}
              {d.site ? ` · ${d.site.name}` : ''}
            </span>
          </span>
          <WarrantyTag warranty={d.warranty} endsOn={d.warrantyEndsOn} />
          {onRemove && (
            <Button
              type="text"
              size="small"
              icon={<CloseOutlined />}
              aria-label={t('coverage.remove', { serial: d.serial })}
              title={t('coverage.remove', { serial: d.serial })}
              onClick={() => onRemove(d)}
              data-testid="remove-device"
            />
          )}
        </li>
      ))}
    </ul>
  );
}
