/**
 * /contracts (合同): every service contract with its derived state — filtered by state (with counts),
 * customer and number/title; 即将到期 says how many days are left, 已到期 is red. Phones get cards.
 * 新建合同 (contracts.write) opens the contract form.
 */
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Input, Segmented, Table, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CONTRACT_STATES } from '../../../../common/api/installed-base';
import { useContracts, type Contract, type ContractState } from '../../api/contracts';
import { CustomerSelect } from '../../components/selects';
import { LoadError, LoadingRows } from '../../components/states';
import { useDebounced } from '../../components/use-debounced';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useUrlParams } from '../../components/use-url-params';
import { useCan } from '../auth/session';
import { ContractStateTag, periodText, policyText, useCoverageText } from './contract-parts';
import { ContractModal } from './contract-modal';
import './contract-pages.css';

// The segmented filter's order: what needs attention first after 全部.
const FILTER_STATES: ContractState[] = ['active', 'expiring', 'expired', 'draft', 'terminated'];

export function ContractsPage() {
  const { t, i18n } = useTranslation();
  useDocumentTitle(t('contracts.title'));
  const can = useCan();
  const narrow = useNarrow();
  const navigate = useNavigate();
  const coverageText = useCoverageText();
  const { params, change } = useUrlParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 300);
  const stateParam = params.get('state');
  const state = (CONTRACT_STATES as readonly string[]).includes(stateParam ?? '') ? (stateParam as ContractState) : null;
  const customerId = params.get('customerId') ?? undefined;
  // One request for every state: the counts of the filter come with it, the state filters here.
  const list = useContracts({ customerId, q: q || undefined });
  const [creating, setCreating] = useState(false);

  const setParam = (key: string, value: string | null | undefined) => change({ [key]: value });

  const counts = useMemo(() => {
    const byState = new Map<ContractState, number>();
    for (const c of list.data ?? []) byState.set(c.state, (byState.get(c.state) ?? 0) + 1);
    return byState;
  }, [list.data]);
  const rows = useMemo(() => (list.data ?? []).filter((c) => !state || c.state === state), [list.data, state]);
  const policy = (c: Contract) => policyText(c.slaPolicy, i18n.language);

  const columns: TableColumnsType<Contract> = [
    {
      title: t('contracts.number'),
      dataIndex: 'number',
      width: 170,
      render: (n: string, c) => (
        <Link to={`/contracts/${c.id}`} className="mono nowrap" onClick={(e) => e.stopPropagation()} data-testid="contract-link">
          {n}
        </Link>
      ),
    },
    { title: t('contracts.titleField'), dataIndex: 'title', width: 220, ellipsis: true },
    {
      title: t('contracts.customer'),
      key: 'customer',
      width: 170,
      ellipsis: true,
      render: (_, c) => (
        <Link to={`/customers/${c.customer.id}`} onClick={(e) => e.stopPropagation()}>
          {c.customer.name}
        </Link>
      ),
    },
    { title: t('contracts.period'), key: 'period', width: 190, render: (_, c) => <span className="nowrap">{periodText(c)}</span> },
    { title: t('contracts.state.title'), key: 'state', width: 140, render: (_, c) => <ContractStateTag contract={c} /> },
    { title: t('contracts.slaPolicy'), key: 'sla', width: 140, ellipsis: true, render: (_, c) => policy(c) ?? <span className="muted">—</span> },
    { title: t('contracts.coverage'), key: 'coverage', width: 180, ellipsis: true, render: (_, c) => coverageText(c) },
    { title: t('contracts.accountManager'), key: 'am', width: 110, render: (_, c) => c.accountManager?.name ?? <span className="muted">—</span> },
  ];

  const segmentOptions = [
    { value: '', label: `${t('common.all')} ${list.data ? list.data.length : ''}`.trim() },
    ...FILTER_STATES.map((s) => ({ value: s, label: `${t(`contracts.state.${s}`)} ${list.data ? (counts.get(s) ?? 0) : ''}`.trim() })),
  ];
  const empty = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={q || state || customerId ? t('contracts.emptyFiltered') : t('contracts.empty')} />;

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('contracts.title')}
        </Typography.Title>
        {can('contracts.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-contract">
            {t('contracts.create')}
          </Button>
        )}
      </div>
      <div className="contract-state-filter">
        <Segmented value={state ?? ''} options={segmentOptions} onChange={(v) => setParam('state', String(v) || null)} data-testid="contract-state-filter" />
      </div>
      <div className={narrow ? 'queue-filters queue-filters-narrow' : 'queue-filters'}>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('contracts.searchPlaceholder')}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setParam('q', e.target.value);
          }}
          style={{ width: narrow ? '100%' : 260 }}
          aria-label={t('common.search')}
          data-testid="contract-search"
        />
        <CustomerSelect allowClear value={customerId} onChange={(v) => setParam('customerId', v)} placeholder={t('contracts.anyCustomer')} style={{ width: narrow ? undefined : 240 }} />
      </div>
      {list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : narrow ? (
        <div className="contract-cards" data-testid="contract-cards">
          {list.isPending ? (
            <LoadingRows />
          ) : rows.length === 0 ? (
            empty
          ) : (
            rows.map((c) => (
              <Card key={c.id} size="small" className="contract-card" data-testid="contract-row" onClick={() => navigate(`/contracts/${c.id}`)}>
                <div className="contract-card-head">
                  <Link to={`/contracts/${c.id}`} className="mono" onClick={(e) => e.stopPropagation()}>
                    {c.number}
                  </Link>
                  <ContractStateTag contract={c} />
                </div>
                <div className="contract-card-title">{c.title}</div>
                <div className="contract-card-line muted">{c.customer.name}</div>
                <div className="contract-card-line">
                  <span className="muted">{t('contracts.period')}：</span>
                  {periodText(c)}
                </div>
                <div className="contract-card-line">
                  <span className="muted">{t('contracts.coverage')}：</span>
                  {coverageText(c)}
                  {policy(c) ? ` · ${policy(c)}` : ''}
                </div>
              </Card>
            ))
          )}
        </div>
      ) : (
        <Table<Contract>
          className="admin-table"
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={list.isPending}
          tableLayout="fixed"
          scroll={{ x: 1300 }}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: list.isPending ? <LoadingRows /> : empty }}
          onRow={(c) => ({ onClick: () => navigate(`/contracts/${c.id}`), className: 'queue-row', 'data-testid': 'contract-row' }) as React.HTMLAttributes<HTMLElement>}
          data-testid="contract-table"
        />
      )}
      <ContractModal open={creating} onClose={() => setCreating(false)} onSaved={(c) => navigate(`/contracts/${c.id}`)} />
    </div>
  );
}
