/**
 * /devices (设备): the installed base. Filters live in the URL (customer, its site, product, status,
 * warranty, a serial / asset-tag prefix typed with a debounce, `/` focuses it); the table pages by
 * keyset (加载更多 continues after `nextCursor`) and says how many are loaded. 新增设备 opens the
 * device dialog, 导入 the spreadsheet import (devices.write), 导出 Excel downloads what the filters
 * match. Phones get cards.
 */
import { DownloadOutlined, PlusOutlined, SearchOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Input, Select, Space, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { DEVICE_STATUSES, WARRANTY_STATES, type DeviceStatus, type WarrantyState } from '../../../../common/api/installed-base';
import { useCustomer } from '../../api/customers';
import { deviceExportUrl, useDeviceList, type Device, type DeviceFilters } from '../../api/devices';
import { useProducts } from '../../api/products';
import { CustomerSelect } from '../../components/selects';
import { LoadError, LoadingRows } from '../../components/states';
import { useDebounced } from '../../components/use-debounced';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useUrlParams } from '../../components/use-url-params';
import { useCan } from '../auth/session';
import { useQueueKeyboard } from '../tickets/use-queue-keyboard';
import { DeviceModal } from './device-modal';
import { DeviceStatusTag, DeviceVersions, WarrantyTag } from './device-tags';
import './device-pages.css';

const FILTER_KEYS = ['q', 'customerId', 'siteId', 'productId', 'status', 'warranty'] as const;

function filtersOf(params: URLSearchParams): DeviceFilters {
  const status = params.get('status');
  const warranty = params.get('warranty');
  return {
    q: params.get('q')?.trim() || undefined,
    customerId: params.get('customerId') || undefined,
    siteId: (params.get('customerId') && params.get('siteId')) || undefined,
    productId: params.get('productId') || undefined,
    status: (DEVICE_STATUSES as readonly string[]).includes(status ?? '') ? (status as DeviceStatus) : undefined,
    warranty: (WARRANTY_STATES as readonly string[]).includes(warranty ?? '') ? (warranty as WarrantyState) : undefined,
  };
}

