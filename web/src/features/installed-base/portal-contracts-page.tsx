/**
 * 服务合同 (portal, read only): the organisation's contracts (the API returns only those) — period,
 * state, what they cover, the service level, and the signed files to download.
 */
import { Card, Empty, Skeleton, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useContract, useContracts, type Contract } from '../../api/contracts';
import { LoadError } from '../../components/states';
import { useDocumentTitle } from '../../components/use-document-title';
import { ContractFileList } from './contract-attachments';
import { ContractStateTag, periodText, policyText, useCoverageText } from './contract-parts';
import './contract-pages.css';

const SHOWN_DEVICES = 12;
// Drafts are the service desk's work in progress, not the customer's business.
const shown = (c: Contract) => c.state !== 'draft';

function PortalContractCard({ contract }: { contract: Contract }) {
  const { t, i18n } = useTranslation();
  const coverageText = useCoverageText();
  const detail = useContract(contract.id);
  const d = detail.data;
  const policy = policyText(contract.slaPolicy, i18n.language);
  return (
    <Card size="small" className="portal-contract-card" data-testid="portal-contract">
      <div className="portal-ib-card-head">
        <div style={{ minWidth: 0 }}>
          <div className="contract-card-title">{contract.title}</div>
          <div className="muted mono">{contract.number}</div>
        </div>
        <ContractStateTag contract={contract} />
      </div>
      <dl className="portal-contract-facts">
        <dt>{t('contracts.period')}</dt>
        <dd>{periodText(contract)}</dd>
        <dt>{t('portalInstalled.serviceLevel')}</dt>
        <dd>{policy ?? <span className="muted">{t('portalInstalled.standardService')}</span>}</dd>
        {(contract.onsiteCalendar || contract.phoneCalendar) && (
          <>
            <dt>{t('portalInstalled.hours')}</dt>
            <dd>
              {[contract.onsiteCalendar && `${t('portalInstalled.onsite')} ${contract.onsiteCalendar.name}`, contract.phoneCalendar && `${t('portalInstalled.phone')} ${contract.phoneCalendar.name}`]
                .filter(Boolean)
                .join(' · ')}
            </dd>
          </>
        )}
        <dt>{t('contracts.coverage')}</dt>
        <dd>
          {coverageText(contract)}
          {d && contract.scope === 'listed' && (d.coverage.devices.length > 0 || d.coverage.sites.length > 0 || d.coverage.products.length > 0) && (
            <div className="portal-contract-coverage">
              {d.coverage.devices.slice(0, SHOWN_DEVICES).map((x) => (
                <Tag key={x.id} className="mono" title={x.product}>
                  {x.serial}
                </Tag>
              ))}
              {d.coverage.devices.length > SHOWN_DEVICES && <span className="muted">{t('portalInstalled.moreCovered', { count: d.coverage.devices.length - SHOWN_DEVICES })}</span>}
              {d.coverage.sites.map((s) => (
                <Tag key={s.id}>{s.name}</Tag>
              ))}
              {d.coverage.products.map((p) => (
                <Tag key={p.id}>{`${p.model} ${p.name}`}</Tag>
              ))}
            </div>
          )}
        </dd>
        {contract.includedVisits !== null && (
          <>
            <dt>{t('contracts.includedVisits')}</dt>
            <dd>{contract.includedVisits}</dd>
          </>
        )}
        {contract.inspectionFrequency !== 'none' && (
          <>
            <dt>{t('contracts.inspectionFrequency')}</dt>
            <dd>{t(`contracts.inspection.${contract.inspectionFrequency}`)}</dd>
          </>
        )}
        {contract.accountManager && (
          <>
            <dt>{t('contracts.accountManager')}</dt>
            <dd>{contract.accountManager.name}</dd>
          </>
        )}
      </dl>
      {detail.isPending ? <Skeleton active title={false} paragraph={{ rows: 1 }} /> : d && d.attachments.length > 0 && <ContractFileList contract={d} showUploader={false} />}
    </Card>
  );
}

export function PortalContractsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('portal.myContracts'));
  const list = useContracts({});
  const rows = (list.data ?? []).filter(shown);
  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('portal.myContracts')}
        </Typography.Title>
      </div>
      {list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <Skeleton active />
      ) : rows.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('portalInstalled.noContracts')} />
      ) : (
        <div className="portal-contract-grid" data-testid="portal-contracts">
          {rows.map((c) => (
            <PortalContractCard key={c.id} contract={c} />
          ))}
        </div>
      )}
    </div>
  );
}
