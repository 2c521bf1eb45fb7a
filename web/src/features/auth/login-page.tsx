/** Username and password; Enter submits; the server's message shows above the form. */
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLogin } from '../../api/auth';
import { errorText } from '../../components/feedback';
import { LanguageSwitch } from '../../components/language-switch';

export function LoginPage() {
  const { t } = useTranslation();
  const login = useLogin();
  const [error, setError] = useState<string | null>(null);

  const submit = async (values: { username: string; password: string }) => {
    setError(null);
    try {
      await login.mutateAsync(values);
    } catch (e) {
      // Translated from the server's error key (wrong password, too many attempts, …).
      setError(errorText(e));
    }
  };

  return (
    <div className="login-screen">
      <div className="login-language">
        <LanguageSwitch />
      </div>
      <div className="login-card">
        <div className="login-brand">
          <span className="brand-mark">服</span>
          <div>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('app.fullName')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
          </div>
        </div>
        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t('auth.title')}
        </Typography.Title>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false} disabled={login.isPending}>
          <Form.Item name="username" label={t('auth.username')} rules={[{ required: true, message: t('auth.usernameRequired') }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={login.isPending}>
            {t('auth.login')}
          </Button>
        </Form>
      </div>
    </div>
  );
}
