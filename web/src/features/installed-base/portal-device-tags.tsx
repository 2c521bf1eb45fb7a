/** The portal's words for a device's warranty and status (customers read 在保 / 已过保, not codes). */
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DeviceStatus, WarrantyState } from '../../../../common/api/installed-base';

const WARRANTY_COLORS: Record<WarrantyState, string> = { in: 'green', out: 'red', unknown: 'default' };
const STATUS_COLORS: Record<DeviceStatus, string> = { in_service: 'blue', under_repair: 'orange', replaced: 'default', retired: 'default' };

export function PortalWarrantyTag({ device }: { device: { warranty: WarrantyState; warrantyEndsOn: string | null } }) {
  const { t } = useTranslation();
  return (
    <Tag color={WARRANTY_COLORS[device.warranty]} style={{ marginInlineEnd: 0 }} data-testid="portal-warranty" data-warranty={device.warranty}>
      {t(`portalInstalled.warrantyState.${device.warranty}`)}
      {device.warrantyEndsOn ? ` · ${t(device.warranty === 'in' ? 'portalInstalled.until' : 'portalInstalled.endedOn', { day: device.warrantyEndsOn })}` : ''}
    </Tag>
  );
}

export function PortalDeviceStatus({ status }: { status: DeviceStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} style={{ marginInlineEnd: 0 }}>
      {t(`portalInstalled.deviceStatus.${status}`)}
    </Tag>
  );
}
