/**
 * A year at a glance: how many holidays and make-up days each recent year has (a year that looks
 * missing or half entered stands out; clicking one shows it), twelve months, statutory holidays (休)
 * in red and make-up working days (班) in blue with their names, weekends greyed by the weekly hours.
 * Clicking a day adds or edits its exception; the list below shows the year's exceptions with their source.
 */
import { DeleteOutlined, EditOutlined, LeftOutlined, PlusOutlined, RightOutlined } from '@ant-design/icons';
import { Button, Card, Empty, Popconfirm, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRemoveException } from '../../api/time-rules';
import type { CalendarDetail, CalendarException } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { intervalsText, weekdayName, WEEKDAYS, yearIssueText, type YearIssue } from './calendar-text';
import { ExceptionModal } from './exception-modal';

function Month({
  year,
  month,
  byDate,
  weekly,
  onPick,
}: {
  year: number;
  month: number;
  byDate: Map<string, CalendarException>;
  weekly: CalendarDetail['weekly'];
  onPick?: (date: string) => void;
}) {
  const { t } = useTranslation();
  const first = dayjs(`${year}-${String(month).padStart(2, '0')}-01`);
  const offset = (first.day() + 6) % 7; // Monday first
  const days = first.daysInMonth();
  const today = dayjs().format('YYYY-MM-DD');
  const cells: React.ReactNode[] = [];
  for (let i = 0; i < offset; i++) cells.push(<span key={`pad${i}`} className="cal-day cal-day-pad" />);
  for (let d = 1; d <= days; d++) {
    const date = first.date(d).format('YYYY-MM-DD');
    const weekday = ((first.date(d).day() + 6) % 7) + 1;
    const exception = byDate.get(date);
    const off = !(weekly[String(weekday)] ?? []).length;
    const cls = ['cal-day', exception ? `cal-day-${exception.kind}` : off ? 'cal-day-off' : '', date === today ? 'cal-day-today' : ''].filter(Boolean).join(' ');
    const title = exception
      ? `${date} ${exception.name ?? ''} · ${exception.kind === 'holiday' ? t('calendars.holiday') : t('calendars.workday')}${exception.intervals?.length ? ` ${intervalsText(exception.intervals)}` : ''}`
      : date;
    cells.push(
      <button
        type="button"
        key={date}
        className={cls}
        title={title}
        data-date={date}
        data-kind={exception?.kind ?? (off ? 'off' : 'work')}
        onClick={onPick ? () => onPick(date) : undefined}
        disabled={!onPick}
      >
        <span className="cal-day-number">{d}</span>
        {exception && <span className="cal-day-mark">{exception.kind === 'holiday' ? t('calendars.holidayShort') : t('calendars.workdayShort')}</span>}
      </button>,
    );
  }
  return (
    <div className="cal-month">
      <div className="cal-month-title">{t(`calendars.month.${month}` as 'calendars.month.1')}</div>
      <div className="cal-grid">
        {WEEKDAYS.map((w) => (
          <span key={w} className="cal-weekday">
            {t(`calendars.weekdayShort.${w}` as 'calendars.weekdayShort.1')}
          </span>
        ))}
        {cells}
      </div>
    </div>
  );
}

/** Years shown before the current one until "earlier years" is clicked. */
const RECENT_PAST_YEARS = 2;

/** Holidays and make-up days entered per year, from a little before this year to the last one entered. */
function YearSummary({ calendar, issues, year, onYear }: { calendar: CalendarDetail; issues: readonly YearIssue[]; year: number; onYear: (year: number) => void }) {
  const { t } = useTranslation();
  const [all, setAll] = useState(false);
  const current = new Date().getFullYear();
  const byYear = new Map(calendar.years.map((y) => [y.year, y]));
  const issueOf = new Map(issues.map((i) => [i.year, i]));
  const first = Math.min(current, ...calendar.years.map((y) => y.year));
  const last = Math.max(current + 1, ...calendar.years.map((y) => y.year));
  const recentFrom = Math.max(first, current - RECENT_PAST_YEARS);
  const from = all ? first : recentFrom;
  const years = Array.from({ length: last - from + 1 }, (_, i) => from + i);
  return (
    <div className="cal-year-summary" data-testid="year-summary">
      <span className="cal-year-summary-label muted">{t('calendars.yearSummary')}</span>
      {first < recentFrom && (
        <Button type="link" size="small" onClick={() => setAll(!all)} data-testid="year-summary-earlier">
          {all ? t('calendars.fewerYears') : t('calendars.earlierYears', { from: first, to: recentFrom - 1 })}
        </Button>
      )}
      {years.map((y) => {
        const counts = byYear.get(y) ?? { holidays: 0, workdays: 0 };
        const issue = issueOf.get(y);
        const state = issue ? (issue.missing ? 'missing' : 'incomplete') : counts.holidays + counts.workdays ? 'ok' : 'empty';
        return (
          <Tooltip key={y} title={issue ? yearIssueText(issue, t) : t('calendars.yearCounts', counts)}>
            <button
              type="button"
              className={`cal-year-chip cal-year-chip-${state}${y === year ? ' cal-year-chip-active' : ''}`}
              onClick={() => onYear(y)}
              aria-pressed={y === year}
              data-testid="year-chip"
              data-year={y}
              data-state={state}
            >
              <span className="cal-year-chip-year">{y}</span>
              <span className="cal-year-chip-counts">{t('calendars.yearChipCounts', counts)}</span>
            </button>
          </Tooltip>
        );
      })}
    </div>
  );
}

