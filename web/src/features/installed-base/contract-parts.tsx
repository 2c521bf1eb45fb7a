/**
 * Small pieces the contract pages (staff and portal) share: the state tag with the days left, the
 * coverage summary, the period, money in yuan from integer fen (and back, exactly), the
 * inspection frequency's words.
 */
import { Tag } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Contract, ContractState } from '../../api/contracts';

export const CONTRACT_STATE_COLORS: Record<ContractState, string> = {
  draft: 'default',
  active: 'green',
  expiring: 'orange',
  expired: 'red',
  terminated: 'default',
};

/** Whole calendar days from today (the browser's day) to `day` ('YYYY-MM-DD'); negative once past. */
export function daysUntil(day: string): number {
  return dayjs(day).startOf('day').diff(dayjs().startOf('day'), 'day');
}

/** The state tag: 即将到期 says how many days are left, 已到期 is red. */
export function ContractStateTag({ contract }: { contract: Pick<Contract, 'state' | 'endsOn' | 'terminatedOn'> }) {
  const { t } = useTranslation();
  const left = daysUntil(contract.endsOn);
  return (
    <Tag color={CONTRACT_STATE_COLORS[contract.state]} data-testid="contract-state" data-state={contract.state} style={{ marginInlineEnd: 0 }}>
      {t(`contracts.state.${contract.state}`)}
      {contract.state === 'expiring' && left >= 0 ? ` · ${t('contracts.daysLeft', { count: left })}` : ''}
    </Tag>
  );
}

/** 全部设备 for a whole-customer contract, else "3 台设备 · 1 个网点 · 2 个产品" (only the parts it names). */
export function useCoverageText() {
  const { t } = useTranslation();
  return (c: Pick<Contract, 'scope' | 'coverageCounts'>) => {
    if (c.scope === 'customer') return t('contracts.coverageAll');
    const parts = [
      c.coverageCounts.devices ? t('contracts.coverageDevices', { count: c.coverageCounts.devices }) : null,
      c.coverageCounts.sites ? t('contracts.coverageSites', { count: c.coverageCounts.sites }) : null,
      c.coverageCounts.products ? t('contracts.coverageProducts', { count: c.coverageCounts.products }) : null,
    ].filter(Boolean);
    return parts.length ? parts.join(' · ') : t('contracts.coverageNothing');
  };
}

export const periodText = (c: Pick<Contract, 'startsOn' | 'endsOn'>) => `${c.startsOn} ~ ${c.endsOn}`;

/** 1234567 fen → "12,345.67". */
export function formatFen(fen: number): string {
  const yuan = Math.floor(fen / 100);
  const cents = String(fen % 100).padStart(2, '0');
  return `${yuan.toLocaleString('en-US')}.${cents}`;
}

export function priceText(c: Pick<Contract, 'priceCents' | 'currency'>): string | null {
  if (c.priceCents === null) return null;
  return c.currency === 'CNY' ? `¥${formatFen(c.priceCents)}` : `${c.currency} ${formatFen(c.priceCents)}`;
}

/**
 * "12345.6" → 1234560 fen by the digits, not by multiplying a float (0.29 * 100 is 28.999…).
 * Undefined for anything that is not a non-negative amount with at most two decimals.
 */
export function yuanToFen(text: string | number | null | undefined): number | null | undefined {
  if (text === null || text === undefined || text === '') return null;
  const s = String(text).trim().replace(/,/g, '');
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return undefined;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : undefined;
}

/** 1234560 → "12345.60" (the form's text). */
export const fenToYuanText = (fen: number | null) => (fen === null ? '' : `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`);

/** Elapsed share of the period today, 0–100. */
export function periodElapsed(c: Pick<Contract, 'startsOn' | 'endsOn'>): number {
  const start = dayjs(c.startsOn).startOf('day');
  const total = dayjs(c.endsOn).startOf('day').diff(start, 'day') + 1;
  const done = dayjs().startOf('day').diff(start, 'day');
  if (total <= 0) return 100;
  return Math.max(0, Math.min(100, Math.round((done / total) * 100)));
}

/** The policy's name in the reader's language, or null. */
export const policyText = (p: { name: string; nameEn: string | null } | null, language: string) => (p ? (language === 'en' && p.nameEn) || p.name : null);
