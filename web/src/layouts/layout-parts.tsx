/**
 * What the staff and portal layouts share: the header's right-hand tools, the phone menu (a drawer
 * opened by a header button) and the routed page below.
 */
import { MenuOutlined } from '@ant-design/icons';
import { Button, Layout } from 'antd';
import { lazy, type ReactNode, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation } from 'react-router';
import { LanguageSwitch } from '../components/language-switch';
import { PageSkeleton } from '../components/states';
import { NotificationBell } from '../features/notifications/notification-bell';
import { UserMenu } from './user-menu';

/** The bell, the language switch and the user menu; `compact` (phones) folds the language into the user menu. */
export function HeaderTools({ compact = false }: { compact?: boolean }) {
  return (
    <span className="app-header-right">
      <NotificationBell />
      {!compact && <LanguageSwitch />}
      <UserMenu compact={compact} />
    </span>
  );
}

/** The current route's page (a skeleton while its chunk loads). */
export function RoutedContent({ className }: { className: string }) {
  return (
    <Layout.Content className={className}>
      <Suspense fallback={<PageSkeleton />}>
        <Outlet />
      </Suspense>
    </Layout.Content>
  );
}

const MenuDrawerPanel = lazy(() => import('./menu-drawer-panel'));

/**
 * The menu on a phone: a header button that opens it in a drawer from the left. Navigating closes
 * the drawer. `children` is the menu, `title` the drawer's heading (the brand). The drawer's code
 * loads when it is first opened (menu-drawer-panel.tsx).
 */
export function MenuDrawer({ title, children }: { title: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [opened, setOpened] = useState(false);
  const { pathname } = useLocation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page closes the drawer
  useEffect(() => setOpen(false), [pathname]);
  return (
    <>
      <Button
        type="text"
        icon={<MenuOutlined />}
        aria-label={t('responsive.openMenu')}
        aria-expanded={open}
        data-testid="menu-button"
        className="menu-button"
        onClick={() => {
          setOpened(true);
          setOpen(true);
        }}
      />
      {opened && (
        <Suspense fallback={null}>
          <MenuDrawerPanel open={open} onClose={() => setOpen(false)} title={title}>
            {children}
          </MenuDrawerPanel>
        </Suspense>
      )}
    </>
  );
}
