/** The header's user menu: who I am, change my password, log out. */
import { ApiOutlined, BellOutlined, CheckOutlined, DownOutlined, GlobalOutlined, KeyOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Avatar, Button, Dropdown, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useChangePassword, useLogout } from '../api/auth';
import { showSuccess } from '../components/feedback';
import { FormModal } from '../components/form-modal';
import { NewPasswordFields } from '../features/auth/new-password-fields';
import { useMe } from '../features/auth/session';
import { setLanguage } from '../i18n';
import { useLabels } from '../i18n/labels';

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PasswordValues>();
  const change = useChangePassword();
  const submit = async (values: PasswordValues) => {
    await change.mutateAsync({ currentPassword: values.currentPassword, newPassword: values.newPassword });
    showSuccess(t('auth.passwordChanged'));
    form.resetFields();
  };
  return (
    <FormModal
      form={form}
      open={open}
      title={t('auth.changePassword')}
      onClose={onClose}
      onSubmit={submit}
      pending={change.isPending}
      destroyOnHidden
      requiredMark
      submitOnEnter
    >
      <Form.Item name="currentPassword" label={t('auth.currentPassword')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
        <Input.Password autoComplete="current-password" autoFocus />
      </Form.Item>
      <NewPasswordFields />
    </FormModal>
  );
}

/** `compact` (phones): the avatar alone, and the language choice moves into the menu. */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const labels = useLabels();
  const logout = useLogout();
  const navigate = useNavigate();
  const [passwordOpen, setPasswordOpen] = useState(false);
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
  return (
    <>
      <Dropdown
        trigger={['click']}
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
            if (key === 'password') setPasswordOpen(true);
            if (key === 'notifications') navigate('/settings/notifications');
            if (key === 'tokens') navigate('/settings/tokens');
            if (key === 'lang:zh-CN' || key === 'lang:en') void setLanguage(key === 'lang:en' ? 'en' : 'zh-CN');
            if (key === 'logout') logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) });
          },
        }}
      >
        <Button type="text" aria-label={t('nav.userMenu')} data-testid="user-menu" style={{ height: 40 }}>
          <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1f6feb' }} />
          {!compact && <span className="user-menu-name">{me.name}</span>}
          {!compact && <DownOutlined style={{ fontSize: 10 }} />}
        </Button>
      </Dropdown>
      <ChangePasswordModal open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </>
  );
}
