/**
 * /visits/:id: one visit on the engineer's phone (issue 12) — big step buttons (出发, 到达签到),
 * the work record (findings, work, parts, time, result, photos from the camera), the customer's
 * signature or refusal, 完成; a signed record is read-only with its hash and the PDF, and staff
 * may start a correction. Every step, save and signature goes through the outbox
 * (offline-sync.ts): sent at once when it can be, kept with its key and moment when not.
 */
import { ArrowLeftOutlined, CameraOutlined, DeleteOutlined, FilePdfOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, type ButtonProps, Card, Form, Input, InputNumber, Modal, Radio, Spin } from 'antd';
import dayjs from 'dayjs';
import { useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { VISIT_RESULTS, type ServiceRecord, type ServiceRecordUpdate, type Visit, type VisitResult } from '../../../../common/api/field-service';
import type { QueuedAction } from '../../../../common/offline-queue';
import { newIdempotencyKey } from '../../api/client';
import { useVisit } from '../../api/field-service';
import { useVisitRecord, visitUrls } from '../../api/service-records';
import { useUploadAttachment } from '../../api/tickets';
import { showError, showInfo, showSuccess } from '../../components/feedback';
import { PageSkeleton, RecordLoadError } from '../../components/states';
import { SeverityTag } from '../../components/tags';
import { formatDateTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useCan } from '../auth/session';
import { perform, QueueFullError, usePendingActions } from './offline-sync';
import { type SignaturePadHandle, SignatureCanvas } from './signature-pad';
import { ContactBlock, DevicesBlock, OutboxIndicator, SiteBlock, VisitStatusTag, visitWindow } from './visit-parts';
import './field-mobile.css';

type Step = 'departed' | 'on_site' | 'finished' | 'cancelled';

/** Sends (or queues) one action of the person; tells them when it waits in the outbox. */
function useAct(visitId: string) {
  const client = useQueryClient();
  const { t } = useTranslation();
  const [busy, setBusy] = useState<string | null>(null);
  const act = async <T,>(kind: string, method: 'POST' | 'PUT', url: string, body: unknown, key = newIdempotencyKey()): Promise<T | null> => {
    setBusy(kind);
    try {
      const result = await perform<T>(client, { key, method, url, body, at: new Date().toISOString(), kind, visitId });
      if (result.status === 'queued') {
        showInfo(t('visits.outbox.queued'));
        return null;
      }
      return result.value;
    } catch (error) {
      if (error instanceof QueueFullError) showError(new Error(t('visits.outbox.full')));
      else showError(error);
      throw error;
    } finally {
      setBusy(null);
    }
  };
  return { act, busy };
}

export function VisitPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const visit = useVisit(id);
  useDocumentTitle(visit.data ? `${visit.data.ticket.number} · ${t('visits.title')}` : t('visits.title'));
  // A refetch that failed (the phone lost its connection) keeps showing what was read before.
  if (visit.data) return <VisitView visit={visit.data} />;
  if (visit.isError)
    return <RecordLoadError error={visit.error} onRetry={() => void visit.refetch()} title={t('visits.notFound')} backTo="/my-work" backLabel={t('visits.back')} />;
  return <PageSkeleton />;
}

