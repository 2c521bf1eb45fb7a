/**
 * 我的设备 (portal, read only): the organisation's devices (the API returns only those) with their
 * warranty and status, filtered by site and warranty, searched by serial number; a device opens a
 * drawer with its details and its tickets.
 */
import { SearchOutlined } from '@ant-design/icons';
import { Alert, Card, Empty, Input, Select, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { WARRANTY_STATES, type Device, type WarrantyState } from '../../../../common/api/installed-base';
import { useDeviceList } from '../../api/contracts';
import { useCustomer } from '../../api/customers';
import { LoadError, LoadingRows } from '../../components/states';
import { useDebounced } from '../../components/use-debounced';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useUrlParams } from '../../components/use-url-params';
import { useMe } from '../auth/session';
import { PortalDeviceDrawer } from './portal-device-drawer';
import { PortalDeviceStatus, PortalWarrantyTag } from './portal-device-tags';
import './contract-pages.css';

const LIMIT = 200;

export function PortalDevicesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('portal.myDevices'));
  const me = useMe();
  const narrow = useNarrow();
  const customer = useCustomer(me.customerId);
  const { params, change } = useUrlParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 300);
  const siteId = params.get('siteId') ?? undefined;
  const warrantyParam = params.get('warranty');
  const warranty = (WARRANTY_STATES as readonly string[]).includes(warrantyParam ?? '') ? (warrantyParam as WarrantyState) : undefined;
  const list = useDeviceList({ q: q || undefined, siteId, warranty, limit: LIMIT });
  const [open, setOpen] = useState<string | null>(null);

  const setParam = (key: string, value: string | null | undefined) => change({ [key]: value });
  const rows = list.data?.items ?? [];
  const place = (d: Device) => [d.site?.name, d.location].filter(Boolean).join(' · ');

  const columns: TableColumnsType<Device> = [
    { title: t('portalInstalled.serial'), dataIndex: 'serial', width: 180, render: (s: string) => <span className="mono">{s}</span> },
    { title: t('portalInstalled.product'), key: 'product', ellipsis: true, render: (_, d) => `${d.product.model} ${d.product.name}` },
    { title: t('portalInstalled.site'), key: 'site', ellipsis: true, render: (_, d) => place(d) || <span className="muted">—</span> },
    { title: t('portalInstalled.warranty'), key: 'warranty', width: 200, render: (_, d) => <PortalWarrantyTag device={d} /> },
    { title: t('portalInstalled.status'), key: 'status', width: 100, render: (_, d) => <PortalDeviceStatus status={d.status} /> },
  ];
  const empty = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={q || siteId || warranty ? t('portalInstalled.noDevicesFiltered') : t('portalInstalled.noDevices')} />;

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('portal.myDevices')}
        </Typography.Title>
      </div>
      <div className={narrow ? 'queue-filters queue-filters-narrow' : 'queue-filters'}>
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('portalInstalled.searchSerial')}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setParam('q', e.target.value);
          }}
          style={{ width: narrow ? '100%' : 240 }}
          aria-label={t('common.search')}
          data-testid="portal-device-search"
        />
        <Select
          allowClear
          value={siteId}
          onChange={(v) => setParam('siteId', v)}
          placeholder={t('portalInstalled.allSites')}
          options={(customer.data?.sites ?? []).map((s) => ({ value: s.id, label: s.name }))}
          style={{ width: narrow ? undefined : 200 }}
        />
        <Select
          allowClear
          value={warranty}
          onChange={(v) => setParam('warranty', v)}
          placeholder={t('portalInstalled.anyWarranty')}
          options={WARRANTY_STATES.map((w) => ({ value: w, label: t(`portalInstalled.warrantyState.${w}`) }))}
          style={{ width: narrow ? undefined : 140 }}
        />
      </div>
      {list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : narrow ? (
        <div className="portal-ib-cards">
          {list.isPending ? (
            <LoadingRows />
          ) : rows.length === 0 ? (
            empty
          ) : (
            rows.map((d) => (
              <Card key={d.id} size="small" className="portal-ib-card" onClick={() => setOpen(d.id)} data-testid="portal-device-row">
                <div className="portal-ib-card-head">
                  <span className="mono" style={{ fontWeight: 600 }}>
                    {d.serial}
                  </span>
                  <PortalDeviceStatus status={d.status} />
                </div>
                <div>{`${d.product.model} ${d.product.name}`}</div>
                {place(d) && <div className="muted contract-card-line">{place(d)}</div>}
                <div>
                  <PortalWarrantyTag device={d} />
                </div>
              </Card>
            ))
          )}
        </div>
      ) : (
        <Table<Device>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={list.isPending}
          tableLayout="fixed"
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: list.isPending ? <LoadingRows /> : empty }}
          onRow={(d) => ({ onClick: () => setOpen(d.id), className: 'queue-row', 'data-testid': 'portal-device-row' }) as React.HTMLAttributes<HTMLElement>}
        />
      )}
      {list.data?.nextCursor && <Alert type="info" showIcon className="page-alert" title={t('portalInstalled.moreDevices', { count: LIMIT })} />}
      <PortalDeviceDrawer deviceId={open} onClose={() => setOpen(null)} />
    </div>
  );
}
