/**
 * What covers a fault (issue 11): pure rules, no I/O, no clock reads.
 *
 * Days are judged in the desk's time zone: a warranty that ends on 2026-12-31 covers a fault
 * reported at 23:59 Beijing time that day and not one at 00:00 on 2027-01-01 (`dayIn`).
 *
 * A contract covers a ticket when, on the report day, it is in force (active, or terminated on or
 * after that day; within its period) and its scope reaches the ticket: the whole customer, or a
 * listed site that is the ticket's site or the site of a named device, a listed device that is
 * named, a listed product of a named device. Of several, the newest wins — the latest start, then
 * the latest created — and every other contract of the customer says why it lost or did not count.
 * Without a contract, a named device under warranty that day makes the ticket a warranty case;
 * else it is not covered (billable: seed 004, parts at cost after the warranty).
 */
import type { ContractState, ContractStatus, ContractVerdict, Entitlement, WarrantyState } from '../../../common/api/installed-base';

export interface EntitlementDevice {
  id: string;
  serial: string;
  productId: string;
  siteId: string | null;
  warrantyEndsOn: string | null;
}

export interface EntitlementContract {
  id: string;
  number: string;
  title: string;
  status: ContractStatus;
  startsOn: string;
  endsOn: string;
  terminatedOn: string | null;
  scope: 'customer' | 'listed';
  deviceIds: readonly string[];
  siteIds: readonly string[];
  productIds: readonly string[];
  slaPolicyId: string | null;
  /** Epoch ms; the tie-break after the start day. */
  createdAt: number;
}

export interface EntitlementFacts {
  /** The day judged ('YYYY-MM-DD' in the desk's time zone): `dayIn(reportedAt, timeZone)`. */
  day: string;
  /** The ticket's site, if any. */
  siteId: string | null;
  /** The devices the ticket names, in order. */
  devices: readonly EntitlementDevice[];
  /** All contracts of the ticket's customer (any state). */
  contracts: readonly EntitlementContract[];
}

/** The calendar day of an instant in a time zone, 'YYYY-MM-DD'. */
export function dayIn(at: Date | number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A device's warranty on a day: the end day itself is still covered. */
export function warrantyOn(warrantyEndsOn: string | null, day: string): WarrantyState {
  if (!warrantyEndsOn) return 'unknown';
  return day <= warrantyEndsOn ? 'in' : 'out';
}

/** Days from `from` to `to` (both 'YYYY-MM-DD'); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** `day` plus `days` (may be negative). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The last warranty day of a unit installed on `installedOn` with `months` of warranty: the day
 * before the same date `months` later (installed 2026-01-31, 1 month → 2026-02-28; 12 months →
 * 2027-01-30). A month without that date ends on its last day.
 */
export function warrantyEnd(installedOn: string, months: number): string {
  const [y, m, d] = installedOn.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const same = new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
  return months === 0 ? addDays(installedOn, -1) : addDays(same, d > lastDay ? 0 : -1);
}

/** Days before the end from which an active contract shows as expiring. */
export const EXPIRING_DAYS = 90;

/** A contract's state on a day, for lists and badges. */
export function contractState(c: Pick<EntitlementContract, 'status' | 'endsOn' | 'terminatedOn'>, day: string): ContractState {
  if (c.status === 'draft') return 'draft';
  if (c.status === 'terminated') return c.terminatedOn && day <= c.terminatedOn ? 'active' : 'terminated';
  if (day > c.endsOn) return 'expired';
  return daysBetween(day, c.endsOn) <= EXPIRING_DAYS ? 'expiring' : 'active';
}

/** Why a contract does not count on `day`, or null when it is in force then. */
function outOfForce(c: EntitlementContract, day: string): ContractVerdict | null {
  if (c.status === 'draft') return 'draft';
  if (day < c.startsOn) return 'not_started';
  if (day > c.endsOn) return 'ended';
  if (c.status === 'terminated' && (!c.terminatedOn || day > c.terminatedOn)) return 'terminated';
  return null;
}

function reaches(c: EntitlementContract, facts: EntitlementFacts): boolean {
  if (c.scope === 'customer') return true;
  const sites = new Set([facts.siteId, ...facts.devices.map((d) => d.siteId)].filter((s): s is string => s !== null));
  return (
    c.siteIds.some((s) => sites.has(s)) ||
    facts.devices.some((d) => c.deviceIds.includes(d.id) || c.productIds.includes(d.productId))
  );
}

/** Newest first: the latest start, then the latest created, then the number (so the order is total). */
const newestFirst = (a: EntitlementContract, b: EntitlementContract) =>
  b.startsOn.localeCompare(a.startsOn) || b.createdAt - a.createdAt || a.number.localeCompare(b.number);

export function entitlementOf(facts: EntitlementFacts): Entitlement {
  const { day } = facts;
  const devices = facts.devices.map((d) => ({ id: d.id, serial: d.serial, warrantyEndsOn: d.warrantyEndsOn, warranty: warrantyOn(d.warrantyEndsOn, day) }));
  const underWarranty = devices.some((d) => d.warranty === 'in');
  const sorted = [...facts.contracts].sort(newestFirst);
  let chosen: EntitlementContract | null = null;
  const verdicts = sorted.map((c) => {
    const out = outOfForce(c, day);
    let verdict: ContractVerdict;
    if (out) verdict = out;
    else if (!reaches(c, facts)) verdict = 'not_covering';
    else if (chosen) verdict = 'older';
    else {
      chosen = c;
      verdict = 'chosen';
    }
    return { id: c.id, number: c.number, startsOn: c.startsOn, endsOn: c.endsOn, verdict };
  });
  // The chosen contract first, then the rest newest first.
  verdicts.sort((a, b) => Number(b.verdict === 'chosen') - Number(a.verdict === 'chosen'));
  const contract = chosen as EntitlementContract | null;
  const kind = contract ? 'contract' : underWarranty ? 'warranty' : 'none';
  return {
    kind,
    day,
    contract: contract
      ? { id: contract.id, number: contract.number, title: contract.title, endsOn: contract.endsOn, slaPolicyId: contract.slaPolicyId }
      : null,
    devices,
    underWarranty,
    considered: verdicts,
    billable: kind === 'none',
  };
}