function VisitView({ visit }: { visit: Visit }) {
  const { t } = useTranslation();
  const pending = usePendingActions().filter((a) => a.visitId === visit.id);
  const record = useVisitRecord(visit.id);
  const { act, busy } = useAct(visit.id);
  const pendingSteps = new Set(pending.filter((a) => a.kind.startsWith('step:')).map((a) => a.kind.slice(5)));

  const step = (to: Step, extra: { result?: VisitResult; reason?: string } = {}) =>
    act(`step:${to}`, 'POST', visitUrls.transitions(visit.id), { to, at: new Date().toISOString(), ...extra }).catch(() => undefined);

  const onSite = visit.status === 'on_site' || visit.status === 'finished' || pendingSteps.has('on_site');
  const times: Array<[string, string | null]> = [
    [t('visits.done.departed'), visit.departedAt],
    [t('visits.done.on_site'), visit.arrivedAt],
    [t('visits.done.finished'), visit.finishedAt],
  ];

  return (
    <div className="visit-page" data-testid="visit-page" data-status={visit.status}>
      <OutboxIndicator />
      <Card size="small">
        <div className="visit-card-head">
          <Link to="/my-work" data-testid="visit-back">
            <ArrowLeftOutlined /> {t('visits.back')}
          </Link>
          <span style={{ flex: 1 }} />
          <SeverityTag severity={visit.ticket.severity} />
          <Link to={`/tickets/${visit.ticket.id}`} data-testid="visit-ticket-link">
            {t('visits.openTicket', { number: visit.ticket.number })}
          </Link>
        </div>
        <div className="visit-card-head">
          <span className="visit-card-time">{visitWindow(visit)}</span>
          <VisitStatusTag status={visit.status} />
        </div>
        <div className="visit-card-title">{visit.ticket.title}</div>
        <div style={{ fontWeight: 600 }}>{visit.customer.name}</div>
        <SiteBlock site={visit.site} />
        <ContactBlock contact={visit.contact} />
        <DevicesBlock devices={visit.devices} />
        {visit.notes && (
          <div>
            <span className="visit-muted">{t('visits.notes')}: </span>
            {visit.notes}
          </div>
        )}
        <div className="visit-times visit-muted" data-testid="visit-times">
          {times
            .filter(([, at]) => at)
            .map(([label, at]) => (
              <span key={label}>
                {label} {dayjs(at).format('HH:mm')}
              </span>
            ))}
        </div>
      </Card>

      {pending.length > 0 && (
        <Card size="small" data-testid="visit-pending">
          <div className="visit-muted">{t('visits.outbox.waiting')}</div>
          {pending.map((a) => (
            <div key={a.key}>
              {pendingLabel(t, a)} · {dayjs(a.at).format('HH:mm:ss')}
            </div>
          ))}
        </Card>
      )}

      {(['departed', 'on_site'] as const)
        .filter((s) => visit.next.includes(s) && !pendingSteps.has(s) && !(s === 'departed' && pendingSteps.has('on_site')))
        .map((s, i) => (
          <Button key={s} type={i === 0 ? 'primary' : 'default'} size="large" block className="visit-step-button" loading={busy === `step:${s}`} onClick={() => void step(s)} data-testid={`visit-step-${s}`}>
            {t(`visits.steps.${s}`)}
          </Button>
        ))}

      {record.isPending ? (
        <Spin />
      ) : record.data && record.data.status !== 'draft' ? (
        <FrozenRecord record={record.data} visit={visit} />
      ) : onSite ? (
        <>
          {/* One form per version: the first save (null → version 1) keeps what is being typed; a correction starts afresh. */}
          <RecordForm key={record.data?.version ?? 1} visit={visit} record={record.data ?? null} act={act} busy={busy} />
          {record.data && <SignSection record={record.data} act={act} busy={busy} />}
        </>
      ) : (
        <Card size="small">
          <span className="visit-muted">{t('visits.record.notStarted')}</span>
        </Card>
      )}

      {visit.next.includes('finished') && !pendingSteps.has('finished') && <FinishSection visit={visit} record={record.data ?? null} busy={busy} onFinish={(result) => step('finished', { result })} />}
    </div>
  );
}

function pendingLabel(t: TFunction, action: QueuedAction): string {
  if (action.kind.startsWith('step:')) return t(`visits.steps.${action.kind.slice(5) as Step}`);
  return t(`visits.outbox.kinds.${action.kind as 'record' | 'sign' | 'refuse' | 'correct'}`);
}

type Act = ReturnType<typeof useAct>['act'];

interface RecordFormValues {
  findings?: string;
  workDone?: string;
  parts?: Array<{ name?: string; partNumber?: string; quantity?: number; serials?: string }>;
  timeSpentMinutes?: number | null;
  result?: VisitResult | null;
}

const toFormValues = (record: ServiceRecord | null): RecordFormValues => ({
  findings: record?.findings ?? '',
  workDone: record?.workDone ?? '',
  parts: (record?.parts ?? []).map((p) => ({ name: p.name, partNumber: p.partNumber ?? '', quantity: p.quantity, serials: p.serials.join(', ') })),
  timeSpentMinutes: record?.timeSpentMinutes ?? null,
  result: record?.result ?? null,
});