export function YearView({
  calendar,
  issues,
  year,
  onYear,
  editable,
}: {
  calendar: CalendarDetail;
  /** From holidayYearIssues: years from this one on that look missing or half entered. */
  issues: readonly YearIssue[];
  year: number;
  onYear: (year: number) => void;
  editable: boolean;
}) {
  const { t } = useTranslation();
  const remove = useRemoveException(calendar.id);
  const [dialog, setDialog] = useState<{ date: string | null; exception: CalendarException | null } | null>(null);
  const exceptions = useMemo(() => calendar.exceptions.filter((e) => e.date.startsWith(`${year}-`)), [calendar.exceptions, year]);
  const byDate = useMemo(() => new Map(exceptions.map((e) => [e.date, e])), [exceptions]);
  const holidays = exceptions.filter((e) => e.kind === 'holiday').length;
  const issue = issues.find((i) => i.year === year);

  const columns: TableColumnsType<CalendarException> = [
    { title: t('calendars.date'), dataIndex: 'date', width: 150, render: (d: string) => `${d} ${weekdayName(((dayjs(d).day() + 6) % 7) + 1, t)}` },
    {
      title: t('calendars.kind'),
      dataIndex: 'kind',
      width: 110,
      render: (k: CalendarException['kind']) => <Tag color={k === 'holiday' ? 'red' : 'blue'}>{k === 'holiday' ? t('calendars.holiday') : t('calendars.workday')}</Tag>,
    },
    { title: t('calendars.exceptionName'), dataIndex: 'name', render: (n: string | null) => n ?? <span className="muted">—</span> },
    {
      title: t('calendars.ownHours'),
      dataIndex: 'intervals',
      render: (list: CalendarException['intervals'], e) => (e.kind === 'holiday' ? <span className="muted">—</span> : list?.length ? intervalsText(list) : <span className="muted">{t('calendars.usesDefault')}</span>),
    },
    { title: t('calendars.source'), dataIndex: 'source', width: 110, render: (s: CalendarException['source']) => t(`calendars.sources.${s}`) },
    ...(editable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 90,
            render: (_: unknown, e: CalendarException) => (
              <Space size={0}>
                <Button type="link" size="small" icon={<EditOutlined />} aria-label={t('common.edit')} onClick={() => setDialog({ date: e.date, exception: e })} />
                <Popconfirm
                  title={t('calendars.removeConfirm', { date: e.date })}
                  onConfirm={() => remove.mutate(e.id, { onSuccess: () => showSuccess(t('calendars.exceptionRemoved', { date: e.date })) })}
                  okButtonProps={{ danger: true }}
                >
                  <Button type="link" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Card
      size="small"
      className="section-card"
      data-testid="year-view"
      title={
        <Space>
          <Button size="small" type="text" icon={<LeftOutlined />} aria-label={t('calendars.previousYear')} onClick={() => onYear(year - 1)} />
          <span data-testid="year-title">{t('calendars.yearTitle', { year })}</span>
          <Button size="small" type="text" icon={<RightOutlined />} aria-label={t('calendars.nextYear')} onClick={() => onYear(year + 1)} data-testid="next-year" />
          <Typography.Text type="secondary" style={{ fontWeight: 'normal', fontSize: 12 }}>
            {t('calendars.yearCounts', { holidays, workdays: exceptions.length - holidays })}
          </Typography.Text>
        </Space>
      }
      extra={
        <Space size={12}>
          <span className="cal-legend">
            <span className="cal-swatch cal-day-holiday" /> {t('calendars.holiday')}
            <span className="cal-swatch cal-day-workday" /> {t('calendars.workday')}
            <span className="cal-swatch cal-day-off" /> {t('calendars.weekend')}
          </span>
          {editable && (
            <Button size="small" icon={<PlusOutlined />} onClick={() => setDialog({ date: null, exception: null })} data-testid="add-exception">
              {t('calendars.addException')}
            </Button>
          )}
        </Space>
      }
    >
      <YearSummary calendar={calendar} issues={issues} year={year} onYear={onYear} />
      {issue && (
        <div className="cal-missing" data-testid="year-missing">
          {issue.missing ? t('calendars.yearMissing', { year }) : yearIssueText(issue, t)}
        </div>
      )}
      <div className="cal-year">
        {Array.from({ length: 12 }, (_, i) => (
          <Month
            key={i}
            year={year}
            month={i + 1}
            byDate={byDate}
            weekly={calendar.weekly}
            onPick={editable ? (date) => setDialog({ date, exception: byDate.get(date) ?? null }) : undefined}
          />
        ))}
      </div>
      <Table<CalendarException>
        size="small"
        rowKey="id"
        columns={columns}
        dataSource={exceptions}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        className="cal-exceptions"
        data-testid="exception-table"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('calendars.noExceptions', { year })} /> }}
      />
      {editable && (
        <ExceptionModal
          calendar={calendar}
          date={dialog?.date ?? null}
          exception={dialog?.exception ?? null}
          defaultYear={year}
          open={dialog !== null}
          onClose={() => setDialog(null)}
        />
      )}
    </Card>
  );
}
