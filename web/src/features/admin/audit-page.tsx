/** /admin/audit: who changed what and when, newest first, with compact before/after values. */
import { Button, Empty, Select, Table, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAudit } from '../../api/admin';
import type { AuditEntry } from '../../api/types';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { DateTime } from '../../components/time';
import { useCan } from '../auth/session';
import { useDocumentTitle } from '../../components/use-document-title';

const LINKS: Record<string, (id: string) => string> = {
  ticket: (id) => `/tickets/${id}`,
  customer: (id) => `/customers/${id}`,
};

const ENTITIES = ['ticket', 'customer', 'contact', 'site', 'user', 'center', 'attachment'];

function CompactJson({ value }: { value: unknown }) {
  if (value === null || value === undefined || (typeof value === 'object' && Object.keys(value as object).length === 0)) {
    return <span className="muted">—</span>;
  }
  // The id repeats the row's entity id; leaving it out shows what changed first.
  const shown = typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value as object).filter(([k]) => k !== 'id')) : value;
  const compact = JSON.stringify(shown);
  return (
    <Tooltip title={<pre className="json-tooltip">{JSON.stringify(value, null, 2)}</pre>} styles={{ root: { maxWidth: 560 } }}>
      <code className="json-compact">{compact}</code>
    </Tooltip>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('audit.title'));
  const can = useCan();
  const [entity, setEntity] = useState<string | undefined>();
  const audit = useAudit(entity);
  const rows = audit.data?.pages.flat() ?? [];

  if (!can('audit.read')) return <NotFoundPage />;

  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.at'), dataIndex: 'at', width: 170, render: (v: string) => <DateTime value={v} /> },
    { title: t('audit.actor'), dataIndex: 'actorName', width: 130, render: (n: string | null) => n ?? <span className="muted">—</span> },
    {
      title: t('audit.entity'),
      key: 'entity',
      width: 200,
      render: (_, r) => (
        <span>
          {r.entity}{' '}
          {LINKS[r.entity] ? (
            <Link to={LINKS[r.entity]!(r.entityId)} className="mono" title={r.entityId}>
              {r.entityId.slice(0, 8)}
            </Link>
          ) : (
            <span className="muted mono" title={r.entityId}>
              {r.entityId.slice(0, 8)}
            </span>
          )}
        </span>
      ),
    },
    { title: t('audit.action'), dataIndex: 'action', width: 140 },
    { title: t('audit.before'), dataIndex: 'before', ellipsis: true, render: (v: unknown) => <CompactJson value={v} /> },
    { title: t('audit.after'), dataIndex: 'after', ellipsis: true, render: (v: unknown) => <CompactJson value={v} /> },
    { title: t('audit.ip'), dataIndex: 'ip', width: 120, render: (ip: string | null) => <span className="muted">{ip}</span> },
  ];

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('audit.title')}
        </Typography.Title>
      </div>
      <div className="queue-filters">
        <Select
          allowClear
          placeholder={t('audit.entityFilter')}
          value={entity}
          onChange={setEntity}
          options={ENTITIES.map((e) => ({ value: e, label: e }))}
          style={{ width: 200 }}
        />
      </div>
      {audit.isError ? (
        <LoadError error={audit.error} onRetry={() => void audit.refetch()} />
      ) : (
        <>
          <Table<AuditEntry>
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={rows}
            loading={audit.isPending}
            pagination={false}
            tableLayout="fixed"
            locale={{ emptyText: audit.isPending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.empty')} /> }}
          />
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
