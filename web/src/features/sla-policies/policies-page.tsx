/**
 * /admin/sla-policies: the service levels, which one is the default, how many customers use each;
 * a row opens to the policy's matrix. Administrators create one from a shipped template (seeds
 * 000, 002, 004) or blank, make one the default, or delete one nobody uses.
 */
import { DownOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Dropdown, Empty, Popconfirm, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useCalendars, useDeletePolicy, useMakeDefaultPolicy, usePolicies, usePolicyTemplates } from '../../api/time-rules';
import type { SlaPolicy } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { DateTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import { PolicyMatrix } from './policy-matrix';

export function PoliciesPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('policies.title'));
  const labels = useLabels();
  const can = useCan();
  const navigate = useNavigate();
  const allowed = can('time_rules.read');
  const editable = can('time_rules.write');
  const policies = usePolicies(allowed);
  const templates = usePolicyTemplates(editable);
  const calendars = useCalendars(allowed);
  const makeDefault = useMakeDefaultPolicy();
  const remove = useDeletePolicy();

  if (!allowed) return <NotFoundPage />;

  const columns: TableColumnsType<SlaPolicy> = [
    {
      title: t('policies.name'),
      key: 'name',
      width: 200,
      render: (_, p) => (
        <Space size={8}>
          <Link to={`/admin/sla-policies/${p.id}`}>{(labels.lang === 'en' && p.nameEn) || p.name}</Link>
          {p.isDefault && (
            <Tag color="blue" data-testid="default-tag">
              {t('policies.default')}
            </Tag>
          )}
        </Space>
      ),
    },
    { title: t('policies.key'), dataIndex: 'key', width: 150, render: (k: string) => <span className="mono">{k}</span> },
    { title: t('policies.description'), dataIndex: 'description', ellipsis: true, render: (d: string | null) => d ?? <span className="muted">—</span> },
    { title: t('policies.customers'), dataIndex: 'customerCount', width: 100, align: 'right' },
    { title: t('policies.updatedAt'), dataIndex: 'updatedAt', width: 170, render: (v: string) => <DateTime value={v} /> },
    ...(editable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 170,
            render: (_: unknown, p: SlaPolicy) => (
              <Space size={0}>
                {!p.isDefault && (
                  <Button type="link" size="small" onClick={() => makeDefault.mutate(p.id, { onSuccess: (x) => showSuccess(t('policies.madeDefault', { name: x.name })) })}>
                    {t('policies.makeDefault')}
                  </Button>
                )}
                <Popconfirm
                  title={t('policies.deleteConfirm', { name: p.name })}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => remove.mutate(p.id, { onSuccess: () => showSuccess(t('policies.deleted', { name: p.name })) })}
                >
                  <Button type="link" size="small" danger data-testid="policy-delete">
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  const createItems = [
    ...(templates.data ?? []).map((tpl) => ({
      key: tpl.key,
      label: (
        <div className="template-item">
          <b>{tpl.name[labels.lang]}</b>
          <span>{tpl.description[labels.lang]}</span>
        </div>
      ),
    })),
    { type: 'divider' as const },
    { key: '', label: t('policies.blank') },
  ];

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('policies.title')}
        </Typography.Title>
        {editable && (
          <Dropdown
            trigger={['click']}
            menu={{ items: createItems, onClick: ({ key }) => navigate(key ? `/admin/sla-policies/new?template=${encodeURIComponent(key)}` : '/admin/sla-policies/new') }}
            classNames={{ root: 'template-menu' }}
          >
            <Button type="primary" icon={<PlusOutlined />} data-testid="create-policy">
              {t('policies.create')} <DownOutlined />
            </Button>
          </Dropdown>
        )}
      </div>
      {policies.isError ? (
        <LoadError error={policies.error} onRetry={() => void policies.refetch()} />
      ) : (
        <Table<SlaPolicy> className="admin-table"
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={policies.data ?? []}
          loading={policies.isPending}
          pagination={false}
          data-testid="policy-table"
          expandable={{
            expandedRowRender: (p) => <PolicyMatrix definition={p.definition} calendars={calendars.data ?? []} />,
          }}
          locale={{ emptyText: policies.isPending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('policies.empty')} /> }}
        />
      )}
    </div>
  );
}
