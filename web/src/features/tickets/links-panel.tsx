/**
 * 关联工单: a ticket's links (重复于 / 有重复工单, 由…引起 / 引起, 相关), its parent and children, the
 * merge dialog, the "已合并到 FW-…" banner, the "also resolve the children" option of a parent's
 * resolution, and the new-ticket page's "新建子工单" prefill. Staff only, except the banner (a
 * customer sees where their merged ticket lives on: always their own organisation's ticket).
 */
import { BranchesOutlined, DeleteOutlined, LinkOutlined, MergeCellsOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Checkbox, Empty, Form, Input, Modal, Popconfirm, Select, Space, Tooltip, Typography, type FormInstance } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { TicketLinkKind } from '../../../../common/domain';
import { api, newIdempotencyKey } from '../../api/client';
import { useAddLink, useMergeTicket, useRemoveLink, useSetParent, useTicketRelations, type RelatedTicket, type TicketLinkView } from '../../api/ticket-links';
import { ticketKeys, useTicketAttachments, useTicketEvents, useTicketList } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { showError, showSuccess } from '../../components/feedback';
import { validated } from '../../components/form-errors';
import { StatusTag } from '../../components/tags';
import { useDebounced } from '../../components/use-debounced';
import { useQuery, useQueryClient } from '@tanstack/react-query';

const OPEN = new Set(['new', 'assigned', 'in_progress', 'pending_customer']);

