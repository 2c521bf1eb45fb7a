/**
 * /devices/:id (设备详情): the unit's serial, product, status and warranty; its customer and site;
 * every field; edit (devices.write) in the device dialog; the contracts covering it today, a pending
 * replacement proposal, the units it replaced, its history (with theirs) as a timeline, and its
 * visits (field service), newest first, each linking to the visit. Parts used arrive with spare
 * parts: one muted line until then.
 */
import { ArrowLeftOutlined, EditOutlined, SwapOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Empty, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useDevice, type DeviceDetail } from '../../api/devices';
import { PageSkeleton, RecordLoadError } from '../../components/states';
import { DateTime, formatDate } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useCan } from '../auth/session';
import { DeviceHistory, type DeviceVisit } from './device-history';
import { DeviceModal } from './device-modal';
import { DeviceStatusTag, WarrantyTag } from './device-tags';
import './device-pages.css';

export function DevicePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const can = useCan();
  const device = useDevice(id);
  const [editing, setEditing] = useState(false);
  useDocumentTitle(device.data?.serial);

  if (device.isPending) return <PageSkeleton />;
  if (device.isError) {
    return <RecordLoadError error={device.error} onRetry={() => void device.refetch()} title={t('devices.notFound')} backTo="/devices" backLabel={t('devices.title')} />;
  }
  const d = device.data;
  const none = <span className="muted">—</span>;
  const attributes = Object.entries(d.attributes);

  return (
    <div className="device-page">
      <div className="page-card">
        <Link to="/devices" className="back-link">
          <ArrowLeftOutlined /> {t('devices.title')}
        </Link>
        <div className="page-title-row">
          <div className="device-header">
            <Typography.Title level={4} className="mono" data-testid="device-title">
              {d.serial}
            </Typography.Title>
            <DeviceStatusTag status={d.status} />
            <WarrantyTag warranty={d.warranty} endsOn={d.warrantyEndsOn} />
          </div>
          {can('devices.write') && (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="device-edit">
              {t('common.edit')}
            </Button>
          )}
        </div>
        <div className="device-subtitle">
          <span>
            <span className="mono">{d.product.model}</span> {d.product.name}
            {d.product.maker && <span className="muted"> · {d.product.maker}</span>}
          </span>
          <span>
            {can('customers.read') ? <Link to={`/customers/${d.customer.id}`}>{d.customer.name}</Link> : d.customer.name}
            {d.site && <span> · {d.site.name}</span>}
            {d.location && <span className="muted"> · {d.location}</span>}
          </span>
        </div>
        {d.openReplacement && (
          <Alert
            type="warning"
            showIcon
            icon={<WarningOutlined />}
            className="page-alert"
            data-testid="device-open-replacement"
            title={t('devices.openReplacement', { date: formatDate(d.openReplacement.createdAt) })}
            action={<Link to="/replacements">{t('devices.openReplacementLink')}</Link>}
          />
        )}
        {(d.replacedBy || d.predecessors.length > 0) && (
          <div className="device-links page-alert">
            {d.replacedBy && (
              <span>
                <SwapOutlined />{' '}
                <Link to={`/devices/${d.replacedBy.id}`} data-testid="device-replaced-by">
                  {t('devices.replacedBy', { serial: d.replacedBy.serial })}
                </Link>
              </span>
            )}
            {[...d.predecessors].reverse().map((p) => (
              <span key={p.id}>
                <SwapOutlined />{' '}
                <Link to={`/devices/${p.id}`} data-testid="device-predecessor">
                  {t('devices.replacedFrom', { serial: p.serial })}
                </Link>
              </span>
            ))}
          </div>
        )}
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          data-testid="device-details"
          items={[
            { key: 'location', label: t('devices.location'), children: d.location ?? none },
            { key: 'installedOn', label: t('devices.installedOn'), children: d.installedOn ?? none },
            {
              key: 'warranty',
              label: t('devices.warrantyEndsOn'),
              children: (
                <Space size={6}>
                  {d.warrantyEndsOn ?? none}
                  <WarrantyTag warranty={d.warranty} />
                </Space>
              ),
            },
            { key: 'software', label: t('devices.softwareVersion'), children: d.softwareVersion ? <span className="mono" data-testid="device-software-version-value">{d.softwareVersion}</span> : none },
            { key: 'firmware', label: t('devices.firmwareVersion'), children: d.firmwareVersion ? <span className="mono">{d.firmwareVersion}</span> : none },
            { key: 'assetTag', label: t('devices.assetTag'), children: d.assetTag ? <span className="mono">{d.assetTag}</span> : none },
            { key: 'ip', label: t('devices.ip'), children: d.ip ? <span className="mono">{d.ip}</span> : none },
            { key: 'createdAt', label: t('devices.createdAt'), children: <DateTime value={d.createdAt} /> },
            { key: 'updatedAt', label: t('devices.updatedAt'), children: <DateTime value={d.updatedAt} /> },
            ...attributes.map(([k, v]) => ({ key: `attr-${k}`, label: k, children: v || none })),
          ]}
        />
      </div>
      <div className="page-card">
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('devices.contracts')}
        </Typography.Title>
        {d.contracts.length ? (
          <div className="device-links" data-testid="device-contracts">
            {d.contracts.map((c) => (
              <span key={c.id}>
                <Link to={`/contracts/${c.id}`} className="mono">
                  {c.number}
                </Link>{' '}
                {c.title} <Tag>{t('devices.contractEnds', { date: c.endsOn })}</Tag>
              </span>
            ))}
          </div>
        ) : (
          <Typography.Text type="secondary">{t('devices.noContracts')}</Typography.Text>
        )}
      </div>
      <div className="page-card">
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('devices.history')}
        </Typography.Title>
        {d.history.length ? <DeviceHistory device={d} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('devices.noHistory')} />}
      </div>
      <div className="page-card">
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('devices.visits')}
        </Typography.Title>
        <DeviceVisits device={d} />
        <Typography.Title level={5}>{t('devices.parts')}</Typography.Title>
        <div className="device-later">{t('devices.partsLater')}</div>
      </div>
      <DeviceModal device={d} open={editing} onClose={() => setEditing(false)} />
    </div>
  );
}

/** The visits to the unit (and the units it replaced), from its history's visit lines, newest first. */
function DeviceVisits({ device }: { device: DeviceDetail }) {
  const { t } = useTranslation();
  const lines = device.history.filter((h) => h.kind === 'visit').map((h) => ({ ...(h.data as unknown as DeviceVisit), serial: h.serial }));
  if (!lines.length) return <Typography.Text type="secondary">{t('devices.noVisits')}</Typography.Text>;
  return (
    <ul className="device-visits" data-testid="device-visits">
      {lines.map(({ visit, ticket, serial }) => (
        <li key={visit.id} data-testid="device-visit">
          <Link to={`/visits/${visit.id}`}>
            <DateTime value={visit.arrivedAt ?? visit.plannedStart} />
          </Link>{' '}
          <Tag>{t(`devices.visitStatus.${visit.status}`)}</Tag>
          {visit.result && <Tag color={visit.result === 'restored' ? 'green' : 'orange'}>{t(`devices.visitResult.${visit.result}`)}</Tag>}
          <Link to={`/tickets/${ticket.id}`} className="mono">
            {ticket.number}
          </Link>
          {serial !== device.serial && <span className="muted"> · {t('devices.historyOf', { serial })}</span>}
        </li>
      ))}
    </ul>
  );
}
