/**
 * Add or edit a mailbox, in three sections: the IMAP connection (with 测试连接, answered in words),
 * fetching (interval, IDLE), and how mail becomes tickets (center, defaults, unknown senders).
 * The password is write-only: an edit shows 已设置 and keeps it unless a new one is typed.
 */
import { ApiOutlined } from '@ant-design/icons';
import { Button, Form, Input, InputNumber, Radio, Select, Switch } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CATEGORIES, SEVERITIES, TICKET_TYPES, type Category, type Severity, type TicketType } from '../../../../common/domain';
import {
  IMAP_SECURITY,
  MIN_POLL_SECONDS,
  PROCESSED_ACTIONS,
  UNKNOWN_SENDER_RULES,
  useSaveMailbox,
  useTestMailbox,
  type Mailbox,
  type MailboxTestResult,
} from '../../api/mail';
import { CenterSelect } from '../../components/center-select';
import { changedFields } from '../../components/changed-fields';
import { showError, showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { useLabels } from '../../i18n/labels';
import { TestAnswer } from './mail-text';

interface Values {
  name: string;
  address: string;
  imapHost: string;
  imapPort: number;
  imapSecurity: (typeof IMAP_SECURITY)[number];
  tlsVerify: boolean;
  imapUser: string;
  password?: string;
  folder: string;
  processedAction: (typeof PROCESSED_ACTIONS)[number];
  processedFolder?: string | null;
  pollIntervalSeconds: number;
  useIdle: boolean;
  centerId?: string | null;
  defaultSeverity: Severity;
  defaultType: TicketType;
  defaultCategory: Category;
  unknownSenderRule: (typeof UNKNOWN_SENDER_RULES)[number];
  enabled: boolean;
}

const DEFAULTS: Values = {
  name: '',
  address: '',
  imapHost: '',
  imapPort: 993,
  imapSecurity: 'tls',
  tlsVerify: true,
  imapUser: '',
  folder: 'INBOX',
  processedAction: 'seen',
  processedFolder: null,
  pollIntervalSeconds: 60,
  useIdle: true,
  centerId: null,
  defaultSeverity: 'P3',
  defaultType: 'fault',
  defaultCategory: 'other',
  unknownSenderRule: 'unassigned',
  enabled: true,
};

const PORTS = { tls: 993, starttls: 143 } as const;

export function MailboxModal({ mailbox, open, onClose }: { mailbox: Mailbox | null; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [form] = Form.useForm<Values>();
  const save = useSaveMailbox(mailbox?.id);
  const test = useTestMailbox();
  const [answer, setAnswer] = useState<{ result: MailboxTestResult; folder: string } | null>(null);
  const processedAction = Form.useWatch('processedAction', form);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setAnswer(null);
    if (mailbox) {
      const { passwordSet: _p, id: _i, lastUid: _u, lastPolledAt: _l, lastError: _e, createdAt: _c, updatedAt: _d, ...rest } = mailbox;
      form.setFieldsValue({ ...rest, password: '' });
    } else form.setFieldsValue(DEFAULTS);
  }, [open, mailbox, form]);

  const runTest = async () => {
    let values: Values;
    try {
      values = await form.validateFields(['imapHost', 'imapPort', 'imapSecurity', 'imapUser', 'folder', ...(mailbox ? [] : ['password'])]);
      values = { ...form.getFieldsValue(true), ...values };
    } catch {
      return;
    }
    setAnswer(null);
    const typed = values.password?.trim() ? values.password : null;
    try {
      const result =
        typed || !mailbox
          ? await test.mutateAsync({
              settings: {
                imapHost: values.imapHost.trim(),
                imapPort: values.imapPort,
                imapSecurity: values.imapSecurity,
                imapUser: values.imapUser.trim(),
                tlsVerify: values.tlsVerify,
                password: typed ?? '',
                folder: values.folder.trim(),
              },
            })
          : await test.mutateAsync({ id: mailbox.id });
      setAnswer({ result, folder: values.folder });
    } catch (error) {
      showError(error);
    }
  };

  const submit = async (v: Values) => {
    const body = {
      name: v.name.trim(),
      address: v.address.trim(),
      imapHost: v.imapHost.trim(),
      imapPort: v.imapPort,
      imapSecurity: v.imapSecurity,
      tlsVerify: v.tlsVerify,
      imapUser: v.imapUser.trim(),
      folder: v.folder.trim(),
      processedAction: v.processedAction,
      processedFolder: v.processedAction === 'move' ? v.processedFolder?.trim() || null : null,
      pollIntervalSeconds: v.pollIntervalSeconds,
      useIdle: v.useIdle,
      centerId: v.centerId ?? null,
      defaultSeverity: v.defaultSeverity,
      defaultType: v.defaultType,
      defaultCategory: v.defaultCategory,
      unknownSenderRule: v.unknownSenderRule,
      enabled: v.enabled,
    };
    const password = v.password?.trim() ? v.password : undefined;
    if (mailbox) {
      const { passwordSet: _p, ...before } = mailbox;
      await save.mutateAsync({ ...changedFields(before, body), ...(password ? { password } : {}) });
      showSuccess(t('common.saved'));
    } else {
      const saved = await save.mutateAsync({ ...body, password });
      showSuccess(t('mailboxes.created', { name: saved.name }));
    }
  };

  const sectionTitle = (text: string) => <div className="form-section-title">{text}</div>;
  const options = <T extends string>(values: readonly T[], label: (v: T) => string) => values.map((value) => ({ value, label: label(value) }));

  return (
    <FormModal
      form={form}
      open={open}
      title={mailbox ? t('mailboxes.edit') : t('mailboxes.create')}
      onClose={onClose}
      onSubmit={submit}
      pending={save.isPending}
      width={720}
      okButtonProps={{ 'data-testid': 'mailbox-save' }}
      footerStart={
        <Button icon={<ApiOutlined />} onClick={() => void runTest()} loading={test.isPending} data-testid="mailbox-test">
          {t('mailboxes.test')}
        </Button>
      }
    >
      <div className="form-row-2">
        <Form.Item name="name" label={t('mailboxes.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input data-testid="mailbox-name" maxLength={100} placeholder={t('mailboxes.namePlaceholder')} />
        </Form.Item>
        <Form.Item
          name="address"
          label={t('mailboxes.address')}
          extra={t('mailboxes.addressHint')}
          rules={[{ required: true, message: t('common.required') }, { type: 'email', message: t('mailboxes.addressInvalid') }]}
        >
          <Input data-testid="mailbox-address" maxLength={200} placeholder="service@example.com" inputMode="email" />
        </Form.Item>
      </div>

      <section className="form-section" aria-label={t('mailboxes.sectionImap')}>
        {sectionTitle(t('mailboxes.sectionImap'))}
        <div className="form-row-3">
          <Form.Item name="imapHost" label={t('mailboxes.host')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input data-testid="mailbox-host" placeholder="imap.example.com" className="mono" />
          </Form.Item>
          <Form.Item name="imapSecurity" label={t('mailboxes.security')}>
            <Select
              data-testid="mailbox-security"
              options={options(IMAP_SECURITY, (v) => t(`mailboxes.securities.${v}`))}
              onChange={(v: (typeof IMAP_SECURITY)[number]) => {
                const port = form.getFieldValue('imapPort');
                if (port === PORTS.tls || port === PORTS.starttls || !port) form.setFieldValue('imapPort', PORTS[v]);
              }}
            />
          </Form.Item>
          <Form.Item name="imapPort" label={t('mailboxes.port')} rules={[{ required: true, message: t('common.required') }]}>
            <InputNumber min={1} max={65535} precision={0} style={{ width: '100%' }} data-testid="mailbox-port" />
          </Form.Item>
        </div>
        <div className="form-row-2">
          <Form.Item name="imapUser" label={t('mailboxes.user')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input data-testid="mailbox-user" autoComplete="off" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('mailboxes.password')}
            extra={mailbox?.passwordSet ? t('mailboxes.passwordKeep') : t('mailboxes.passwordHint')}
            rules={mailbox ? [] : [{ required: true, message: t('common.required') }]}
          >
            <Input.Password
              data-testid="mailbox-password"
              autoComplete="new-password"
              placeholder={mailbox?.passwordSet ? t('mailboxes.passwordSet') : undefined}
            />
          </Form.Item>
        </div>
        <div className="form-row-2">
          <Form.Item name="folder" label={t('mailboxes.folder')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input data-testid="mailbox-folder" />
          </Form.Item>
          <Form.Item name="tlsVerify" label={t('mailboxes.tlsVerify')} valuePropName="checked" extra={t('mailboxes.tlsVerifyHint')}>
            <Switch data-testid="mailbox-tls-verify" />
          </Form.Item>
        </div>
        <div className="form-row-2">
          <Form.Item name="processedAction" label={t('mailboxes.processedAction')}>
            <Select options={options(PROCESSED_ACTIONS, (v) => t(`mailboxes.processed.${v}`))} />
          </Form.Item>
          {processedAction === 'move' && (
            <Form.Item name="processedFolder" label={t('mailboxes.processedFolder')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input placeholder={t('mailboxes.processedFolderPlaceholder')} />
            </Form.Item>
          )}
        </div>
      </section>

      <section className="form-section" aria-label={t('mailboxes.sectionFetch')}>
        {sectionTitle(t('mailboxes.sectionFetch'))}
        <div className="form-row-2">
          <Form.Item
            name="pollIntervalSeconds"
            label={t('mailboxes.interval')}
            extra={t('mailboxes.intervalHint', { min: MIN_POLL_SECONDS })}
            rules={[{ required: true, type: 'number', min: MIN_POLL_SECONDS, max: 86_400, message: t('mailboxes.intervalInvalid', { min: MIN_POLL_SECONDS }) }]}
          >
            <InputNumber min={MIN_POLL_SECONDS} max={86_400} precision={0} style={{ width: '100%' }} suffix={t('mailboxes.seconds')} />
          </Form.Item>
          <Form.Item name="useIdle" label={t('mailboxes.idle')} valuePropName="checked" extra={t('mailboxes.idleHint')}>
            <Switch />
          </Form.Item>
        </div>
        <Form.Item name="enabled" label={t('mailboxes.enabled')} valuePropName="checked">
          <Switch data-testid="mailbox-enabled" />
        </Form.Item>
      </section>

      <section className="form-section" aria-label={t('mailboxes.sectionTickets')}>
        {sectionTitle(t('mailboxes.sectionTickets'))}
        <Form.Item name="centerId" label={t('mailboxes.center')} extra={t('mailboxes.centerHint')}>
          <CenterSelect />
        </Form.Item>
        <div className="form-row-3">
          <Form.Item name="defaultSeverity" label={t('mailboxes.defaultSeverity')}>
            <Select options={options(SEVERITIES, (v) => `${v} ${labels.severityName(v)}`)} />
          </Form.Item>
          <Form.Item name="defaultType" label={t('mailboxes.defaultType')}>
            <Select options={options(TICKET_TYPES, labels.type)} />
          </Form.Item>
          <Form.Item name="defaultCategory" label={t('mailboxes.defaultCategory')}>
            <Select options={options(CATEGORIES, labels.category)} />
          </Form.Item>
        </div>
        <Form.Item name="unknownSenderRule" label={t('mailboxes.unknownSender')}>
          <Radio.Group className="mailbox-rules" data-testid="mailbox-unknown-rule">
            {UNKNOWN_SENDER_RULES.map((rule) => (
              <Radio key={rule} value={rule}>
                <strong>{t(`mailboxes.rules.${rule}`)}</strong>
                <div className="muted">{t(`mailboxes.rulesHint.${rule}`)}</div>
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
      </section>
      {/* Next to the footer's 测试连接, where the eye is after the click. */}
      <div aria-live="polite">{answer && <TestAnswer result={answer.result} folder={answer.folder} />}</div>
    </FormModal>
  );
}
