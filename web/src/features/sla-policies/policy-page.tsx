/**
 * /admin/sla-policies/:id (or /new?template=…) — an SLA policy. Administrators edit it: names,
 * the warning ratio, and per severity P1–P4 a table of milestones; the matrix on top shows the
 * result as people will read it. Everyone else with time_rules.read sees the matrix only.
 */
import { ArrowLeftOutlined, CheckCircleOutlined, DeleteOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Form, Input, InputNumber, Popconfirm, Space, Tabs, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { SEVERITIES, type Severity } from '../../../../common/domain';
import { ApiError } from '../../api/client';
import { useCalendars, useDeletePolicy, useMakeDefaultPolicy, usePolicy, usePolicyTemplates, useSavePolicy } from '../../api/time-rules';
import type { SlaPolicy, SlaPolicyDefinition } from '../../api/types';
import { changedFields } from '../../components/changed-fields';
import { showSuccess } from '../../components/feedback';
import { handleFormError, validated } from '../../components/form-errors';
import { NotFoundPage, PageSkeleton, RecordLoadError } from '../../components/states';
import { useDocumentTitle } from '../../components/use-document-title';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import { AutoCloseFields, autoCloseText } from './auto-close-fields';
import { MilestoneTable } from './milestone-table';
import { PolicyMatrix } from './policy-matrix';
import { blankDefinition, isBuiltIn } from './policy-text';

interface PolicyValues {
  key: string;
  name: string;
  nameEn?: string;
  description?: string;
  definition: SlaPolicyDefinition;
}

/** The warning ratio (0.8) typed as a percentage (80 %). */
function PercentInput({ value, onChange, id }: { value?: number; onChange?: (v: number | null) => void; id?: string }) {
  return (
    <InputNumber
      id={id}
      value={value === undefined || value === null ? null : Math.round(value * 100)}
      onChange={(v) => onChange?.(v === null ? null : Number(v) / 100)}
      min={1}
      max={99}
      suffix="%"
      style={{ width: 110 }}
    />
  );
}

/** What the server is sent: built-in milestones keep their own names, optional parts only when set. */
function cleanDefinition(def: SlaPolicyDefinition): SlaPolicyDefinition {
  const severities = Object.fromEntries(
    SEVERITIES.map((s) => [
      s,
      (def.severities?.[s] ?? []).map(({ name, outOfHours, ...m }) => ({
        ...m,
        pauseOn: m.pauseOn ?? [],
        ...(name && !isBuiltIn(m.key) ? { name } : {}),
        ...(outOfHours ? { outOfHours } : {}),
      })),
    ]),
  ) as SlaPolicyDefinition['severities'];
  return {
    warnAtRatio: def.warnAtRatio,
    severities,
    ...(def.autoCloseDays !== undefined ? { autoCloseDays: def.autoCloseDays } : {}),
    ...(def.autoCloseReminderDays !== undefined && def.autoCloseDays !== null ? { autoCloseReminderDays: def.autoCloseReminderDays } : {}),
  };
}

function errorSeverities(form: ReturnType<typeof Form.useForm<PolicyValues>>[0]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const f of form.getFieldsError()) {
    if (!f.errors.length || f.name[0] !== 'definition' || f.name[1] !== 'severities') continue;
    const s = String(f.name[2]);
    counts[s] = (counts[s] ?? 0) + 1;
  }
  return counts;
}

function PolicyActions({ policy }: { policy: SlaPolicy }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const makeDefault = useMakeDefaultPolicy();
  const remove = useDeletePolicy();
  return (
    <Space wrap>
      {!policy.isDefault && (
        <Button icon={<CheckCircleOutlined />} loading={makeDefault.isPending} onClick={() => makeDefault.mutate(policy.id, { onSuccess: (p) => showSuccess(t('policies.madeDefault', { name: p.name })) })}>
          {t('policies.makeDefault')}
        </Button>
      )}
      <Popconfirm
        title={t('policies.deleteConfirm', { name: policy.name })}
        okButtonProps={{ danger: true }}
        onConfirm={() =>
          remove.mutate(policy.id, {
            onSuccess: () => {
              showSuccess(t('policies.deleted', { name: policy.name }));
              navigate('/admin/sla-policies', { replace: true });
            },
          })
        }
      >
        <Button danger icon={<DeleteOutlined />} loading={remove.isPending} data-testid="policy-delete">
          {t('common.delete')}
        </Button>
      </Popconfirm>
    </Space>
  );
}

