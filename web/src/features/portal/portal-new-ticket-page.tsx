/** 报修: a customer reports a problem for their own organisation. */
import { Button, Form, Input, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Severity } from '../../../../common/domain';
import { useCustomer } from '../../api/customers';
import { useCreateTicket } from '../../api/tickets';
import { showSuccess } from '../../components/feedback';
import { handleFormError } from '../../components/form-errors';
import { SeverityCards } from '../../components/severity-cards';
import { useMe } from '../auth/session';
import { useDocumentTitle } from '../../components/use-document-title';

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
  const create = useCreateTicket();
  const customer = useCustomer(me.customerId);
  const contacts = (customer.data?.contacts ?? []).map((c) => ({ value: c.id, label: c.name }));
  const sites = (customer.data?.sites ?? []).map((s) => ({ value: s.id, label: s.address ? `${s.name}（${s.address}）` : s.name }));

  const submit = async (values: ReportValues) => {
    try {
      const ticket = await create.mutateAsync({
        title: values.title.trim(),
        description: values.description?.trim() ?? '',
        severity: values.severity!,
        channel: 'portal',
        contactId: values.contactId ?? undefined,
        siteId: values.siteId ?? undefined,
      });
      showSuccess(t('portal.created', { number: ticket.number }));
      navigate(`/tickets/${ticket.id}`);
    } catch (error) {
      handleFormError(form, error);
    }
  };

  return (
    <div className="page-card new-ticket">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('portal.reportTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('portal.reportIntro')}</Typography.Paragraph>
      <Form<ReportValues> form={form} layout="vertical" requiredMark onFinish={(v) => void submit(v)} scrollToFirstError>
        <Form.Item name="title" label={t('ticket.title')} rules={[{ required: true, whitespace: true, message: t('newTicket.titleRequired') }, { max: 200 }]}>
          <Input placeholder={t('newTicket.titlePlaceholder')} data-testid="ticket-title-input" autoFocus />
        </Form.Item>
        <Form.Item name="description" label={t('ticket.description')}>
          <Input.TextArea autoSize={{ minRows: 5, maxRows: 16 }} placeholder={t('newTicket.descriptionPlaceholder')} data-testid="ticket-description-input" />
        </Form.Item>
        <Form.Item name="severity" label={t('severity.label')} extra={t('newTicket.severityHint')} rules={[{ required: true, message: t('newTicket.severityRequired') }]}>
          <SeverityCards />
        </Form.Item>
        <div className="form-row-2">
          <Form.Item name="contactId" label={t('ticket.contact')}>
            <Select allowClear options={contacts} placeholder={t('newTicket.contactPlaceholder')} loading={customer.isLoading} />
          </Form.Item>
          <Form.Item name="siteId" label={t('ticket.site')}>
            <Select allowClear options={sites} placeholder={t('newTicket.sitePlaceholder')} loading={customer.isLoading} />
          </Form.Item>
        </div>
        <div className="form-actions">
          <Button onClick={() => navigate('/tickets')}>{t('common.cancel')}</Button>
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="create-ticket">
            {t('portal.submit')}
          </Button>
        </div>
      </Form>
    </div>
  );
}
