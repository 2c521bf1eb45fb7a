/** /my-work 我的上门: an engineer's visits on a phone (issue 12) — today's and the upcoming, each with its site, contact and devices. */
import { RightOutlined } from '@ant-design/icons';
import { Button, Card, Empty } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Visit } from '../../../../common/api/field-service';
import { useMyVisits } from '../../api/service-records';
import { LoadError, PageSkeleton } from '../../components/states';
import { SeverityTag } from '../../components/tags';
import { useDocumentTitle } from '../../components/use-document-title';
import { ContactBlock, DevicesBlock, OutboxIndicator, SiteBlock, VisitStatusTag, visitWindow } from './visit-parts';
import './field-mobile.css';

const ACTIVE = new Set(['departed', 'on_site']);

/** Today: what is under way, what starts before tomorrow (late ones too), and what ended today; the rest is upcoming. */
export function groupVisits(visits: readonly Visit[], now = dayjs()) {
  const endOfToday = now.endOf('day');
  const today: Visit[] = [];
  const upcoming: Visit[] = [];
  for (const v of visits) {
    const start = dayjs(v.plannedStart);
    if (v.status === 'finished' || v.status === 'cancelled') {
      const ended = dayjs(v.finishedAt ?? v.cancelledAt ?? v.updatedAt);
      if (ended.isSame(now, 'day')) today.push(v);
    } else if (ACTIVE.has(v.status) || start.isBefore(endOfToday)) today.push(v);
    else upcoming.push(v);
  }
  const byStart = (a: Visit, b: Visit) => a.plannedStart.localeCompare(b.plannedStart);
  const done = (v: Visit) => (v.status === 'finished' || v.status === 'cancelled' ? 1 : 0);
  today.sort((a, b) => done(a) - done(b) || byStart(a, b));
  upcoming.sort(byStart);
  return { today, upcoming };
}

export function MyWorkPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('visits.title'));
  const query = useMyVisits();
  // A refetch that failed (the phone lost its connection) keeps showing what was read before.
  if (!query.data) return query.isError ? <LoadError error={query.error} onRetry={() => void query.refetch()} /> : <PageSkeleton />;
  const { today, upcoming } = groupVisits(query.data.items);
  return (
    <div className="visit-page" data-testid="my-work">
      <OutboxIndicator />
      <h2 style={{ margin: 0 }}>
        {t('visits.today')} <span className="visit-muted">· {dayjs().format('MM-DD')}</span>
      </h2>
      {today.length === 0 ? <Empty description={t('visits.empty')} /> : today.map((v) => <VisitCard key={v.id} visit={v} />)}
      <h2 style={{ margin: '8px 0 0' }}>{t('visits.upcoming')}</h2>
      {upcoming.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('visits.emptyUpcoming')} /> : upcoming.map((v) => <VisitCard key={v.id} visit={v} />)}
    </div>
  );
}

function VisitCard({ visit }: { visit: Visit }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const closed = visit.status === 'finished' || visit.status === 'cancelled';
  return (
    <Card size="small" data-testid="visit-card" data-visit={visit.id} style={closed ? { opacity: 0.7 } : undefined}>
      <div className="visit-card-head">
        <span className="visit-card-time" data-testid="visit-window">
          {visitWindow(visit)}
        </span>
        <VisitStatusTag status={visit.status} />
        <span style={{ flex: 1 }} />
        <SeverityTag severity={visit.ticket.severity} />
        <span className="visit-muted" data-testid="visit-ticket-number">
          {visit.ticket.number}
        </span>
      </div>
      <div className="visit-card-title">{visit.ticket.title}</div>
      <div style={{ fontWeight: 600 }} data-testid="visit-customer">
        {visit.customer.name}
      </div>
      <SiteBlock site={visit.site} />
      <ContactBlock contact={visit.contact} />
      <DevicesBlock devices={visit.devices} />
      <Button type={closed ? 'default' : 'primary'} size="large" block className="visit-step-button" onClick={() => navigate(`/visits/${visit.id}`)} data-testid="visit-open">
        {t('visits.open')} <RightOutlined />
      </Button>
    </Card>
  );
}
