/**
 * 快捷回复: my canned replies and the shared ones (tabs), created and edited in a dialog with a live
 * preview rendered by the same placeholder code the server uses (common/macros.ts), on a sample
 * ticket. Shared ones are read-only unless the role may keep them (macros.share).
 */
import { DeleteOutlined, EditOutlined, PlusOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Button, Empty, Form, Input, List, Popconfirm, Radio, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Macro } from '../../../../common/api/macros';
import { SEVERITIES, TICKET_STATUSES, type Severity, type TicketStatus } from '../../../../common/domain';
import { MACRO_PLACEHOLDERS, renderMacro, type MacroPlaceholder } from '../../../../common/macros';
import { useDeleteMacro, useMacros, useSaveMacro } from '../../api/macros';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { LoadError } from '../../components/states';
import { SEVERITY_COLORS } from '../../components/tags';
import { useDocumentTitle } from '../../components/use-document-title';
import { useLabels } from '../../i18n/labels';
import { useCan, useMe } from '../auth/session';
import './macros-page.css';

interface Values {
  name: string;
  body: string;
  public: boolean;
  setStatus: TicketStatus | null;
  setSeverity: Severity | null;
  shared: boolean;
}

function MacroModal({ open, editing, shared, onClose }: { open: boolean; editing: Macro | null; shared: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const me = useMe();
  const can = useCan();
  const [form] = Form.useForm<Values>();
  const save = useSaveMacro();
  const bodyRef = useRef<TextAreaRef>(null);
  const body = Form.useWatch('body', form) ?? '';
  const severity = Form.useWatch('setSeverity', form);
  const sample: Record<MacroPlaceholder, string> = {
    customer: t('macros.sample.customer'),
    contact: t('macros.sample.contact'),
    ticket: t('macros.sample.ticket'),
    title: t('macros.sample.title'),
    engineer: t('macros.sample.engineer'),
    me: me.name,
    severity: severity ?? 'P3',
  };

  // Filled once the dialog (and its form) is mounted: a new macro, or the one being edited.
  useEffect(() => {
    if (!open) return;
    form.setFieldsValue(
      editing
        ? { name: editing.name, body: editing.body, public: editing.public, setStatus: editing.setStatus, setSeverity: editing.setSeverity, shared: editing.shared }
        : { name: '', body: '', public: true, setStatus: null, setSeverity: null, shared },
    );
  }, [open, editing, shared, form]);

  const insert = (name: MacroPlaceholder) => {
    const el = bodyRef.current?.resizableTextArea?.textArea;
    const current: string = form.getFieldValue('body') ?? '';
    const at = el ? el.selectionStart : current.length;
    const end = el ? el.selectionEnd : current.length;
    const token = `{{${name}}}`;
    form.setFieldValue('body', current.slice(0, at) + token + current.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + token.length, at + token.length);
    });
  };

  const submit = async (values: Values) => {
    const payload = { ...values, setStatus: values.setStatus ?? null, setSeverity: values.setSeverity ?? null };
    await save.mutateAsync({ id: editing?.id, body: payload });
    showSuccess(t('macros.saved'));
  };

  return (
    <FormModal
      form={form}
      open={open}
      title={editing ? t('macros.edit') : t('macros.create')}
      onClose={onClose}
      onSubmit={submit}
      pending={save.isPending}
      destroyOnHidden
      requiredMark
      width={640}
    >
      <Form.Item name="name" label={t('macros.name')} rules={[{ required: true, whitespace: true, message: t('errors.field.required') }]}>
        <Input maxLength={100} placeholder={t('macros.namePlaceholder')} autoFocus data-testid="macro-name" />
      </Form.Item>
      <Form.Item
        name="body"
        label={t('macros.body')}
        rules={[{ required: true, whitespace: true, message: t('errors.field.required') }]}
        extra={
          <div className="macro-placeholders">
            <span>{t('macros.bodyHint')}</span>
            {MACRO_PLACEHOLDERS.map((p) => (
              <Button key={p} size="small" type="dashed" onClick={() => insert(p)} data-testid={`macro-insert-${p}`}>
                {t(`macros.placeholders.${p}`)}
              </Button>
            ))}
          </div>
        }
      >
        <Input.TextArea ref={bodyRef} autoSize={{ minRows: 4, maxRows: 10 }} maxLength={20000} data-testid="macro-body" />
      </Form.Item>
      <div className="macro-preview" data-testid="macro-preview" aria-live="polite">
        <Typography.Text type="secondary" className="macro-preview-label">
          {t('macros.preview')} · {t('macros.previewHint')}
        </Typography.Text>
        <div className="macro-preview-text">{body ? renderMacro(body, sample) : '—'}</div>
      </div>
      <Form.Item name="public" label={t('macros.visibility')}>
        <Radio.Group
          optionType="button"
          options={[
            { value: true, label: t('macros.public') },
            { value: false, label: t('macros.internal') },
          ]}
        />
      </Form.Item>
      <Space wrap size={16} className="macro-effects">
        <Form.Item name="setStatus" label={t('macros.setStatus')}>
          <Select
            allowClear
            placeholder={t('macros.noChange')}
            style={{ minWidth: 180 }}
            options={TICKET_STATUSES.filter((s) => s !== 'new').map((s) => ({ value: s, label: labels.status(s) }))}
            data-testid="macro-status"
          />
        </Form.Item>
        <Form.Item name="setSeverity" label={t('macros.setSeverity')}>
          <Select
            allowClear
            placeholder={t('macros.noChange')}
            style={{ minWidth: 180 }}
            options={SEVERITIES.map((s) => ({ value: s, label: `${s} ${labels.severityName(s)}` }))}
            data-testid="macro-severity"
          />
        </Form.Item>
      </Space>
      {can('macros.share') && (
        <Form.Item name="shared" label={t('macros.sharedSwitch')} valuePropName="checked" extra={t('macros.sharedHint')}>
          <Switch data-testid="macro-shared" />
        </Form.Item>
      )}
    </FormModal>
  );
}

