/**
 * External escalation contacts: the vendor's technical center (原厂商技术中心, whose email the
 * matrix's "vendor" steps go to) and any other outside party a step can name.
 */
import { EditOutlined, PlusOutlined, WarningFilled } from '@ant-design/icons';
import { Button, Card, Form, Input, Switch, Table, Tag, Tooltip, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useEscalationContacts, useSaveEscalationContact } from '../../api/time-rules';
import type { EscalationContact } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';

interface ContactValues {
  name: string;
  organisation?: string;
  email?: string;
  phone?: string;
  isVendorCenter: boolean;
}

function ContactModal({ dialog, onClose }: { dialog: { contact: EscalationContact | null } | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ContactValues>();
  const contact = dialog?.contact ?? null;
  const save = useSaveEscalationContact(contact?.id);
  useEffect(() => {
    if (!dialog) return;
    form.resetFields();
    form.setFieldsValue(
      contact
        ? { name: contact.name, organisation: contact.organisation ?? '', email: contact.email ?? '', phone: contact.phone ?? '', isVendorCenter: contact.isVendorCenter }
        : { name: '', organisation: '', email: '', phone: '', isVendorCenter: false },
    );
  }, [dialog, contact, form]);

  const submit = async (v: ContactValues) => {
    const saved = await save.mutateAsync({
      name: v.name.trim(),
      organisation: v.organisation?.trim() || null,
      email: v.email?.trim() || null,
      phone: v.phone?.trim() || null,
      isVendorCenter: v.isVendorCenter,
    });
    showSuccess(t('escalation.contactSaved', { name: saved.name }));
  };

  return (
    <FormModal
      form={form}
      open={dialog !== null}
      title={contact ? t('escalation.editContact') : t('escalation.addContact')}
      onClose={onClose}
      onSubmit={submit}
      okButtonProps={{ 'data-testid': 'contact-save' }}
      pending={save.isPending}
      submitOnEnter
    >
      <div className="form-row-2">
        <Form.Item name="name" label={t('escalation.contactName')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="organisation" label={t('escalation.organisation')}>
          <Input />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="email" label={t('escalation.email')} rules={[{ type: 'email', message: t('escalation.emailInvalid') }]}>
          <Input data-testid="contact-email" />
        </Form.Item>
        <Form.Item name="phone" label={t('escalation.phone')}>
          <Input />
        </Form.Item>
      </div>
      <Form.Item name="isVendorCenter" label={t('escalation.isVendor')} valuePropName="checked" extra={t('escalation.isVendorHint')}>
        <Switch />
      </Form.Item>
    </FormModal>
  );
}

export function ContactsCard({ editable }: { editable: boolean }) {
  const { t } = useTranslation();
  const contacts = useEscalationContacts();
  const [dialog, setDialog] = useState<{ contact: EscalationContact | null } | null>(null);

  const columns: TableColumnsType<EscalationContact> = [
    {
      title: t('escalation.contactName'),
      key: 'name',
      render: (_, c) => (
        <span>
          {c.name} {c.isVendorCenter && <Tag color="purple">{t('escalation.vendor')}</Tag>}
        </span>
      ),
    },
    { title: t('escalation.organisation'), dataIndex: 'organisation', render: (v: string | null) => v ?? <span className="muted">—</span> },
    {
      title: t('escalation.email'),
      dataIndex: 'email',
      render: (v: string | null) =>
        v ?? (
          <Tooltip title={t('escalation.noEmailHint')}>
            <span className="text-warning" data-testid="contact-no-email">
              <WarningFilled /> {t('escalation.noEmail')}
            </span>
          </Tooltip>
        ),
    },
    { title: t('escalation.phone'), dataIndex: 'phone', width: 160, render: (v: string | null) => v ?? <span className="muted">—</span> },
    ...(editable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 70,
            render: (_: unknown, c: EscalationContact) => (
              <Button type="link" size="small" icon={<EditOutlined />} aria-label={t('escalation.editContact')} onClick={() => setDialog({ contact: c })} data-testid="contact-edit" />
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      size="small"
      title={t('escalation.contacts')}
      className="section-card"
      extra={
        editable && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setDialog({ contact: null })}>
            {t('escalation.addContact')}
          </Button>
        )
      }
    >
      <Table<EscalationContact> className="admin-table" size="small" rowKey="id" columns={columns} dataSource={contacts.data ?? []} loading={contacts.isPending} pagination={false} data-testid="contact-table" />
      <ContactModal dialog={dialog} onClose={() => setDialog(null)} />
    </Card>
  );
}
