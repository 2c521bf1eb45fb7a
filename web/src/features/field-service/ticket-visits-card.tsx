/**
 * The ticket page's visits card (issue 12): the ticket's visits — window, engineers (the lead
 * first), status with its times, result, the record's status, a link to /visits/:id — with 计划上门
 * (the dispatch dialog of the board, without the assignment) for planners, and the service records
 * (服务记录单) with their PDFs. Customers (the portal) see their visits' times and who comes, and the
 * records once signed or refused; no link to the desk's visit page. Fed by the ticket's opening
 * read (`visits`, `serviceRecords` of the overview); afterwards by their own routes.
 */
import { CalendarOutlined, FilePdfOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type ServiceRecord, useTicketServiceRecords, useTicketVisits, type Visit } from '../../api/field-service';
import type { Ticket } from '../../api/types';
import { LoadingRows } from '../../components/states';
import { DateTime, formatDateTime } from '../../components/time';
import { useLabels } from '../../i18n/labels';
import { DispatchModal } from './dispatch-modal';
import { VisitStatusTag } from './dispatch-parts';
import './dispatch.css';

/** `2026-03-02 14:00 – 16:00`, or both dates when the window crosses midnight. */
function windowText(v: Visit) {
  const start = dayjs(v.plannedStart);
  const end = dayjs(v.plannedEnd);
  return { start: formatDateTime(v.plannedStart), end: start.isSame(end, 'day') ? end.format('HH:mm') : formatDateTime(v.plannedEnd) };
}

const RECORD_COLORS: Record<ServiceRecord['status'], string> = { draft: 'default', signed: 'green', refused: 'red' };

function VisitItem({ visit, portal }: { visit: Visit; portal: boolean }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const times = [
    visit.departedAt && t('dispatch.card.departed', { time: formatDateTime(visit.departedAt) }),
    visit.arrivedAt && t('dispatch.card.arrived', { time: formatDateTime(visit.arrivedAt) }),
    visit.finishedAt && t('dispatch.card.finished', { time: formatDateTime(visit.finishedAt) }),
    visit.cancelledAt && t('dispatch.card.cancelled', { time: formatDateTime(visit.cancelledAt) }),
  ].filter(Boolean);
  const engineers = [...visit.engineers].sort((a, b) => Number(b.lead) - Number(a.lead));
  return (
    <div className="fs-visit" data-testid="ticket-visit" data-visit-id={visit.id} data-status={visit.status}>
      <div className="fs-visit-head">
        <VisitStatusTag status={visit.status} />
        <span className="fs-visit-window" data-testid="ticket-visit-window">
          {t('dispatch.card.window', windowText(visit))}
        </span>
        {visit.result && (
          <Tag color={visit.result === 'restored' ? 'green' : 'orange'} style={{ marginInlineEnd: 0 }} data-testid="ticket-visit-result">
            {t(`dispatch.visitResult.${visit.result}`)}
          </Tag>
        )}
      </div>
      <div data-testid="ticket-visit-engineers">
        {engineers.map((e, i) => (
          <span key={e.id}>
            {i > 0 && (labels.lang === 'zh' ? '、' : ', ')}
            {e.lead ? <Typography.Text strong>{e.name}</Typography.Text> : e.name}
          </span>
        ))}
        {visit.site && <span className="muted"> · {visit.site.name}</span>}
      </div>
      {times.length > 0 && (
        <div className="fs-visit-times">
          {times.map((text) => (
            <span key={text as string}>{text}</span>
          ))}
        </div>
      )}
      {visit.status === 'cancelled' && visit.cancelReason && <div className="muted">{visit.cancelReason}</div>}
      {(visit.record || !portal) && (
        <Space size={8} wrap>
          {visit.record && (!portal || visit.record.status !== 'draft') && (
            <Tag color={RECORD_COLORS[visit.record.status]} style={{ marginInlineEnd: 0 }} data-testid="ticket-visit-record">
              {t('dispatch.card.record', { status: t(`dispatch.recordStatus.${visit.record.status}`) })}
            </Tag>
          )}
          {!portal && (
            <Link to={`/visits/${visit.id}`} data-testid="ticket-visit-open">
              {t('dispatch.card.open')}
            </Link>
          )}
        </Space>
      )}
    </div>
  );
}

function RecordItem({ record }: { record: ServiceRecord }) {
  const { t } = useTranslation();
  return (
    <div className="fs-record" data-testid="ticket-record" data-record-id={record.id} data-status={record.status}>
      <Tag color={RECORD_COLORS[record.status]} style={{ marginInlineEnd: 0 }}>
        {t(`dispatch.recordStatus.${record.status}`)}
      </Tag>
      <span>{t('dispatch.card.version', { version: record.version })}</span>
      {record.status === 'signed' && record.signerName && record.signedAt && (
        <span className="muted">{t('dispatch.card.signedBy', { name: record.signerName, time: formatDateTime(record.signedAt) })}</span>
      )}
      {record.status === 'refused' && record.refusalReason && <span className="muted">{t('dispatch.card.refused', { reason: record.refusalReason })}</span>}
      {record.status === 'draft' && (
        <span className="muted">
          <DateTime value={record.updatedAt} />
        </span>
      )}
      <a href={record.pdfUrl} target="_blank" rel="noreferrer" data-testid="ticket-record-pdf">
        <FilePdfOutlined /> {t('dispatch.card.pdf')}
      </a>
    </div>
  );
}

export function TicketVisitsCard({ ticket, canPlan, portal }: { ticket: Ticket; canPlan: boolean; portal: boolean }) {
  const { t } = useTranslation();
  const visits = useTicketVisits(ticket.id);
  const records = useTicketServiceRecords(ticket.id);
  const [planning, setPlanning] = useState(false);
  const open = ticket.status !== 'closed' && ticket.status !== 'cancelled';
  // The portal shows what the customer signed or refused; drafts are the engineer's work in progress.
  const shownRecords = (records.data ?? []).filter((r) => !portal || r.status !== 'draft');
  const visitList = visits.data ?? [];
  // Nothing to tell a customer before anyone is sent.
  if (portal && visits.isSuccess && visitList.length === 0 && shownRecords.length === 0) return null;

  return (
    <Card
      size="small"
      className="section-card"
      title={t('dispatch.card.title')}
      data-testid="ticket-visits"
      extra={
        canPlan &&
        open && (
          <Button size="small" icon={<CalendarOutlined />} onClick={() => setPlanning(true)} data-testid="plan-visit">
            {t('dispatch.card.plan')}
          </Button>
        )
      }
    >
      {visits.isPending ? (
        <LoadingRows />
      ) : visitList.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dispatch.card.none')} style={{ margin: '8px 0' }} />
      ) : (
        <div className="fs-visits">
          {visitList.map((v) => (
            <VisitItem key={v.id} visit={v} portal={portal} />
          ))}
        </div>
      )}
      {shownRecords.length > 0 && (
        <div className="fs-records" data-testid="ticket-records">
          <Typography.Text strong>{t('dispatch.card.records')}</Typography.Text>
          {shownRecords.map((r) => (
            <RecordItem key={r.id} record={r} />
          ))}
        </div>
      )}
      {planning && (
        <DispatchModal
          ticket={{ id: ticket.id, number: ticket.number, title: ticket.title, assignee: ticket.assignee }}
          onClose={() => setPlanning(false)}
        />
      )}
    </Card>
  );
}
