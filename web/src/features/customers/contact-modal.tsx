/** Add or edit a customer's contact (name, phones, email, title, leader flag, mail language; a bounced address's mark). */
import { Alert, Form, Input, Select, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSaveContact } from '../../api/customers';
import type { Contact } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { TagsInput } from '../../components/tags-input';
import { useMe } from '../auth/session';

interface ContactValues {
  name: string;
  title?: string;
  phones: string[];
  email?: string;
  isLeader: boolean;
  /** '' stands for null: the desk's default. */
  language: 'zh-CN' | 'en' | '';
  clearEmailFailing?: boolean;
}

export function ContactModal({
  customerId,
  contact,
  initialPhones = [],
  open,
  onClose,
  onSaved,
}: {
  customerId: string;
  contact?: Contact | null;
  initialPhones?: string[];
  open: boolean;
  onClose: () => void;
  onSaved?: (contact: Contact) => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const [form] = Form.useForm<ContactValues>();
  const save = useSaveContact(customerId, contact?.id);
  const phonesKey = initialPhones.join('\n');
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(
      contact
        ? { name: contact.name, title: contact.title ?? '', phones: contact.phones, email: contact.email ?? '', isLeader: contact.isLeader, language: contact.language ?? '' }
        : { name: '', title: '', phones: phonesKey ? phonesKey.split('\n') : [], email: '', isLeader: false, language: '' },
    );
  }, [open, contact, phonesKey, form]);

  const submit = async (values: ContactValues) => {
    const saved = await save.mutateAsync({
      name: values.name.trim(),
      title: values.title?.trim() || null,
      phones: values.phones.map((p) => p.trim()).filter(Boolean),
      email: values.email?.trim() || null,
      isLeader: values.isLeader,
      language: values.language || null,
      ...(values.clearEmailFailing ? { emailFailing: false as const } : {}),
    });
    showSuccess(t('customers.contactSaved', { name: saved.name }));
    onSaved?.(saved);
  };

  return (
    <FormModal
      form={form}
      open={open}
      title={contact ? t('customers.editContact') : t('customers.addContact')}
      onClose={onClose}
      onSubmit={submit}
      okButtonProps={{ 'data-testid': 'contact-save' }}
      pending={save.isPending}
    >
      <Form.Item name="name" label={t('customers.contactName')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input autoFocus data-testid="contact-name" />
      </Form.Item>
      <Form.Item name="phones" label={t('customers.phones')} extra={t('customers.phonesHint')}>
        <TagsInput data-testid="contact-phones" />
      </Form.Item>
      <div className="form-row-2">
        <Form.Item name="title" label={t('customers.contactTitle')}>
          <Input />
        </Form.Item>
        <Form.Item name="email" label={t('customers.email')} rules={[{ type: 'email' }]}>
          <Input />
        </Form.Item>
      </div>
      {contact?.emailFailingAt && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('customers.emailFailingTip', { reason: contact.emailFailingReason || t('customers.emailFailingNoReason') })}
          description={
            <>
              <div>{t('customers.emailFailingHint')}</div>
              {(me.role === 'admin' || me.role === 'manager') && (
                <Form.Item name="clearEmailFailing" valuePropName="checked" style={{ margin: '8px 0 0' }} label={t('customers.emailFailingClear')}>
                  <Switch data-testid="contact-clear-email-failing" />
                </Form.Item>
              )}
            </>
          }
        />
      )}
      <div className="form-row-2">
        <Form.Item name="language" label={t('customers.mailLanguage')} extra={t('customers.mailLanguageHint')}>
          <Select
            data-testid="contact-language"
            options={[
              { value: '', label: t('customers.mailLanguageDefault') },
              { value: 'zh-CN', label: '中文' },
              { value: 'en', label: 'English' },
            ]}
          />
        </Form.Item>
        <Form.Item name="isLeader" label={t('customers.leader')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </div>
    </FormModal>
  );
}
