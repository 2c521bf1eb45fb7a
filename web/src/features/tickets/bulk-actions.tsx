/**
 * Bulk actions on the queue's selected tickets: assign, change status, add a note. The dialog
 * asks for the action's fields, then sends the tickets in batches of ten (POST /api/tickets/bulk,
 * one Idempotency-Key per batch of this submission) so the progress bar moves, and lists every
 * ticket with its outcome: done (and its status now), or the reason it was refused.
 */
import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Button, Form, Input, Modal, Progress, Radio, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { TICKET_STATUSES, type TicketStatus } from '../../../../common/domain';
import { ApiError, newIdempotencyKey } from '../../api/client';
import { useBulkAction, type BulkAction, type BulkItemResult } from '../../api/views';
import type { TicketSummary } from '../../api/types';
import { errorText } from '../../components/feedback';
import { AssigneeSelect } from '../../components/selects';
import { StatusTag } from '../../components/tags';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';

type Kind = BulkAction['type'];
const BATCH = 10;
const NOBODY = '__nobody';

interface FormValues {
  assigneeId?: string | null;
  to?: TicketStatus;
  note?: string;
  body?: string;
  visibility?: 'internal' | 'public';
}

/** The bar above the queue while tickets are selected. */
export function BulkBar({
  selected,
  rows,
  onClear,
  onSelectPage,
  onFinished,
}: {
  selected: string[];
  rows: TicketSummary[];
  onClear: () => void;
  onSelectPage: () => void;
  /** The action ran: the tickets it could not do stay selected (to try another way). */
  onFinished: (failedIds: string[]) => void;
}) {
  const { t } = useTranslation();
  const can = useCan();
  const [kind, setKind] = useState<Kind | null>(null);
  if (selected.length === 0 && !kind) return null;
  return (
    <div className="queue-bulk-bar" data-testid="bulk-bar" role="toolbar" aria-label={t('bulk.selected', { count: selected.length })}>
      <Typography.Text strong data-testid="bulk-count">
        {t('bulk.selected', { count: selected.length })}
      </Typography.Text>
      <Space size={4} wrap>
        {can('tickets.update') && (
          <Button size="small" type="primary" onClick={() => setKind('assign')} data-testid="bulk-assign">
            {t('bulk.assign')}
          </Button>
        )}
        {can('tickets.transition') && (
          <Button size="small" onClick={() => setKind('status')} data-testid="bulk-status">
            {t('bulk.status')}
          </Button>
        )}
        {can('tickets.comment') && (
          <Button size="small" onClick={() => setKind('comment')} data-testid="bulk-comment">
            {t('bulk.comment')}
          </Button>
        )}
        {selected.length < rows.length && (
          <Button size="small" type="link" onClick={onSelectPage} data-testid="bulk-select-page">
            {t('bulk.selectAll')}
          </Button>
        )}
        <Button size="small" type="link" onClick={onClear} data-testid="bulk-clear">
          {t('bulk.clear')}
        </Button>
      </Space>
      {kind && (
        <BulkDialog
          kind={kind}
          ids={selected}
          rows={rows}
          onClose={(failed) => {
            setKind(null);
            if (failed) onFinished(failed);
          }}
        />
      )}
    </div>
  );
}

