/** 我的工单: the organisation's tickets (the API returns only those). */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../auth/session';
import { TicketQueue } from '../tickets/ticket-queue';
import { useDocumentTitle } from '../../components/use-document-title';

export function PortalTicketsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('portal.myTickets'));
  const can = useCan();
  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('portal.myTickets')}
        </Typography.Title>
        {can('tickets.create') && (
          <Link to="/tickets/new">
            <Button type="primary" icon={<PlusOutlined />}>
              {t('portal.report')}
            </Button>
          </Link>
        )}
      </div>
      <TicketQueue variant="portal" keyboard emptyText={t('portal.empty')} />
    </div>
  );
}
