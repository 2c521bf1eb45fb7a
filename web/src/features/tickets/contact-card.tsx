/**
 * The ticket's contact card: who reported it and how to reach them (each phone a tap-to-call
 * `tel:` link, the e-mail a `mailto:`), the site's name and address, and the number the caller
 * rang from when it is none of the contact's. Staff move the ticket to another customer, contact
 * or site from here (the server re-scopes and re-derives the SLA).
 */
import { EditOutlined, EnvironmentOutlined, MailOutlined, PhoneOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Card, Form, Select, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCustomer } from '../../api/customers';
import { usePatchTicket } from '../../api/tickets';
import type { Ticket, TicketPatch } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { CustomerSelect } from '../../components/selects';

const FULL_WIDTH_DIGIT = /[０-９]/g;
const EXTENSION = /(转|ext\.?|x|#)(.*)$/i;

function splitNumber(number: string) {
  const ascii = number.replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const ext = ascii.match(EXTENSION);
  const main = ext ? ascii.slice(0, ext.index) : ascii;
  return { main, extension: ext ? ext[2]!.replace(/\D/g, '') : '' };
}

/** `tel:` target: digits (and a leading +), an extension dialled after a pause (`,`). */
export function telHref(number: string): string {
  const { main, extension } = splitNumber(number);
  const digits = main.replace(/[^\d+]/g, '').replace(/(?!^)\+/g, '');
  return `tel:${digits}${extension ? `,${extension}` : ''}`;
}

/** Digits a caller ID is compared by: mainland China's country code and extensions left out (as the server's lookup). */
function phoneKey(number: string): string {
  const { main } = splitNumber(number);
  let digits = main.replace(/\D/g, '');
  if (main.trim().startsWith('+86') || main.trim().startsWith('0086')) digits = digits.replace(/^(00)?86/, '');
  else if (digits.length === 13 && digits.startsWith('861')) digits = digits.slice(2);
  return digits.replace(/^0(?=[1-9]\d{9,10}$)/, '');
}

interface RescopeValues {
  customerId: string;
  contactId: string | null;
  siteId: string | null;
}

/** Another customer, contact or site; the contact and site lists follow the customer chosen. */
function RescopeModal({ ticket, open, onClose }: { ticket: Ticket; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RescopeValues>();
  const patch = usePatchTicket(ticket.id, true);
  const customerId = Form.useWatch('customerId', form);
  const customer = useCustomer(customerId);
  useEffect(() => {
    if (open) form.setFieldsValue({ customerId: ticket.customer.id, contactId: ticket.contact?.id ?? null, siteId: ticket.site?.id ?? null });
  }, [open, form, ticket.customer.id, ticket.contact?.id, ticket.site?.id]);
  const contactOptions = useMemo(
    () => (customer.data?.contacts ?? []).map((c) => ({ value: c.id, label: c.phones[0] ? `${c.name} · ${c.phones[0]}` : c.name })),
    [customer.data],
  );
  const siteOptions = useMemo(
    () => (customer.data?.sites ?? []).map((s) => ({ value: s.id, label: s.address ? `${s.name}（${s.address}）` : s.name })),
    [customer.data],
  );

  const submit = async (values: RescopeValues) => {
    const body: TicketPatch = {};
    if (values.customerId !== ticket.customer.id) body.customerId = values.customerId;
    if ((values.contactId ?? null) !== (ticket.contact?.id ?? null) || body.customerId) body.contactId = values.contactId ?? null;
    if ((values.siteId ?? null) !== (ticket.site?.id ?? null) || body.customerId) body.siteId = values.siteId ?? null;
    if (Object.keys(body).length === 0) return;
    await patch.mutateAsync(body);
    showSuccess(t('common.saved'));
  };

  return (
    <FormModal
      form={form}
      open={open}
      title={`${t('contactCard.rescopeTitle')} · ${ticket.number}`}
      onClose={onClose}
      onSubmit={submit}
      pending={patch.isPending}
      okButtonProps={{ 'data-testid': 'rescope-save' }}
      intro={<Typography.Paragraph type="secondary">{t('contactCard.rescopeIntro')}</Typography.Paragraph>}
      width={560}
    >
      <Form.Item name="customerId" label={t('ticket.customer')} rules={[{ required: true, message: t('newTicket.customerRequired') }]}>
        <CustomerSelect
          data-testid="rescope-customer"
          // Another customer: the contact and site of the previous one no longer apply.
          onChange={() => form.setFieldsValue({ contactId: null, siteId: null })}
        />
      </Form.Item>
      <Form.Item name="contactId" label={t('ticket.contact')}>
        <Select allowClear options={contactOptions} loading={customer.isFetching} placeholder={t('newTicket.contactPlaceholder')} data-testid="rescope-contact" showSearch={{ optionFilterProp: 'label' }} />
      </Form.Item>
      <Form.Item name="siteId" label={t('ticket.site')}>
        <Select allowClear options={siteOptions} loading={customer.isFetching} placeholder={t('newTicket.sitePlaceholder')} data-testid="rescope-site" showSearch={{ optionFilterProp: 'label' }} />
      </Form.Item>
    </FormModal>
  );
}

export function ContactCard({ ticket, editable }: { ticket: Ticket; editable: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const { contact, site } = ticket.contactCard;
  const caller = ticket.callerNumber;
  const callerIsContact = caller ? (contact?.phones ?? []).some((p) => phoneKey(p) === phoneKey(caller)) : true;

  return (
    <Card
      size="small"
      title={t('contactCard.title')}
      className="section-card contact-card"
      data-testid="contact-card"
      extra={
        editable ? (
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setOpen(true)} data-testid="rescope-open">
            {t('contactCard.change')}
          </Button>
        ) : null
      }
    >
      {!contact && !site && !caller && <Typography.Text type="secondary">{t('contactCard.none')}</Typography.Text>}
      {contact && (
        <div className="contact-card-block">
          <div className="contact-card-name">
            <UserOutlined /> <strong data-testid="contact-card-name">{contact.name}</strong>
            {contact.title && <span className="muted"> · {contact.title}</span>}
          </div>
          {contact.phones.map((phone) => (
            <a key={phone} href={telHref(phone)} className="contact-card-link" data-testid="contact-phone">
              <PhoneOutlined /> {phone}
            </a>
          ))}
          {contact.email && (
            <a href={`mailto:${contact.email}`} className="contact-card-link" data-testid="contact-email">
              <MailOutlined /> {contact.email}
            </a>
          )}
        </div>
      )}
      {caller && !callerIsContact && (
        <div className="contact-card-block" data-testid="caller-number">
          <span className="muted">{t('contactCard.callerNumber')}</span>
          <a href={telHref(caller)} className="contact-card-link">
            <PhoneOutlined /> {caller}
          </a>
        </div>
      )}
      {site && (
        <div className="contact-card-block" data-testid="contact-site">
          <div>
            <EnvironmentOutlined /> <strong>{site.name}</strong>
          </div>
          {site.address && <div className="contact-card-address">{site.address}</div>}
        </div>
      )}
      {editable && <RescopeModal ticket={ticket} open={open} onClose={() => setOpen(false)} />}
    </Card>
  );
}
