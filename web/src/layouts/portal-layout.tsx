/** The customer portal: a light top bar with the organisation's name, 我的工单 and 报修, the bell. */
import { PlusOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Layout, Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useCan, useMe } from '../features/auth/session';
import { HeaderTools, RoutedContent } from './layout-parts';

export function PortalLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const can = useCan();
  const location = useLocation();
  const selected = location.pathname === '/tickets/new' ? '/tickets/new' : '/tickets';
  const items = [
    { key: '/tickets', icon: <UnorderedListOutlined />, label: <Link to="/tickets">{t('portal.myTickets')}</Link> },
    can('tickets.create') && { key: '/tickets/new', icon: <PlusOutlined />, label: <Link to="/tickets/new">{t('portal.report')}</Link> },
  ].filter((item) => item !== false);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="portal-header">
        <Link to="/tickets" className="portal-brand">
          <span className="brand-mark">服</span>
          <span className="brand-name" data-testid="portal-title">
            {t('app.portalTitle', { customer: me.customerName ?? '' })}
          </span>
        </Link>
        <Menu mode="horizontal" selectedKeys={[selected]} items={items} className="portal-menu" />
        <HeaderTools />
      </Layout.Header>
      <RoutedContent className="portal-content" />
    </Layout>
  );
}
