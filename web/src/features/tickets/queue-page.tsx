/** /tickets for service staff: the queue with keyboard shortcuts. */
import { PlusOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { Title } from '../../components/typography';
import { useTranslation } from 'react-i18next';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { useCan } from '../auth/session';
import { TicketQueue } from './ticket-queue';
import { useDocumentTitle } from '../../components/use-document-title';
import { withPageTexts } from '../../i18n';

// Only administrators see the setup checklist, and only after its own request: it loads with it (and its texts).
const SetupChecklistCard = lazy(() => withPageTexts(import('../admin/setup-checklist')).then((m) => ({ default: m.SetupChecklistCard })));

export function QueuePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('queue.title'));
  const can = useCan();
  return (
    <>
    {can('setup.manage') && (
      <Suspense fallback={null}>
        <SetupChecklistCard />
      </Suspense>
    )}
    <div className="page-card">
      <div className="page-title-row">
        <Title level={4} style={{ margin: 0 }}>
          {t('queue.title')}
        </Title>
        {can('tickets.create') && (
          <Link to="/tickets/new">
            <Button type="primary" icon={<PlusOutlined />}>
              {t('nav.newTicket')}
            </Button>
          </Link>
        )}
      </div>
      <TicketQueue variant="staff" keyboard views />
    </div>
    </>
  );
}
