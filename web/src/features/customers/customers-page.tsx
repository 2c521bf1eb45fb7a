/** /customers: searchable list of customer organisations with their open ticket counts. */
import { PlusOutlined, SearchOutlined } from '@ant-design/icons';
import { Badge, Button, Empty, Input, Table, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useCustomerList } from '../../api/customers';
import type { Customer } from '../../api/types';
import { LoadError, LoadingRows } from '../../components/states';
import { useDebounced } from '../../components/use-debounced';
import { useCan } from '../auth/session';
import { CustomerModal } from './customer-modal';
import { useDocumentTitle } from '../../components/use-document-title';

export function CustomersPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('customers.title'));
  const can = useCan();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const q = useDebounced(text.trim(), 300);
  const list = useCustomerList(q, { limit: 200 });
  const [creating, setCreating] = useState(false);

  const columns: TableColumnsType<Customer> = [
    { title: t('customers.name'), dataIndex: 'name', render: (name: string, c) => <Link to={`/customers/${c.id}`}>{name}</Link> },
    { title: t('customers.code'), dataIndex: 'code', width: 140 },
    { title: t('customers.industry'), dataIndex: 'industry', width: 160 },
    { title: t('customers.region'), dataIndex: 'region', width: 140 },
    {
      title: t('customers.openTickets'),
      dataIndex: 'openTickets',
      width: 120,
      align: 'right',
      render: (n: number) => (n ? <Badge count={n} color="#1f6feb" overflowCount={999} /> : <span className="muted">0</span>),
    },
  ];

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('customers.title')}
        </Typography.Title>
        {can('customers.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-customer">
            {t('customers.create')}
          </Button>
        )}
      </div>
      <div className="queue-filters">
        <Input
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('customers.searchPlaceholder')}
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setParams(e.target.value ? { q: e.target.value } : {}, { replace: true });
          }}
          style={{ width: 300 }}
          aria-label={t('common.search')}
        />
      </div>
      {list.isError ? (
        <LoadError error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<Customer> className="admin-table"
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={list.data ?? []}
          loading={list.isPending}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: list.isPending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.empty')} /> }}
          onRow={(c) => ({ onClick: () => navigate(`/customers/${c.id}`), className: 'queue-row' })}
        />
      )}
      <CustomerModal open={creating} onClose={() => setCreating(false)} onSaved={(c) => navigate(`/customers/${c.id}`)} />
    </div>
  );
}
