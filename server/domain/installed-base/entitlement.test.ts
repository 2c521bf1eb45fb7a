import { describe, expect, it } from 'vitest';
import { contractState, dayIn, type EntitlementContract, type EntitlementDevice, entitlementOf, warrantyEnd, warrantyOn } from './entitlement';

const TZ = 'Asia/Shanghai';

const device = (over: Partial<EntitlementDevice> = {}): EntitlementDevice => ({
  id: 'd1',
  serial: 'ATM-0001',
  productId: 'p1',
  siteId: 's1',
  warrantyEndsOn: '2026-12-31',
  ...over,
});

const contract = (over: Partial<EntitlementContract> = {}): EntitlementContract => ({
  id: 'c1',
  number: 'HT-2026-001',
  title: '年度维保',
  status: 'active',
  startsOn: '2026-01-01',
  endsOn: '2026-12-31',
  terminatedOn: null,
  scope: 'customer',
  deviceIds: [],
  siteIds: [],
  productIds: [],
  slaPolicyId: 'policy-1',
  createdAt: 1,
  ...over,
});

describe('dayIn and warranty edge days (desk time zone)', () => {
  it('23:59 Beijing time on the last day is covered, 00:00 the next day is not', () => {
    const lastMinute = new Date('2026-12-31T23:59:00+08:00');
    const nextDay = new Date('2027-01-01T00:00:00+08:00');
    expect(dayIn(lastMinute, TZ)).toBe('2026-12-31');
    expect(dayIn(nextDay, TZ)).toBe('2027-01-01');
    expect(warrantyOn('2026-12-31', dayIn(lastMinute, TZ))).toBe('in');
    expect(warrantyOn('2026-12-31', dayIn(nextDay, TZ))).toBe('out');
    // The same instant is still 2026-12-31 in UTC: the desk's zone decides, not the server's.
    expect(dayIn(nextDay, 'UTC')).toBe('2026-12-31');
  });

  it('the end-of-day instant decides the entitlement kind too', () => {
    const facts = (at: Date) => ({ day: dayIn(at, TZ), siteId: null, devices: [device()], contracts: [] });
    expect(entitlementOf(facts(new Date('2026-12-31T15:59:59Z'))).kind).toBe('warranty');
    expect(entitlementOf(facts(new Date('2026-12-31T16:00:00Z'))).kind).toBe('none');
  });

  it('unknown warranty end is neither in nor out', () => {
    expect(warrantyOn(null, '2026-01-01')).toBe('unknown');
    const e = entitlementOf({ day: '2026-06-01', siteId: null, devices: [device({ warrantyEndsOn: null })], contracts: [] });
    expect(e).toMatchObject({ kind: 'none', underWarranty: false, billable: true });
    expect(e.devices[0]!.warranty).toBe('unknown');
  });
});

describe('warrantyEnd', () => {
  it('ends the day before the same date months later', () => {
    expect(warrantyEnd('2026-03-15', 12)).toBe('2027-03-14');
    expect(warrantyEnd('2026-01-01', 36)).toBe('2028-12-31');
  });
  it('a month without that date ends on its last day', () => {
    expect(warrantyEnd('2026-01-31', 1)).toBe('2026-02-28');
    expect(warrantyEnd('2027-01-31', 13)).toBe('2028-02-29');
  });
  it('no warranty months: no covered day', () => {
    expect(warrantyEnd('2026-05-10', 0)).toBe('2026-05-09');
  });
});

