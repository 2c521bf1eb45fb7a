/** Pieces the engineer's pages share (issue 12): the visit's status tag, the site with navigation, tap-to-call, the outbox indicator. */
import { CloudUploadOutlined, CopyOutlined, EnvironmentOutlined, PhoneOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Tag } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Visit, VisitStatus } from '../../../../common/api/field-service';
import { showError, showInfo, showSuccess } from '../../components/feedback';
import { type FlushResult, flushQueue, useOutboxSync, usePendingActions } from './offline-sync';

const STATUS_COLORS: Record<VisitStatus, string> = { planned: 'blue', departed: 'orange', on_site: 'purple', finished: 'green', cancelled: 'default' };

export function VisitStatusTag({ status }: { status: VisitStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} data-testid="visit-status" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`visits.status.${status}`)}
    </Tag>
  );
}

/** 09:00–11:00, with the day when it is not today. */
export function visitWindow(visit: Pick<Visit, 'plannedStart' | 'plannedEnd'>): string {
  const start = dayjs(visit.plannedStart);
  const end = dayjs(visit.plannedEnd);
  const day = start.isSame(dayjs(), 'day') ? '' : `${start.format('MM-DD')} `;
  const endDay = end.isSame(start, 'day') ? '' : `${end.format('MM-DD')} `;
  return `${day}${start.format('HH:mm')}–${endDay}${end.format('HH:mm')}`;
}

/** Opens the phone's map app (Amap's search link works in its app, in a browser, and hands over on iOS/Android). */
export const mapLink = (address: string) => `https://uri.amap.com/search?keyword=${encodeURIComponent(address)}&callnative=1`;

export function SiteBlock({ site }: { site: Visit['site'] }) {
  const { t } = useTranslation();
  if (!site) return null;
  const address = site.address?.trim() || null;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(address ?? site.name);
      showSuccess(t('visits.copied'));
    } catch (error) {
      showError(error);
    }
  };
  return (
    <div className="visit-site" data-testid="visit-site">
      <div style={{ fontWeight: 600 }}>
        <EnvironmentOutlined /> {site.name}
        {site.region ? <span className="visit-muted"> · {site.region}</span> : null}
      </div>
      <div className="visit-muted" data-testid="visit-address">
        {address ?? t('visits.noAddress')}
      </div>
      {address && (
        <div className="visit-actions">
          <Button size="large" icon={<EnvironmentOutlined />} href={mapLink(address)} target="_blank" rel="noopener noreferrer" data-testid="visit-map">
            {t('visits.map')}
          </Button>
          <Button size="large" icon={<CopyOutlined />} onClick={copy} data-testid="visit-copy-address">
            {t('visits.copy')}
          </Button>
        </div>
      )}
    </div>
  );
}

export function ContactBlock({ contact }: { contact: Visit['contact'] }) {
  const { t } = useTranslation();
  if (!contact) return null;
  return (
    <div className="visit-contact" data-testid="visit-contact">
      <div style={{ fontWeight: 600 }}>{contact.name}</div>
      {contact.phones.length > 0 && (
        <div className="visit-actions">
          {contact.phones.map((phone) => (
            <Button key={phone} size="large" icon={<PhoneOutlined />} href={`tel:${phone.replace(/[^\d+]/g, '')}`} aria-label={t('visits.call', { phone })} data-testid="visit-call">
              {phone}
            </Button>
          ))}
        </div>
      )}
    </div>
  );
}

export function DevicesBlock({ devices }: { devices: Visit['devices'] }) {
  const { t } = useTranslation();
  if (!devices.length) return null;
  return (
    <div data-testid="visit-devices">
      <div className="visit-muted">{t('visits.devices')}</div>
      {devices.map((d) => (
        <div key={d.id}>
          {d.productModel} · <span style={{ fontFamily: 'monospace' }}>{d.serial}</span>
          {d.location ? <span className="visit-muted"> · {d.location}</span> : null}
        </div>
      ))}
    </div>
  );
}

/** 待发送 n 项 with 立即发送; keeps retrying in the background while anything waits. */
export function OutboxIndicator() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const pending = usePendingActions();
  const onRefused = useCallback(
    (refused: FlushResult['refused']) => {
      showInfo(t('visits.outbox.refused', { count: refused.length }));
      for (const r of refused) showError(r.error);
    },
    [t],
  );
  useOutboxSync(client, onRefused);
  // The toasts' chunk normally loads after a few idle seconds; on a phone that goes offline sooner, the
  // first "kept on this phone" toast would ask for it without a network and the app would fall over.
  useEffect(() => {
    void import('../../components/feedback-holders').catch(() => undefined);
  }, []);
  if (!pending.length) return null;
  const retry = async () => {
    const result = await flushQueue(client);
    if (result.refused.length) onRefused(result.refused);
  };
  return (
    <div className="visit-outbox" role="status" data-testid="outbox" data-count={pending.length}>
      <CloudUploadOutlined />
      <span style={{ flex: 1 }}>{t('visits.outbox.pending', { count: pending.length })}</span>
      <Button size="small" onClick={retry} data-testid="outbox-retry">
        {t('visits.outbox.retry')}
      </Button>
    </div>
  );
}
