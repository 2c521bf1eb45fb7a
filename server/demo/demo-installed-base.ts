/**
 * The demo's installed base (issue 11): the products the demo customers run, their units with
 * serial numbers and warranties (some still under warranty, some out of it), and contracts — one
 * in force for the year, one ending within the renewal window, one listed by site — so the hotline
 * form, the ticket header and the contract list have something true to show.
 */
import type { Db } from '../db/client';
import { contractCoverage, contracts, deviceEvents, devices, products } from '../db/schema';
import { addDays, dayIn, warrantyEnd } from '../domain/installed-base/entitlement';

const PRODUCTS = [
  { key: 'atm', model: 'H68N', name: '智能自助取款机', maker: '广电运通', category: 'hardware' as const, warrantyMonths: 36, versions: ['V3.1', 'V3.2'], spareParts: [{ partNumber: 'CRM-RD-01', name: '读卡器模块', quantity: 1 }, { partNumber: 'CRM-PR-02', name: '凭条打印机', quantity: 1 }] },
  { key: 'kiosk', model: 'ST-200', name: '自助填单终端', maker: '恒银金融', category: 'hardware' as const, warrantyMonths: 24, versions: ['2.4.0'], spareParts: [{ partNumber: 'TS-15', name: '15 寸触摸屏', quantity: 1 }] },
  { key: 'server', model: 'R740', name: '调度系统服务器', maker: '戴尔', category: 'hardware' as const, warrantyMonths: 36, versions: [], spareParts: [] },
  { key: 'scada', model: 'D5000', name: '调度自动化系统软件', maker: '南瑞', category: 'software' as const, warrantyMonths: 12, versions: ['5.2.1', '5.3.0'], spareParts: [] },
  { key: 'his', model: 'HIS-5', name: '医院信息系统', maker: '东华软件', category: 'software' as const, warrantyMonths: 12, versions: ['5.8'], spareParts: [] },
  { key: 'queue', model: 'QM-30', name: '排队叫号机', maker: '科达', category: 'hardware' as const, warrantyMonths: 12, versions: ['1.9'], spareParts: [] },
];

/** Units per customer code: product, serial, site index, install days ago, asset tag. */
const UNITS: Record<string, Array<{ product: string; serial: string; site: number; installedDaysAgo: number; assetTag?: string; location?: string; software?: string }>> = {
  'ICBC-BJ': [
    { product: 'atm', serial: 'GRG68N2301001', site: 0, installedDaysAgo: 400, assetTag: 'ICBC-XD-ATM-01', location: '大堂 1 号机', software: 'V3.2' },
    { product: 'atm', serial: 'GRG68N2301002', site: 0, installedDaysAgo: 400, assetTag: 'ICBC-XD-ATM-02', location: '大堂 2 号机', software: 'V3.2' },
    { product: 'atm', serial: 'GRG68N2301003', site: 0, installedDaysAgo: 400, assetTag: 'ICBC-XD-ATM-03', location: '24 小时自助区', software: 'V3.1' },
    { product: 'atm', serial: 'GRG68N2001017', site: 0, installedDaysAgo: 1500, assetTag: 'ICBC-XD-ATM-04', location: '24 小时自助区', software: 'V3.1' },
    { product: 'atm', serial: 'GRG68N2301101', site: 1, installedDaysAgo: 380, assetTag: 'ICBC-ZGC-ATM-01', location: '大堂', software: 'V3.2' },
    { product: 'kiosk', serial: 'CASH-ST200-0912', site: 1, installedDaysAgo: 200, assetTag: 'ICBC-ZGC-TD-01', location: '填单台' },
  ],
  'SGCC-ZJ': [
    { product: 'server', serial: 'CN0R740ZJ01', site: 0, installedDaysAgo: 700, assetTag: 'ZJDD-SRV-01', location: '机房 A 排 3 柜' },
    { product: 'server', serial: 'CN0R740ZJ02', site: 0, installedDaysAgo: 700, assetTag: 'ZJDD-SRV-02', location: '机房 A 排 3 柜' },
    { product: 'scada', serial: 'D5000-ZJ-LIC-001', site: 0, installedDaysAgo: 700, software: '5.3.0' },
  ],
  PUMCH: [{ product: 'his', serial: 'HIS5-PUMCH-0001', site: 0, installedDaysAgo: 900, software: '5.8' }],
  'HXB-JS': [
    { product: 'kiosk', serial: 'CASH-ST200-1201', site: 0, installedDaysAgo: 300, location: '大堂 1 号填单机' },
    { product: 'kiosk', serial: 'CASH-ST200-1202', site: 0, installedDaysAgo: 300, location: '大堂 2 号填单机' },
  ],
  'CSG-GD': [{ product: 'queue', serial: 'QM30-GZ-TH-01', site: 0, installedDaysAgo: 500, location: '营业厅入口' }],
};

