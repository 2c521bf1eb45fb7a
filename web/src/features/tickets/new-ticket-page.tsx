/**
 * /tickets/new — logging a phone call: identify the caller by number first (or the device by its
 * serial number: picking one fills the customer in), then the problem, its severity (with the P1–P4
 * definitions), and optionally an assignee. Once the customer is known, the entitlement badge says
 * what covers the call (warranty, a contract, or nothing: billable) and the due preview follows the
 * policy the contract or the device's product gives.
 */
import { PlusOutlined } from '@ant-design/icons';
import { Button, DatePicker, Form, Select, Space, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Category, Channel, Severity, TicketType } from '../../../../common/domain';
import type { Device } from '../../../../common/api';
import { useDuePreview } from '../../api/hotline';
import { useCustomer } from '../../api/customers';
import type { Contact, PhoneMatch } from '../../api/types';
import { AssigneeSelect, CustomerSelect } from '../../components/selects';
import { useCan } from '../auth/session';
import { ContactModal } from '../customers/contact-modal';
import { useDebounced } from '../../components/use-debounced';
import { CallerLookup } from './caller-lookup';
import { DeviceFinder, NamedDevices } from './device-finder';
import { EntitlementBadge } from './entitlement-badge';
import { useChildOf } from './links-panel';
import { CallerTickets, DuePreviewHint, DuplicateWarning } from './caller-tickets';
import { NewTicketActions, TicketClassFields, TicketProblemFields, useCreateTicketAndOpen } from './ticket-fields';
import { useDocumentTitle } from '../../components/use-document-title';

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** On today's date, hours and minutes after now cannot be chosen (a report cannot come from the future). */
function disabledFutureTime(date: Dayjs | null) {
  const now = dayjs();
  if (!date?.isSame(now, 'day')) return {};
  return {
    disabledHours: () => range(now.hour() + 1, 24),
    disabledMinutes: (hour: number) => (hour === now.hour() ? range(now.minute() + 1, 60) : []),
  };
}

interface NewTicketValues {
  customerId?: string;
  contactId?: string | null;
  siteId?: string | null;
  title: string;
  description?: string;
  severity?: Severity;
  channel: Channel;
  type: TicketType;
  category: Category;
  reportedAt?: Dayjs | null;
  assigneeId?: string | null;
}

