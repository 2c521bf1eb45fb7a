/**
 * Chinese texts of the installed-base pages (issue 11): products, devices, device import, contracts, replacement
 * proposals, their settings, and the portal's devices and contracts. A chunk of its own, merged into i18next when
 * such a page loads (`withPageTexts(import(…), 'installed')` in app.tsx). Menu labels stay in zh-CN.ts (`nav`);
 * the ticket page's and hotline form's coverage texts are in ticket.zh-CN.ts. installed.en.ts mirrors these keys.
 * One top-level block per page family, so each can grow on its own.
 */
export const installedZhCN = {
  products: {},
  devices: {},
  deviceImport: {},
  contracts: {},
  replacements: {},
  ibSettings: {},
  portalInstalled: {},
};
