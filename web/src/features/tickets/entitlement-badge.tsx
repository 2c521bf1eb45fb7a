/**
 * What covers a ticket, at a glance: 保修期内 (green), 合同保障 · HT-… (blue, with the contract's end
 * date) — both at once when a device under warranty is also under contract — or 未覆盖 · 需收费
 * (orange). A click (or Enter) opens the explanation: each device's warranty end, every contract of
 * the customer with why it was or was not chosen, and the SLA policy the ticket gets with the link
 * of the policy chain that chose it. Used by the hotline form (from the due preview) and the ticket
 * page's header (from the ticket).
 */
import { Popover, Tag } from 'antd';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Entitlement, PolicySource } from '../../../../common/api';
import { useLabels } from '../../i18n/labels';
import { policyName } from '../sla-policies/policy-text';
import './device-finder.css';

export interface CoveragePolicy {
  name: string;
  nameEn: string | null;
  source: PolicySource;
}

const WARRANTY_COLORS = { in: 'green', out: 'orange', unknown: 'default' } as const;
const VERDICT_COLORS = { chosen: 'blue', older: 'default', draft: 'default', terminated: 'red', not_started: 'gold', ended: 'default', not_covering: 'default' } as const;

/** The badge's words, also read by the timeline's "保障情况变更" line. */
export function entitlementText(e: Pick<Entitlement, 'kind' | 'contract' | 'underWarranty'> | null, t: TFunction): string {
  if (!e) return t('coverage.entitlementText.unknown');
  if (e.kind === 'contract' && e.contract) {
    const contract = t('coverage.entitlementText.contract', { number: e.contract.number });
    return e.underWarranty ? `${t('coverage.entitlementText.warranty')} · ${contract}` : contract;
  }
  return e.underWarranty || e.kind === 'warranty' ? t('coverage.entitlementText.warranty') : t('coverage.entitlementText.none');
}

function Explanation({ entitlement: e, policy }: { entitlement: Entitlement; policy?: CoveragePolicy | null }) {
  const { t } = useTranslation();
  const labels = useLabels();
  return (
    <div className="coverage-explain" data-testid="entitlement-explain">
      <div className="muted coverage-day">{t('coverage.judgedOn', { day: e.day })}</div>
      <h4>{t('coverage.devicesTitle')}</h4>
      {e.devices.length === 0 ? (
        <div className="muted">{t('coverage.noDevices')}</div>
      ) : (
        <ul>
          {e.devices.map((d) => (
            <li key={d.id} data-testid="entitlement-device">
              <span className="coverage-serial">{d.serial}</span>
              <span className="muted">{d.warrantyEndsOn ? t('coverage.warrantyUntil', { date: d.warrantyEndsOn }) : t('coverage.warrantyNone')}</span>
              <Tag color={WARRANTY_COLORS[d.warranty]}>{t(`coverage.warranty.${d.warranty}`)}</Tag>
            </li>
          ))}
        </ul>
      )}
      <h4>{t('coverage.contractsTitle')}</h4>
      {e.considered.length === 0 ? (
        <div className="muted">{t('coverage.noContracts')}</div>
      ) : (
        <ul>
          {e.considered.map((c) => (
            <li key={c.id} data-testid="entitlement-contract" data-verdict={c.verdict}>
              <span className="coverage-serial">{c.number}</span>
              <span className="muted">{t('coverage.period', { from: c.startsOn, to: c.endsOn })}</span>
              <Tag color={VERDICT_COLORS[c.verdict]}>{t(`coverage.verdict.${c.verdict}`)}</Tag>
            </li>
          ))}
        </ul>
      )}
      {policy !== undefined && (
        <>
          <h4>{t('coverage.policyTitle')}</h4>
          {policy ? (
            <div data-testid="entitlement-policy" data-source={policy.source}>
              <strong>{policyName(policy, labels.lang)}</strong>{' '}
              <span className="muted">{t('coverage.policyFrom', { source: t(`coverage.chain.${policy.source}`) })}</span>
            </div>
          ) : (
            <div className="muted">{t('coverage.noPolicy')}</div>
          )}
        </>
      )}
      {e.billable && <div className="coverage-billable">{t('coverage.billable')}</div>}
    </div>
  );
}

export function EntitlementBadge({
  entitlement: e,
  policy,
  stale = false,
}: {
  entitlement: Entitlement;
  /** The policy the ticket gets and the chain link that chose it; undefined: not shown. */
  policy?: CoveragePolicy | null;
  /** A previous answer shown while the current one loads (dimmed). */
  stale?: boolean;
}) {
  const { t } = useTranslation();
  const contract = e.kind === 'contract' ? e.contract : null;
  const warranty = e.underWarranty;
  const none = !contract && !warranty;
  // Opened by a click, Enter or Space (a real button); Escape closes it again, the focus stays.
  const [open, setOpen] = useState(false);
  return (
    <Popover
      content={<Explanation entitlement={e} policy={policy} />}
      title={t('coverage.title')}
      trigger="click"
      placement="bottomLeft"
      open={open}
      onOpenChange={setOpen}
    >
      <button
        type="button"
        className={`entitlement-badge${stale ? ' is-stale' : ''}`}
        data-testid="entitlement-badge"
        data-kind={e.kind}
        aria-busy={stale}
        aria-label={t('coverage.badgeAria', { text: entitlementText(e, t) })}
        aria-expanded={open}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && open) {
            event.stopPropagation();
            setOpen(false);
          }
        }}
      >
        {warranty && (
          <Tag color="green" data-testid="entitlement-warranty">
            {t('coverage.badgeWarranty')}
          </Tag>
        )}
        {contract && (
          <Tag color="blue" data-testid="entitlement-contract-tag">
            {t('coverage.badgeContract', { number: contract.number })}
            <span className="entitlement-ends"> {t('coverage.badgeContractEnds', { date: contract.endsOn })}</span>
          </Tag>
        )}
        {none && (
          <Tag color="orange" data-testid="entitlement-none">
            {t('coverage.badgeNone')}
          </Tag>
        )}
      </button>
    </Popover>
  );
}