/** One ticket, once there is an id to ask for. */
function useTicketIf(id: string | undefined) {
  return useQuery({
    queryKey: ticketKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api.get<Ticket>(`/api/tickets/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });
}

/** A related ticket on one line: number (a link), title, status; wraps at phone width. */
function TicketLine({ ticket, extra, testId }: { ticket: RelatedTicket; extra?: React.ReactNode; testId: string }) {
  return (
    <div data-testid={testId} data-number={ticket.number} style={{ display: 'flex', alignItems: 'center', gap: 8, minWidth: 0, padding: '4px 0' }}>
      <div style={{ flex: 1, minWidth: 0 }}>
        <Link to={`/tickets/${ticket.id}`} className="ticket-number" style={{ marginInlineEnd: 6 }}>
          {ticket.number}
        </Link>
        <StatusTag status={ticket.status} />
        <Typography.Text ellipsis={{ tooltip: ticket.title }} style={{ display: 'block' }}>
          {ticket.title}
        </Typography.Text>
      </div>
      {extra}
    </div>
  );
}

/** Search tickets by number or title (the queue's search), optionally one customer's only. */
function TicketSearch({
  value,
  onChange,
  excludeId,
  customerId,
  openOnly = false,
  testId,
}: {
  value?: string;
  onChange?: (id: string | undefined) => void;
  excludeId: string;
  customerId?: string;
  openOnly?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const list = useTicketList({ q: q || undefined, customerId, limit: 20 });
  const options = (list.data?.items ?? [])
    .filter((tk) => tk.id !== excludeId && (!openOnly || (tk.status !== 'closed' && tk.status !== 'cancelled')))
    .map((tk) => ({ value: tk.id, label: `${tk.number} ${tk.title}` }));
  return (
    <Select
      value={value}
      onChange={onChange}
      options={options}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      loading={list.isFetching}
      placeholder={t('links.searchPlaceholder')}
      notFoundContent={list.isFetching ? t('common.loading') : t('links.noMatch')}
      data-testid={testId}
      style={{ width: '100%' }}
    />
  );
}

type AddKind = TicketLinkKind | 'parent' | 'child';
const ADD_KINDS: AddKind[] = ['duplicate_of', 'caused_by', 'related', 'parent', 'child'];

function AddLinkDialog({ ticket, open, onClose }: { ticket: Ticket; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ kind: AddKind; other: string }>();
  const add = useAddLink(ticket.id);
  const setParent = useSetParent(ticket.id);
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(newIdempotencyKey);
  const kind = Form.useWatch('kind', form);
  const family = kind === 'parent' || kind === 'child';

  const submit = async () => {
    if (busy) return;
    const values = await validated(form);
    if (!values) return;
    setBusy(true);
    try {
      if (values.kind === 'parent') await setParent.mutateAsync({ parent: values.other });
      else if (values.kind === 'child') {
        await api.put(`/api/tickets/${values.other}/parent`, { parent: ticket.id });
        void client.invalidateQueries({ queryKey: ticketKeys.all });
      } else await add.mutateAsync({ body: { kind: values.kind, ticket: values.other }, idempotencyKey: key });
      showSuccess(t('links.added'));
      form.resetFields();
      setKey(newIdempotencyKey());
      onClose();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('links.addTitle', { number: ticket.number })}
      okText={t('links.add')}
      onOk={() => void submit()}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'link-add-confirm' }}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ kind: 'related' }}>
        <Form.Item name="kind" label={t('links.kindLabel')}>
          <Select
            data-testid="link-kind"
            options={ADD_KINDS.map((k) => ({ value: k, label: t(`links.add_kind.${k}` as const) as string }))}
          />
        </Form.Item>
        <Form.Item name="other" label={t('links.otherTicket')} rules={[{ required: true, message: t('links.otherRequired') }]} extra={family ? t('links.sameCustomerHint') : undefined}>
          <TicketSearch excludeId={ticket.id} customerId={family ? ticket.customer.id : undefined} testId="link-ticket-search" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function MergeDialog({ ticket, open, onClose }: { ticket: Ticket; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ into: string; reason?: string }>();
  const merge = useMergeTicket(ticket.id);
  const [key, setKey] = useState(newIdempotencyKey);
  const into = Form.useWatch('into', form);
  const target = useTicketIf(into);
  const events = useTicketEvents(ticket.id, open);
  const files = useTicketAttachments(ticket.id, open);
  const comments = (events.data ?? []).filter((e) => e.kind === 'comment').length;
  const attachments = files.data?.length ?? 0;

  const submit = async () => {
    if (merge.isPending) return;
    const values = await validated(form);
    if (!values) return;
    try {
      const result = await merge.mutateAsync({ body: { into: values.into, reason: values.reason?.trim() || undefined }, idempotencyKey: key });
      showSuccess(t('links.merged', { number: result.survivor.number }));
      form.resetFields();
      setKey(newIdempotencyKey());
      onClose();
    } catch (error) {
      showError(error);
    }
  };

  return (
    <Modal
      open={open}
      title={t('links.mergeTitle', { number: ticket.number })}
      okText={t('links.mergeConfirm')}
      okButtonProps={{ danger: true, disabled: !into, 'data-testid': 'merge-confirm' }}
      confirmLoading={merge.isPending}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="into" label={t('links.mergeInto')} rules={[{ required: true, message: t('links.otherRequired') }]} extra={t('links.sameCustomerHint')}>
          <TicketSearch excludeId={ticket.id} customerId={ticket.customer.id} openOnly testId="merge-ticket-search" />
        </Form.Item>
        <Form.Item name="reason" label={t('links.mergeReason')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="merge-reason" />
        </Form.Item>
      </Form>
      {into && target.data && (
        <Alert
          type="warning"
          showIcon
          data-testid="merge-summary"
          message={t('links.mergeSummaryTitle', { from: ticket.number, to: target.data.number })}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              <li>{t('links.mergeMoves', { comments, attachments })}</li>
              <li>{t('links.mergeFollowers', { to: target.data.number })}</li>
              <li>{t('links.mergeCloses', { from: ticket.number, to: target.data.number })}</li>
              <li>{t('links.mergeIrreversible')}</li>
            </ul>
          }
        />
      )}
    </Modal>
  );
}

const VIEW_KEYS: Record<TicketLinkView, `links.view.${TicketLinkView}`> = {
  duplicate_of: 'links.view.duplicate_of',
  has_duplicate: 'links.view.has_duplicate',
  caused_by: 'links.view.caused_by',
  causes: 'links.view.causes',
  related: 'links.view.related',
};

/** The 关联工单 card on a staff member's ticket page. */
export function LinksPanel({ ticket, canEdit }: { ticket: Ticket; canEdit: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const relations = useTicketRelations(ticket.id);
  const remove = useRemoveLink(ticket.id);
  const setParent = useSetParent(ticket.id);
  const client = useQueryClient();
  const [dialog, setDialog] = useState<'add' | 'merge' | null>(null);
  const data = relations.data;
  const merged = Boolean(data?.mergedInto);
  const mayMerge = canEdit && !merged && ticket.status !== 'closed' && ticket.status !== 'cancelled' && (data?.children.length ?? 0) === 0;
  const mayHaveChildren = canEdit && !data?.parent && !merged && ticket.status !== 'closed' && ticket.status !== 'cancelled';

  const detachChild = async (child: RelatedTicket) => {
    try {
      await api.put(`/api/tickets/${child.id}/parent`, { parent: null });
      void client.invalidateQueries({ queryKey: ticketKeys.all });
      showSuccess(t('links.removed'));
    } catch (error) {
      showError(error);
    }
  };
  const removeButton = (onConfirm: () => void, testId: string) =>
    canEdit ? (
      <Popconfirm title={t('links.removeConfirm')} okButtonProps={{ danger: true }} onConfirm={onConfirm}>
        <Tooltip title={t('links.remove')}>
          <Button type="text" size="small" icon={<DeleteOutlined />} aria-label={t('links.remove')} data-testid={testId} />
        </Tooltip>
      </Popconfirm>
    ) : null;

  const empty = data && data.links.length === 0 && !data.parent && data.children.length === 0;
  return (
    <Card
      size="small"
      title={t('links.title')}
      className="section-card"
      data-testid="links-panel"
      extra={
        canEdit && !merged ? (
          <Space size={4} wrap>
            <Button size="small" icon={<LinkOutlined />} onClick={() => setDialog('add')} data-testid="link-add">
              {t('links.add')}
            </Button>
            {mayMerge && (
              <Button size="small" icon={<MergeCellsOutlined />} onClick={() => setDialog('merge')} data-testid="merge-open">
                {t('links.merge')}
              </Button>
            )}
          </Space>
        ) : null
      }
    >
      {relations.isPending ? null : empty ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('links.empty')} style={{ margin: '8px 0' }} />
      ) : (
        data && (
          <>
            {data.parent && (
              <section>
                <Typography.Text type="secondary">{t('links.parent')}</Typography.Text>
                <TicketLine
                  ticket={data.parent}
                  testId="links-parent"
                  extra={removeButton(() => setParent.mutate({ parent: null }, { onSuccess: () => showSuccess(t('links.removed')), onError: showError }), 'parent-remove')}
                />
              </section>
            )}
            {data.children.length > 0 && (
              <section>
                <Typography.Text type="secondary">
                  {t('links.children', { open: data.children.filter((c) => OPEN.has(c.status)).length, total: data.children.length })}
                </Typography.Text>
                {data.children.map((child) => (
                  <TicketLine key={child.id} ticket={child} testId="links-child" extra={removeButton(() => void detachChild(child), 'child-remove')} />
                ))}
              </section>
            )}
            {data.links.length > 0 && (
              <section>
                {data.links.map((link) => (
                  <div key={link.id}>
                    <Typography.Text type="secondary" data-testid="link-kind-label">
                      {t(VIEW_KEYS[link.kind])}
                    </Typography.Text>
                    <TicketLine
                      ticket={link.ticket}
                      testId="links-item"
                      extra={
                        // The record of a merge stays (the server refuses it too).
                        link.kind === 'duplicate_of' && data.mergedInto?.id === link.ticket.id
                          ? null
                          : removeButton(() => remove.mutate(link.id, { onSuccess: () => showSuccess(t('links.removed')), onError: showError }), 'link-remove')
                      }
                    />
                  </div>
                ))}
              </section>
            )}
          </>
        )
      )}
      {mayHaveChildren && (
        <Button
          block
          type="dashed"
          size="small"
          icon={<BranchesOutlined />}
          style={{ marginTop: 8 }}
          onClick={() => navigate(`/tickets/new?parent=${ticket.id}`)}
          data-testid="child-new"
        >
          {t('links.newChild')}
        </Button>
      )}
      {canEdit && (
        <>
          <AddLinkDialog ticket={ticket} open={dialog === 'add'} onClose={() => setDialog(null)} />
          <MergeDialog ticket={ticket} open={dialog === 'merge'} onClose={() => setDialog(null)} />
        </>
      )}
    </Card>
  );
}

/** "已合并到 FW-…": on a merged ticket, for staff and the customer alike. */
export function MergedBanner({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const relations = useTicketRelations(ticketId);
  const into = relations.data?.mergedInto;
  if (!into) return null;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="merged-banner"
      style={{ marginBottom: 16 }}
      message={
        <span>
          {t('links.mergedBanner')}{' '}
          <Link to={`/tickets/${into.id}`} data-testid="merged-banner-link">
            {into.number}
          </Link>{' '}
          {into.title}
        </span>
      }
      description={t('links.mergedBannerHint')}
    />
  );
}

/** In a parent's resolve dialog: also resolve its open children, with the same note. */
export function ResolveChildrenOption({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation();
  const relations = useTicketRelations(ticketId);
  const open = (relations.data?.children ?? []).filter((c) => OPEN.has(c.status)).length;
  if (open === 0) return null;
  return (
    <Form.Item name="resolveChildren" valuePropName="checked" initialValue={false} style={{ marginBottom: 0 }}>
      <Checkbox data-testid="resolve-children">{t('links.resolveChildren', { count: open })}</Checkbox>
    </Form.Item>
  );
}

/**
 * "新建子工单": /tickets/new?parent=<id> prefills the customer and the title from the parent and
 * sends `parentId` with the new ticket (the server checks it like any parent).
 */
export function useChildOf<V>(form: FormInstance<V>) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const parentId = params.get('parent') ?? undefined;
  const parent = useTicketIf(parentId);
  const loaded = parentId ? parent.data : undefined;
  useEffect(() => {
    if (!loaded) return;
    (form as FormInstance).setFieldsValue({ customerId: loaded.customer.id, title: loaded.title });
  }, [loaded, form]);
  const banner = useMemo(
    () =>
      loaded ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="child-of-banner"
          message={
            <span>
              {t('links.childOf')} <Link to={`/tickets/${loaded.id}`}>{loaded.number}</Link> {loaded.title}
            </span>
          }
        />
      ) : null,
    [loaded, t],
  );
  return { fields: loaded ? { parentId: loaded.id } : {}, banner };
}