export function DevicesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('devices.title'));
  const can = useCan();
  const narrow = useNarrow();
  const navigate = useNavigate();
  const mayWrite = can('devices.write');
  const { params, change, clear } = useUrlParams();
  const filters = useMemo(() => filtersOf(params), [params]);
  const [text, setText] = useState(params.get('q') ?? '');
  const typed = useDebounced(text.trim(), 300);
  const search = useRef<HTMLInputElement>(null);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState(-1);

  const setFilter = (changes: Partial<Record<(typeof FILTER_KEYS)[number], string | undefined>>) => change(changes);
  // The typed prefix reaches the URL (and the server) once typing pauses; the URL's own changes
  // (back / forward, 清除筛选) come back into the box, but not the echo of what was typed.
  const written = useRef(params.get('q') ?? '');
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the debounced text drives this
  useEffect(() => {
    if ((params.get('q') ?? '') === typed) return;
    written.current = typed;
    setFilter({ q: typed || undefined });
  }, [typed]);
  const urlQ = params.get('q') ?? '';
  useEffect(() => {
    if (urlQ === written.current) return;
    written.current = urlQ;
    setText(urlQ);
  }, [urlQ]);

  const list = useDeviceList(filters);
  const products = useProducts();
  const customer = useCustomer(filters.customerId);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const anyFilter = FILTER_KEYS.some((k) => filters[k]);
  // As on the ticket queue: / searches, j/k move through the rows, Enter opens one, n registers a device.
  const focusSearch = useCallback(() => search.current?.focus(), []);
  const openRow = useCallback((i: number) => rows[i] && navigate(`/devices/${rows[i].id}`), [rows, navigate]);
  const newDevice = useCallback(() => setCreating(true), []);
  useQueueKeyboard({
    enabled: !creating,
    rowCount: rows.length,
    selected,
    setSelected,
    open: openRow,
    focusSearch,
    newTicket: mayWrite ? newDevice : undefined,
  });

  const productOptions = useMemo(
    () =>
      [...(products.data ?? [])]
        .sort((a, b) => a.model.localeCompare(b.model))
        .map((p) => ({ value: p.id, label: `${p.model} · ${p.name}`, search: `${p.model} ${p.name}`.toLowerCase() })),
    [products.data],
  );

  const serialLink = (d: Device) => (
    <Link to={`/devices/${d.id}`} className="mono device-serial" data-testid="device-link" onClick={(e) => e.stopPropagation()}>
      {d.serial}
    </Link>
  );
  const siteText = (d: Device) =>
    d.site || d.location ? (
      <span>
        {d.site?.name}
        {d.site && d.location ? ' · ' : ''}
        {d.location && <span className="muted">{d.location}</span>}
      </span>
    ) : (
      <span className="muted">—</span>
    );

  const columns: TableColumnsType<Device> = [
    {
      title: t('devices.serial'),
      key: 'serial',
      width: 170,
      render: (_, d) => (
        <div>
          {serialLink(d)}
          {d.assetTag && <div className="muted mono" style={{ fontSize: 12 }}>{d.assetTag}</div>}
        </div>
      ),
    },
    {
      title: t('devices.product'),
      key: 'product',
      width: 180,
      ellipsis: true,
      render: (_, d) => (
        <div title={`${d.product.model} · ${d.product.name}`} className="device-product-cell">
          <div className="mono">{d.product.model}</div>
          <div className="muted">{d.product.name}</div>
        </div>
      ),
    },
    { title: t('devices.customer'), key: 'customer', ellipsis: true, render: (_, d) => <span title={d.customer.name}>{d.customer.name}</span> },
    { title: t('devices.siteAndLocation'), key: 'site', width: 160, ellipsis: true, render: (_, d) => siteText(d) },
    { title: t('devices.installedOn'), dataIndex: 'installedOn', width: 100, render: (v: string | null) => v ?? <span className="muted">—</span> },
    {
      title: t('devices.warrantyEndsOn'),
      key: 'warranty',
      width: 180,
      render: (_, d) => (
        <Space size={6}>
          <span>{d.warrantyEndsOn ?? <span className="muted">—</span>}</span>
          <WarrantyTag warranty={d.warranty} />
        </Space>
      ),
    },
    { title: t('devices.versions'), key: 'versions', width: 120, render: (_, d) => <DeviceVersions device={d} /> },
    { title: t('devices.status'), dataIndex: 'status', width: 80, render: (s: DeviceStatus) => <DeviceStatusTag status={s} /> },
  ];

  const empty = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={anyFilter ? t('devices.emptyFiltered') : t('devices.empty')} />;
  const footer = rows.length > 0 && (
    <div className="device-list-footer" data-testid="device-list-footer">
      <span className="muted" data-testid="device-loaded">
        {list.hasNextPage ? t('devices.loaded', { count: rows.length }) : t('devices.allLoaded', { count: rows.length })}
      </span>
      {list.hasNextPage && (
        <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="device-load-more">
          {t('devices.loadMore')}
        </Button>
      )}
    </div>
  );

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('devices.title')}
        </Typography.Title>
        <Space wrap>
          <Tooltip title={t('devices.exportTip')}>
            <Button icon={<DownloadOutlined />} href={deviceExportUrl(filters)} download data-testid="device-export">
              {t('devices.export')}
            </Button>
          </Tooltip>
          {mayWrite && (
            <Link to="/devices/import" data-testid="device-import">
              <Button icon={<UploadOutlined />}>{t('devices.import')}</Button>
            </Link>
          )}
          {mayWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="device-create">
              {t('devices.create')}
            </Button>
          )}
        </Space>
      </div>
      <div className={narrow ? 'queue-filters device-filters device-filters-narrow' : 'queue-filters device-filters'}>
        <Input
          ref={(el) => {
            search.current = el?.input ?? null;
          }}
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('devices.searchPlaceholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onPressEnter={() => {
            written.current = text.trim();
            setFilter({ q: text.trim() || undefined });
          }}
          style={{ width: narrow ? '100%' : 280 }}
          aria-label={t('devices.searchPlaceholder')}
          data-testid="device-search"
        />
        <CustomerSelect
          allowClear
          value={filters.customerId}
          onChange={(id) => setFilter({ customerId: id, siteId: undefined })}
          placeholder={t('devices.customerPlaceholder')}
          data-testid="device-filter-customer"
        />
        {filters.customerId && (
          <Select
            allowClear
            value={filters.siteId}
            onChange={(id?: string) => setFilter({ siteId: id })}
            options={(customer.data?.sites ?? []).map((s) => ({ value: s.id, label: s.name }))}
            loading={customer.isPending}
            placeholder={t('devices.sitePlaceholder')}
            data-testid="device-filter-site"
          />
        )}
        <Select
          allowClear
          value={filters.productId}
          onChange={(id?: string) => setFilter({ productId: id })}
          options={productOptions}
          showSearch={{ filterOption: (input, option) => Boolean(option?.search.includes(input.toLowerCase())) }}
          placeholder={t('devices.productPlaceholder')}
          popupMatchSelectWidth={false}
          data-testid="device-filter-product"
        />
        <Select
          allowClear
          value={filters.status}
          onChange={(s?: string) => setFilter({ status: s })}
          options={DEVICE_STATUSES.map((s) => ({ value: s, label: t(`devices.statuses.${s}`) }))}
          placeholder={t('devices.statusPlaceholder')}
          style={{ width: narrow ? undefined : 120 }}
          data-testid="device-filter-status"
        />
        <Select
          allowClear
          value={filters.warranty}
          onChange={(w?: string) => setFilter({ warranty: w })}
          options={WARRANTY_STATES.map((w) => ({ value: w, label: t(`devices.warrantyStates.${w}`) }))}
          placeholder={t('devices.warrantyPlaceholder')}
          style={{ width: narrow ? undefined : 120 }}
          data-testid="device-filter-warranty"
        />
        {anyFilter && (
          <Button
            type="link"
            onClick={() => {
              written.current = '';
              setText('');
              clear();
            }}
          >
            {t('devices.clearFilters')}
          </Button>
        )}
      </div>
      {list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : narrow ? (
        <div className="device-cards" data-testid="device-cards">
          {list.isPending ? (
            <LoadingRows />
          ) : rows.length === 0 ? (
            empty
          ) : (
            rows.map((d) => (
              <Card key={d.id} size="small" className="device-card" data-testid="device-card" onClick={() => navigate(`/devices/${d.id}`)}>
                <div className="device-card-head">
                  {serialLink(d)}
                  <WarrantyTag warranty={d.warranty} />
                  <DeviceStatusTag status={d.status} />
                </div>
                <div className="device-card-line">
                  <span className="mono">{d.product.model}</span> <span className="muted">{d.product.name}</span>
                </div>
                <div className="device-card-line">
                  {d.customer.name}
                  {(d.site || d.location) && <> · {siteText(d)}</>}
                </div>
                <div className="device-card-meta">
                  <span>
                    {t('devices.warrantyEndsOn')} {d.warrantyEndsOn ?? '—'}
                  </span>
                  <DeviceVersions device={d} />
                </div>
              </Card>
            ))
          )}
          {footer}
        </div>
      ) : (
        <>
          <Table<Device>
            className="admin-table"
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={rows}
            loading={list.isPending || (list.isFetching && list.isPlaceholderData)}
            tableLayout="fixed"
            scroll={{ x: 1120 }}
            pagination={false}
            data-testid="device-table"
            locale={{ emptyText: list.isPending ? <LoadingRows /> : empty }}
            onRow={(d, i) => ({ onClick: () => navigate(`/devices/${d.id}`), className: i === selected ? 'queue-row queue-row-selected' : 'queue-row' })}
          />
          {footer}
          <div className="muted device-shortcuts">{t('devices.shortcuts')}</div>
        </>
      )}
      <DeviceModal
        device={null}
        open={creating}
        onClose={() => setCreating(false)}
        defaults={{ customerId: filters.customerId, siteId: filters.siteId, productId: filters.productId }}
      />
    </div>
  );
}
