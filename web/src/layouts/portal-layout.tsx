/**
 * The customer portal: a light top bar with the organisation's name (cut with an ellipsis when long),
 * 我的工单 and 报修, the bell. On a phone the two links move into a drawer behind a header button.
 */
import { DesktopOutlined, PlusOutlined, SolutionOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Layout, Menu } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useNarrow } from '../components/use-narrow';
import { useCan, useMe } from '../features/auth/session';
import { HeaderTools, MenuDrawer, RoutedContent } from './layout-parts';

export function PortalLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const can = useCan();
  const location = useLocation();
  const narrow = useNarrow();
  const selected = ['/tickets/new', '/devices', '/contracts'].find((key) => location.pathname.startsWith(key)) ?? '/tickets';
  const items = [
    { key: '/tickets', icon: <UnorderedListOutlined />, label: <Link to="/tickets">{t('portal.myTickets')}</Link> },
    can('tickets.create') && { key: '/tickets/new', icon: <PlusOutlined />, label: <Link to="/tickets/new">{t('portal.report')}</Link> },
    can('installed_base.read') && { key: '/devices', icon: <DesktopOutlined />, label: <Link to="/devices">{t('portal.myDevices')}</Link> },
    can('installed_base.read') && { key: '/contracts', icon: <SolutionOutlined />, label: <Link to="/contracts">{t('portal.myContracts')}</Link> },
  ].filter((item) => item !== false);
  const title = t('app.portalTitle', { customer: me.customerName ?? '' });
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="portal-header">
        {narrow && (
          <MenuDrawer title={<span className="brand-name">{t('app.name')}</span>}>
            <Menu mode="inline" selectedKeys={[selected]} items={items} style={{ borderInlineEnd: 0 }} />
          </MenuDrawer>
        )}
        <Link to="/tickets" className="portal-brand" title={title}>
          <span className="brand-mark">服</span>
          <span className="brand-name" data-testid="portal-title">
            {title}
          </span>
        </Link>
        {narrow ? (
          <span className="portal-menu" />
        ) : (
          <Menu mode="horizontal" selectedKeys={[selected]} items={items} className="portal-menu" />
        )}
        <HeaderTools compact={narrow} />
      </Layout.Header>
      <RoutedContent className="portal-content" />
    </Layout>
  );
}
