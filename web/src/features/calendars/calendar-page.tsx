/**
 * /admin/calendars/:id — one calendar: its weekly hours and make-up-day hours, how many holidays and
 * make-up days each year has (flagging years that look missing or half entered), a year of holidays
 * and make-up days, iCal export and import, and the due-time preview.
 */
import { ArrowLeftOutlined, DownloadOutlined, EditOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Col, Modal, Row, Space, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { useCalendar, useImportIcal } from '../../api/time-rules';
import type { IcalImportResult } from '../../api/types';
import { showError } from '../../components/feedback';
import { NotFoundPage, PageSkeleton, RecordLoadError } from '../../components/states';
import { useDocumentTitle } from '../../components/use-document-title';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import { CalendarModal } from './calendar-modal';
import { calendarName, holidayYearIssues, weeklySummary, yearIssueText } from './calendar-text';
import { DuePreview } from './due-preview';
import { WeeklyHours } from './weekly-hours';
import { YearView } from './year-view';

function ImportResult({ result, onClose }: { result: IcalImportResult | null; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal open={result !== null} title={t('calendars.importDone')} onCancel={onClose} onOk={onClose} cancelButtonProps={{ style: { display: 'none' } }} destroyOnHidden>
      {result && (
        <div data-testid="import-result">
          <p>{t('calendars.importCounts', { added: result.added, updated: result.updated, unchanged: result.unchanged })}</p>
          {result.warnings.length > 0 && (
            <Alert
              type="warning"
              showIcon
              title={t('calendars.importWarnings', { count: result.warnings.length })}
              description={
                <ul className="import-warnings">
                  {result.warnings.map((w, i) => (
                    <li key={i}>{w}</li>
                  ))}
                </ul>
              }
            />
          )}
        </div>
      )}
    </Modal>
  );
}

export function CalendarPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const labels = useLabels();
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const year = Number(params.get('year')) || new Date().getFullYear();
  const calendar = useCalendar(id, year);
  const importIcal = useImportIcal(id);
  const [editing, setEditing] = useState(false);
  const [imported, setImported] = useState<IcalImportResult | null>(null);
  useDocumentTitle(calendar.data ? calendarName(calendar.data, labels.lang) : t('calendars.title'));

  if (!can('time_rules.read')) return <NotFoundPage />;
  if (calendar.isPending) return <PageSkeleton />;
  if (calendar.isError) {
    return <RecordLoadError error={calendar.error} onRetry={() => void calendar.refetch()} title={t('calendars.notFound')} backTo="/admin/calendars" backLabel={t('calendars.title')} />;
  }
  const c = calendar.data;
  const editable = can('time_rules.write');
  const issues = holidayYearIssues(c);
  const firstIssue = issues[0];

  const upload = async (file: File) => {
    try {
      setImported(await importIcal.mutateAsync(await file.text()));
    } catch (error) {
      showError(error);
    }
  };

  return (
    <div className="calendar-page" data-testid="calendar-page">
      <div className="page-card">
        <Link to="/admin/calendars" className="back-link">
          <ArrowLeftOutlined /> {t('calendars.title')}
        </Link>
        <div className="page-title-row">
          <Space size={10} wrap>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="calendar-title">
              {calendarName(c, labels.lang)}
            </Typography.Title>
            <Tag className="mono">{c.key}</Tag>
            {c.builtIn && <Tag>{t('calendars.builtIn')}</Tag>}
          </Space>
          <Space wrap>
            <Button icon={<DownloadOutlined />} href={`/api/calendars/${c.id}/ical`} download={`${c.key}.ics`} disabled={c.always}>
              {t('calendars.exportIcal')}
            </Button>
            {editable && (
              <Upload accept=".ics,text/calendar" showUploadList={false} disabled={c.always} beforeUpload={(file) => {
                  void upload(file);
                  return false;
                }}>
                <Button icon={<UploadOutlined />} loading={importIcal.isPending} disabled={c.always} data-testid="import-ical">
                  {t('calendars.importIcal')}
                </Button>
              </Upload>
            )}
            {editable && (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('common.edit')}
              </Button>
            )}
          </Space>
        </div>
        <div className="calendar-facts muted">
          {t('calendars.timeZone')} {c.timeZone} · {weeklySummary(c, t)}
        </div>
        {firstIssue && (
          <Alert
            type="warning"
            showIcon
            className="page-alert"
            data-testid="missing-year-alert"
            title={issues.map((issue) => yearIssueText(issue, t)).join(t('calendars.issueJoin'))}
            description={t('calendars.issueAdvice')}
            action={
              firstIssue.year !== year ? (
                <Button size="small" onClick={() => setParams({ year: String(firstIssue.year) }, { replace: true })}>
                  {t('calendars.showYear', { year: firstIssue.year })}
                </Button>
              ) : undefined
            }
          />
        )}
      </div>
      <Row gutter={[16, 0]}>
        <Col xs={24} xl={15}>
          {c.always ? (
            <div className="page-card muted" data-testid="always-note">
              {t('calendars.alwaysNote')}
            </div>
          ) : (
            <WeeklyHours calendar={c} editable={editable} />
          )}
        </Col>
        <Col xs={24} xl={9}>
          <DuePreview calendar={c} />
        </Col>
      </Row>
      {!c.always && (
        <YearView calendar={c} issues={issues} year={year} onYear={(y) => setParams({ year: String(y) }, { replace: true })} editable={editable} />
      )}
      <CalendarModal calendar={c} open={editing} onClose={() => setEditing(false)} />
      <ImportResult result={imported} onClose={() => setImported(null)} />
    </div>
  );
}
