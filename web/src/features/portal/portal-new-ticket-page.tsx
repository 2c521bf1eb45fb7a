/**
 * 报修: a customer reports a problem for their own organisation. They say what the problem does to
 * their business in plain words (the impact); the level it suggests is confirmed by the service desk.
 * The contact is their own contact record by default. Files chosen here are uploaded right after
 * the ticket is created, one by one with progress; a file the server refuses (type, size) does not
 * lose the report: the page says which files failed and why, and offers to try them again or open
 * the ticket (where files can be added any time).
 */
import { CheckCircleFilled, CloseCircleFilled, DeleteOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Progress, Select, Typography, Upload } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { Impact } from '../../../../common/domain';
import { ApiError, newIdempotencyKey } from '../../api/client';
import { useCustomer } from '../../api/customers';
import { useCreateTicket } from '../../api/tickets';
import type { Ticket, TicketCreate } from '../../api/types';
import { errorText, showSuccess } from '../../components/feedback';
import { handleFormError } from '../../components/form-errors';
import { useDocumentTitle } from '../../components/use-document-title';
import { useMe } from '../auth/session';
import { formatSize } from '../tickets/timeline';
import { NewTicketActions, TicketProblemFields } from '../tickets/ticket-fields';
import { OwnDeviceSelect } from './device-own-select';
import { ImpactCards } from './impact-cards';
import { uploadWithProgress } from './upload-with-progress';

interface ReportValues {
  title: string;
  description?: string;
  impact?: Impact;
  contactId?: string | null;
  siteId?: string | null;
  deviceIds?: string[];
}

interface ChosenFile {
  uid: string;
  file: File;
  status: 'waiting' | 'uploading' | 'done' | 'failed';
  percent: number;
  error?: string;
}

