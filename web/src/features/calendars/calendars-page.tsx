/**
 * /admin/calendars: every business calendar with its hours, holidays entered and — prominently —
 * whether next year's holidays and make-up days are still missing.
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
import { calendarName, missingHolidayYear, weeklySummary } from './calendar-text';

export function HolidayYearCell({ calendar }: { calendar: Calendar }) {
  const { t } = useTranslation();
  if (calendar.always) return <span className="muted">{t('calendars.notApplicable')}</span>;
  const missing = missingHolidayYear(calendar);
  return (
    <span className="calendar-year-cell">
      {calendar.lastExceptionYear ?? <span className="muted">—</span>}
      {missing && (
        <Tooltip title={t('calendars.missingYearHint', { year: missing })}>
          <Tag color="error" icon={<WarningFilled />} data-testid="missing-year">
            {t('calendars.missingYear', { year: missing })}
          </Tag>
        </Tooltip>
      )}
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
  const missing = rows.filter((c) => missingHolidayYear(c) !== null);

  const columns: TableColumnsType<Calendar> = [
    {
      title: t('calendars.name'),
      key: 'name',
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
    { title: t('calendars.hours'), key: 'hours', render: (_, c) => weeklySummary(c, t) },
    { title: t('calendars.exceptionCount'), dataIndex: 'exceptionCount', width: 110, align: 'right' },
    { title: t('calendars.lastYear'), key: 'lastYear', width: 220, render: (_, c) => <HolidayYearCell calendar={c} /> },
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
      {missing.length > 0 && (
        <Alert
          type="warning"
          showIcon
          className="page-alert"
          data-testid="missing-year-alert"
          title={t('calendars.missingYearTitle', { year: missingHolidayYear(missing[0]!) ?? '' })}
          description={t('calendars.missingYearText', { year: missingHolidayYear(missing[0]!) ?? '', names: missing.map((c) => calendarName(c, labels.lang)).join(t('common.listSeparator')) })}
        />
      )}
      {calendars.isError ? (
        <LoadError error={calendars.error} onRetry={() => void calendars.refetch()} />
      ) : (
        <Table<Calendar>
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
