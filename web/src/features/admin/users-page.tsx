/**
 * /admin/users: every account with its role, center or customer, level and state. An account that
 * wrong passwords keep waiting shows 已锁定 (until when, on hover) and an unlock action.
 */
import { EditOutlined, PlusOutlined, SearchOutlined, UnlockOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Input, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../../../../common/domain';
import { useCenters, useUsers } from '../../api/admin';
import { api } from '../../api/client';
import { useCustomerList } from '../../api/customers';
import type { User } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { LoadError, NotFoundPage } from '../../components/states';
import { formatDateTime } from '../../components/time';
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
  const queryClient = useQueryClient();
  const unlock = useMutation({
    mutationFn: (user: User) => api.post<User>(`/api/users/${user.id}/unlock`, {}),
    onSuccess: (user) => {
      showSuccess(t('users.unlocked', { name: user.name }));
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });

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
      width: 140,
      render: (a: boolean, u) => (
        <Space size={4} wrap>
          {a ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>}
          {u.lockedUntil && (
            <Tooltip title={t('users.lockedUntil', { time: formatDateTime(u.lockedUntil) })}>
              <Tag color="red" data-testid="user-locked">
                {t('users.locked')}
              </Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, u) => (
        <Space size={0}>
          <Button type="link" size="small" icon={<EditOutlined />} aria-label={t('users.edit')} onClick={() => setDialog({ user: u })} />
          {u.lockedUntil && (
            <Popconfirm title={t('users.unlockConfirm', { name: u.name })} onConfirm={() => unlock.mutate(u)}>
              <Tooltip title={t('users.unlock')}>
                <Button type="link" size="small" icon={<UnlockOutlined />} aria-label={t('users.unlock')} data-testid="user-unlock" loading={unlock.isPending && unlock.variables?.id === u.id} />
              </Tooltip>
            </Popconfirm>
          )}
        </Space>
      ),
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
        <Table<User> className="admin-table"
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
