/**
 * The calendar's weekly working hours (several intervals per weekday) and the hours of a make-up
 * working day (调休上班) that names none of its own. Saved together; the server compiles the
 * whole calendar and names what is wrong.
 */
import { CopyOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Space } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSaveCalendar } from '../../api/time-rules';
import type { Calendar } from '../../api/types';
import { errorText, showSuccess } from '../../components/feedback';
import { WEEKDAYS, weekdayName, type Interval } from './calendar-text';
import { IntervalList, intervalProblem } from './interval-list';

type Weekly = Record<string, Interval[]>;

const sameHours = (a: Weekly, b: Weekly) => WEEKDAYS.every((d) => JSON.stringify(a[d] ?? []) === JSON.stringify(b[d] ?? []));

export function WeeklyHours({ calendar, editable }: { calendar: Calendar; editable: boolean }) {
  const { t } = useTranslation();
  const save = useSaveCalendar(calendar.id);
  const [weekly, setWeekly] = useState<Weekly>(calendar.weekly);
  const [workday, setWorkday] = useState<Interval[]>(calendar.defaultWorkday);
  const [serverError, setServerError] = useState<string | null>(null);
  useEffect(() => {
    setWeekly(calendar.weekly);
    setWorkday(calendar.defaultWorkday);
  }, [calendar.weekly, calendar.defaultWorkday]);

  const dirty = !sameHours(weekly, calendar.weekly) || JSON.stringify(workday) !== JSON.stringify(calendar.defaultWorkday);
  const problems = useMemo(() => {
    const found: string[] = [];
    for (const day of WEEKDAYS) {
      const p = intervalProblem(weekly[day] ?? [], t);
      if (p) found.push(`${weekdayName(day, t)}：${p}`);
    }
    const p = intervalProblem(workday, t);
    if (p) found.push(`${t('calendars.defaultWorkday')}：${p}`);
    return found;
  }, [weekly, workday, t]);

  const submit = async () => {
    setServerError(null);
    const clean = Object.fromEntries(WEEKDAYS.map((d) => [d, weekly[d] ?? []]).filter(([, list]) => (list as Interval[]).length));
    try {
      await save.mutateAsync({ weekly: clean, defaultWorkday: workday });
      showSuccess(t('calendars.hoursSaved'));
    } catch (error) {
      setServerError(errorText(error));
    }
  };

  const copyMonday = () => {
    const monday = weekly['1'] ?? [];
    setWeekly({ ...weekly, 2: monday, 3: monday, 4: monday, 5: monday });
  };

  return (
    <Card
      size="small"
      title={t('calendars.weeklyHours')}
      className="section-card"
      data-testid="weekly-hours"
      extra={
        editable && (
          <Button size="small" type="link" icon={<CopyOutlined />} onClick={copyMonday}>
            {t('calendars.copyMonday')}
          </Button>
        )
      }
    >
      <table className="hours-table">
        <tbody>
          {WEEKDAYS.map((day) => (
            <tr key={day}>
              <th>{weekdayName(day, t)}</th>
              <td>
                <IntervalList value={weekly[day] ?? []} onChange={(list) => setWeekly({ ...weekly, [day]: list })} disabled={!editable} testId={`hours-${day}`} />
              </td>
            </tr>
          ))}
          <tr className="hours-default">
            <th>{t('calendars.defaultWorkday')}</th>
            <td>
              <IntervalList value={workday} onChange={setWorkday} disabled={!editable} emptyText={t('calendars.noDefaultWorkday')} testId="hours-default" />
              <div className="muted hours-hint">{t('calendars.defaultWorkdayHint')}</div>
            </td>
          </tr>
        </tbody>
      </table>
      {problems.length > 0 && <Alert type="error" showIcon title={problems.join('；')} className="hours-alert" />}
      {serverError && <Alert type="error" showIcon title={serverError} className="hours-alert" data-testid="hours-error" />}
      {editable && (
        <Space className="hours-actions">
          <Button
            onClick={() => {
              setWeekly(calendar.weekly);
              setWorkday(calendar.defaultWorkday);
              setServerError(null);
            }}
            disabled={!dirty}
          >
            {t('common.reset')}
          </Button>
          <Button type="primary" onClick={() => void submit()} disabled={!dirty || problems.length > 0} loading={save.isPending} data-testid="hours-save">
            {t('calendars.saveHours')}
          </Button>
        </Space>
      )}
    </Card>
  );
}