export interface DemoCustomerRefs {
  id: string;
  sites: string[];
}

/** Products, units and contracts for the demo customers; returns the unit ids by serial. */
export async function loadDemoInstalledBase(db: Db, customers: Map<string, DemoCustomerRefs>, opts: { now: Date; timeZone: string; policyIds: Map<string, string>; createdById: string }) {
  const today = dayIn(opts.now, opts.timeZone);
  const productIds = new Map<string, string>();
  const productMonths = new Map<string, number>();
  for (const p of PRODUCTS) {
    const { key, ...fields } = p;
    const [row] = await db.insert(products).values({ ...fields, endOfSupplyOn: key === 'queue' ? addDays(today, 150) : null }).returning({ id: products.id });
    productIds.set(key, row!.id);
    productMonths.set(key, p.warrantyMonths);
  }
  const deviceIds = new Map<string, string>();
  for (const [code, units] of Object.entries(UNITS)) {
    const customer = customers.get(code);
    if (!customer) continue;
    for (const u of units) {
      const installedOn = addDays(today, -u.installedDaysAgo);
      const [row] = await db
        .insert(devices)
        .values({
          productId: productIds.get(u.product)!,
          serial: u.serial,
          customerId: customer.id,
          siteId: customer.sites[u.site] ?? null,
          location: u.location ?? null,
          installedOn,
          warrantyEndsOn: warrantyEnd(installedOn, productMonths.get(u.product)!),
          softwareVersion: u.software ?? null,
          assetTag: u.assetTag ?? null,
        })
        .returning({ id: devices.id });
      deviceIds.set(u.serial, row!.id);
      await db.insert(deviceEvents).values({ deviceId: row!.id, kind: 'created', data: { demo: true }, actorId: opts.createdById });
    }
  }
  const year = today.slice(0, 4);
  const contract = async (code: string, fields: Partial<typeof contracts.$inferInsert> & { number: string; title: string; startsOn: string; endsOn: string }, cover: Array<['device' | 'site' | 'product', string]> = []) => {
    const customer = customers.get(code);
    if (!customer) return;
    const [row] = await db
      .insert(contracts)
      .values({ customerId: customer.id, status: 'active', createdById: opts.createdById, currency: 'CNY', ...fields })
      .returning({ id: contracts.id });
    if (cover.length) await db.insert(contractCoverage).values(cover.map(([kind, targetId]) => ({ contractId: row!.id, kind, targetId })));
  };
  await contract('ICBC-BJ', {
    number: `HT-${year}-ICBC-001`,
    title: '工商银行北京分行自助设备年度维保合同',
    startsOn: addDays(today, -200),
    endsOn: addDays(today, 165),
    slaPolicyId: opts.policyIds.get('standard') ?? null,
    includedVisits: 12,
    inspectionFrequency: 'quarterly',
    priceCents: 48_000_000,
  });
  await contract('SGCC-ZJ', {
    number: `HT-${year}-ZJDL-007`,
    title: '调度自动化系统 7×24 运维服务合同',
    startsOn: addDays(today, -305),
    endsOn: addDays(today, 60),
    slaPolicyId: opts.policyIds.get('standard') ?? null,
    inspectionFrequency: 'half_yearly',
    priceCents: 126_000_000,
  });
  const hxb = customers.get('HXB-JS');
  if (hxb?.sites[0])
    await contract('HXB-JS', { number: `HT-${year}-HXB-003`, title: '新街口支行自助设备驻场服务', startsOn: addDays(today, -30), endsOn: addDays(today, 335), scope: 'listed', inspectionFrequency: 'monthly' }, [['site', hxb.sites[0]]]);
  return deviceIds;
}