function MacroList({ scope, onEdit }: { scope: 'personal' | 'shared'; onEdit: (m: Macro) => void }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const macros = useMacros(scope);
  const remove = useDeleteMacro();
  if (macros.isError) return <LoadError error={macros.error} onRetry={() => void macros.refetch()} />;
  return (
    <List<Macro>
      loading={macros.isLoading}
      dataSource={macros.data ?? []}
      locale={{ emptyText: <Empty description={scope === 'shared' ? t('macros.emptyShared') : t('macros.empty')} /> }}
      renderItem={(m) => (
        <List.Item
          className="macro-row"
          data-testid="macro-row"
          actions={
            m.editable
              ? [
                  <Button key="edit" size="small" icon={<EditOutlined />} onClick={() => onEdit(m)} aria-label={t('common.edit')} data-testid="macro-edit">
                    {t('common.edit')}
                  </Button>,
                  <Popconfirm
                    key="delete"
                    title={t('macros.deleteConfirm', { name: m.name })}
                    okButtonProps={{ danger: true }}
                    onConfirm={() => remove.mutateAsync(m.id).then(() => showSuccess(t('macros.deleted')))}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} data-testid="macro-delete" />
                  </Popconfirm>,
                ]
              : [<Tag key="ro">{t('macros.readOnly')}</Tag>]
          }
        >
          <List.Item.Meta
            title={
              <Space wrap size={6}>
                <ThunderboltOutlined />
                <span data-testid="macro-row-name">{m.name}</span>
                {!m.public && <Tag color="gold">{t('macros.internalTag')}</Tag>}
                {m.setStatus && <Tag color="processing">{t('macros.willSetStatus', { status: labels.status(m.setStatus) })}</Tag>}
                {m.setSeverity && <Tag color={SEVERITY_COLORS[m.setSeverity]}>{t('macros.willSetSeverity', { severity: m.setSeverity })}</Tag>}
              </Space>
            }
            description={<div className="macro-row-body">{m.body}</div>}
          />
        </List.Item>
      )}
    />
  );
}

export function MacrosPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('macros.title'));
  const can = useCan();
  const [tab, setTab] = useState<'personal' | 'shared'>('personal');
  const [dialog, setDialog] = useState<{ editing: Macro | null } | null>(null);
  const mayCreate = tab === 'personal' || can('macros.share');
  return (
    <div className="page macros-page" data-testid="macros-page">
      <div className="macros-head">
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('macros.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('macros.intro')}</Typography.Text>
        </div>
        {mayCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ editing: null })} data-testid="macro-create">
            {t('macros.create')}
          </Button>
        )}
      </div>
      <Tabs
        activeKey={tab}
        onChange={(key) => setTab(key as 'personal' | 'shared')}
        items={[
          { key: 'personal', label: t('macros.personal'), children: <MacroList scope="personal" onEdit={(m) => setDialog({ editing: m })} /> },
          { key: 'shared', label: t('macros.shared'), children: <MacroList scope="shared" onEdit={(m) => setDialog({ editing: m })} /> },
        ]}
      />
      {dialog && <MacroModal open editing={dialog.editing} shared={tab === 'shared'} onClose={() => setDialog(null)} />}
    </div>
  );
}
