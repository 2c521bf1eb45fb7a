/** The user menu's "change password" dialog (user-menu.tsx loads it when first opened). */
import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { useChangePassword } from '../api/auth';
import { showSuccess } from '../components/feedback';
import { FormModal } from '../components/form-modal';
import { NewPasswordFields } from '../features/auth/new-password-fields';

interface PasswordValues {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export default function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
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
