/**
 * Shown instead of the whole application while the password was set by an administrator (a new
 * account, a reset) or generated at first start: the server answers nothing else until it is
 * replaced (403 auth.password_change_required). Changing it reloads the session; logging out is
 * the only other way out.
 */
import { LockOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useChangePassword, useLogout } from '../../api/auth';
import type { Me } from '../../api/types';
import { errorText, showSuccess } from '../../components/feedback';
import { LanguageSwitch } from '../../components/language-switch';
import { NewPasswordFields } from './new-password-fields';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function FirstPasswordPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const change = useChangePassword();
  const logout = useLogout();
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: Values) => {
    setError(null);
    try {
      await change.mutateAsync({ currentPassword: values.currentPassword, newPassword: values.newPassword });
      showSuccess(t('auth.passwordChanged'));
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div className="login-screen" data-testid="first-password">
      <div className="login-language">
        <LanguageSwitch />
      </div>
      <div className="login-card">
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('firstLogin.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('firstLogin.explain', { name: me.name, username: me.username })}</Typography.Paragraph>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="first-password-error" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false} disabled={change.isPending}>
          <Form.Item name="currentPassword" label={t('auth.currentPassword')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" autoFocus />
          </Form.Item>
          <NewPasswordFields icons />
          <Button type="primary" htmlType="submit" block size="large" loading={change.isPending}>
            {t('firstLogin.submit')}
          </Button>
        </Form>
        <Button
          type="link"
          block
          style={{ marginTop: 8 }}
          onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/login', { replace: true }) })}
        >
          {t('auth.logout')}
        </Button>
      </div>
    </div>
  );
}
