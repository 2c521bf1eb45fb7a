/**
 * Create or edit a user. The form follows the role: customer roles need a customer, staff may
 * belong to a service center, engineers have a level. Editing can deactivate or reset the password.
 */
import { Form, Input, Select, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH } from '../../../../common/api/auth';
import { ENGINEER_LEVELS, ROLES, isCustomerRole, type EngineerLevel, type Role } from '../../../../common/domain';
import { useSaveUser } from '../../api/admin';
import type { User } from '../../api/types';
import { changedFields } from '../../components/changed-fields';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { TagsInput } from '../../components/tags-input';
import { CenterSelect } from '../../components/center-select';
import { CustomerSelect } from '../../components/selects';
import { useLabels } from '../../i18n/labels';

interface UserValues {
  username: string;
  password?: string;
  name: string;
  role: Role;
  customerId?: string | null;
  centerId?: string | null;
  engineerLevel?: EngineerLevel | null;
  skills: string[];
  email?: string;
  phone?: string;
  active: boolean;
  /** The person must choose their own password at the next sign-in (on by default for a password set here). */
  mustChangePassword: boolean;
}

export function UserModal({ user, open, onClose }: { user?: User | null; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [form] = Form.useForm<UserValues>();
  const save = useSaveUser(user?.id);
  const role = Form.useWatch('role', form);
  const customerRole = role ? isCustomerRole(role) : false;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      user
        ? {
            username: user.username,
            name: user.name,
            role: user.role,
            customerId: user.customerId,
            centerId: user.centerId,
            engineerLevel: user.engineerLevel,
            skills: user.skills,
            email: user.email ?? '',
            phone: user.phone ?? '',
            active: user.active,
            mustChangePassword: user.mustChangePassword,
            password: '',
          }
        : { role: 'engineer', skills: [], active: true, mustChangePassword: true },
    );
  }, [open, user, form]);

  const submit = async (v: UserValues) => {
    const common = {
      name: v.name.trim(),
      role: v.role,
      customerId: isCustomerRole(v.role) ? (v.customerId ?? null) : null,
      centerId: isCustomerRole(v.role) ? null : (v.centerId ?? null),
      engineerLevel: v.role === 'engineer' ? (v.engineerLevel ?? null) : null,
      skills: isCustomerRole(v.role) ? [] : (v.skills ?? []),
      email: v.email?.trim() || null,
      phone: v.phone?.trim() || null,
    };
    const saved = await save.mutateAsync(
      user
        ? {
            ...changedFields(user, { ...common, active: v.active, mustChangePassword: v.mustChangePassword }),
            // A reset password is temporary unless the admin says otherwise: always say which.
            ...(v.password ? { password: v.password, mustChangePassword: v.mustChangePassword } : {}),
          }
        : { ...common, username: v.username.trim(), password: v.password ?? '', mustChangePassword: v.mustChangePassword },
    );
    showSuccess(user ? t('users.saved', { name: saved.name }) : t('users.created', { name: saved.name }));
  };

  return (
    <FormModal
      form={form}
      open={open}
      title={user ? `${t('users.edit')} · ${user.username}` : t('users.create')}
      onClose={onClose}
      onSubmit={submit}
      okButtonProps={{ 'data-testid': 'user-save' }}
      pending={save.isPending}
      width={640}
      requiredMark
      submitOnEnter
    >
      <div className="form-row-2">
        <Form.Item name="username" label={t('users.username')} rules={[{ required: true, whitespace: true, message: t('common.required') }, { min: 2, message: t('users.usernameTooShort') }]}>
          <Input disabled={Boolean(user)} autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item name="name" label={t('users.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input data-testid="user-name" />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
          <Select options={ROLES.map((r) => ({ value: r, label: labels.role(r) }))} data-testid="user-role" />
        </Form.Item>
        {customerRole ? (
          <Form.Item name="customerId" label={t('users.customer')} rules={[{ required: true, message: t('users.customerRequired') }]}>
            <CustomerSelect />
          </Form.Item>
        ) : (
          <Form.Item name="centerId" label={t('users.center')}>
            <CenterSelect />
          </Form.Item>
        )}
      </div>
      {!customerRole && (
        <div className="form-row-2">
          {role === 'engineer' ? (
            <Form.Item name="engineerLevel" label={t('users.level')}>
              <Select allowClear options={ENGINEER_LEVELS.map((l) => ({ value: l, label: labels.level(l) }))} />
            </Form.Item>
          ) : (
            <span />
          )}
          <Form.Item name="skills" label={t('users.skills')} extra={t('users.skillsHint')}>
            <TagsInput />
          </Form.Item>
        </div>
      )}
      <div className="form-row-2">
        <Form.Item name="email" label={t('users.email')} rules={[{ type: 'email' }]}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="phone" label={t('users.phone')}>
          <Input autoComplete="off" />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item
          name="password"
          label={user ? t('users.resetPassword') : t('users.password')}
          extra={user ? `${t('users.resetPasswordHint')}. ${t('auth.passwordRule')}` : t('auth.passwordRule')}
          rules={[{ required: !user, min: PASSWORD_MIN_LENGTH, message: t('auth.passwordTooShort') }]}
        >
          <Input.Password autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
        {user && (
          <Form.Item name="active" label={t('users.activeSwitch')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </div>
      <Form.Item name="mustChangePassword" label={t('users.mustChangePassword')} extra={t('users.mustChangePasswordHint')} valuePropName="checked">
        <Switch data-testid="user-must-change-password" />
      </Form.Item>
    </FormModal>
  );
}
