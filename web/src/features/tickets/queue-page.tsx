/** /tickets for service staff: the queue with keyboard shortcuts. */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { SetupChecklistCard } from '../admin/setup-checklist';
import { useCan } from '../auth/session';
import { TicketQueue } from './ticket-queue';
import { useDocumentTitle } from '../../components/use-document-title';

export function QueuePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('queue.title'));
  const can = useCan();
  return (
    <>
    <SetupChecklistCard />
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('queue.title')}
        </Typography.Title>
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
