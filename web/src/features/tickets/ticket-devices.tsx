/**
 * The ticket page's devices panel: the devices the ticket names, in order, each linked to its page
 * with its warranty; staff who may change devices add one (the finder, limited to the ticket's
 * customer) or remove one — PUT /api/tickets/:id/devices, after which the entitlement and the SLA
 * policy follow (the server says so on the timeline).
 */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSetTicketDevices } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { DeviceFinder, NamedDevices, warrantyOf, type NamedDevice } from './device-finder';

/** Today in the browser's zone as 'YYYY-MM-DD' (close enough for a tag; the entitlement's own day wins when known). */
const today = () => {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

export function TicketDevices({ ticket, canEdit, canOpen }: { ticket: Ticket; canEdit: boolean; canOpen: boolean }) {
  const { t } = useTranslation();
  const set = useSetTicketDevices(ticket.id);
  const [adding, setAdding] = useState(false);
  const judged = new Map((ticket.entitlement?.devices ?? []).map((d) => [d.id, d.warranty]));
  const day = today();
  const devices: NamedDevice[] = ticket.devices.map((d) => ({
    id: d.id,
    serial: d.serial,
    product: d.product,
    site: d.site,
    warrantyEndsOn: d.warrantyEndsOn,
    warranty: judged.get(d.id) ?? warrantyOf(d.warrantyEndsOn, day),
  }));
  const ids = ticket.devices.map((d) => d.id);
  const save = (deviceIds: string[], done: string) => set.mutate(deviceIds, { onSuccess: () => showSuccess(done) });

  return (
    <Card
      size="small"
      title={t('coverage.panelTitle')}
      className="section-card ticket-devices"
      data-testid="ticket-devices"
      extra={
        canEdit &&
        !adding && (
          <Button size="small" type="link" icon={<PlusOutlined />} onClick={() => setAdding(true)} disabled={ids.length >= 20} data-testid="add-device">
            {t('coverage.add')}
          </Button>
        )
      }
    >
      {devices.length === 0 && !adding && <Typography.Text type="secondary">{t('coverage.panelEmpty')}</Typography.Text>}
      <NamedDevices
        devices={devices}
        link={(d) =>
          canOpen ? (
            <Link to={`/devices/${d.id}`} className="device-serial" data-testid="device-link">
              {d.serial}
            </Link>
          ) : (
            <strong className="device-serial">{d.serial}</strong>
          )
        }
        onRemove={canEdit && !set.isPending ? (d) => save(ids.filter((id) => id !== d.id), t('coverage.removed', { serial: d.serial })) : undefined}
      />
      {canEdit && adding && (
        <div className="ticket-devices-add">
          <DeviceFinder
            customerId={ticket.customer.id}
            excludeIds={ids}
            autoFocus
            disabled={set.isPending}
            full={ids.length >= 20}
            onPick={(device) => {
              setAdding(false);
              save([...ids, device.id], t('coverage.added', { serial: device.serial }));
            }}
          />
          <Button onClick={() => setAdding(false)} data-testid="cancel-add-device">
            {t('coverage.cancelAdd')}
          </Button>
        </div>
      )}
    </Card>
  );
}
