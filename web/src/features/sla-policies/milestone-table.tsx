/**
 * The milestones of one severity as an editable table: which milestone (built-in or custom with
 * its Chinese and English names), the target, its calendar, what it counts from, an optional
 * out-of-hours target, and the statuses that pause it. Server errors appear in the cell they name.
 */
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Select, Table, Tooltip, type FormInstance, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Severity } from '../../../../common/domain';
import type { Calendar, MilestoneTarget } from '../../api/types';
import { workingDayMinutes } from '../../components/duration';
import { DurationInput } from '../../components/duration-input';
import { useLabels } from '../../i18n/labels';
import { AnchorSelect, CalendarSelect, MilestoneKeyInput, OutOfHoursInput } from './milestone-inputs';
import { isBuiltIn, newTarget, PAUSABLE_STATUSES } from './policy-text';

type Row = { key: number; name: number };

export function MilestoneTable({ severity, form, calendars }: { severity: Severity; form: FormInstance; calendars: Calendar[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const path = ['definition', 'severities', severity];
  const targets: MilestoneTarget[] = Form.useWatch(path, form) ?? [];
  const calendarOf = (key: string | undefined) => calendars.find((c) => c.key === key);

  return (
    <Form.List name={path}>
      {(fields, { add, remove }, { errors }) => {
        const columns: TableColumnsType<Row> = [
          {
            title: t('policies.milestone'),
            key: 'key',
            width: 190,
            render: (_, field) => {
              const key = targets[field.name]?.key ?? '';
              return (
                <>
                  <Form.Item name={[field.name, 'key']} rules={[{ required: true, message: t('policies.keyRequired') }]} className="cell-item">
                    <MilestoneKeyInput />
                  </Form.Item>
                  {key !== '' && !isBuiltIn(key) && (
                    <div className="custom-names">
                      <Form.Item name={[field.name, 'name', 'zh']} rules={[{ required: true, whitespace: true, message: t('common.required') }]} className="cell-item">
                        <Input placeholder={t('policies.nameZh')} size="small" data-testid="milestone-name-zh" />
                      </Form.Item>
                      <Form.Item name={[field.name, 'name', 'en']} rules={[{ required: true, whitespace: true, message: t('common.required') }]} className="cell-item">
                        <Input placeholder={t('policies.nameEn')} size="small" data-testid="milestone-name-en" />
                      </Form.Item>
                    </div>
                  )}
                </>
              );
            },
          },
          {
            title: t('policies.target'),
            key: 'minutes',
            width: 182,
            render: (_, field) => {
              const calendar = calendarOf(targets[field.name]?.calendar);
              return (
                <Form.Item name={[field.name, 'minutes']} rules={[{ required: true, message: t('common.required') }]} className="cell-item">
                  <DurationInput dayMinutes={workingDayMinutes(calendar)} workingDays={Boolean(calendar && !calendar.always)} width={166} data-testid="milestone-minutes" />
                </Form.Item>
              );
            },
          },
          {
            title: t('policies.calendar'),
            key: 'calendar',
            width: 150,
            render: (_, field) => (
              <Form.Item name={[field.name, 'calendar']} rules={[{ required: true, message: t('policies.chooseCalendar') }]} className="cell-item">
                <CalendarSelect calendars={calendars} />
              </Form.Item>
            ),
          },
          {
            title: t('policies.anchor'),
            key: 'anchor',
            width: 150,
            render: (_, field) => (
              <Form.Item name={[field.name, 'anchor']} className="cell-item">
                <AnchorSelect siblings={targets} self={targets[field.name]?.key ?? ''} />
              </Form.Item>
            ),
          },
          {
            title: (
              <Tooltip title={t('policies.outOfHoursHint')}>
                <span className="th-hint">{t('policies.outOfHours')}</span>
              </Tooltip>
            ),
            key: 'outOfHours',
            width: 220,
            render: (_, field) => (
              <Form.Item name={[field.name, 'outOfHours']} className="cell-item">
                <OutOfHoursInput calendars={calendars} calendarKey={targets[field.name]?.calendar ?? ''} />
              </Form.Item>
            ),
          },
          {
            title: t('policies.pauseOn'),
            key: 'pauseOn',
            width: 160,
            render: (_, field) => (
              <Form.Item name={[field.name, 'pauseOn']} className="cell-item">
                <Select
                  mode="multiple"
                  placeholder={t('policies.neverPause')}
                  options={PAUSABLE_STATUSES.map((s) => ({ value: s, label: labels.status(s) }))}
                  maxTagCount="responsive"
                  style={{ width: '100%' }}
                />
              </Form.Item>
            ),
          },
          {
            title: '',
            key: 'remove',
            width: 40,
            render: (_, field) => (
              <Tooltip title={t('policies.removeMilestone')}>
                <Button type="text" danger size="small" icon={<DeleteOutlined />} aria-label={t('policies.removeMilestone')} onClick={() => remove(field.name)} />
              </Tooltip>
            ),
          },
        ];
        return (
          <div className="milestone-editor" data-testid={`milestones-${severity}`}>
            <Table<Row>
              size="small"
              rowKey="key"
              columns={columns}
              dataSource={fields.map((f) => ({ key: f.key, name: f.name }))}
              pagination={false}
              tableLayout="fixed"
              scroll={{ x: 1090 }}
              locale={{ emptyText: t('policies.noMilestonesFor', { severity }) }}
              onRow={(row) => ({ 'data-testid': 'milestone-row', 'data-index': row.name }) as React.HTMLAttributes<HTMLTableRowElement>}
            />
            <Form.ErrorList errors={errors} />
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(newTarget(targets, calendars))} className="add-milestone" data-testid={`add-milestone-${severity}`}>
              {t('policies.addMilestone')}
            </Button>
          </div>
        );
      }}
    </Form.List>
  );
}