function BulkDialog({ kind, ids, rows, onClose }: { kind: Kind; ids: string[]; rows: TicketSummary[]; onClose: (failedIds: string[] | null) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const can = useCan();
  const [form] = Form.useForm<FormValues>();
  const bulk = useBulkAction();
  const [progress, setProgress] = useState<{ done: number; results: BulkItemResult[] } | null>(null);
  const running = progress !== null && progress.done < ids.length;
  const finished = progress !== null && !running;
  // Numbers of the tickets as the queue showed them (an invisible ticket answers without one).
  const numberOf = new Map(rows.map((r) => [r.id, r.number]));
  const titleOf = new Map(rows.map((r) => [r.id, r.title]));

  const actionOf = (v: FormValues): BulkAction => {
    if (kind === 'assign') return { type: 'assign', assigneeId: !v.assigneeId || v.assigneeId === NOBODY ? null : v.assigneeId };
    if (kind === 'status') return { type: 'status', to: v.to!, note: v.note?.trim() || undefined };
    return { type: 'comment', body: v.body ?? '', public: v.visibility === 'public' };
  };

  const run = async () => {
    if (progress) return;
    let values: FormValues;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    const action = actionOf(values);
    const submission = newIdempotencyKey();
    const results: BulkItemResult[] = [];
    setProgress({ done: 0, results });
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      try {
        const answer = await bulk.mutateAsync({ body: { ids: batch, action }, idempotencyKey: `${submission}-${i / BATCH}` });
        results.push(...answer.results);
      } catch (error) {
        // The whole request was refused (a permission, the network): say so for each ticket of this batch and the rest.
        const reason = error instanceof ApiError ? error : new ApiError(0, 'unknown', String(error));
        for (const id of ids.slice(i)) {
          results.push({ id, ok: false, error: { status: reason.status, code: reason.code, key: reason.key ?? '', message: reason.message, params: reason.params as never } });
        }
        setProgress({ done: ids.length, results: [...results] });
        return;
      }
      setProgress({ done: Math.min(ids.length, i + BATCH), results: [...results] });
    }
  };

  const reasonOf = (r: BulkItemResult) =>
    r.error ? errorText(new ApiError(r.error.status, r.error.code, r.error.message, undefined, r.error.key || undefined, r.error.params)) : '';
  const ok = progress?.results.filter((r) => r.ok).length ?? 0;
  const failedIds = progress?.results.filter((r) => !r.ok).map((r) => r.id) ?? [];
  const title = t(kind === 'assign' ? 'bulk.assignTitle' : kind === 'status' ? 'bulk.statusTitle' : 'bulk.commentTitle', { count: ids.length });

  return (
    <Modal
      open
      title={title}
      onCancel={() => !running && onClose(finished ? failedIds : null)}
      closable={!running}
      maskClosable={false}
      keyboard={!running}
      footer={
        finished ? (
          <Button type="primary" onClick={() => onClose(failedIds)} data-testid="bulk-done">
            {t('bulk.done')}
          </Button>
        ) : (
          <Space>
            <Button onClick={() => onClose(null)} disabled={running}>
              {t('common.cancel')}
            </Button>
            <Button type="primary" onClick={() => void run()} loading={running} data-testid="bulk-run">
              {t('bulk.run')}
            </Button>
          </Space>
        )
      }
      data-testid="bulk-dialog"
    >
      {!progress && (
        <Form form={form} layout="vertical" requiredMark={false} initialValues={{ visibility: can('tickets.comment_internal') ? 'internal' : 'public', assigneeId: undefined }}>
          {kind === 'assign' && (
            <Form.Item name="assigneeId" label={t('bulk.assignee')} rules={[{ required: true, message: t('errors.field.required') }]}>
              <AssigneeSelect extra={[{ value: NOBODY, label: t('bulk.unassign') }]} data-testid="bulk-assignee" />
            </Form.Item>
          )}
          {kind === 'status' && (
            <>
              <Form.Item name="to" label={t('bulk.to')} rules={[{ required: true, message: t('errors.field.required') }]}>
                <Select
                  data-testid="bulk-to"
                  options={TICKET_STATUSES.filter((s) => s !== 'new').map((s) => ({ value: s, label: labels.status(s) }))}
                />
              </Form.Item>
              <Form.Item name="note" label={t('bulk.note')}>
                <Input.TextArea rows={3} maxLength={5000} placeholder={t('bulk.notePlaceholder')} data-testid="bulk-note" />
              </Form.Item>
            </>
          )}
          {kind === 'comment' && (
            <>
              <Form.Item name="visibility" label={t('bulk.visibility')}>
                <Radio.Group optionType="button">
                  {can('tickets.comment_internal') && <Radio.Button value="internal">{t('bulk.internal')}</Radio.Button>}
                  <Radio.Button value="public">{t('bulk.public')}</Radio.Button>
                </Radio.Group>
              </Form.Item>
              <Form.Item name="body" label={t('bulk.body')} rules={[{ required: true, whitespace: true, message: t('errors.field.required') }]}>
                <Input.TextArea rows={4} maxLength={20000} data-testid="bulk-body" />
              </Form.Item>
            </>
          )}
        </Form>
      )}
      {progress && (
        <div data-testid="bulk-progress">
          <Progress percent={Math.round((progress.done / ids.length) * 100)} status={running ? 'active' : ok === ids.length ? 'success' : 'normal'} />
          <Typography.Paragraph type="secondary" data-testid="bulk-summary">
            {running ? t('bulk.running', { done: progress.done, total: ids.length }) : t('bulk.summary', { ok, failed: ids.length - ok })}
          </Typography.Paragraph>
          <ul className="bulk-results" data-testid="bulk-results">
            {progress.results.map((r) => (
              <li key={r.id} data-testid="bulk-result" data-ok={String(r.ok)} className={r.ok ? 'bulk-result-ok' : 'bulk-result-failed'}>
                {r.ok ? <CheckCircleFilled className="bulk-result-icon" /> : <CloseCircleFilled className="bulk-result-icon" />}
                <span className="bulk-result-number">
                  {r.number ?? numberOf.get(r.id) ? (
                    <Link to={`/tickets/${r.id}`} className="ticket-number">
                      {r.number ?? numberOf.get(r.id)}
                    </Link>
                  ) : (
                    t('bulk.unknownTicket', { id: r.id.slice(0, 8) })
                  )}
                </span>
                <span className="bulk-result-text">
                  {titleOf.has(r.id) && <span className="bulk-result-title">{titleOf.get(r.id)}</span>}
                  {r.ok ? t('bulk.ok') : reasonOf(r)}
                </span>
                {r.status && <StatusTag status={r.status} />}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Modal>
  );
}
