/**
 * Buttons that record a milestone met by an explicit act: 提交解决方案 (with the plan's text),
 * 到达现场签到, 服务已恢复, and any custom milestone of the policy not met yet. Respond and
 * resolve are met by replying / changing status and by resolving, which a tooltip explains.
 */
import { EnvironmentOutlined, FileTextOutlined, FlagOutlined, InfoCircleOutlined, ToolOutlined } from '@ant-design/icons';
import { Button, Form, Input, Space, Tooltip } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStampMilestone } from '../../api/tickets';
import type { SlaMilestone, Ticket } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { useLabels } from '../../i18n/labels';

const AUTOMATIC = new Set(['respond', 'resolve']);
const ICONS: Record<string, React.ReactNode> = { plan: <FileTextOutlined />, arrive: <EnvironmentOutlined />, restore: <ToolOutlined /> };

interface NoteValues {
  note?: string;
}

export function MilestoneActions({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const stamp = useStampMilestone(ticket.id);
  const [pending, setPending] = useState<SlaMilestone | null>(null);
  const [form] = Form.useForm<NoteValues>();

  const open = ticket.sla.filter((m) => !AUTOMATIC.has(m.milestone) && m.state !== 'met' && !m.metAt && m.state !== 'cancelled');
  const automatic = ticket.sla.filter((m) => AUTOMATIC.has(m.milestone) && !m.metAt);
  const label = (m: SlaMilestone) =>
    ['plan', 'arrive', 'restore'].includes(m.milestone) ? t(`sla.action.${m.milestone}` as 'sla.action.plan') : t('sla.action.custom', { name: m.name[labels.lang] });
  const isPlan = pending?.milestone === 'plan';

  const close = () => {
    setPending(null);
    form.resetFields();
  };
  const submit = async (values: NoteValues) => {
    if (!pending) return;
    await stamp.mutateAsync({ milestone: pending.milestone, ...(values.note?.trim() ? { note: values.note.trim() } : {}) });
    showSuccess(t('sla.recorded', { name: pending.name[labels.lang] }));
  };

  if (open.length === 0 && automatic.length === 0) return null;
  return (
    <div className="sla-actions">
      <Space wrap size={8}>
        {open.map((m) => (
          <Button key={m.milestone} size="small" icon={ICONS[m.milestone] ?? <FlagOutlined />} onClick={() => setPending(m)} data-testid={`milestone-action-${m.milestone}`}>
            {label(m)}
          </Button>
        ))}
      </Space>
      {automatic.length > 0 && (
        <Tooltip
          title={automatic.map((m) => (
                <div key={m.milestone}>{t(`sla.automatic.${m.milestone}` as 'sla.automatic.respond')}</div>
              ))}
        >
          <span className="sla-automatic muted" data-testid="sla-automatic">
            <InfoCircleOutlined /> {t('sla.automaticNote', { names: automatic.map((m) => m.name[labels.lang]).join(labels.lang === 'zh' ? '、' : ', ') })}
          </span>
        </Tooltip>
      )}
      <FormModal
        form={form}
        open={pending !== null}
        title={pending ? `${label(pending)} · ${ticket.number}` : ''}
        okText={pending ? label(pending) : ''}
        okButtonProps={{ 'data-testid': 'milestone-confirm' }}
        pending={stamp.isPending}
        onClose={close}
        onSubmit={submit}
        errorAliases={{ milestone: 'note' }}
        destroyOnHidden
      >
        <Form.Item
          name="note"
          label={isPlan ? t('sla.planText') : t('sla.noteOptional')}
          extra={isPlan ? t('sla.planHint') : undefined}
          rules={isPlan ? [{ required: true, whitespace: true, message: t('sla.planRequired') }] : []}
        >
          <Input.TextArea autoFocus autoSize={{ minRows: isPlan ? 5 : 2, maxRows: 14 }} maxLength={5000} data-testid="milestone-note" />
        </Form.Item>
      </FormModal>
    </div>
  );
}
