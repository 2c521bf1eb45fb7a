/**
 * /admin/calendars: every business calendar with its hours, holidays entered and — prominently —
 * whether a year from this one on still lacks its holidays and make-up days or looks half entered.
 */
import { PlusOutlined, WarningFilled } from '@ant-design/icons';
import { Alert, Button, Empty, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useCalendars } from '../../api/time-rules';
import type { Calendar } from '../../api/types';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { useDocumentTitle } from '../../components/use-document-title';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import { CalendarModal } from './calendar-modal';
import { calendarName, holidayYearIssues, weeklySummary, yearIssueText, type YearIssue } from './calendar-text';

export function HolidayYearCell({ calendar, issues }: { calendar: Calendar; issues: readonly YearIssue[] }) {
  const { t } = useTranslation();
  if (calendar.always) return <span className="muted">{t('calendars.notApplicable')}</span>;
  return (
    <span className="calendar-year-cell">
      {calendar.lastExceptionYear ?? <span className="muted">—</span>}
      {issues.map((issue) => (
        <Tooltip
          key={issue.year}
          title={
            <>
              <div>{yearIssueText(issue, t)}</div>
              <div>{t('calendars.issueAdvice')}</div>
            </>
          }
        >
          <Tag
            color={issue.missing ? 'error' : 'warning'}
            icon={<WarningFilled />}
            data-testid="missing-year"
            data-year={issue.year}
            data-kind={issue.missing ? 'missing' : 'incomplete'}
          >
            {issue.missing ? t('calendars.missingYear', { year: issue.year }) : t('calendars.incompleteYear', { year: issue.year })}
          </Tag>
        </Tooltip>
      ))}
    </span>
  );
}

export function CalendarsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('calendars.title'));
  const labels = useLabels();
  const can = useCan();
  const navigate = useNavigate();
  const allowed = can('time_rules.read');
  const calendars = useCalendars(allowed);
  const [creating, setCreating] = useState(false);

  if (!allowed) return <NotFoundPage />;
  const rows = calendars.data ?? [];
  const issues = new Map(rows.map((c) => [c.id, holidayYearIssues(c)]));
  const flagged = rows.filter((c) => issues.get(c.id)!.length > 0);

  const columns: TableColumnsType<Calendar> = [
    {
      title: t('calendars.name'),
      key: 'name',
      width: 220,
      render: (_, c) => (
        <span className="calendar-name-cell">
          <Link to={`/admin/calendars/${c.id}`} onClick={(e) => e.stopPropagation()}>
            {calendarName(c, labels.lang)}
          </Link>
          {c.builtIn && <Tag>{t('calendars.builtIn')}</Tag>}
        </span>
      ),
    },
    { title: t('calendars.key'), dataIndex: 'key', width: 130, render: (key: string) => <span className="mono">{key}</span> },
    { title: t('calendars.timeZone'), dataIndex: 'timeZone', width: 140 },
    { title: t('calendars.hours'), key: 'hours', width: 170, render: (_, c) => weeklySummary(c, t) },
    { title: t('calendars.exceptionCount'), dataIndex: 'exceptionCount', width: 110, align: 'right' },
    { title: t('calendars.lastYear'), key: 'lastYear', width: 220, render: (_, c) => <HolidayYearCell calendar={c} issues={issues.get(c.id) ?? []} /> },
  ];

  return (
    <div className="page-card">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('calendars.title')}
        </Typography.Title>
        {can('time_rules.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-calendar">
            {t('calendars.create')}
          </Button>
        )}
      </div>
      {flagged.length > 0 && (
        <Alert
          type="warning"
          showIcon
          className="page-alert"
          data-testid="missing-year-alert"
          title={t('calendars.issuesTitle')}
          description={
            <>
              <ul className="calendar-issues">
                {flagged.flatMap((c) =>
                  issues.get(c.id)!.map((issue) => (
                    <li key={`${c.id}-${issue.year}`} data-testid="calendar-issue" data-year={issue.year}>
                      <Link to={`/admin/calendars/${c.id}?year=${issue.year}`}>{calendarName(c, labels.lang)}</Link>
                      {t('calendars.issueSeparator')}
                      {yearIssueText(issue, t)}
                    </li>
                  )),
                )}
              </ul>
              {t('calendars.issuesText')}
            </>
          }
        />
      )}
      {calendars.isError ? (
        <LoadError error={calendars.error} onRetry={() => void calendars.refetch()} />
      ) : (
        <Table<Calendar> className="admin-table"
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={calendars.isPending}
          pagination={false}
          data-testid="calendar-table"
          locale={{ emptyText: calendars.isPending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('calendars.empty')} /> }}
          onRow={(c) => ({ onClick: () => navigate(`/admin/calendars/${c.id}`), className: 'queue-row' })}
        />
      )}
      <CalendarModal open={creating} onClose={() => setCreating(false)} onSaved={(c) => navigate(`/admin/calendars/${c.id}`)} />
    </div>
  );
}
