/**
 * A customer's device in the portal: its details, the contracts covering it and the tickets that
 * named it (the ticket lines of its history, each a link to the ticket). Full screen on phones.
 */
import { Descriptions, Drawer, Empty, Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Severity, TicketStatus } from '../../../../common/domain';
import { useDeviceDetail, type DeviceDetail } from '../../api/contracts';
import { LoadError } from '../../components/states';
import { SeverityTag, StatusTag } from '../../components/tags';
import { DateTime } from '../../components/time';
import { useNarrow } from '../../components/use-narrow';
import { PortalDeviceStatus, PortalWarrantyTag } from './portal-device-tags';

interface TicketLine {
  id: string;
  number: string;
  title: string;
  status?: TicketStatus;
  severity?: Severity;
}

/** The tickets of the history, newest first, each once. */
function ticketLines(d: DeviceDetail): { at: string; serial: string; ticket: TicketLine }[] {
  const seen = new Set<string>();
  const out: { at: string; serial: string; ticket: TicketLine }[] = [];
  for (const h of [...d.history].sort((a, b) => b.at.localeCompare(a.at))) {
    const ticket = h.kind === 'ticket' ? (h.data.ticket as TicketLine | undefined) : undefined;
    if (!ticket?.id || seen.has(ticket.id)) continue;
    seen.add(ticket.id);
    out.push({ at: h.at, serial: h.serial, ticket });
  }
  return out;
}

export function PortalDeviceDrawer({ deviceId, onClose }: { deviceId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const narrow = useNarrow();
  const device = useDeviceDetail(deviceId);
  const d = device.data;
  const none = <span className="muted">—</span>;
  return (
    <Drawer
      open={deviceId !== null}
      onClose={onClose}
      size={narrow ? '100%' : 560}
      title={d ? <span className="mono">{d.serial}</span> : t('portalInstalled.device')}
      destroyOnHidden
      data-testid="portal-device-drawer"
    >
      {device.isPending ? (
        <Skeleton active />
      ) : device.isError ? (
        <LoadError error={device.error} onRetry={() => void device.refetch()} />
      ) : d ? (
        <>
          <Descriptions
            size="small"
            column={1}
            bordered
            items={[
              { key: 'product', label: t('portalInstalled.product'), children: `${d.product.model} ${d.product.name}` },
              { key: 'site', label: t('portalInstalled.site'), children: [d.site?.name, d.location].filter(Boolean).join(' · ') || none },
              { key: 'status', label: t('portalInstalled.status'), children: <PortalDeviceStatus status={d.status} /> },
              { key: 'warranty', label: t('portalInstalled.warranty'), children: <PortalWarrantyTag device={d} /> },
              { key: 'installed', label: t('portalInstalled.installedOn'), children: d.installedOn ?? none },
              ...(d.softwareVersion ? [{ key: 'sw', label: t('portalInstalled.softwareVersion'), children: d.softwareVersion }] : []),
              ...(d.firmwareVersion ? [{ key: 'fw', label: t('portalInstalled.firmwareVersion'), children: d.firmwareVersion }] : []),
              ...(d.assetTag ? [{ key: 'asset', label: t('portalInstalled.assetTag'), children: d.assetTag }] : []),
              ...(d.replaces ? [{ key: 'replaces', label: t('portalInstalled.replaces'), children: <span className="mono">{d.replaces.serial}</span> }] : []),
              ...(d.replacedBy ? [{ key: 'replacedBy', label: t('portalInstalled.replacedBy'), children: <span className="mono">{d.replacedBy.serial}</span> }] : []),
              {
                key: 'contracts',
                label: t('portalInstalled.contracts'),
                children: d.contracts.length ? (
                  d.contracts.map((c) => (
                    <div key={c.id}>
                      <Link to="/contracts">
                        <span className="mono">{c.number}</span> {c.title}
                      </Link>{' '}
                      <span className="muted">{t('portalInstalled.until', { day: c.endsOn })}</span>
                    </div>
                  ))
                ) : (
                  <span className="muted">{t('portalInstalled.noContract')}</span>
                ),
              },
            ]}
          />
          <h4 className="portal-ib-section-title">{t('portalInstalled.tickets')}</h4>
          {ticketLines(d).length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('portalInstalled.noTickets')} />
          ) : (
            <ul className="portal-ib-tickets" data-testid="portal-device-tickets">
              {ticketLines(d).map(({ at, serial, ticket }) => (
                <li key={ticket.id}>
                  <Link to={`/tickets/${ticket.id}`}>
                    <span className="mono">{ticket.number}</span> {ticket.title}
                  </Link>
                  {ticket.severity && <SeverityTag severity={ticket.severity} />}
                  {ticket.status && <StatusTag status={ticket.status} />}
                  <span className="muted">
                    <DateTime value={at} />
                    {serial !== d.serial ? ` · ${t('portalInstalled.previousUnit', { serial })}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </Drawer>
  );
}
