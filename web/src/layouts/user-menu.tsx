/** The header's user menu: who I am, change my password, log out. */
import { ApiOutlined, BellOutlined, CheckOutlined, DownOutlined, GlobalOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Button } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useLogout } from '../api/auth';
import { useMe } from '../features/auth/session';
import { setLanguage } from '../i18n';
import { useLabels } from '../i18n/labels';

// The change-password dialog (a form) loads when first asked for.
const ChangePasswordModal = lazy(() => import('./change-password-modal'));
// The dropdown loads once the page is idle after its first paint (it is not part of the first load):
// until it is in, the same button stands alone, and a click on it opens the menu as soon as it is.
const Dropdown = lazy(() => import('antd/es/dropdown'));

/** True once the browser has been idle after the first paint (at most a second later). */
function useAfterFirstPaint() {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    if (typeof window.requestIdleCallback !== 'function') {
      const timer = window.setTimeout(() => setAfter(true), 200);
      return () => window.clearTimeout(timer);
    }
    const id = window.requestIdleCallback(() => setAfter(true), { timeout: 1000 });
    return () => window.cancelIdleCallback(id);
  }, []);
  return after;
}

/** `compact` (phones): the avatar alone, and the language choice moves into the menu. */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const labels = useLabels();
  const logout = useLogout();
  const navigate = useNavigate();
  const [passwordOpen, setPasswordOpen] = useState(false);
  const [passwordLoaded, setPasswordLoaded] = useState(false);
  const [open, setOpen] = useState(false);
  const afterPaint = useAfterFirstPaint();
  const subtitle = [labels.role(me.role), me.customerName ?? me.centerName].filter(Boolean).join(' · ');
  const current = i18n.language === 'en' ? 'en' : 'zh-CN';
  const languageItems = compact
    ? [
        { type: 'divider' as const },
        ...(['zh-CN', 'en'] as const).map((lang) => ({
          key: `lang:${lang}`,
          icon: lang === current ? <CheckOutlined /> : <GlobalOutlined />,
          label: lang === 'en' ? t('language.en') : t('language.zh'),
        })),
        { type: 'divider' as const },
      ]
    : [];
  // `onClick` only on the stand-in: inside the dropdown, a click is the dropdown's (open and close).
  const trigger = (onClick?: () => void) => (
    <Button type="text" aria-label={t('nav.userMenu')} data-testid="user-menu" style={{ height: 40 }} onClick={onClick}>
      <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1f6feb' }} />
      {!compact && <span className="user-menu-name">{me.name}</span>}
      {!compact && <DownOutlined style={{ fontSize: 10 }} />}
    </Button>
  );
  return (
    <>
      {!afterPaint && !open ? (
        trigger(() => setOpen(true))
      ) : (
      <Suspense fallback={trigger(() => setOpen(true))}>
      <Dropdown
        trigger={['click']}
        open={open}
        onOpenChange={setOpen}
        menu={{
          items: [
            { key: 'who', label: <div className="user-menu-who"><b>{me.name}</b><span>{subtitle}</span></div>, disabled: true },
            { type: 'divider' },
            { key: 'password', icon: <KeyOutlined />, label: t('auth.changePassword') },
            { key: 'notifications', icon: <BellOutlined />, label: t('notificationSettings.menu') },
            { key: 'tokens', icon: <ApiOutlined />, label: t('nav.tokens') },
            ...languageItems,
            { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout'), danger: true },
          ],
          onClick: ({ key }) => {
            setOpen(false);
            if (key === 'password') {
              setPasswordLoaded(true);
              setPasswordOpen(true);
            }
            if (key === 'notifications') navigate('/settings/notifications');
            if (key === 'tokens') navigate('/settings/tokens');
            if (key === 'lang:zh-CN' || key === 'lang:en') void setLanguage(key === 'lang:en' ? 'en' : 'zh-CN');
            if (key === 'logout') logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) });
          },
        }}
      >
        {trigger()}
      </Dropdown>
      </Suspense>
      )}
      {passwordLoaded && (
        <Suspense fallback={null}>
          <ChangePasswordModal open={passwordOpen} onClose={() => setPasswordOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
