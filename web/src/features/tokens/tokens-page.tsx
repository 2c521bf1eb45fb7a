/**
 * API tokens. 个人设置 → API 令牌: my own personal tokens (scopes within my role). 管理 → API 令牌
 * (admins): every token, integration tokens acting as a chosen user, revoking anyone's. A new
 * token's secret is shown once, with a copy button and a warning.
 */
import { CopyOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_TOKEN_DAYS, scopesFor, TOKEN_SCOPE_NAMES, type ApiToken, type CreatedApiToken, type TokenScope } from '../../../../common/api/tokens';
import type { Role } from '../../../../common/domain';
import { useUsers } from '../../api/admin';
import { useCreateToken, useRevokeToken, useTokens } from '../../api/tokens';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/states';
import { DateTime, formatDateTime, RelativeTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useMe } from '../auth/session';

interface CreateValues {
  name: string;
  kind: 'personal' | 'integration';
  userId?: string;
  scopes: TokenScope[];
  expiresAt?: Dayjs | null;
  rateLimitPerMinute?: number;
}

function CreateTokenModal({ open, onClose, admin, onCreated }: { open: boolean; onClose: () => void; admin: boolean; onCreated: (t: CreatedApiToken) => void }) {
  const { t } = useTranslation();
  const me = useMe();
  const [form] = Form.useForm<CreateValues>();
  const create = useCreateToken();
  const kind = Form.useWatch('kind', form);
  const users = useUsers({ active: true }, admin && open);
  const chosenUser = Form.useWatch('userId', form);
  const ownerRole: Role = (admin && chosenUser ? users.data?.find((u) => u.id === chosenUser)?.role : me.role) ?? me.role;
  const allowed = new Set(scopesFor(ownerRole));
  const submit = async (values: CreateValues) => {
    const created = await create.mutateAsync({
      name: values.name,
      kind: values.kind,
      userId: admin ? values.userId : undefined,
      scopes: values.scopes,
      expiresAt: values.expiresAt ? values.expiresAt.endOf('day').toISOString() : null,
      rateLimitPerMinute: values.rateLimitPerMinute,
    });
    form.resetFields();
    onCreated(created);
  };
  return (
    <FormModal
      form={form}
      open={open}
      title={t('tokens.create')}
      onClose={onClose}
      onSubmit={submit}
      pending={create.isPending}
      destroyOnHidden
      requiredMark
    >
      <Form.Item name="name" label={t('tokens.name')} rules={[{ required: true, whitespace: true, message: t('errors.field.required') }]}>
        <Input maxLength={100} placeholder={t('tokens.namePlaceholder')} autoFocus />
      </Form.Item>
      {admin && (
        <>
          <Form.Item name="kind" label={t('tokens.kind')} initialValue="personal">
            <Radio.Group
              options={[
                { value: 'personal', label: t('tokens.kinds.personal') },
                { value: 'integration', label: t('tokens.kinds.integration') },
              ]}
            />
          </Form.Item>
          <Form.Item name="userId" label={t('tokens.actsAs')} extra={kind === 'integration' ? t('tokens.actsAsHint') : undefined}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder={t('tokens.actsAsMe')}
              loading={users.isLoading}
              options={(users.data ?? []).map((u) => ({ value: u.id, label: `${u.name} (${u.username})` }))}
            />
          </Form.Item>
        </>
      )}
      <Form.Item name="scopes" label={t('tokens.scopes')} rules={[{ required: true, message: t('tokens.scopesRequired') }]}>
        <Checkbox.Group style={{ display: 'grid', gap: 6 }}>
          {TOKEN_SCOPE_NAMES.map((scope) => (
            <Checkbox key={scope} value={scope} disabled={!allowed.has(scope)}>
              <code>{scope}</code> {t(`tokens.scope.${scope.replace(':', '_')}` as never)}
            </Checkbox>
          ))}
        </Checkbox.Group>
      </Form.Item>
      <Form.Item name="expiresAt" label={t('tokens.expiresAt')} extra={t('tokens.expiresHint', { days: MAX_TOKEN_DAYS })}>
        <DatePicker disabledDate={(d) => d.isBefore(dayjs(), 'day') || d.isAfter(dayjs().add(MAX_TOKEN_DAYS - 1, 'day'))} />
      </Form.Item>
      {admin && (
        <Form.Item name="rateLimitPerMinute" label={t('tokens.rateLimit')}>
          <InputNumber min={1} max={100000} placeholder="600" />
        </Form.Item>
      )}
    </FormModal>
  );
}

