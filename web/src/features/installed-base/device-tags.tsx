/** The device's status and warranty tags (list, cards, device page) and the product's end-of-supply tag. */
import { Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Device, DeviceStatus, WarrantyState } from '../../../../common/api/installed-base';

export const DEVICE_STATUS_COLORS: Record<DeviceStatus, string> = {
  in_service: 'green',
  under_repair: 'orange',
  replaced: 'default',
  retired: 'default',
};

export const WARRANTY_COLORS: Record<WarrantyState, string> = { in: 'green', out: 'volcano', unknown: 'default' };

export function DeviceStatusTag({ status }: { status: DeviceStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={DEVICE_STATUS_COLORS[status]} data-testid="device-status-tag" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`devices.statuses.${status}`)}
    </Tag>
  );
}

export function WarrantyTag({ warranty, endsOn }: { warranty: WarrantyState; endsOn?: string | null }) {
  const { t } = useTranslation();
  const tag = (
    <Tag color={WARRANTY_COLORS[warranty]} data-testid="warranty-tag" data-warranty={warranty} style={{ marginInlineEnd: 0 }}>
      {t(`devices.warrantyStates.${warranty}`)}
    </Tag>
  );
  return endsOn ? <Tooltip title={`${t('devices.warrantyEndsOn')} ${endsOn}`}>{tag}</Tooltip> : tag;
}

/** 'past' after the last day of supply, 'soon' within half a year of it (customers are told then), else null. */
export function endOfSupplyState(endOfSupplyOn: string | null, today = dayjs()): 'past' | 'soon' | null {
  if (!endOfSupplyOn) return null;
  const day = today.format('YYYY-MM-DD');
  if (endOfSupplyOn < day) return 'past';
  if (endOfSupplyOn <= today.add(6, 'month').format('YYYY-MM-DD')) return 'soon';
  return null;
}

export function EndOfSupply({ on }: { on: string | null }) {
  const { t } = useTranslation();
  if (!on) return <span className="muted">—</span>;
  const state = endOfSupplyState(on);
  return (
    <span className="tag-list" style={{ alignItems: 'center' }}>
      <span>{on}</span>
      {state && (
        <Tooltip title={t('products.endOfSupplyTip')}>
          <Tag color={state === 'past' ? 'red' : 'orange'} data-testid="end-of-supply-tag" data-state={state}>
            {t(state === 'past' ? 'products.endOfSupplyPast' : 'products.endOfSupplySoon')}
          </Tag>
        </Tooltip>
      )}
    </span>
  );
}

export function DeviceVersions({ device }: { device: Pick<Device, 'softwareVersion' | 'firmwareVersion'> }) {
  const { t } = useTranslation();
  if (!device.softwareVersion && !device.firmwareVersion) return <span className="muted">—</span>;
  return (
    <span className="device-versions">
      {device.softwareVersion && (
        <span>
          <span className="muted">{t('devices.softwareShort')} </span>
          <span className="mono">{device.softwareVersion}</span>
        </span>
      )}
      {device.firmwareVersion && (
        <span>
          <span className="muted">{t('devices.firmwareShort')} </span>
          <span className="mono">{device.firmwareVersion}</span>
        </span>
      )}
    </span>
  );
}
