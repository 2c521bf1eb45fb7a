/** /admin/centers: the service organisation as a tree (HQ → regional → provincial). */
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Empty, Form, Input, Select, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CENTER_LEVELS, type CenterLevel } from '../../../../common/domain';
import { useCenters, useSaveCenter } from '../../api/admin';
import type { Center } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { CenterSelect } from '../../components/center-select';
import { centerTree, type CenterNode } from '../../components/selects';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import { useDocumentTitle } from '../../components/use-document-title';

interface CenterValues {
  parentId?: string | null;
  code: string;
  name: string;
  level: CenterLevel;
  region?: string;
}

const CHILD_LEVEL: Record<CenterLevel, CenterLevel> = { hq: 'regional', regional: 'provincial', provincial: 'provincial' };

function CenterModal({ dialog, onClose }: { dialog: { center: Center | null; parent: Center | null } | null; onClose: () => void }) {
  const { t } = useTranslation();
  useDocumentTitle(t('centers.title'));
  const labels = useLabels();
  const [form] = Form.useForm<CenterValues>();
  const center = dialog?.center ?? null;
  const save = useSaveCenter(center?.id);
  useEffect(() => {
    if (!dialog) return;
    form.resetFields();
    const { center: c, parent } = dialog;
    form.setFieldsValue(
      c
        ? { parentId: c.parentId, code: c.code, name: c.name, level: c.level, region: c.region ?? '' }
        : { parentId: parent?.id ?? null, level: parent ? CHILD_LEVEL[parent.level] : 'hq', region: '' },
    );
  }, [dialog, form]);

  const submit = async (v: CenterValues) => {
    const saved = await save.mutateAsync({ parentId: v.parentId ?? null, code: v.code.trim(), name: v.name.trim(), level: v.level, region: v.region?.trim() || null });
    showSuccess(center ? t('centers.saved', { name: saved.name }) : t('centers.created', { name: saved.name }));
  };

  return (
    <FormModal
      form={form}
      open={dialog !== null}
      title={center ? t('centers.edit') : t('centers.create')}
      onClose={onClose}
      onSubmit={submit}
      pending={save.isPending}
      submitOnEnter
    >
      <Form.Item name="parentId" label={t('centers.parent')}>
        <CenterSelect placeholder={t('centers.noParent')} exclude={center?.id} />
      </Form.Item>
      <div className="form-row-2">
        <Form.Item name="code" label={t('centers.code')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="name" label={t('centers.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input />
        </Form.Item>
      </div>
      <div className="form-row-2">
        <Form.Item name="level" label={t('centers.level')} rules={[{ required: true }]}>
          <Select options={CENTER_LEVELS.map((l) => ({ value: l, label: labels.centerLevel(l) }))} />
        </Form.Item>
        <Form.Item name="region" label={t('centers.region')}>
          <Input />
        </Form.Item>
      </div>
    </FormModal>
  );
}

const LEVEL_COLORS: Record<CenterLevel, string> = { hq: 'red', regional: 'blue', provincial: 'default' };

export function CentersPage() {
  const { t } = useTranslation();
  const labels = useLabels();
  const can = useCan();
  const allowed = can('centers.write');
  const centers = useCenters(allowed);
  const tree = useMemo(() => centerTree(centers.data ?? []), [centers.data]);
  const [dialog, setDialog] = useState<{ center: Center | null; parent: Center | null } | null>(null);

  if (!allowed) return <NotFoundPage />;

  const columns: TableColumnsType<CenterNode> = [
    { title: t('centers.name'), dataIndex: 'title' },
    { title: t('centers.code'), key: 'code', width: 140, render: (_, n) => <span className="mono">{n.center.code}</span> },
    {
      title: t('centers.level'),
      key: 'level',
      width: 120,
      render: (_, n) => <Tag color={LEVEL_COLORS[n.center.level]}>{labels.centerLevel(n.center.level)}</Tag>,
    },
    { title: t('centers.region'), key: 'region', width: 160, render: (_, n) => n.center.region ?? '' },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 110,
      render: (_, n) => (
        <Space size={0}>
          <Button type="link" size="small" icon={<EditOutlined />} aria-label={t('centers.edit')} onClick={() => setDialog({ center: n.center, parent: null })} />
          <Button type="link" size="small" icon={<PlusOutlined />} aria-label={t('centers.create')} onClick={() => setDialog({ center: null, parent: n.center })} />
        </Space>
      ),
    },
  ];

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('centers.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ center: null, parent: null })}>
          {t('centers.create')}
        </Button>
      </div>
      {centers.isError ? (
        <LoadError error={centers.error} onRetry={() => void centers.refetch()} />
      ) : (
        <Table<CenterNode> className="admin-table"
          size="small"
          rowKey="key"
          columns={columns}
          dataSource={tree}
          loading={centers.isPending}
          pagination={false}
          expandable={{ defaultExpandAllRows: true }}
          key={tree.length ? 'loaded' : 'empty'}
          locale={{ emptyText: centers.isPending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('centers.empty')} /> }}
        />
      )}
      <CenterModal dialog={dialog} onClose={() => setDialog(null)} />
    </div>
  );
}
