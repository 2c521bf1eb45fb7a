/**
 * Service staff: a sider menu (items by permission; its collapsed state remembered in this browser),
 * a header with the bell, language and user menu. On a phone the menu is a drawer behind a header
 * button and the language moves into the user menu.
 */
import {
  ApiOutlined,
  AuditOutlined,
  CalendarOutlined,
  ClusterOutlined,
  FieldTimeOutlined,
  FileTextOutlined,
  InboxOutlined,
  MailOutlined,
  PlusCircleOutlined,
  RiseOutlined,
  ScheduleOutlined,
  SendOutlined,
  ShopOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UnorderedListOutlined,
  AppstoreOutlined,
  DesktopOutlined,
  SolutionOutlined,
  SwapOutlined,
  CarOutlined,
  DeploymentUnitOutlined,
  PhoneOutlined,
} from '@ant-design/icons';
import { Layout, Menu } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { useNarrow } from '../components/use-narrow';
import { useCan } from '../features/auth/session';
import { HeaderTools, MenuDrawer, RoutedContent } from './layout-parts';

const COLLAPSED_KEY = 'fuwutai.siderCollapsed';

/** The desktop sider's collapsed state, kept in localStorage (private mode may refuse: then per tab). */
function useStoredCollapsed() {
  const [collapsed, setCollapsed] = useState(() => {
    try {
      return localStorage.getItem(COLLAPSED_KEY) === '1';
    } catch {
      return false;
    }
  });
  const store = (value: boolean) => {
    setCollapsed(value);
    try {
      localStorage.setItem(COLLAPSED_KEY, value ? '1' : '0');
    } catch {
      // Not stored: the choice lasts for this page only.
    }
  };
  return [collapsed, store] as const;
}

