/** English texts of the installed-base pages (see installed.zh-CN.ts); `Messages` keeps the keys in step. */
import type { Messages } from './en';
import type { installedZhCN } from './installed.zh-CN';

export const installedEn: Messages<typeof installedZhCN> = {
  products: {},
  devices: {},
  deviceImport: {},
  contracts: {},
  replacements: {},
  ibSettings: {},
  portalInstalled: {},
};
