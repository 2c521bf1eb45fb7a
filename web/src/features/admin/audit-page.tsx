/**
 * /admin/audit: the history of the desk — who did what to which object, when, and what changed,
 * newest first. Objects are named (FW number and title, people, customers …) and link to their
 * page; actions are in words; the changes are field by field, old → new. Filters (person, kind of
 * object, action, dates) live in the URL, so a filtered view can be shared. A table on a desk,
 * one card per entry on a phone.
 */
import { ApiOutlined } from '@ant-design/icons';
import { Button, DatePicker, Empty, Select, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAudit, useUsers, type AuditFilters } from '../../api/admin';
import type { AuditEntry } from '../../api/types';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { DateTime, RelativeTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useUrlParams } from '../../components/use-url-params';
import { useCan } from '../auth/session';
import { AuditDiff } from './audit-diff';

export const AUDIT_ENTITIES = [
  'ticket',
  'attachment',
  'customer',
  'contact',
  'site',
  'user',
  'center',
  'calendar',
  'sla_policy',
  'escalation_rule',
  'escalation_contact',
  'api_token',
  'delivery',
  'event_consumer',
  'macro',
  'saved_view',
  'setup',
  'mailbox',
  'mail_quarantine',
  'mail_template',
  'contract',
  'contract_attachment',
] as const;

export const AUDIT_ACTIONS = [
  'created',
  'updated',
  'deleted',
  'status_changed',
  'commented',
  'internal_note',
  'uploaded',
  'milestone_met',
  'severity_confirmed',
  'macro_applied',
  'link_added',
  'link_removed',
  'parent_set',
  'parent_cleared',
  'merged',
  'merged_from',
  'resolved_with_parent',
  'auto_close_warned',
  'login',
  'password_changed',
  'updated_with_password',
  'unlocked',
  'exception_added',
  'exception_updated',
  'exception_removed',
  'ical_imported',
  'notification_preferences',
  'retried',
  'skipped_event',
  'revoked',
  'step_marked',
  'dismissed',
  'sender_updated',
  'sender_removed',
  'reset',
  'quarantine_retried',
  'quarantine_converted',
  'quarantine_dismissed',
  'renewal_reminded',
] as const;

/** Where an entry's object is shown. */
function entityHref(e: AuditEntry): string | null {
  switch (e.entity) {
    case 'ticket':
      return `/tickets/${e.entityId}`;
    case 'attachment':
      return e.entityParentId ? `/tickets/${e.entityParentId}` : null;
    case 'customer':
      return `/customers/${e.entityId}`;
    case 'contact':
    case 'site':
      return e.entityParentId ? `/customers/${e.entityParentId}` : null;
    case 'user':
      return '/admin/users';
    case 'center':
      return '/admin/centers';
    case 'calendar':
      return `/admin/calendars/${e.entityId}`;
    case 'sla_policy':
      return `/admin/sla-policies/${e.entityId}`;
    case 'escalation_rule':
    case 'escalation_contact':
      return '/admin/escalation';
    case 'api_token':
      return '/admin/tokens';
    case 'delivery':
    case 'event_consumer':
      return '/admin/deliveries';
    case 'macro':
      return '/macros';
    case 'saved_view':
      return '/tickets';
    case 'mailbox':
      return '/admin/mailboxes';
    case 'mail_quarantine':
      return '/admin/mail-quarantine';
    case 'mail_template':
      return '/admin/mail-templates';
    case 'contract':
      return `/contracts/${e.entityId}`;
    case 'contract_attachment':
      return e.entityParentId ? `/contracts/${e.entityParentId}` : null;
    default:
      return null;
  }
}