/**
 * `version` says when `initial` is new content (another policy, a save); a background refetch of
 * the same version must not wipe what is being typed.
 */
function PolicyEditor({ policy, initial, version }: { policy: SlaPolicy | null; initial: PolicyValues; version: string }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const navigate = useNavigate();
  const calendars = useCalendars();
  const [form] = Form.useForm<PolicyValues>();
  const save = useSavePolicy(policy?.id);
  const [tab, setTab] = useState<Severity>('P1');
  const [errors, setErrors] = useState<Record<string, number>>({});
  const definition = Form.useWatch('definition', form) ?? initial.definition;
  const latest = useRef(initial);
  latest.current = initial;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the form is reset when a new version of the policy arrives
  useEffect(() => {
    form.resetFields();
    form.setFieldsValue(latest.current);
    setErrors({});
  }, [version, form]);

  const submit = async () => {
    const values = await validated(form);
    if (!values) {
      const found = errorSeverities(form);
      setErrors(found);
      const first = SEVERITIES.find((s) => found[s]);
      if (first) setTab(first);
      return;
    }
    const body = {
      name: values.name.trim(),
      nameEn: values.nameEn?.trim() || null,
      description: values.description?.trim() || null,
      definition: cleanDefinition(values.definition),
    };
    try {
      const saved = await save.mutateAsync(
        policy
          ? changedFields({ name: policy.name, nameEn: policy.nameEn, description: policy.description, definition: cleanDefinition(policy.definition) }, body)
          : { ...body, key: values.key.trim() },
      );
      setErrors({});
      showSuccess(policy ? t('policies.saved', { name: saved.name }) : t('policies.created', { name: saved.name }));
      if (!policy) navigate(`/admin/sla-policies/${saved.id}`, { replace: true });
    } catch (error) {
      handleFormError(form, error);
      const found = errorSeverities(form);
      setErrors(found);
      const first = SEVERITIES.find((s) => found[s]);
      if (first && error instanceof ApiError) setTab(first);
    }
  };

  return (
    <Form
      form={form}
      layout="vertical"
      requiredMark={false}
      onFieldsChange={() => setErrors(errorSeverities(form))}
      data-testid="policy-form"
    >
      <div className="page-card">
        <div className="form-row-3">
          <Form.Item name="name" label={t('policies.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input data-testid="policy-name" />
          </Form.Item>
          <Form.Item name="nameEn" label={t('policies.nameEnLabel')}>
            <Input />
          </Form.Item>
          <Form.Item
            name="key"
            label={t('policies.key')}
            extra={policy ? undefined : t('calendars.keyHint')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }, { pattern: /^[a-z0-9][a-z0-9-]{1,49}$/, message: t('calendars.keyInvalid') }]}
          >
            <Input disabled={Boolean(policy)} className="mono" data-testid="policy-key" />
          </Form.Item>
        </div>
        <div className="policy-meta-row">
          <Form.Item name="description" label={t('policies.description')} style={{ flex: 1 }}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
          </Form.Item>
          <Form.Item name={['definition', 'warnAtRatio']} label={t('policies.warnAt')} tooltip={t('policies.warnAtHint')} rules={[{ required: true, message: t('common.required') }]}>
            <PercentInput />
          </Form.Item>
          <AutoCloseFields />
        </div>
        <div className="section-label">{t('policies.overview')}</div>
        <PolicyMatrix definition={definition} calendars={calendars.data ?? []} />
      </div>
      <div className="page-card">
        <Tabs
          activeKey={tab}
          onChange={(k) => setTab(k as Severity)}
          items={SEVERITIES.map((s) => ({
            key: s,
            forceRender: true,
            label: (
              <Badge dot={Boolean(errors[s])} offset={[6, 0]} data-testid={`tab-${s}`} data-errors={errors[s] ?? 0}>
                <span>
                  {s} {labels.severityName(s)} <span className="muted">({definition.severities?.[s]?.length ?? 0})</span>
                </span>
              </Badge>
            ),
            children: <MilestoneTable severity={s} form={form} calendars={calendars.data ?? []} />,
          }))}
        />
        <div className="form-actions">
          <Button onClick={() => navigate('/admin/sla-policies')}>{t('common.cancel')}</Button>
          <Button type="primary" onClick={() => void submit()} loading={save.isPending} data-testid="policy-save">
            {policy ? t('common.save') : t('policies.create')}
          </Button>
        </div>
      </div>
    </Form>
  );
}

