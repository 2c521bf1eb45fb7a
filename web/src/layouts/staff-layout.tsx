/** Service staff: a sider menu (items by permission), a header with language and user menu. */
import { AuditOutlined, ClusterOutlined, PlusCircleOutlined, ShopOutlined, TeamOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Layout, Menu } from 'antd';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { LanguageSwitch } from '../components/language-switch';
import { PageSkeleton } from '../components/states';
import { useCan } from '../features/auth/session';
import { UserMenu } from './user-menu';

export function StaffLayout() {
  const { t } = useTranslation();
  const can = useCan();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);

  const items = [
    { key: '/tickets', icon: <UnorderedListOutlined />, label: <Link to="/tickets">{t('nav.queue')}</Link> },
    can('tickets.create') && { key: '/tickets/new', icon: <PlusCircleOutlined />, label: <Link to="/tickets/new">{t('nav.newTicket')}</Link> },
    can('customers.read') && { key: '/customers', icon: <ShopOutlined />, label: <Link to="/customers">{t('nav.customers')}</Link> },
    can('users.write') && { key: '/admin/users', icon: <TeamOutlined />, label: <Link to="/admin/users">{t('nav.users')}</Link> },
    can('centers.write') && { key: '/admin/centers', icon: <ClusterOutlined />, label: <Link to="/admin/centers">{t('nav.centers')}</Link> },
    can('audit.read') && { key: '/admin/audit', icon: <AuditOutlined />, label: <Link to="/admin/audit">{t('nav.audit')}</Link> },
  ].filter((item) => item !== false);

  // The longest menu key that prefixes the path is the current page (/tickets/new beats /tickets).
  const selectedKey = items
    .map((i) => i.key)
    .filter((key) => location.pathname === key || location.pathname.startsWith(key + '/'))
    .sort((a, b) => b.length - a.length)[0];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        width={200}
        collapsedWidth={56}
        theme="light"
        className="app-sider"
      >
        <Link to="/tickets" className="sider-brand">
          <span className="brand-mark">服</span>
          {!collapsed && <span className="brand-name">{t('app.name')}</span>}
        </Link>
        <Menu mode="inline" selectedKeys={selectedKey ? [selectedKey] : []} items={items} style={{ borderInlineEnd: 0 }} />
      </Layout.Sider>
      <Layout>
        <Layout.Header className="app-header">
          <span />
          <span className="app-header-right">
            <LanguageSwitch />
            <UserMenu />
          </span>
        </Layout.Header>
        <Layout.Content className="app-content">
          <Suspense fallback={<PageSkeleton />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
