/**
 * The new-password pair every password form shares: the new password with the policy's rule
 * (the server checks the rest: common passwords, the person's own name) and its confirmation.
 */
import { LockOutlined } from '@ant-design/icons';
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH } from '../../../../common/password';

export function NewPasswordFields({ icons = false }: { icons?: boolean }) {
  const { t } = useTranslation();
  const prefix = icons ? <LockOutlined /> : undefined;
  return (
    <>
      <Form.Item
        name="newPassword"
        label={t('auth.newPassword')}
        extra={t('auth.passwordRule')}
        rules={[{ required: true, min: PASSWORD_MIN_LENGTH, message: t('auth.passwordTooShort') }]}
      >
        <Input.Password prefix={prefix} autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('auth.confirmPassword')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('auth.passwordRequired') },
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              !value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('auth.passwordMismatch'))),
          }),
        ]}
      >
        <Input.Password prefix={prefix} autoComplete="new-password" />
      </Form.Item>
    </>
  );
}