function SecretModal({ token, onClose }: { token: CreatedApiToken | null; onClose: () => void }) {
  const { t } = useTranslation();
  const copy = async () => {
    if (!token) return;
    await navigator.clipboard.writeText(token.secret);
    showSuccess(t('tokens.copied'));
  };
  return (
    <Modal open={token !== null} title={t('tokens.secretTitle')} onCancel={onClose} onOk={onClose} okText={t('tokens.secretDone')} cancelButtonProps={{ style: { display: 'none' } }} maskClosable={false}>
      <Alert type="warning" showIcon title={t('tokens.secretWarning')} style={{ marginBottom: 12 }} />
      <Space.Compact style={{ width: '100%' }}>
        <Input readOnly value={token?.secret} data-testid="token-secret" onFocus={(e) => e.target.select()} />
        <Button icon={<CopyOutlined />} onClick={() => void copy()}>
          {t('tokens.copy')}
        </Button>
      </Space.Compact>
    </Modal>
  );
}

export function TokensPage({ admin = false }: { admin?: boolean }) {
  const { t } = useTranslation();
  useDocumentTitle(t('tokens.title'));
  const tokens = useTokens(admin);
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  if (tokens.isError) return <LoadError error={tokens.error} onRetry={() => void tokens.refetch()} />;
  return (
    <div className="page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {admin ? t('tokens.adminTitle') : t('tokens.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('tokens.intro')}</Typography.Text>
        </div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('tokens.create')}
        </Button>
      </Space>
      <Table<ApiToken> className="admin-table"
        rowKey="id"
        size="middle"
        loading={tokens.isLoading}
        dataSource={tokens.data ?? []}
        pagination={false}
        columns={[
          { title: t('tokens.name'), dataIndex: 'name', render: (name, row) => <><b>{name}</b> <Typography.Text type="secondary"><code>{row.prefix}…</code></Typography.Text></> },
          ...(admin ? [{ title: t('tokens.actsAs'), key: 'user', render: (_: unknown, row: ApiToken) => <>{row.user.name} {row.kind === 'integration' && <Tag color="purple">{t('tokens.kinds.integration')}</Tag>}</> }] : []),
          { title: t('tokens.scopes'), dataIndex: 'scopes', render: (scopes: string[]) => scopes.map((s) => <Tag key={s}>{s}</Tag>) },
          { title: t('tokens.expiresAt'), dataIndex: 'expiresAt', render: (v: string | null) => (v ? <DateTime value={v} /> : t('tokens.never')) },
          { title: t('tokens.lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null, row) => (v ? <><RelativeTime value={v} />{row.lastUsedIp ? ` · ${row.lastUsedIp}` : ''}</> : t('tokens.neverUsed')) },
          { title: t('tokens.createdBy'), key: 'createdBy', render: (_, row) => <>{row.createdBy?.name ?? '—'} · <DateTime value={row.createdAt} /></> },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, row) =>
              row.revokedAt ? (
                <Tag>{t('tokens.revokedAt', { when: formatDateTime(row.revokedAt), who: row.revokedBy?.name ?? '' })}</Tag>
              ) : (
                <Popconfirm title={t('tokens.revokeConfirm')} onConfirm={() => revoke.mutateAsync(row.id).then(() => showSuccess(t('tokens.revoked')))}>
                  <Button danger size="small">
                    {t('tokens.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <CreateTokenModal open={creating} admin={admin} onClose={() => setCreating(false)} onCreated={(token) => { setCreating(false); setCreated(token); }} />
      <SecretModal token={created} onClose={() => setCreated(null)} />
    </div>
  );
}