function FileRow({ item, onRemove }: { item: ChosenFile; onRemove?: () => void }) {
  const { t } = useTranslation();
  return (
    <li className={`report-file report-file-${item.status}`} data-testid="report-file" data-status={item.status}>
      <span className="report-file-name">
        {item.status === 'done' ? (
          <CheckCircleFilled style={{ color: '#52c41a' }} />
        ) : item.status === 'failed' ? (
          <CloseCircleFilled style={{ color: '#ff4d4f' }} />
        ) : (
          <PaperClipOutlined />
        )}
        <span className="report-file-title" title={item.file.name}>
          {item.file.name}
        </span>
        <span className="muted">{formatSize(item.file.size)}</span>
        {onRemove && (
          <Button type="text" size="small" icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('portalReport.removeFile', { name: item.file.name })} />
        )}
      </span>
      {(item.status === 'uploading' || item.status === 'done') && <Progress percent={item.percent} size="small" status={item.status === 'done' ? 'success' : 'active'} />}
      {item.status === 'failed' && (
        <div className="report-file-error" data-testid="report-file-error">
          {item.error}
        </div>
      )}
    </li>
  );
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
  const [files, setFiles] = useState<ChosenFile[]>([]);
  const [created, setCreated] = useState<Ticket | null>(null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  // A submission a network failure interrupted: sent again with the same key, the server creates it once.
  const unanswered = useRef<{ body: string; key: string } | null>(null);

  // The signed-in user's own contact record (same e-mail), unless they chose another already.
  const own = customer.data?.contacts.find((c) => me.email && c.email && c.email.toLowerCase() === me.email.toLowerCase()) ?? null;
  useEffect(() => {
    if (own && !form.isFieldTouched('contactId') && !form.getFieldValue('contactId')) form.setFieldValue('contactId', own.id);
  }, [own, form]);

  const update = (uid: string, patch: Partial<ChosenFile>) => setFiles((list) => list.map((f) => (f.uid === uid ? { ...f, ...patch } : f)));

  /** Uploads the files not yet stored, one after the other; true when all are in. */
  async function uploadAll(ticket: Ticket, list: ChosenFile[]) {
    let ok = true;
    for (const item of list) {
      if (item.status === 'done') continue;
      update(item.uid, { status: 'uploading', percent: 0, error: undefined });
      try {
        await uploadWithProgress(ticket.id, item.file, (percent) => update(item.uid, { percent }));
        update(item.uid, { status: 'done', percent: 100 });
      } catch (error) {
        ok = false;
        update(item.uid, { status: 'failed', error: errorText(error) });
      }
    }
    return ok;
  }

  const finish = (ticket: Ticket) => {
    showSuccess(t('portal.created', { number: ticket.number }));
    navigate(`/tickets/${ticket.id}`);
  };

  const submit = async (values: ReportValues) => {
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    const body: TicketCreate = {
      title: values.title.trim(),
      description: values.description?.trim() ?? '',
      impact: values.impact!,
      channel: 'portal',
      contactId: values.contactId ?? undefined,
      siteId: values.siteId ?? undefined,
      deviceIds: values.deviceIds?.length ? values.deviceIds : undefined,
    };
    const text = JSON.stringify(body);
    const idempotencyKey = unanswered.current?.body === text ? unanswered.current.key : newIdempotencyKey();
    try {
      let ticket: Ticket;
      try {
        ticket = await create.mutateAsync({ body, idempotencyKey });
        unanswered.current = null;
      } catch (error) {
        unanswered.current = error instanceof ApiError && error.status === 0 ? { body: text, key: idempotencyKey } : null;
        handleFormError(form, error);
        return;
      }
      setCreated(ticket);
      if (await uploadAll(ticket, files)) finish(ticket);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const retry = async () => {
    if (!created || inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    try {
      if (await uploadAll(created, files)) finish(created);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  };

  const failed = files.filter((f) => f.status === 'failed');

  if (created && failed.length > 0 && !busy) {
    return (
      <div className="page-card new-ticket" data-testid="report-partial">
        <Alert
          type="warning"
          showIcon
          message={t('portalReport.createdWithFailures', { number: created.number, count: failed.length })}
          description={t('portalReport.createdWithFailuresHint')}
        />
        <ul className="report-files">
          {files.map((item) => (
            <FileRow key={item.uid} item={item} />
          ))}
        </ul>
        <div className="form-actions">
          <Button onClick={() => navigate(`/tickets/${created.id}`)} data-testid="report-open-ticket">
            {t('portalReport.openTicket', { number: created.number })}
          </Button>
          <Button type="primary" onClick={() => void retry()} data-testid="report-retry">
            {t('portalReport.retryFailed')}
          </Button>
        </div>
      </div>
    );
  }

  return (
    <div className="page-card new-ticket">
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('portal.reportTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('portal.reportIntro')}</Typography.Paragraph>
      <Form<ReportValues> form={form} layout="vertical" requiredMark onFinish={(v) => void submit(v)} scrollToFirstError disabled={busy}>
        <TicketProblemFields
          autoFocus
          descriptionRows={{ minRows: 5, maxRows: 16 }}
          severityField={
            <Form.Item name="impact" label={t('impact.label')} extra={t('impact.hint')} rules={[{ required: true, message: t('impact.required') }]}>
              <ImpactCards />
            </Form.Item>
          }
        />
        <div className="form-row-2">
          <Form.Item name="contactId" label={t('ticket.contact')} extra={own ? t('portalReport.contactIsYou') : undefined}>
            <Select allowClear options={contacts} placeholder={t('portalReport.contactPlaceholder')} loading={customer.isLoading} data-testid="report-contact" />
          </Form.Item>
          <Form.Item name="siteId" label={t('ticket.site')}>
            <Select allowClear options={sites} placeholder={t('newTicket.sitePlaceholder')} loading={customer.isLoading} />
          </Form.Item>
        </div>
        <Form.Item name="deviceIds" label={t('portalReport.devices')} extra={t('portalReport.devicesHint')}>
          <OwnDeviceSelect customerId={me.customerId} />
        </Form.Item>
        <Form.Item label={t('portalReport.attachments')} extra={t('portalReport.attachmentsHint')}>
          <Upload
            multiple
            showUploadList={false}
            beforeUpload={(file) => {
              setFiles((list) => [...list, { uid: file.uid, file, status: 'waiting', percent: 0 }]);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} data-testid="report-attach">
              {t('portalReport.chooseFiles')}
            </Button>
          </Upload>
          {files.length > 0 && (
            <ul className="report-files" data-testid="report-files">
              {files.map((item) => (
                <FileRow key={item.uid} item={item} onRemove={busy || created ? undefined : () => setFiles((list) => list.filter((f) => f.uid !== item.uid))} />
              ))}
            </ul>
          )}
        </Form.Item>
        <NewTicketActions
          pending={busy}
          submitText={busy && created ? t('portalReport.uploading') : t('portal.submit')}
          onCancel={() => navigate('/tickets')}
        />
      </Form>
    </div>
  );
}
