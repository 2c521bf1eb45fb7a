/** What the staff and portal layouts share: the header's right-hand tools and the routed page below. */
import { Layout } from 'antd';
import { Suspense } from 'react';
import { Outlet } from 'react-router';
import { LanguageSwitch } from '../components/language-switch';
import { PageSkeleton } from '../components/states';
import { NotificationBell } from '../features/notifications/notification-bell';
import { UserMenu } from './user-menu';

/** The bell, the language switch and the user menu. */
export function HeaderTools() {
  return (
    <span className="app-header-right">
      <NotificationBell />
      <LanguageSwitch />
      <UserMenu />
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