export function PolicyPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const { t } = useTranslation();
  const can = useCan();
  const creating = id === 'new';
  const policy = usePolicy(creating ? undefined : id);
  const templates = usePolicyTemplates(creating);
  const calendars = useCalendars();
  const labels = useLabels();
  const editable = can('time_rules.write');
  useDocumentTitle(policy.data?.name ?? t('policies.title'));

  const templateKey = params.get('template');
  const initial = useMemo<PolicyValues | null>(() => {
    if (!creating) {
      const p = policy.data;
      return p ? { key: p.key, name: p.name, nameEn: p.nameEn ?? '', description: p.description ?? '', definition: p.definition } : null;
    }
    if (!templateKey) return { key: '', name: '', nameEn: '', description: '', definition: blankDefinition() };
    const template = templates.data?.find((x) => x.key === templateKey);
    if (!template) return null;
    return {
      key: `${template.key}-copy`,
      name: `${template.name[labels.lang]}${t('policies.copySuffix')}`,
      nameEn: `${template.name.en} (copy)`,
      description: template.description[labels.lang],
      definition: template.definition,
    };
  }, [creating, policy.data, templateKey, templates.data, labels.lang, t]);

  if (!can('time_rules.read') || (creating && !editable)) return <NotFoundPage />;
  if (policy.isError) {
    return <RecordLoadError error={policy.error} onRetry={() => void policy.refetch()} title={t('policies.notFound')} backTo="/admin/sla-policies" backLabel={t('policies.title')} />;
  }
  if (!initial) return <PageSkeleton />;
  const p = policy.data ?? null;

  return (
    <div className="policy-page" data-testid="policy-page">
      <div className="page-card">
        <Link to="/admin/sla-policies" className="back-link">
          <ArrowLeftOutlined /> {t('policies.title')}
        </Link>
        <div className="page-title-row" style={{ marginBottom: 0 }}>
          <Space size={10} wrap>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="policy-title">
              {creating ? t('policies.create') : (labels.lang === 'en' && p?.nameEn) || p?.name}
            </Typography.Title>
            {p && <Tag className="mono">{p.key}</Tag>}
            {p?.isDefault && <Tag color="blue">{t('policies.default')}</Tag>}
            {p && <span className="muted">{t('policies.usedBy', { count: p.customerCount })}</span>}
          </Space>
          {p && editable && <PolicyActions policy={p} />}
        </div>
        {!editable && p && (
          <>
            {p.description && <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{p.description}</Typography.Paragraph>}
            <Card size="small" className="section-card" style={{ marginTop: 12 }}>
              <PolicyMatrix definition={initial.definition} calendars={calendars.data ?? []} />
              <div className="muted" style={{ marginTop: 8 }}>
                {t('policies.warnAtText', { percent: Math.round((initial.definition.warnAtRatio ?? 0.8) * 100) })}
              </div>
              <div className="muted" data-testid="policy-auto-close-text">
                {autoCloseText(initial.definition, t)}
              </div>
            </Card>
          </>
        )}
      </div>
      {editable && <PolicyEditor policy={p} initial={initial} version={p ? `${p.id}:${p.updatedAt}` : `new:${templateKey ?? ''}`} />}
    </div>
  );
}