const toUpdate = (values: RecordFormValues, photoIds: string[]): ServiceRecordUpdate => ({
  findings: values.findings?.trim() ?? '',
  workDone: values.workDone?.trim() ?? '',
  parts: (values.parts ?? [])
    .filter((p) => p.name?.trim())
    .map((p) => ({
      name: p.name!.trim(),
      partNumber: p.partNumber?.trim() || null,
      quantity: p.quantity ?? 1,
      serials: (p.serials ?? '')
        .split(/[,，\s]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    })),
  timeSpentMinutes: values.timeSpentMinutes ?? null,
  result: values.result ?? null,
  photoIds,
});

function RecordForm({ visit, record, act, busy }: { visit: Visit; record: ServiceRecord | null; act: Act; busy: string | null }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RecordFormValues>();
  const [photos, setPhotos] = useState<Array<{ id: string; url: string; filename: string }>>(record?.photos ?? []);
  const upload = useUploadAttachment(visit.ticket.id);
  const fileInput = useRef<HTMLInputElement>(null);
  // The server's list wins once a save has come back (another tab or a queued save may have added photos).
  const serverPhotos = record?.photos;
  const serverPhotoKey = serverPhotos?.map((p) => p.id).join(',');
  const [seenPhotoKey, setSeenPhotoKey] = useState(serverPhotoKey);
  if (serverPhotoKey !== seenPhotoKey) {
    setSeenPhotoKey(serverPhotoKey);
    if (serverPhotos) setPhotos(serverPhotos);
  }

  const save = async (photoList = photos) => {
    const body = toUpdate(form.getFieldsValue(true) as RecordFormValues, photoList.map((p) => p.id));
    const saved = await act<ServiceRecord>('record', 'PUT', visitUrls.record(visit.id), body).catch(() => undefined);
    if (saved) showSuccess(t('visits.record.saved'));
    return saved;
  };

  const onPhoto = async (files: FileList | null) => {
    const file = files?.[0];
    if (fileInput.current) fileInput.current.value = '';
    if (!file) return;
    if (navigator.onLine === false) {
      showInfo(t('visits.record.photoOffline'));
      return;
    }
    try {
      const attachment = await upload.mutateAsync({ file, isPublic: true });
      const next = [...photos, { id: attachment.id, url: attachment.url, filename: attachment.filename }];
      setPhotos(next);
      await save(next);
    } catch (error) {
      showError(error);
    }
  };

  return (
    <Card size="small" title={t('visits.record.title')} extra={record ? <span className="visit-muted">{t('visits.record.version', { version: record.version })}</span> : null} data-testid="record-form">
      <Form form={form} layout="vertical" requiredMark={false} initialValues={toFormValues(record)}  onFinish={() => void save()}>
        <Form.Item name="findings" label={t('visits.record.findings')}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={20_000} data-testid="record-findings" />
        </Form.Item>
        <Form.Item name="workDone" label={t('visits.record.workDone')}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={20_000} data-testid="record-work" />
        </Form.Item>
        <Form.Item label={t('visits.record.parts')} style={{ marginBottom: 12 }}>
          <Form.List name="parts">
            {(fields, { add, remove }) => (
              <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
                {fields.map((field) => (
                  <div key={field.key} className="visit-part" data-testid="record-part">
                    <Form.Item name={[field.name, 'name']} noStyle>
                      <Input size="large" placeholder={t('visits.record.partName')} aria-label={t('visits.record.partName')} className="visit-part-wide" maxLength={200} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'partNumber']} noStyle>
                      <Input size="large" placeholder={t('visits.record.partNumber')} aria-label={t('visits.record.partNumber')} maxLength={100} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'quantity']} noStyle initialValue={1}>
                      <InputNumber size="large" min={1} max={10_000} precision={0} placeholder={t('visits.record.quantity')} aria-label={t('visits.record.quantity')} style={{ width: '100%' }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'serials']} noStyle>
                      <Input size="large" placeholder={t('visits.record.serials')} aria-label={t('visits.record.serials')} className="visit-part-wide" />
                    </Form.Item>
                    <Button icon={<DeleteOutlined />} onClick={() => remove(field.name)} className="visit-part-wide" aria-label={t('visits.record.removePart')}>
                      {t('visits.record.removePart')}
                    </Button>
                  </div>
                ))}
                <Button size="large" icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })} data-testid="record-add-part">
                  {t('visits.record.addPart')}
                </Button>
              </div>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item name="timeSpentMinutes" label={t('visits.record.timeSpent')}>
          <InputNumber size="large" min={0} max={100_000} precision={0} inputMode="numeric" style={{ width: '100%' }} data-testid="record-time" />
        </Form.Item>
        <Form.Item name="result" label={t('visits.record.result')}>
          <ResultChoice testId="record-result" />
        </Form.Item>
        <Form.Item label={t('visits.record.photos')}>
          <div className="visit-photos" data-testid="record-photos">
            {photos.map((p) => (
              <a key={p.id} href={p.url} target="_blank" rel="noopener noreferrer">
                <img src={p.url} alt={p.filename} />
              </a>
            ))}
          </div>
          <input ref={fileInput} type="file" accept="image/*" capture="environment" style={{ display: 'none' }} onChange={(e) => void onPhoto(e.target.files)} data-testid="record-photo-input" />
          <Button size="large" icon={<CameraOutlined />} loading={upload.isPending} onClick={() => fileInput.current?.click()} style={{ marginTop: 8 }} data-testid="record-photo">
            {t('visits.record.takePhoto')}
          </Button>
        </Form.Item>
        <Button type="primary" size="large" block htmlType="submit" className="visit-step-button" loading={busy === 'record'} data-testid="record-save">
          {t('visits.record.save')}
        </Button>
      </Form>
    </Card>
  );
}