function EntityCell({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const kind = t(`audit.entities.${entry.entity}` as never, { defaultValue: entry.entity });
  const label =
    entry.entity === 'setup' && entry.entityLabel
      ? t(`setup.steps.${entry.entityLabel}.title` as never, { defaultValue: entry.entityLabel })
      : entry.entity === 'mail_template' && entry.entityLabel
        ? // "<event>:<language>": the event and the language in words.
          `${t(`mailTemplates.events.${entry.entityLabel}` as never, { defaultValue: entry.entityLabel })} · ${t(`mailTemplates.languages.${entry.entityDetail}` as never, { defaultValue: entry.entityDetail ?? '' })}`
        : (entry.entityLabel ?? entry.entityId.slice(0, 8));
  const detail = entry.entity === 'mail_template' ? null : entry.entityDetail;
  const href = entityHref(entry);
  const name = href ? (
    <Link to={href} className={entry.entity === 'ticket' ? 'mono' : undefined} data-testid="audit-entity-link">
      {label}
    </Link>
  ) : (
    <span title={entry.entityId}>{label}</span>
  );
  return (
    <div className="audit-entity">
      <div>
        <Tag className="audit-kind">{kind}</Tag>
        {name}
      </div>
      {detail && <div className="audit-entity-detail">{detail}</div>}
    </div>
  );
}

function ActorCell({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  return (
    <span>
      {entry.actorName ?? <span className="muted">{t('audit.system')}</span>}
      {entry.tokenId && (
        <Tooltip title={t('audit.viaToken')}>
          <ApiOutlined className="muted" style={{ marginInlineStart: 4 }} aria-label={t('audit.viaToken')} />
        </Tooltip>
      )}
    </span>
  );
}

const actionText = (t: TFunction, action: string): string => String(t(`audit.actions.${action}` as never, { defaultValue: action }));

/** Filters ↔ the URL (`?actor=…&entity=…&action=…&from=2026-03-01&to=2026-03-31`, dates inclusive). */
function useAuditFilters() {
  const { params, change, clear } = useUrlParams();
  const search = params.toString();
  const raw = useMemo(() => {
    const p = new URLSearchParams(search);
    const get = (k: string) => p.get(k) ?? undefined;
    return { actor: get('actor'), entity: get('entity'), action: get('action'), from: get('from'), to: get('to') };
  }, [search]);
  const filters: AuditFilters = useMemo(
    () => ({
      actorId: raw.actor,
      entity: raw.entity,
      action: raw.action,
      from: raw.from && dayjs(raw.from).isValid() ? dayjs(raw.from).startOf('day').toISOString() : undefined,
      to: raw.to && dayjs(raw.to).isValid() ? dayjs(raw.to).add(1, 'day').startOf('day').toISOString() : undefined,
    }),
    [raw],
  );
  const set = (key: string, value: string | undefined | null) => change({ [key]: value });
  return { filters, raw, set, clear, any: search !== '' };
}

export function AuditPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('audit.title'));
  const can = useCan();
  const narrow = useNarrow();
  const allowed = can('audit.read');
  const { filters, raw, set, clear, any } = useAuditFilters();
  const audit = useAudit(filters);
  const people = useUsers({}, allowed);
  const rows = audit.data?.pages.flat() ?? [];

  if (!allowed) return <NotFoundPage />;

  const columns: TableColumnsType<AuditEntry> = [
    {
      title: t('audit.at'),
      dataIndex: 'at',
      width: 150,
      render: (v: string) => (
        <>
          <DateTime value={v} />
          <div className="muted audit-relative">
            <RelativeTime value={v} />
          </div>
        </>
      ),
    },
    { title: t('audit.actor'), key: 'actor', width: 130, render: (_, e) => <ActorCell entry={e} /> },
    { title: t('audit.entity'), key: 'entity', width: 260, render: (_, e) => <EntityCell entry={e} /> },
    { title: t('audit.action'), dataIndex: 'action', width: 130, render: (a: string) => <span data-testid="audit-action">{actionText(t, a)}</span> },
    { title: t('audit.changes'), key: 'changes', render: (_, e) => <AuditDiff entry={e} /> },
    { title: t('audit.ip'), dataIndex: 'ip', width: 120, render: (ip: string | null) => <span className="muted">{ip}</span> },
  ];

  const dateValue = (v: string | undefined): Dayjs | null => (v && dayjs(v).isValid() ? dayjs(v) : null);
  const empty = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.empty')} />;

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('audit.title')}
        </Typography.Title>
      </div>
      <div className={narrow ? 'queue-filters audit-filters audit-filters-narrow' : 'queue-filters audit-filters'}>
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('audit.actorFilter')}
          value={raw.actor}
          onChange={(v) => set('actor', v)}
          loading={people.isLoading}
          options={(people.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.username})` }))}
          style={{ width: 200 }}
          data-testid="audit-actor-filter"
        />
        <Select
          allowClear
          placeholder={t('audit.entityFilter')}
          value={raw.entity}
          onChange={(v) => set('entity', v)}
          options={AUDIT_ENTITIES.map((e) => ({ value: e, label: t(`audit.entities.${e}`) }))}
          style={{ width: 150 }}
          data-testid="audit-entity-filter"
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('audit.actionFilter')}
          value={raw.action}
          onChange={(v) => set('action', v)}
          options={AUDIT_ACTIONS.map((a) => ({ value: a, label: actionText(t, a) }))}
          style={{ width: 170 }}
          data-testid="audit-action-filter"
        />
        <DatePicker
          placeholder={t('audit.from')}
          value={dateValue(raw.from)}
          onChange={(d) => set('from', d ? d.format('YYYY-MM-DD') : undefined)}
          disabledDate={(d) => Boolean(raw.to && d.isAfter(dayjs(raw.to), 'day'))}
          inputReadOnly={narrow}
          data-testid="audit-from"
        />
        <DatePicker
          placeholder={t('audit.to')}
          value={dateValue(raw.to)}
          onChange={(d) => set('to', d ? d.format('YYYY-MM-DD') : undefined)}
          disabledDate={(d) => Boolean(raw.from && d.isBefore(dayjs(raw.from), 'day'))}
          inputReadOnly={narrow}
          data-testid="audit-to"
        />
        {any && (
          <Button type="link" onClick={clear}>
            {t('audit.clearFilters')}
          </Button>
        )}
      </div>
      {audit.isError ? (
        <LoadError error={audit.error} onRetry={() => void audit.refetch()} />
      ) : (
        <>
          {narrow ? (
            audit.isPending ? (
              <LoadingRows />
            ) : rows.length === 0 ? (
              empty
            ) : (
              <ul className="audit-cards" data-testid="audit-cards">
                {rows.map((e) => (
                  <li key={e.id} className="audit-card" data-testid="audit-row">
                    <div className="audit-card-head">
                      <b data-testid="audit-action">{actionText(t, e.action)}</b>
                      <span className="muted">
                        <RelativeTime value={e.at} />
                      </span>
                    </div>
                    <EntityCell entry={e} />
                    <AuditDiff entry={e} />
                    <div className="audit-card-foot muted">
                      <ActorCell entry={e} />
                      {e.ip && <span>{e.ip}</span>}
                    </div>
                  </li>
                ))}
              </ul>
            )
          ) : (
            <Table<AuditEntry>
              size="small"
              rowKey="id"
              columns={columns}
              dataSource={rows}
              loading={audit.isPending}
              pagination={false}
              tableLayout="fixed"
              onRow={() => ({ 'data-testid': 'audit-row' }) as React.HTMLAttributes<HTMLElement>}
              locale={{ emptyText: audit.isPending ? <LoadingRows /> : empty }}
            />
          )}
          {audit.hasNextPage && (
            <div style={{ textAlign: 'center', marginTop: 12 }}>
              <Button onClick={() => void audit.fetchNextPage()} loading={audit.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </div>
          )}
        </>
      )}
    </div>
  );
}
