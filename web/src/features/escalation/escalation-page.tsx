/**
 * /admin/escalation: the escalation matrix (升级矩阵) as a grid and as a list of rules with
 * their on/off switches, and the external contacts the rules can name.
 */
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Empty, Switch, Table, Tabs, Tag, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Severity } from '../../../../common/domain';
import { useCalendars, useEscalationRules, useToggleEscalationRule } from '../../api/time-rules';
import type { EscalationRuleDto } from '../../api/types';
import { formatTarget } from '../../components/duration';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { SeverityTag } from '../../components/tags';
import { useDocumentTitle } from '../../components/use-document-title';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import { calendarName } from '../calendars/calendar-text';
import { ContactsCard } from './contacts-card';
import { MatrixGrid } from './matrix-grid';
import { recipientLabels } from './recipients';
import { RuleModal, type RuleDialog } from './rule-modal';

export function EscalationPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('escalation.title'));
  const labels = useLabels();
  const can = useCan();
  const allowed = can('time_rules.read');
  const editable = can('time_rules.write');
  const rules = useEscalationRules(allowed);
  const calendars = useCalendars(allowed);
  const toggle = useToggleEscalationRule();
  const [dialog, setDialog] = useState<RuleDialog | null>(null);

  if (!allowed) return <NotFoundPage />;
  const rows = rules.data ?? [];

  const columns: TableColumnsType<EscalationRuleDto> = [
    { title: t('escalation.severity'), dataIndex: 'severity', width: 80, render: (s: Severity) => <SeverityTag severity={s} /> },
    {
      title: t('escalation.after'),
      key: 'after',
      width: 220,
      render: (_, r) => {
        const calendar = calendars.data?.find((c) => c.key === r.calendar);
        const time = formatTarget(r.afterMinutes, t, r.clock === 'working' ? calendar : undefined);
        return r.clock === 'working' ? `${time} · ${t('escalation.workingOn', { name: calendar ? calendarName(calendar, labels.lang) : (r.calendar ?? '') })}` : time;
      },
    },
    { title: t('escalation.level'), dataIndex: 'level', width: 70, render: (l: number) => <Tag color={l >= 3 ? 'magenta' : l === 2 ? 'volcano' : 'gold'}>L{l}</Tag> },
    { title: t('escalation.recipients'), key: 'recipients', render: (_, r) => recipientLabels(r, labels, t).join(t('common.listSeparator')) },
    {
      title: t('escalation.active'),
      dataIndex: 'active',
      width: 80,
      render: (active: boolean, r) => (
        <Switch
          size="small"
          checked={active}
          disabled={!editable}
          loading={toggle.isPending && toggle.variables?.id === r.id}
          onChange={(next) => toggle.mutate({ id: r.id, active: next })}
          aria-label={t('escalation.active')}
          data-testid="rule-active"
        />
      ),
    },
    ...(editable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 70,
            render: (_: unknown, r: EscalationRuleDto) => (
              <Button type="link" size="small" icon={<EditOutlined />} aria-label={t('escalation.editRule')} onClick={() => setDialog({ rule: r })} />
            ),
          },
        ]
      : []),
  ];

  return (
    <div className="escalation-page">
      <div className="page-card">
        <div className="page-title-row">
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('escalation.title')}
          </Typography.Title>
          {editable && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ rule: null })} data-testid="add-rule">
              {t('escalation.addRule')}
            </Button>
          )}
        </div>
        <Typography.Paragraph type="secondary">{t('escalation.intro')}</Typography.Paragraph>
        {rules.isError ? (
          <LoadError error={rules.error} onRetry={() => void rules.refetch()} />
        ) : rules.isPending ? (
          <LoadingRows />
        ) : (
          <Tabs
            items={[
              {
                key: 'grid',
                label: t('escalation.gridView'),
                children: <MatrixGrid rules={rows} calendars={calendars.data ?? []} onEdit={editable ? setDialog : undefined} />,
              },
              {
                key: 'list',
                label: t('escalation.listView', { count: rows.length }),
                children: (
                  <Table<EscalationRuleDto> className="admin-table"
                    size="small"
                    rowKey="id"
                    columns={columns}
                    dataSource={rows}
                    pagination={false}
                    rowClassName={(r) => (r.active ? '' : 'row-inactive')}
                    locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('escalation.empty')} /> }}
                    data-testid="rule-table"
                  />
                ),
              },
            ]}
          />
        )}
      </div>
      <ContactsCard editable={editable} />
      {editable && <RuleModal dialog={dialog} onClose={() => setDialog(null)} />}
    </div>
  );
}
