/** /admin/users: every account with its role, center or customer, level and state. */
import { EditOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Input, Select, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../../../../common/domain';
import { useCenters, useUsers } from '../../api/admin';
import { useCustomerList } from '../../api/customers';
import type { User } from '../../api/types';
import { LoadError, NotFoundPage } from '../../components/states';
import { useDebounced } from '../../components/use-debounced';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import { UserModal } from './user-modal';
import { useDocumentTitle } from '../../components/use-document-title';

export function UsersPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('users.title'));
  const labels = useLabels();
  const can = useCan();
  const [role, setRole] = useState<Role | undefined>();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 300);
  const allowed = can('users.write');
  const users = useUsers({ role, q: q || undefined }, allowed);
  const centers = useCenters(allowed);
  const customers = useCustomerList('', { limit: 500, enabled: allowed });
  const [dialog, setDialog] = useState<{ user: User | null } | null>(null);

  const centerNames = useMemo(() => new Map((centers.data ?? []).map((c) => [c.id, c.name])), [centers.data]);
  const customerNames = useMemo(() => new Map((customers.data ?? []).map((c) => [c.id, c.name])), [customers.data]);
  // Staff first in role order, then customers; by username within a role.
  const rows = useMemo(
    () => [...(users.data ?? [])].sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.username.localeCompare(b.username)),
    [users.data],
  );

  if (!allowed) return <NotFoundPage />;

  const columns: TableColumnsType<User> = [
    { title: t('users.username'), dataIndex: 'username', width: 160, render: (u: string) => <span className="mono">{u}</span> },
    { title: t('users.name'), dataIndex: 'name', width: 140 },
    { title: t('users.role'), dataIndex: 'role', width: 150, render: (r: Role) => labels.role(r) },
    {
      title: `${t('users.center')} / ${t('users.customer')}`,
      key: 'org',
      ellipsis: true,
      render: (_, u) => (u.customerId ? customerNames.get(u.customerId) : u.centerId ? centerNames.get(u.centerId) : null) ?? <span className="muted">—</span>,
    },
    { title: t('users.level'), dataIndex: 'engineerLevel', width: 100, render: (l: string | null) => labels.level(l) },
    { title: t('users.skills'), dataIndex: 'skills', render: (skills: string[]) => <span className="tag-list">{skills.map((s) => <Tag key={s}>{s}</Tag>)}</span> },
    {
      title: t('users.active'),
      dataIndex: 'active',
      width: 80,
      render: (a: boolean) => (a ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 70,
      render: (_, u) => <Button type="link" size="small" icon={<EditOutlined />} aria-label={t('users.edit')} onClick={() => setDialog({ user: u })} />,
    },
  ];

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('users.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ user: null })} data-testid="create-user">
          {t('users.create')}
        </Button>
      </div>
      <div className="queue-filters">
        <Input allowClear prefix={<SearchOutlined />} placeholder={t('users.searchPlaceholder')} value={text} onChange={(e) => setText(e.target.value)} style={{ width: 260 }} />
        <Select
          allowClear
          placeholder={t('users.filterRole')}
          value={role}
          onChange={setRole}
          options={ROLES.map((r) => ({ value: r, label: labels.role(r) }))}
          style={{ width: 180 }}
        />
      </div>
      {users.isError ? (
        <LoadError error={users.error} onRetry={() => void users.refetch()} />
      ) : (
        <Table<User>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={users.isPending}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          rowClassName={(u) => (u.active ? '' : 'row-inactive')}
        />
      )}
      <UserModal user={dialog?.user} open={dialog !== null} onClose={() => setDialog(null)} />
    </div>
  );
}
