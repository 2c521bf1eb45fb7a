/**
 * The ticket page's engineers card (issue 12): the lead (the assignee), helpers (协助工程师) and
 * invited experts (专家会诊) with the question they were asked; "邀请专家" and "添加协助工程师" pick a
 * person with the assignee picker's search (name, pinyin, initials — experts from any center), and
 * a helper or expert can be taken off. Fed by the ticket overview (`engineers`); `onChanged` lets the
 * page read again after a write.
 */
import { DeleteOutlined, TeamOutlined, UserAddOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Form, Input, List, Modal, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ENGINEER_LEVEL_LABELS } from '../../../../common/domain';
import { newIdempotencyKey } from '../../api/client';
import { useAddTicketEngineer, useRemoveTicketEngineer, type TicketEngineer } from '../../api/field-service';
import { useAssignees } from '../../api/macros';
import { showError, showSuccess } from '../../components/feedback';
import { validated } from '../../components/form-errors';
import { useDebounced } from '../../components/use-debounced';
import { useLabels } from '../../i18n/labels';
import { CandidateOption } from '../tickets/assignee-picker';
import '../tickets/macros.css';

type Role = 'helper' | 'expert';
const ROLE_COLOR: Record<TicketEngineer['role'], string> = { lead: 'blue', helper: 'green', expert: 'purple' };

export interface TicketEngineersCardProps {
  ticketId: string;
  engineers: TicketEngineer[];
  canManage: boolean;
  onChanged(): void;
}

export function TicketEngineersCard({ ticketId, engineers, canManage, onChanged }: TicketEngineersCardProps) {
  const { t } = useTranslation();
  const labels = useLabels();
  const [adding, setAdding] = useState<Role | null>(null);
  const remove = useRemoveTicketEngineer(ticketId);

  const takeOff = async (e: TicketEngineer) => {
    try {
      await remove.mutateAsync(e.user.id);
      showSuccess(t('consultation.removed', { name: e.user.name }));
      onChanged();
    } catch (error) {
      showError(error);
    }
  };

  return (
    <Card
      size="small"
      title={
        <Space>
          <TeamOutlined />
          {t('consultation.title')}
        </Space>
      }
      data-testid="ticket-engineers-card"
      extra={
        canManage && (
          <Space size={4} wrap>
            <Button size="small" icon={<UserAddOutlined />} onClick={() => setAdding('helper')} data-testid="engineers-add-helper">
              {t('consultation.addHelper')}
            </Button>
            <Button size="small" onClick={() => setAdding('expert')} data-testid="engineers-invite-expert">
              {t('consultation.inviteExpert')}
            </Button>
          </Space>
        )
      }
    >
      {engineers.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('consultation.none')} />
      ) : (
        <List
          size="small"
          dataSource={engineers}
          rowKey={(e) => `${e.role}:${e.user.id}`}
          renderItem={(e) => (
            <List.Item
              data-testid="ticket-engineer"
              data-role={e.role}
              actions={
                canManage && e.role !== 'lead'
                  ? [
                      <Popconfirm
                        key="remove"
                        title={t(e.role === 'expert' ? 'consultation.removeExpertConfirm' : 'consultation.removeHelperConfirm', { name: e.user.name })}
                        onConfirm={() => void takeOff(e)}
                        okText={t('consultation.remove')}
                        cancelText={t('common.cancel')}
                      >
                        <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('consultation.removeLabel', { name: e.user.name })} data-testid="ticket-engineer-remove" />
                      </Popconfirm>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space size={6} wrap>
                    <Tag color={ROLE_COLOR[e.role]} bordered={false}>
                      {t(`consultation.role.${e.role}`)}
                    </Tag>
                    <span data-testid="ticket-engineer-name">{e.user.name}</span>
                  </Space>
                }
                description={
                  <>
                    <Typography.Text type="secondary">
                      {[e.user.center?.name, e.user.level ? ENGINEER_LEVEL_LABELS[e.user.level][labels.lang] : null].filter(Boolean).join(' · ')}
                      {e.invitedBy ? ` · ${t('consultation.invitedBy', { name: e.invitedBy.name })}` : ''}
                    </Typography.Text>
                    {e.role === 'expert' && e.note && (
                      <div style={{ whiteSpace: "pre-wrap", marginTop: 2 }} data-testid="ticket-engineer-question">
                        {t('consultation.question')}：{e.note}
                      </div>
                    )}
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
      {adding && (
        <AddEngineerModal
          ticketId={ticketId}
          role={adding}
          exclude={engineers.map((e) => e.user.id)}
          onClose={() => setAdding(null)}
          onAdded={() => {
            setAdding(null);
            onChanged();
          }}
        />
      )}
    </Card>
  );
}

function AddEngineerModal({ ticketId, role, exclude, onClose, onAdded }: { ticketId: string; role: Role; exclude: string[]; onClose(): void; onAdded(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ userId: string; note?: string }>();
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 200);
  const list = useAssignees(ticketId, q, true);
  const add = useAddTicketEngineer(ticketId);
  const [key] = useState(newIdempotencyKey);
  const options = useMemo(
    () =>
      (list.data?.items ?? [])
        // Only engineers can be added (the server says so too); not who is on the ticket already.
        .filter((c) => (c.role === 'engineer' || c.engineerLevel !== null) && !exclude.includes(c.id))
        .map((c) => ({ value: c.id, label: c.name, candidate: c })),
    [list.data, exclude],
  );

  const submit = async () => {
    if (add.isPending) return;
    const values = await validated(form);
    if (!values) return;
    try {
      await add.mutateAsync({ body: { userId: values.userId, role, note: values.note?.trim() || null }, idempotencyKey: key });
      showSuccess(t(role === 'expert' ? 'consultation.expertInvited' : 'consultation.helperAdded'));
      onAdded();
    } catch (error) {
      showError(error);
    }
  };

  return (
    <Modal
      open
      title={t(role === 'expert' ? 'consultation.inviteExpert' : 'consultation.addHelper')}
      okText={t(role === 'expert' ? 'consultation.invite' : 'consultation.add')}
      cancelText={t('common.cancel')}
      onOk={() => void submit()}
      confirmLoading={add.isPending}
      okButtonProps={{ 'data-testid': 'engineers-add-confirm' }}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t(role === 'expert' ? 'consultation.expertHint' : 'consultation.helperHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="userId" label={t('consultation.person')} rules={[{ required: true, message: t('consultation.personRequired') }]}>
          <Select
            options={options}
            optionRender={(o) => <CandidateOption c={o.data.candidate} />}
            showSearch={{ filterOption: false, onSearch: setSearch, searchValue: search }}
            placeholder={t('consultation.personPlaceholder')}
            loading={list.isFetching}
            notFoundContent={list.isFetching ? t('common.loading') : t('assigneePicker.none')}
            popupMatchSelectWidth={false}
            classNames={{ popup: { root: 'assignee-popup' } }}
            data-testid="engineers-user-select"
            aria-label={t('consultation.person')}
            autoFocus
          />
        </Form.Item>
        {role === 'expert' && (
          <Form.Item name="note" label={t('consultation.question')} rules={[{ max: 5000 }]}>
            <Input.TextArea rows={3} placeholder={t('consultation.questionPlaceholder')} data-testid="engineers-question" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