describe('entitlementOf', () => {
  it('a contract covering the customer wins over warranty, and says which one', () => {
    const e = entitlementOf({ day: '2026-06-01', siteId: 's1', devices: [device()], contracts: [contract()] });
    expect(e.kind).toBe('contract');
    expect(e.contract).toMatchObject({ id: 'c1', number: 'HT-2026-001', slaPolicyId: 'policy-1' });
    expect(e.underWarranty).toBe(true);
    expect(e.billable).toBe(false);
    expect(e.considered).toEqual([{ id: 'c1', number: 'HT-2026-001', startsOn: '2026-01-01', endsOn: '2026-12-31', verdict: 'chosen' }]);
  });

  it('warranty without a contract; nothing covers a device out of warranty', () => {
    expect(entitlementOf({ day: '2026-06-01', siteId: null, devices: [device()], contracts: [] }).kind).toBe('warranty');
    const out = entitlementOf({ day: '2027-06-01', siteId: null, devices: [device()], contracts: [] });
    expect(out).toMatchObject({ kind: 'none', billable: true, underWarranty: false });
  });

  it('no devices and no contracts: not covered', () => {
    expect(entitlementOf({ day: '2026-06-01', siteId: null, devices: [], contracts: [] }).kind).toBe('none');
  });

  it('overlapping contracts: the newest active one wins and the others say why', () => {
    const older = contract({ id: 'old', number: 'HT-2025-009', startsOn: '2025-07-01', endsOn: '2026-06-30' });
    const newer = contract({ id: 'new', number: 'HT-2026-002', startsOn: '2026-03-01', endsOn: '2027-02-28', slaPolicyId: 'gold' });
    const draft = contract({ id: 'draft', number: 'HT-2026-003', status: 'draft', startsOn: '2026-05-01' });
    const ended = contract({ id: 'ended', number: 'HT-2024-001', startsOn: '2024-01-01', endsOn: '2024-12-31' });
    const e = entitlementOf({ day: '2026-04-10', siteId: null, devices: [], contracts: [older, ended, draft, newer] });
    expect(e.contract?.id).toBe('new');
    expect(e.contract?.slaPolicyId).toBe('gold');
    expect(e.considered.map((c) => [c.id, c.verdict])).toEqual([
      ['new', 'chosen'],
      ['draft', 'draft'],
      ['old', 'older'],
      ['ended', 'ended'],
    ]);
  });

  it('same start day: the later created contract wins', () => {
    const a = contract({ id: 'a', number: 'A', createdAt: 100 });
    const b = contract({ id: 'b', number: 'B', createdAt: 200 });
    expect(entitlementOf({ day: '2026-04-10', siteId: null, devices: [], contracts: [a, b] }).contract?.id).toBe('b');
  });

  it('period edges: the first and the last day are covered', () => {
    const c = [contract()];
    expect(entitlementOf({ day: '2026-01-01', siteId: null, devices: [], contracts: c }).kind).toBe('contract');
    expect(entitlementOf({ day: '2026-12-31', siteId: null, devices: [], contracts: c }).kind).toBe('contract');
    expect(entitlementOf({ day: '2025-12-31', siteId: null, devices: [], contracts: c }).considered[0]!.verdict).toBe('not_started');
    expect(entitlementOf({ day: '2027-01-01', siteId: null, devices: [], contracts: c }).considered[0]!.verdict).toBe('ended');
  });

  it('a terminated contract covers up to its termination day', () => {
    const c = [contract({ status: 'terminated', terminatedOn: '2026-05-31' })];
    expect(entitlementOf({ day: '2026-05-31', siteId: null, devices: [], contracts: c }).kind).toBe('contract');
    expect(entitlementOf({ day: '2026-06-01', siteId: null, devices: [], contracts: c }).considered[0]!.verdict).toBe('terminated');
  });

  it('a listed contract covers its devices, their products, and its sites (the ticket’s or a device’s)', () => {
    const byDevice = contract({ scope: 'listed', deviceIds: ['d1'] });
    const byProduct = contract({ scope: 'listed', productIds: ['p1'] });
    const bySite = contract({ scope: 'listed', siteIds: ['s9'] });
    const base = { day: '2026-06-01', devices: [device()] };
    expect(entitlementOf({ ...base, siteId: null, contracts: [byDevice] }).kind).toBe('contract');
    expect(entitlementOf({ ...base, siteId: null, contracts: [byProduct] }).kind).toBe('contract');
    expect(entitlementOf({ ...base, siteId: null, contracts: [bySite] }).considered[0]!.verdict).toBe('not_covering');
    expect(entitlementOf({ ...base, siteId: 's9', contracts: [bySite] }).kind).toBe('contract');
    expect(entitlementOf({ day: '2026-06-01', siteId: null, devices: [device({ siteId: 's9' })], contracts: [bySite] }).kind).toBe('contract');
    // A listed contract reaches nothing of a ticket that names no device and no site.
    expect(entitlementOf({ day: '2026-06-01', siteId: null, devices: [], contracts: [byDevice] }).kind).toBe('none');
  });

  it('a newer contract that does not reach the ticket leaves the older covering one chosen', () => {
    const older = contract({ id: 'all', number: 'ALL', startsOn: '2026-01-01' });
    const newer = contract({ id: 'site', number: 'SITE', startsOn: '2026-03-01', scope: 'listed', siteIds: ['elsewhere'] });
    const e = entitlementOf({ day: '2026-06-01', siteId: 's1', devices: [], contracts: [older, newer] });
    expect(e.contract?.id).toBe('all');
    expect(e.considered.map((c) => c.verdict)).toEqual(['chosen', 'not_covering']);
  });
});

describe('contractState', () => {
  it('derives expiring and expired from the dates', () => {
    const c = { status: 'active' as const, endsOn: '2026-12-31', terminatedOn: null };
    expect(contractState(c, '2026-09-01')).toBe('active');
    expect(contractState(c, '2026-10-02')).toBe('expiring');
    expect(contractState(c, '2026-12-31')).toBe('expiring');
    expect(contractState(c, '2027-01-01')).toBe('expired');
    expect(contractState({ ...c, status: 'draft' }, '2026-09-01')).toBe('draft');
    expect(contractState({ ...c, status: 'terminated', terminatedOn: '2026-08-01' }, '2026-09-01')).toBe('terminated');
  });
});
