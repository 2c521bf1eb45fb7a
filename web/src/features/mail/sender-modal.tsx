/**
 * A mailbox's sending identity (发信身份): the From and the SMTP account replies about its tickets
 * go out through, so customers get answers from the address they wrote to. Without one, mail goes
 * out as the desk's default (FUWUTAI_SMTP_URL). The password is write-only; 发送测试邮件 sends one
 * mail as the saved identity and answers in words.
 */
import { SendOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, InputNumber, Popconfirm, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Mailbox } from '../../api/mail';
import { MAIL_LANGUAGES, SMTP_SECURITY, useMailSender, useRemoveMailSender, useSaveMailSender, useTestMailSender } from '../../api/mail-out';
import { showError, showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { mailErrorText } from './mail-text';

interface Values {
  fromAddress: string;
  fromName: string;
  smtpHost: string;
  smtpPort: number;
  smtpSecurity: (typeof SMTP_SECURITY)[number];
  smtpUser?: string;
  password?: string;
  language: (typeof MAIL_LANGUAGES)[number];
}

const PORTS = { tls: 465, starttls: 587, none: 25 } as const;

export function SenderModal({ mailbox, onClose }: { mailbox: Mailbox | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const id = mailbox?.id ?? '';
  const view = useMailSender(mailbox?.id);
  const save = useSaveMailSender(id);
  const remove = useRemoveMailSender(id);
  const test = useTestMailSender(id);
  const [testTo, setTestTo] = useState('');
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const sender = view.data?.sender ?? null;

  useEffect(() => {
    if (!mailbox || !view.data) return;
    form.resetFields();
    setAnswer(null);
    const s = view.data.sender;
    form.setFieldsValue(
      s
        ? { fromAddress: s.fromAddress, fromName: s.fromName, smtpHost: s.smtpHost, smtpPort: s.smtpPort, smtpSecurity: s.smtpSecurity, smtpUser: s.smtpUser ?? '', password: '', language: s.language }
        : { fromAddress: mailbox.address, fromName: '', smtpHost: '', smtpPort: 465, smtpSecurity: 'tls', smtpUser: mailbox.imapUser, password: '', language: 'zh-CN' },
    );
  }, [mailbox, view.data, form]);

  const submit = async (v: Values) => {
    await save.mutateAsync({
      fromAddress: v.fromAddress.trim(),
      fromName: v.fromName.trim(),
      smtpHost: v.smtpHost.trim(),
      smtpPort: v.smtpPort,
      smtpSecurity: v.smtpSecurity,
      smtpUser: v.smtpUser?.trim() || null,
      ...(v.password ? { password: v.password } : {}),
      language: v.language,
    });
    showSuccess(t('common.saved'));
  };

  const runTest = () => {
    setAnswer(null);
    test.mutate(testTo.trim(), {
      onSuccess: (r) => setAnswer(r.ok ? { ok: true, text: t('mailSender.testSent', { to: testTo.trim() }) } : { ok: false, text: mailErrorText(r.key ?? 'mail.connection_failed', { detail: r.detail ?? '' }) }),
      onError: showError,
    });
  };

  return (
    <FormModal
      form={form}
      open={mailbox !== null}
      title={t('mailSender.title', { name: mailbox?.name ?? '' })}
      onClose={onClose}
      onSubmit={submit}
      pending={save.isPending}
      width={640}
      // Not rendered while closed: a closed dialog kept in the page would take Escape from the mailbox dialog.
      destroyOnHidden
      okButtonProps={{ 'data-testid': 'sender-save' }}
      intro={
        view.data && !sender ? (
          <Alert
            type="info"
            showIcon
            className="page-alert"
            title={view.data.defaultIdentity.configured ? t('mailSender.usingDefault', { from: view.data.defaultIdentity.from }) : t('mailSender.noDefault')}
          />
        ) : null
      }
      footerStart={
        sender ? (
          <Popconfirm
            title={t('mailSender.removeConfirm')}
            okButtonProps={{ danger: true }}
            onConfirm={() => remove.mutate(undefined, { onSuccess: () => showSuccess(t('mailSender.removed')), onError: showError })}
          >
            <Button danger loading={remove.isPending}>
              {t('mailSender.remove')}
            </Button>
          </Popconfirm>
        ) : null
      }
    >
      <div className="form-row-2">
        <Form.Item name="fromAddress" label={t('mailSender.fromAddress')} rules={[{ required: true, message: t('common.required') }, { type: 'email', message: t('mailboxes.addressInvalid') }]}>
          <Input data-testid="sender-from" inputMode="email" />
        </Form.Item>
        <Form.Item name="fromName" label={t('mailSender.fromName')}>
          <Input placeholder={t('mailSender.fromNamePlaceholder')} maxLength={100} />
        </Form.Item>
      </div>
      <div className="form-row-3">
        <Form.Item name="smtpHost" label={t('mailSender.host')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input className="mono" placeholder="smtp.example.com" data-testid="sender-host" />
        </Form.Item>
        <Form.Item name="smtpSecurity" label={t('mailboxes.security')}>
          <Select
            options={SMTP_SECURITY.map((v) => ({ value: v, label: t(`mailSender.securities.${v}`) }))}
            onChange={(v: (typeof SMTP_SECURITY)[number]) => {
              const port = form.getFieldValue('smtpPort');
              if (!port || Object.values(PORTS).includes(port)) form.setFieldValue('smtpPort', PORTS[v]);
            }}
            data-testid="sender-security"
          />
        </Form.Item>
        <Form.Item name="smtpPort" label={t('mailboxes.port')} rules={[{ required: true, message: t('common.required') }]}>
          <InputNumber min={1} max={65535} precision={0} style={{ width: '100%' }} data-testid="sender-port" />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="smtpUser" label={t('mailboxes.user')} extra={t('mailSender.userHint')}>
          <Input autoComplete="off" data-testid="sender-user" />
        </Form.Item>
        <Form.Item name="password" label={t('mailboxes.password')} extra={sender?.passwordSet ? t('mailboxes.passwordKeep') : undefined}>
          <Input.Password autoComplete="new-password" placeholder={sender?.passwordSet ? t('mailboxes.passwordSet') : undefined} />
        </Form.Item>
      </div>
      <Form.Item name="language" label={t('mailSender.language')} extra={t('mailSender.languageHint')}>
        <Select options={MAIL_LANGUAGES.map((l) => ({ value: l, label: t(`mailTemplates.languages.${l}`) }))} style={{ maxWidth: 200 }} />
      </Form.Item>
      {sender && (
        <div className="form-section">
          <div className="form-section-title">{t('mailSender.test')}</div>
          <Space.Compact style={{ width: '100%' }}>
            <Input value={testTo} onChange={(e) => setTestTo(e.target.value)} placeholder={t('mailSender.testTo')} aria-label={t('mailSender.testTo')} inputMode="email" />
            <Button icon={<SendOutlined />} onClick={runTest} loading={test.isPending} disabled={!testTo.trim()}>
              {t('mailSender.testSend')}
            </Button>
          </Space.Compact>
          {answer && <Alert type={answer.ok ? 'success' : 'error'} showIcon className="page-alert" style={{ marginTop: 8 }} title={answer.text} />}
        </div>
      )}
    </FormModal>
  );
}
