/** 报修: a customer reports a problem for their own organisation. */
import { Form, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Severity } from '../../../../common/domain';
import { useCustomer } from '../../api/customers';
import { useMe } from '../auth/session';
import { useDocumentTitle } from '../../components/use-document-title';
import { NewTicketActions, TicketProblemFields, useCreateTicketAndOpen } from '../tickets/ticket-fields';

interface ReportValues {
  title: string;
  description?: string;
  severity?: Severity;
  contactId?: string | null;
  siteId?: string | null;
}

export function PortalNewTicketPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('portal.reportTitle'));
  const me = useMe();
  const navigate = useNavigate();
  const [form] = Form.useForm<ReportValues>();
  const create = useCreateTicketAndOpen(form, 'portal.created');
  const customer = useCustomer(me.customerId);
  const contacts = (customer.data?.contacts ?? []).map((c) => ({ value: c.id, label: c.name }));
  const sites = (customer.data?.sites ?? []).map((s) => ({ value: s.id, label: s.address ? `${s.name}（${s.address}）` : s.name }));

  const submit = (values: ReportValues) =>
    create.submit({
      title: values.title.trim(),
      description: values.description?.trim() ?? '',
      severity: values.severity!,
      channel: 'portal',
      contactId: values.contactId ?? undefined,
      siteId: values.siteId ?? undefined,
    });

  return (
    <div className="page-card new-ticket">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('portal.reportTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('portal.reportIntro')}</Typography.Paragraph>
      <Form<ReportValues> form={form} layout="vertical" requiredMark onFinish={(v) => void submit(v)} scrollToFirstError>
        <TicketProblemFields autoFocus descriptionRows={{ minRows: 5, maxRows: 16 }} />
        <div className="form-row-2">
          <Form.Item name="contactId" label={t('ticket.contact')}>
            <Select allowClear options={contacts} placeholder={t('newTicket.contactPlaceholder')} loading={customer.isLoading} />
          </Form.Item>
          <Form.Item name="siteId" label={t('ticket.site')}>
            <Select allowClear options={sites} placeholder={t('newTicket.sitePlaceholder')} loading={customer.isLoading} />
          </Form.Item>
        </div>
        <NewTicketActions pending={create.pending} submitText={t('portal.submit')} onCancel={() => navigate('/tickets')} />
      </Form>
    </div>
  );
}
