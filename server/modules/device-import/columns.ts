/**
 * The columns of a device spreadsheet, shared by the import (which reads them, by header, in any
 * order, Chinese or English) and the export (which writes them in this order, so an exported file
 * can be edited and imported back). Columns not named here become free attributes (设备属性).
 */
import type { DeviceStatus } from '../../../common/api/installed-base';

export const DEVICE_COLUMNS = [
  { key: 'serial', zh: '序列号', en: 'Serial number', required: true },
  { key: 'productModel', zh: '产品型号', en: 'Product model', required: true },
  { key: 'maker', zh: '厂商', en: 'Maker', required: false },
  /** The customer's name or its code. */
  { key: 'customer', zh: '客户', en: 'Customer', required: true },
  /** A site of that customer, by name. */
  { key: 'site', zh: '网点', en: 'Site', required: false },
  { key: 'location', zh: '位置', en: 'Location', required: false },
  { key: 'installedOn', zh: '安装日期', en: 'Installed on', required: false },
  { key: 'warrantyEndsOn', zh: '保修截止', en: 'Warranty ends on', required: false },
  { key: 'softwareVersion', zh: '软件版本', en: 'Software version', required: false },
  { key: 'firmwareVersion', zh: '固件版本', en: 'Firmware version', required: false },
  { key: 'status', zh: '状态', en: 'Status', required: false },
  { key: 'assetTag', zh: '资产编号', en: 'Asset tag', required: false },
  { key: 'ip', zh: 'IP 地址', en: 'IP address', required: false },
] as const;
export type DeviceColumnKey = (typeof DEVICE_COLUMNS)[number]['key'];

/** Status words a spreadsheet may use, Chinese or English or the code itself. */
export const DEVICE_STATUS_WORDS: Record<DeviceStatus, { zh: string; en: string }> = {
  in_service: { zh: '在用', en: 'In service' },
  under_repair: { zh: '维修中', en: 'Under repair' },
  replaced: { zh: '已更换', en: 'Replaced' },
  retired: { zh: '已退役', en: 'Retired' },
};