export function NewTicketPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('newTicket.title'));
  const can = useCan();
  const navigate = useNavigate();
  const [form] = Form.useForm<NewTicketValues>();
  const create = useCreateTicketAndOpen(form, 'newTicket.created');
  const childOf = useChildOf(form);
  const [phone, setPhone] = useState('');
  const [addingContact, setAddingContact] = useState(false);
  const [justAdded, setJustAdded] = useState<Contact | null>(null);
  // The devices the fault concerns, in the order named (the first one's product is the policy chain's product link).
  const [devices, setDevices] = useState<Device[]>([]);
  const customerId = Form.useWatch('customerId', form);
  const contactId = Form.useWatch('contactId', form);
  const customer = useCustomer(customerId);
  const siteId = Form.useWatch('siteId', form);
  const severity = Form.useWatch('severity', form);
  const reportedAt = Form.useWatch('reportedAt', form);
  const title = useDebounced((Form.useWatch('title', form) ?? '').trim(), 400);
  const deviceIds = useMemo(() => devices.map((d) => d.id), [devices]);
  const reportedIso = reportedAt ? reportedAt.toISOString() : undefined;
  // The entitlement does not depend on the severity: before one is chosen, P4's preview answers it
  // (the same request as the due preview's once P4 is chosen).
  const coverage = useDuePreview({ customerId, severity: severity ?? 'P4', reportedAt: reportedIso, siteId: siteId ?? undefined, deviceIds });
  // The same params for the list and the duplicate warning: one request.
  const context = { customerId, contactId, siteId, callerNumber: phone.trim() || undefined, title: title || undefined };

  const contactOptions = useMemo(() => {
    const contacts = [...(customer.data?.contacts ?? [])];
    if (justAdded && justAdded.customerId === customerId && !contacts.some((c) => c.id === justAdded.id)) contacts.push(justAdded);
    return contacts.map((c) => ({ value: c.id, label: c.phones[0] ? `${c.name} · ${c.phones[0]}` : c.name }));
  }, [customer.data, justAdded, customerId]);
  const siteOptions = (customer.data?.sites ?? []).map((s) => ({ value: s.id, label: s.address ? `${s.name}（${s.address}）` : s.name }));

  const pick = (match: PhoneMatch) => {
    // Devices of another customer no longer apply.
    if (match.customer.id !== customerId) setDevices([]);
    form.setFieldsValue({ customerId: match.customer.id, contactId: match.contact.id, siteId: null });
  };

  // A device named before the customer fills the customer (and its site) in, as the phone lookup does.
  const pickDevice = (device: Device) => {
    if (!customerId) form.setFieldsValue({ customerId: device.customer.id, contactId: null, siteId: device.site?.id ?? null });
    else if (!siteId && device.site && device.customer.id === customerId) form.setFieldsValue({ siteId: device.site.id });
    setDevices((list) => (list.some((d) => d.id === device.id) ? list : [...list, device]));
  };

  const submit = (values: NewTicketValues) =>
    create.submit({
      customerId: values.customerId,
      contactId: values.contactId ?? undefined,
      siteId: values.siteId ?? undefined,
      title: values.title.trim(),
      description: values.description?.trim() ?? '',
      severity: values.severity!,
      channel: values.channel,
      type: values.type,
      category: values.category,
      reportedAt: values.reportedAt ? values.reportedAt.toISOString() : undefined,
      assigneeId: values.assigneeId ?? undefined,
      deviceIds: deviceIds.length ? deviceIds : undefined,
      ...childOf.fields,
      // The number typed in the lookup is kept on the ticket (shown when it is not the contact's).
      callerNumber: /\d/.test(phone) ? phone.trim() : undefined,
    });

  return (
    <div className="page-card new-ticket">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('newTicket.title')}
      </Typography.Title>
      {childOf.banner}
      <Form<NewTicketValues>
        form={form}
        layout="vertical"
        requiredMark
        initialValues={{ channel: 'phone', type: 'fault', category: 'other' }}
        onFinish={(values) => void submit(values)}
        onValuesChange={(changed) => {
          // Another customer: the contact and site chosen for the previous one no longer apply.
          if ('customerId' in changed) {
            form.setFieldsValue({ contactId: null, siteId: null });
            setDevices([]);
          }
        }}
        scrollToFirstError
      >
        <section className="form-section">
          <h3 className="form-section-title">{t('newTicket.caller')}</h3>
          {can('contacts.lookup') && (
            <Form.Item label={t('newTicket.phone')} extra={t('newTicket.lookupHint')}>
              <CallerLookup phone={phone} onPhoneChange={setPhone} pickedContactId={contactId} onPick={pick} />
            </Form.Item>
          )}
          <div className="form-row-3">
            <Form.Item name="customerId" label={t('newTicket.customer')} rules={[{ required: true, message: t('newTicket.customerRequired') }]}>
              <CustomerSelect data-testid="customer-select" />
            </Form.Item>
            <Form.Item label={t('newTicket.contact')} required={false}>
              <Space.Compact style={{ width: '100%' }}>
                <Form.Item name="contactId" noStyle>
                  <Select
                    allowClear
                    options={contactOptions}
                    placeholder={t('newTicket.contactPlaceholder')}
                    disabled={!customerId}
                    loading={customer.isFetching}
                    // Takes what the 新增联系人 button leaves, however long the contact's label (360 px phones).
                    style={{ flex: '1 1 0', minWidth: 0 }}
                    data-testid="contact-select"
                    showSearch={{ optionFilterProp: 'label' }}
                  />
                </Form.Item>
                {can('contacts.write') && (
                  <Button icon={<PlusOutlined />} disabled={!customerId} onClick={() => setAddingContact(true)} data-testid="add-contact">
                    {t('newTicket.addContact')}
                  </Button>
                )}
              </Space.Compact>
            </Form.Item>
            <Form.Item name="siteId" label={t('newTicket.site')}>
              <Select allowClear options={siteOptions} placeholder={t('newTicket.sitePlaceholder')} disabled={!customerId} data-testid="site-select" />
            </Form.Item>
          </div>
          <Form.Item label={t('coverage.finder')} extra={t('coverage.finderHint')} className="device-finder-item">
            <div className="caller-lookup">
              <DeviceFinder customerId={customerId} excludeIds={deviceIds} onPick={pickDevice} full={devices.length >= 20} />
              <NamedDevices devices={devices} onRemove={(d) => setDevices((list) => list.filter((x) => x.id !== d.id))} />
            </div>
          </Form.Item>
          {customerId && coverage.data && (
            <div className="coverage-row" data-testid="coverage-row">
              <span className="coverage-row-label">{t('coverage.title')}</span>
              <EntitlementBadge entitlement={coverage.data.entitlement} policy={coverage.data.policy} stale={coverage.isPlaceholderData} />
            </div>
          )}
          <CallerTickets {...context} />
        </section>

        <section className="form-section">
          <h3 className="form-section-title">{t('newTicket.problem')}</h3>
          <TicketProblemFields
            descriptionRows={{ minRows: 4, maxRows: 14 }}
            severityExtra={<DuePreviewHint customerId={customerId} severity={severity} reportedAt={reportedIso} siteId={siteId} deviceIds={deviceIds} />}
          />
          <TicketClassFields order={['channel', 'type', 'category']} />
          <div className="form-row-3">
            <Form.Item name="reportedAt" label={t('newTicket.reportedAt')} extra={t('newTicket.reportedAtHint')}>
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
                disabledDate={(d) => d.isAfter(dayjs(), 'day')}
                disabledTime={disabledFutureTime}
                placeholder={t('newTicket.reportedAt')}
              />
            </Form.Item>
            <Form.Item name="assigneeId" label={t('newTicket.assignee')}>
              <AssigneeSelect placeholder={t('newTicket.assigneePlaceholder')} data-testid="new-assignee" />
            </Form.Item>
          </div>
        </section>
        <DuplicateWarning {...context} />
        <NewTicketActions pending={create.pending} submitText={t('newTicket.submit')} onCancel={() => navigate(-1)} />
      </Form>
      {customerId && (
        <ContactModal
          customerId={customerId}
          open={addingContact}
          initialPhones={phone.trim() ? [phone.trim()] : []}
          onClose={() => setAddingContact(false)}
          onSaved={(contact) => {
            setJustAdded(contact);
            form.setFieldsValue({ contactId: contact.id });
          }}
        />
      )}
    </div>
  );
}