/** The three results as big radio buttons, one per line on a phone. */
function ResultChoice({ value, onChange, testId }: { value?: VisitResult | null; onChange?: (value: VisitResult) => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <Radio.Group value={value ?? undefined} onChange={(e) => onChange?.(e.target.value)} data-testid={testId} style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      {VISIT_RESULTS.map((r) => (
        <Radio key={r} value={r} style={{ minHeight: 32, alignItems: 'center' }} data-testid={`${testId}-${r}`}>
          {t(`visits.results.${r}`)}
        </Radio>
      ))}
    </Radio.Group>
  );
}

function SignSection({ record, act, busy }: { record: ServiceRecord; act: Act; busy: string | null }) {
  const { t } = useTranslation();
  const pad = useRef<SignaturePadHandle>(null);
  const [empty, setEmpty] = useState(true);
  const [signer, setSigner] = useState('');
  const [signerError, setSignerError] = useState<string | null>(null);
  const [refusing, setRefusing] = useState(false);
  const [refuseForm] = Form.useForm<{ reason: string; signerName?: string }>();

  const confirm = async () => {
    const name = signer.trim();
    if (!name) return setSignerError(t('visits.sign.signerRequired'));
    if (!pad.current || pad.current.isEmpty()) return showInfo(t('visits.sign.emptyPad'));
    setSignerError(null);
    await act('sign', 'POST', visitUrls.sign(record.id), { signerName: name, signature: pad.current.toDataUrl() }).catch(() => undefined);
  };

  const refuse = async () => {
    const values = await refuseForm.validateFields();
    await act('refuse', 'POST', visitUrls.refuse(record.id), { reason: values.reason.trim(), signerName: values.signerName?.trim() || null })
      .then(() => setRefusing(false))
      .catch(() => undefined);
  };

  return (
    <Card size="small" title={t('visits.sign.title')} data-testid="sign-section">
      <div className="visit-muted">{t('visits.sign.hint')}</div>
      <SignatureCanvas ref={pad} onChange={setEmpty} label={t('visits.sign.title')} />
      <Button size="large" onClick={() => pad.current?.clear()} disabled={empty} data-testid="signature-clear">
        {t('visits.sign.clear')}
      </Button>
      <Form layout="vertical" requiredMark={false} component="div">
        <Form.Item label={t('visits.sign.signerName')} validateStatus={signerError ? 'error' : undefined} help={signerError} style={{ marginBottom: 0 }}>
          <Input size="large" value={signer} onChange={(e) => setSigner(e.target.value)} maxLength={100} autoComplete="name" data-testid="signer-name" />
        </Form.Item>
      </Form>
      <Button type="primary" size="large" block className="visit-step-button" loading={busy === 'sign'} onClick={() => void confirm()} data-testid="signature-confirm">
        {t('visits.sign.confirm')}
      </Button>
      <Button size="large" block danger onClick={() => setRefusing(true)} data-testid="signature-refuse">
        {t('visits.sign.refuse')}
      </Button>
      <Modal
        open={refusing}
        title={t('visits.sign.refuse')}
        onCancel={() => setRefusing(false)}
        onOk={() => void refuse()}
        okButtonProps={{ danger: true, loading: busy === 'refuse', 'data-testid': 'refuse-confirm' } as ButtonProps}
        destroyOnHidden
      >
        <Form form={refuseForm} layout="vertical" requiredMark={false}>
          <Form.Item name="reason" label={t('visits.sign.refuseReason')} rules={[{ required: true, whitespace: true, message: t('visits.sign.refuseRequired') }]}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} data-testid="refuse-reason" />
          </Form.Item>
          <Form.Item name="signerName" label={t('visits.sign.signerName')}>
            <Input maxLength={100} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

function FrozenRecord({ record, visit }: { record: ServiceRecord; visit: Visit }) {
  const { t } = useTranslation();
  const can = useCan();
  const client = useQueryClient();
  const [correcting, setCorrecting] = useState(false);
  const correct = () =>
    Modal.confirm({
      title: t('visits.sign.correct'),
      content: t('visits.sign.correctConfirm'),
      onOk: async () => {
        setCorrecting(true);
        try {
          const result = await perform<ServiceRecord>(client, {
            key: newIdempotencyKey(),
            method: 'POST',
            url: visitUrls.correct(record.id),
            body: {},
            at: new Date().toISOString(),
            kind: 'correct',
            visitId: visit.id,
          });
          if (result.status === 'done') showSuccess(t('visits.sign.corrected', { version: result.value.version }));
          else showInfo(t('visits.outbox.queued'));
        } catch (error) {
          showError(error);
        } finally {
          setCorrecting(false);
        }
      },
    });
  const field = (label: string, value: string | null | undefined) => (
    <div>
      <div className="visit-muted">{label}</div>
      <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{value || t('visits.record.empty')}</div>
    </div>
  );
  return (
    <Card size="small" title={t('visits.record.title')} extra={<span className="visit-muted">{t('visits.record.version', { version: record.version })}</span>} data-testid="record-frozen" data-status={record.status}>
      {field(t('visits.record.findings'), record.findings)}
      {field(t('visits.record.workDone'), record.workDone)}
      {record.parts.length > 0 && (
        <div>
          <div className="visit-muted">{t('visits.record.parts')}</div>
          {record.parts.map((p, i) => (
            <div key={`${p.name}-${i}`}>
              {p.name}
              {p.partNumber ? ` (${p.partNumber})` : ''} × {p.quantity}
              {p.serials.length ? <span className="visit-muted"> · {p.serials.join(', ')}</span> : null}
            </div>
          ))}
        </div>
      )}
      {record.timeSpentMinutes !== null && field(t('visits.record.timeSpent'), String(record.timeSpentMinutes))}
      {record.result && field(t('visits.record.result'), t(`visits.results.${record.result}`))}
      {record.photos.length > 0 && (
        <div className="visit-photos">
          {record.photos.map((p) => (
            <a key={p.id} href={p.url} target="_blank" rel="noopener noreferrer">
              <img src={p.url} alt={p.filename} />
            </a>
          ))}
        </div>
      )}
      {record.status === 'signed' ? (
        <div data-testid="record-signed">
          <div style={{ fontWeight: 600 }}>{t('visits.sign.signedBy', { name: record.signerName ?? '', time: formatDateTime(record.signedAt) })}</div>
          {record.signatureUrl && <img className="signature-image" src={record.signatureUrl} alt={t('visits.sign.title')} />}
        </div>
      ) : (
        <div data-testid="record-refused">
          <div style={{ fontWeight: 600 }}>{t('visits.sign.refusedBy', { time: formatDateTime(record.signedAt ?? record.updatedAt) })}</div>
          {field(t('visits.sign.refuseReason'), record.refusalReason)}
        </div>
      )}
      {record.contentHash && (
        <div>
          <span className="visit-muted">{t('visits.sign.hash')}: </span>
          <span className="visit-hash" title={record.contentHash} data-testid="record-hash">
            {record.contentHash.slice(0, 12)}
          </span>
        </div>
      )}
      <Button size="large" block icon={<FilePdfOutlined />} href={record.pdfUrl} download data-testid="record-pdf" className="visit-step-button">
        {t('visits.sign.pdf')}
      </Button>
      {can('visits.work') && (
        <Button size="large" block loading={correcting} onClick={correct} data-testid="record-correct">
          {t('visits.sign.correct')}
        </Button>
      )}
    </Card>
  );
}

function FinishSection({ visit, record, busy, onFinish }: { visit: Visit; record: ServiceRecord | null; busy: string | null; onFinish: (result: VisitResult) => unknown }) {
  const { t } = useTranslation();
  const [result, setResult] = useState<VisitResult | null>(null);
  const chosen = result ?? record?.result ?? null;
  const [error, setError] = useState<string | null>(null);
  if (visit.status !== 'on_site') return null;
  const finish = () => {
    if (!chosen) return setError(t('visits.finish.resultRequired'));
    setError(null);
    Modal.confirm({ title: t('visits.finish.confirm'), content: t(`visits.results.${chosen}`), onOk: () => void onFinish(chosen), okButtonProps: { 'data-testid': 'finish-confirm' } as ButtonProps });
  };
  return (
    <Card size="small" title={t('visits.steps.finished')} data-testid="finish-section">
      <Form layout="vertical" requiredMark={false} component="div">
        <Form.Item label={t('visits.finish.result')} validateStatus={error ? 'error' : undefined} help={error} style={{ marginBottom: 0 }}>
          <ResultChoice value={chosen} onChange={setResult} testId="finish-result" />
        </Form.Item>
      </Form>
      <Button type="primary" size="large" block className="visit-step-button" loading={busy === 'step:finished'} onClick={finish} data-testid="visit-step-finished">
        {t('visits.steps.finished')}
      </Button>
    </Card>
  );
}