export function StaffLayout() {
  const { t } = useTranslation();
  const can = useCan();
  const location = useLocation();
  const narrow = useNarrow();
  const [storedCollapsed, setCollapsed] = useStoredCollapsed();
  // The drawer always shows the full menu.
  const collapsed = storedCollapsed && !narrow;

  type Item = { key: string; icon: React.ReactNode; label: React.ReactNode };
  const present = (list: (Item | false)[]) => list.filter((item): item is Item => item !== false);
  const work = present([
    { key: '/tickets', icon: <UnorderedListOutlined />, label: <Link to="/tickets">{t('nav.queue')}</Link> },
    can('tickets.create') && { key: '/tickets/new', icon: <PlusCircleOutlined />, label: <Link to="/tickets/new">{t('nav.newTicket')}</Link> },
    can('customers.read') && { key: '/customers', icon: <ShopOutlined />, label: <Link to="/customers">{t('nav.customers')}</Link> },
    can('macros.use') && { key: '/macros', icon: <ThunderboltOutlined />, label: <Link to="/macros">{t('nav.macros')}</Link> },
  ]);
  const installedBase = present([
    can('installed_base.read') && { key: '/devices', icon: <DesktopOutlined />, label: <Link to="/devices">{t('nav.devices')}</Link> },
    can('installed_base.read') && { key: '/contracts', icon: <SolutionOutlined />, label: <Link to="/contracts">{t('nav.contracts')}</Link> },
    can('installed_base.read') && { key: '/products', icon: <AppstoreOutlined />, label: <Link to="/products">{t('nav.products')}</Link> },
    can('replacements.decide') && { key: '/replacements', icon: <SwapOutlined />, label: <Link to="/replacements">{t('nav.replacements')}</Link> },
  ]);
  const fieldService = present([
    can('visits.plan') && { key: '/dispatch', icon: <DeploymentUnitOutlined />, label: <Link to="/dispatch">{t('nav.dispatch')}</Link> },
    can('visits.work') && { key: '/my-work', icon: <CarOutlined />, label: <Link to="/my-work">{t('nav.myWork')}</Link> },
    can('visits.read') && { key: '/on-call', icon: <PhoneOutlined />, label: <Link to="/on-call">{t('nav.onCall')}</Link> },
  ]);
  const timeRules = present([
    can('time_rules.read') && { key: '/admin/calendars', icon: <CalendarOutlined />, label: <Link to="/admin/calendars">{t('nav.calendars')}</Link> },
    can('time_rules.read') && { key: '/admin/sla-policies', icon: <FieldTimeOutlined />, label: <Link to="/admin/sla-policies">{t('nav.policies')}</Link> },
    can('time_rules.read') && { key: '/admin/escalation', icon: <RiseOutlined />, label: <Link to="/admin/escalation">{t('nav.escalation')}</Link> },
  ]);
  const system = present([
    can('users.write') && { key: '/admin/users', icon: <TeamOutlined />, label: <Link to="/admin/users">{t('nav.users')}</Link> },
    can('centers.write') && { key: '/admin/centers', icon: <ClusterOutlined />, label: <Link to="/admin/centers">{t('nav.centers')}</Link> },
    can('mail.manage') && { key: '/admin/mailboxes', icon: <MailOutlined />, label: <Link to="/admin/mailboxes">{t('mailboxes.nav')}</Link> },
    can('mail.quarantine') && { key: '/admin/mail-quarantine', icon: <InboxOutlined />, label: <Link to="/admin/mail-quarantine">{t('quarantine.nav')}</Link> },
    can('mail.manage') && { key: '/admin/mail-templates', icon: <FileTextOutlined />, label: <Link to="/admin/mail-templates">{t('mailTemplates.nav')}</Link> },
    can('deliveries.manage') && { key: '/admin/deliveries', icon: <SendOutlined />, label: <Link to="/admin/deliveries">{t('nav.deliveries')}</Link> },
    can('jobs.manage') && { key: '/admin/jobs', icon: <ScheduleOutlined />, label: <Link to="/admin/jobs">{t('jobs.nav')}</Link> },
    can('audit.read') && { key: '/admin/audit', icon: <AuditOutlined />, label: <Link to="/admin/audit">{t('nav.audit')}</Link> },
    can('users.write') && { key: '/admin/tokens', icon: <ApiOutlined />, label: <Link to="/admin/tokens">{t('nav.tokens')}</Link> },
  ]);
  // Groups only when expanded: a collapsed sider shows icons alone.
  const group = (key: string, label: string, children: Item[]) =>
    children.length === 0 ? [] : collapsed ? children : [{ type: 'group' as const, key, label, children }];
  const items = [...work, ...group('field-service', t('nav.fieldServiceGroup'), fieldService), ...group('installed-base', t('nav.installedBaseGroup'), installedBase), ...group('time-rules', t('nav.timeRulesGroup'), timeRules), ...group('system', t('nav.systemGroup'), system)];

  // The longest menu key that prefixes the path is the current page (/tickets/new beats /tickets).
  const selectedKey = [...work, ...fieldService, ...installedBase, ...timeRules, ...system]
    .map((i) => i.key)
    .filter((key) => location.pathname === key || location.pathname.startsWith(`${key}/`))
    .sort((a, b) => b.length - a.length)[0];

  const menu = <Menu mode="inline" selectedKeys={selectedKey ? [selectedKey] : []} items={items} style={{ borderInlineEnd: 0 }} />;
  const brand = (
    <Link to="/tickets" className="sider-brand">
      <span className="brand-mark">服</span>
      {!collapsed && <span className="brand-name">{t('app.name')}</span>}
    </Link>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!narrow && (
        <Layout.Sider
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          width={200}
          collapsedWidth={56}
          theme="light"
          className="app-sider"
          data-testid="app-sider"
        >
          {brand}
          {menu}
        </Layout.Sider>
      )}
      <Layout className="app-main">
        <Layout.Header className="app-header">
          {narrow ? (
            <span className="app-header-left">
              <MenuDrawer title={brand}>{menu}</MenuDrawer>
              <Link to="/tickets" className="header-brand" aria-label={t('app.name')}>
                <span className="brand-mark">服</span>
              </Link>
            </span>
          ) : (
            <span />
          )}
          <HeaderTools compact={narrow} />
        </Layout.Header>
        <RoutedContent className="app-content" />
      </Layout>
    </Layout>
  );
}
