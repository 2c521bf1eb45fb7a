/**
 * /products (产品目录): every model the desk services — maker, category, warranty months, end of
 * supply (flagged half a year ahead: customers are told then, rule 003), SLA policy, spare parts and
 * how many units are installed (a link to those devices). Managers add and edit in a dialog;
 * everyone else reads. Phones get cards.
 */
import { EditOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Input, Popover, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useProducts, type Product } from '../../api/products';
import { usePolicies } from '../../api/time-rules';
import { LoadError, LoadingRows } from '../../components/states';
import { useDebounced } from '../../components/use-debounced';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import { policyName } from '../sla-policies/policy-text';
import { EndOfSupply } from './device-tags';
import { ProductModal } from './product-modal';
import { useSlashFocus } from './device-slash-focus';
import './device-pages.css';

const CATEGORY_COLORS = { hardware: 'blue', software: 'purple', service: 'cyan' } as const;

function SpareParts({ product }: { product: Product }) {
  const { t } = useTranslation();
  if (!product.spareParts.length) return <span className="muted">—</span>;
  return (
    <Popover
      title={t('products.spareParts')}
      content={
        <table className="product-parts-table">
          <tbody>
            {product.spareParts.map((p) => (
              <tr key={p.partNumber}>
                <td className="mono">{p.partNumber}</td>
                <td>{p.name}</td>
                <td style={{ textAlign: 'right' }}>× {p.quantity}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <Button type="link" size="small" style={{ padding: 0 }}>
        {t('products.sparePartsCount', { count: product.spareParts.length })}
      </Button>
    </Popover>
  );
}

export function ProductsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('products.title'));
  const can = useCan();
  const labels = useLabels();
  const narrow = useNarrow();
  const mayWrite = can('products.write');
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim().toLowerCase(), 200);
  const products = useProducts();
  const policies = usePolicies(can('time_rules.read'));
  const [editing, setEditing] = useState<Product | null | undefined>(undefined);
  const search = useRef<HTMLInputElement>(null);
  useSlashFocus(() => search.current?.focus());

  const rows = useMemo(() => {
    const all = [...(products.data ?? [])].sort((a, b) => a.model.localeCompare(b.model));
    if (!q) return all;
    return all.filter((p) => [p.model, p.name, p.maker ?? ''].some((s) => s.toLowerCase().includes(q)));
  }, [products.data, q]);
  const policyOf = (id: string | null) => {
    if (!id) return <span className="muted">{t('products.noPolicy')}</span>;
    const p = policies.data?.find((x) => x.id === id);
    return p ? policyName(p, labels.lang) : '…';
  };
  const devicesLink = (p: Product) => (
    <Link to={`/devices?productId=${p.id}`} aria-label={t('products.devicesOf', { model: p.model })} data-testid="product-device-count">
      {p.deviceCount}
    </Link>
  );
  const categoryTag = (p: Product) => <Tag color={CATEGORY_COLORS[p.category]}>{t(`products.categories.${p.category}`)}</Tag>;
  const versions = (p: Product) =>
    p.versions.length ? (
      <span className="tag-list">
        {p.versions.slice(-3).map((v) => (
          <Tag key={v}>{v}</Tag>
        ))}
        {p.versions.length > 3 && <span className="muted">+{p.versions.length - 3}</span>}
      </span>
    ) : (
      <span className="muted">—</span>
    );

  const columns: TableColumnsType<Product> = [
    {
      title: t('products.model'),
      dataIndex: 'model',
      width: 170,
      render: (model: string, p) =>
        mayWrite ? (
          <Button type="link" className="product-model-link mono" onClick={() => setEditing(p)} title={t('products.edit')} data-testid="product-open">
            <EditOutlined /> {model}
          </Button>
        ) : (
          <span className="mono">{model}</span>
        ),
    },
    {
      title: `${t('products.name')} / ${t('products.maker')}`,
      key: 'name',
      ellipsis: true,
      render: (_, p) => (
        <span title={p.maker ? `${p.name} · ${p.maker}` : p.name}>
          {p.name}
          {p.maker && <span className="muted"> · {p.maker}</span>}
        </span>
      ),
    },
    { title: t('products.category'), key: 'category', width: 70, render: (_, p) => categoryTag(p) },
    { title: t('products.versions'), key: 'versions', width: 160, render: (_, p) => versions(p) },
    {
      title: t('products.warrantyMonths'),
      dataIndex: 'warrantyMonths',
      width: 80,
      align: 'right',
      render: (n: number) => t('products.warrantyMonthsValue', { count: n }),
    },
    { title: t('products.endOfSupply'), dataIndex: 'endOfSupplyOn', width: 190, render: (on: string | null) => <EndOfSupply on={on} /> },
    { title: t('products.slaPolicy'), dataIndex: 'slaPolicyId', width: 130, ellipsis: true, render: (id: string | null) => policyOf(id) },
    { title: t('products.spareParts'), key: 'parts', width: 90, render: (_, p) => <SpareParts product={p} /> },
    { title: t('products.deviceCount'), dataIndex: 'deviceCount', width: 70, align: 'right', render: (_, p) => devicesLink(p) },
  ];

  const empty = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={q ? t('products.emptyFiltered') : t('products.empty')} />;

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('products.title')}
        </Typography.Title>
        {mayWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="product-create">
            {t('products.create')}
          </Button>
        )}
      </div>
      <div className="queue-filters">
        <Input
          ref={(el) => {
            search.current = el?.input ?? null;
          }}
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('products.searchPlaceholder')}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setParams(e.target.value ? { q: e.target.value } : {}, { replace: true });
          }}
          style={{ width: narrow ? '100%' : 300 }}
          aria-label={t('common.search')}
          data-testid="product-search"
        />
        {products.data && <span className="muted">{t('products.count', { count: rows.length })}</span>}
      </div>
      {products.isError ? (
        <LoadError error={products.error} onRetry={() => void products.refetch()} />
      ) : narrow ? (
        <div className="device-cards" data-testid="product-cards">
          {products.isPending ? (
            <LoadingRows />
          ) : rows.length === 0 ? (
            empty
          ) : (
            rows.map((p) => (
              <Card key={p.id} size="small" className="device-card" data-testid="product-card">
                <div className="device-card-head">
                  {mayWrite ? (
                    <Button type="link" className="product-model-link mono" onClick={() => setEditing(p)}>
                      {p.model}
                    </Button>
                  ) : (
                    <span className="mono device-card-serial">{p.model}</span>
                  )}
                  {categoryTag(p)}
                </div>
                <div className="device-card-line">
                  {p.name}
                  {p.maker && <span className="muted"> · {p.maker}</span>}
                </div>
                <div className="device-card-meta">
                  <span>
                    {t('products.warrantyMonths')} {t('products.warrantyMonthsValue', { count: p.warrantyMonths })}
                  </span>
                  <span>
                    {t('products.deviceCount')} {devicesLink(p)}
                  </span>
                </div>
                {p.endOfSupplyOn && (
                  <div className="device-card-line">
                    <span className="muted">{t('products.endOfSupply')}：</span>
                    <EndOfSupply on={p.endOfSupplyOn} />
                  </div>
                )}
                {p.versions.length > 0 && <div className="device-card-line">{versions(p)}</div>}
              </Card>
            ))
          )}
        </div>
      ) : (
        <Table<Product>
          className="admin-table"
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={products.isPending}
          tableLayout="fixed"
          scroll={{ x: 1100 }}
          pagination={{ pageSize: 100, hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="product-table"
          locale={{ emptyText: products.isPending ? <LoadingRows /> : empty }}
        />
      )}
      <ProductModal product={editing ?? null} open={editing !== undefined} onClose={() => setEditing(undefined)} />
    </div>
  );
}
