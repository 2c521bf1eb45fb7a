/**
 * A device's history as a timeline, newest first: registered, changed (each field "字段: 旧 → 新",
 * software and firmware changes marked 版本变更), status changes, imports, replacements, the
 * tickets that named it and the visits to it. Lines of a unit this one replaced say whose they are.
 */
import { Tag, Timeline, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Severity, TicketStatus } from '../../../../common/domain';
import type { DeviceDetail, DeviceHistoryItem, DeviceStatus } from '../../api/devices';
import { useProducts } from '../../api/products';
import { SeverityTag, StatusTag } from '../../components/tags';
import { DateTime } from '../../components/time';
import { DeviceStatusTag } from './device-tags';

const VERSION_FIELDS = new Set(['softwareVersion', 'firmwareVersion']);
const FIELD_LABELS = new Set([
  'serial',
  'productId',
  'product',
  'customerId',
  'customer',
  'siteId',
  'site',
  'location',
  'installedOn',
  'warrantyEndsOn',
  'softwareVersion',
  'firmwareVersion',
  'status',
  'assetTag',
  'ip',
  'attributes',
]);
const KIND_COLORS: Record<DeviceHistoryItem['kind'], string> = {
  created: 'green',
  updated: 'blue',
  status_changed: 'orange',
  imported: 'cyan',
  replaced: 'red',
  replacement_of: 'green',
  ticket: 'gray',
  visit: 'purple',
};

/** A visit line's data (server/modules/devices/detail.ts). */
export interface DeviceVisit {
  visit: {
    id: string;
    status: 'planned' | 'departed' | 'on_site' | 'finished' | 'cancelled';
    plannedStart: string;
    arrivedAt: string | null;
    finishedAt: string | null;
    result: 'restored' | 'another_visit' | 'needs_parts' | null;
  };
  ticket: { id: string; number: string };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function DeviceHistory({ device }: { device: DeviceDetail }) {
  const { t } = useTranslation();
  const products = useProducts();
  const items = [...device.history].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
  if (!items.length) return <Typography.Text type="secondary">{t('devices.noHistory')}</Typography.Text>;

  const fieldLabel = (field: string) => (FIELD_LABELS.has(field) ? t(`devices.field.${field}` as 'devices.field.serial') : field);
  const valueText = (field: string, value: unknown): ReactNode => {
    if (value === null || value === undefined || value === '') return <span className="muted">{t('devices.emptyValue')}</span>;
    if (field === 'status' && typeof value === 'string') return t(`devices.statuses.${value as DeviceStatus}`);
    if (field === 'productId' && typeof value === 'string') {
      const p = products.data?.find((x) => x.id === value);
      return p ? `${p.model} · ${p.name}` : value;
    }
    if (field === 'customerId' && value === device.customer.id) return device.customer.name;
    if (field === 'siteId' && value === device.site?.id) return device.site.name;
    if (typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>);
      return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join('，') : <span className="muted">{t('devices.emptyValue')}</span>;
    }
    return String(value);
  };

  const body = (item: DeviceHistoryItem): ReactNode => {
    const data = item.data;
    switch (item.kind) {
      case 'updated': {
        const changes = Object.entries((data.changes ?? {}) as Record<string, [unknown, unknown]>);
        const versions = changes.some(([f]) => VERSION_FIELDS.has(f));
        return (
          <>
            <div className="device-history-line">
              <b>{t('devices.event.updated')}</b>
              {versions && (
                <Tag color="geekblue" data-testid="version-change">
                  {t('devices.versionChange')}
                </Tag>
              )}
            </div>
            <ul className="device-history-changes">
              {changes.map(([field, pair]) => {
                const [from, to] = Array.isArray(pair) ? pair : [undefined, pair];
                return (
                  <li key={field} data-field={field}>
                    {fieldLabel(field)}: {valueText(field, from)} → {valueText(field, to)}
                  </li>
                );
              })}
            </ul>
          </>
        );
      }
      case 'status_changed': {
        const from = str(data.from) as DeviceStatus | undefined;
        const to = str(data.to) as DeviceStatus | undefined;
        return (
          <div className="device-history-line">
            <b>{t('devices.event.status_changed')}</b>
            {from && <DeviceStatusTag status={from} />}
            {from && to && '→'}
            {to && <DeviceStatusTag status={to} />}
          </div>
        );
      }
      case 'imported':
        return (
          <div className="device-history-line">
            <b>{t('devices.event.imported')}</b>
            {str(data.filename) && <span className="muted">{t('devices.event.importFile', { filename: str(data.filename) })}</span>}
          </div>
        );
      case 'replaced': {
        const serial = str(data.newSerial);
        const id = str(data.newDeviceId);
        return (
          <>
            <div className="device-history-line">
              <b>{serial ? t('devices.event.replaced') : t('devices.event.replacedNoSerial')}</b>
              {serial && (id ? <Link to={`/devices/${id}`} className="mono">{serial}</Link> : <span className="mono">{serial}</span>)}
            </div>
            {str(data.note) && <div className="muted">{str(data.note)}</div>}
          </>
        );
      }
      case 'replacement_of': {
        const serial = str(data.oldSerial);
        const id = str(data.oldDeviceId);
        return (
          <div className="device-history-line">
            <b>{serial ? t('devices.event.replacement_of') : t('devices.event.replacementOfNoSerial')}</b>
            {serial && (id ? <Link to={`/devices/${id}`} className="mono">{serial}</Link> : <span className="mono">{serial}</span>)}
          </div>
        );
      }
      case 'ticket': {
        const ticket = data.ticket as { id: string; number: string; title: string; status: TicketStatus; severity: Severity } | undefined;
        if (!ticket) return <b>{t('devices.event.ticket')}</b>;
        return (
          <div className="device-history-line">
            <Link to={`/tickets/${ticket.id}`} className="mono" data-testid="device-history-ticket">
              {ticket.number}
            </Link>
            <span>{ticket.title}</span>
            <SeverityTag severity={ticket.severity} />
            <StatusTag status={ticket.status} />
          </div>
        );
      }
      case 'visit': {
        const visit = data.visit as DeviceVisit['visit'] | undefined;
        const ticket = data.ticket as DeviceVisit['ticket'] | undefined;
        if (!visit || !ticket) return <b>{t('devices.event.visit')}</b>;
        return (
          <div className="device-history-line">
            <b>{t('devices.event.visit')}</b>
            <Link to={`/visits/${visit.id}`} className="mono" data-testid="device-history-visit">
              {ticket.number}
            </Link>
            <Tag>{t(`devices.visitStatus.${visit.status}`)}</Tag>
            {visit.result && <Tag color={visit.result === 'restored' ? 'green' : 'orange'}>{t(`devices.visitResult.${visit.result}`)}</Tag>}
          </div>
        );
      }
      default:
        return <b>{t('devices.event.created')}</b>;
    }
  };

  return (
    <Timeline
      className="device-history"
      data-testid="device-history"
      items={items.map((item, i) => ({
        key: `${item.at}-${item.kind}-${i}`,
        color: KIND_COLORS[item.kind],
        content: (
          <div data-testid="device-history-item" data-kind={item.kind}>
            {body(item)}
            <div className="device-history-meta">
              <DateTime value={item.at} />
              {item.actor && <> · {item.actor.name}</>}
              {item.serial !== device.serial && (
                <>
                  {' · '}
                  <Tag style={{ marginInlineEnd: 0 }} data-testid="device-history-serial">
                    {t('devices.historyOf', { serial: item.serial })}
                  </Tag>
                </>
              )}
            </div>
          </div>
        ),
      }))}
    />
  );
}
