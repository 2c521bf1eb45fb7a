/**
 * 管理 → 定时任务 (/admin/jobs): every scheduled job with its schedule in words, state, last and
 * next run, and its recent runs; "立即运行" asks any server process to run it within a second or
 * so (recorded as manual), the switch enables or disables its schedule. A table on wider screens,
 * one card per job on a phone. Refreshed every few seconds while open.
 */
import { PlayCircleOutlined } from '@ant-design/icons';
import { Button, Empty, Switch, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useNarrow } from '../../components/use-narrow';
import type { JobRunView, JobView } from '../../../../common/api/jobs';
import { useJobs, useRunJob, useSetJobEnabled } from '../../api/jobs';
import { showSuccess } from '../../components/feedback';
import { LoadError, LoadingRows, NotFoundPage } from '../../components/states';
import { DateTime, RelativeTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useCan } from '../auth/session';
import { formatDuration, jobLabel, jobState, RUN_COLORS, scheduleText, STATE_COLORS } from './job-text';
import './jobs.css';

export function JobsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('jobs.title'));
  const can = useCan();
  const allowed = can('jobs.manage');
  const jobs = useJobs(allowed);
  const narrow = useNarrow();

  if (!allowed) return <NotFoundPage />;
  const items = jobs.data?.items ?? [];

  return (
    <div className="page-card" data-testid="jobs-page">
      <div className="page-title-row">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('jobs.title')}
        </Typography.Title>
      </div>
      <Typography.Text type="secondary" className="jobs-intro">
        {t('jobs.intro')}
      </Typography.Text>
      {jobs.isError ? (
        <LoadError error={jobs.error} onRetry={() => void jobs.refetch()} />
      ) : narrow ? (
        <div className="job-cards" data-testid="job-cards">
          {jobs.isPending ? <LoadingRows /> : items.length === 0 ? <Empty description={t('jobs.empty')} /> : items.map((job) => <JobCard key={job.name} job={job} />)}
        </div>
      ) : (
        <JobTable items={items} loading={jobs.isPending} />
      )}
    </div>
  );
}

function JobName({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const label = jobLabel(job, t);
  return (
    <>
      <span className="job-name">{label ?? job.name}</span>
      {label && <span className="job-key">{job.name}</span>}
      {job.handler !== job.name && <span className="job-key">{t('jobs.handler', { handler: job.handler })}</span>}
    </>
  );
}

function Schedule({ job }: { job: JobView }) {
  const { t } = useTranslation();
  return (
    <>
      <span>{scheduleText(job.schedule, t)}</span>
      {job.schedule.kind === 'cron' && <span className="job-tz">{job.schedule.timeZone}</span>}
    </>
  );
}

function StateTag({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const state = jobState(job);
  const tag = (
    <Tag color={STATE_COLORS[state]} data-testid="job-state">
      {t(`jobs.states.${state}`)}
    </Tag>
  );
  return (
    <span>
      {job.runningOn ? <Tooltip title={t('jobs.runningOn', { owner: job.runningOn })}>{tag}</Tooltip> : tag}
      {!job.enabled && <Tag data-testid="job-disabled">{t('jobs.states.disabled')}</Tag>}
    </span>
  );
}

function LastRun({ job }: { job: JobView }) {
  const { t } = useTranslation();
  if (!job.lastStartedAt) return <span className="muted">{t('jobs.never')}</span>;
  return (
    <>
      <RelativeTime value={job.lastStartedAt} />
      {job.lastDurationMs !== null && !job.running && <span className="job-sub">{t('jobs.took', { duration: formatDuration(job.lastDurationMs, t) })}</span>}
      {job.lastStatus === 'error' && job.lastError && (
        <Tooltip title={job.lastError} styles={{ root: { maxWidth: 480 } }}>
          <Typography.Text type="danger" className="job-error" data-testid="job-last-error">
            {job.lastError}
          </Typography.Text>
        </Tooltip>
      )}
    </>
  );
}

function NextRun({ job }: { job: JobView }) {
  const { t } = useTranslation();
  if (job.runRequestedAt) return <span>{t('jobs.requested')}</span>;
  if (!job.nextRunAt) return <span className="muted">{job.schedule.kind === 'once' && job.lastStatus ? t('jobs.done') : '—'}</span>;
  if (!job.enabled) return <span className="muted">{t('jobs.paused')}</span>;
  return <RelativeTime value={job.nextRunAt} />;
}

function RunNowButton({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const run = useRunJob();
  const label = jobLabel(job, t) ?? job.name;
  return (
    <Button
      size="small"
      icon={<PlayCircleOutlined />}
      disabled={Boolean(job.runRequestedAt)}
      loading={run.isPending}
      onClick={() => run.mutate(job.name, { onSuccess: () => showSuccess(t('jobs.runQueued', { name: label })) })}
      data-testid="job-run"
    >
      {t('jobs.runNow')}
    </Button>
  );
}

function EnabledSwitch({ job }: { job: JobView }) {
  const { t } = useTranslation();
  const save = useSetJobEnabled();
  const label = jobLabel(job, t) ?? job.name;
  return (
    <Switch
      checked={job.enabled}
      loading={save.isPending}
      onChange={(enabled) => save.mutate({ name: job.name, enabled }, { onSuccess: () => showSuccess(t(enabled ? 'jobs.enabledOn' : 'jobs.enabledOff', { name: label })) })}
      aria-label={t('jobs.switchLabel', { name: label })}
      data-testid="job-enabled"
    />
  );
}

function RecentRuns({ runs, t }: { runs: JobRunView[]; t: TFunction }) {
  if (!runs.length) return <span className="muted">{t('jobs.noRuns')}</span>;
  return (
    <div className="job-runs" data-testid="job-runs">
      {runs.map((run) => (
        <div className="job-run" key={run.id}>
          <Tag color={RUN_COLORS[run.status]}>{t(`jobs.states.${run.status}`)}</Tag>
          <Tooltip title={t('jobs.slot')}>
            <span>
              <DateTime value={run.slot} />
            </span>
          </Tooltip>
          {run.durationMs !== null && <span>{formatDuration(run.durationMs, t)}</span>}
          {run.manual && <Tag color="purple">{t('jobs.manual')}</Tag>}
          {run.owner && <span className="job-run-owner">{run.owner}</span>}
          {run.error && <span className="job-run-error">{run.error}</span>}
        </div>
      ))}
    </div>
  );
}

function JobTable({ items, loading }: { items: JobView[]; loading: boolean }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<JobView> = [
    { title: t('jobs.name'), key: 'name', width: 200, render: (_, job) => <JobName job={job} /> },
    { title: t('jobs.schedule'), key: 'schedule', width: 150, render: (_, job) => <Schedule job={job} /> },
    { title: t('jobs.status'), key: 'status', width: 130, render: (_, job) => <StateTag job={job} /> },
    { title: t('jobs.lastRun'), key: 'last', width: 170, render: (_, job) => <LastRun job={job} /> },
    { title: t('jobs.nextRun'), key: 'next', width: 120, render: (_, job) => <NextRun job={job} /> },
    { title: t('jobs.runCount'), dataIndex: 'runCount', width: 84, align: 'right' },
    { title: t('jobs.enabled'), key: 'enabled', width: 70, align: 'center', render: (_, job) => <EnabledSwitch job={job} /> },
    { title: t('common.actions'), key: 'actions', width: 110, render: (_, job) => <RunNowButton job={job} /> },
  ];
  return (
    <Table<JobView>
      size="small"
      rowKey="name"
      columns={columns}
      dataSource={items}
      loading={loading}
      pagination={false}
      tableLayout="fixed"
      scroll={{ x: 1034 }}
      expandable={{ expandedRowRender: (job) => <RecentRuns runs={job.recentRuns} t={t} />, rowExpandable: () => true }}
      data-testid="job-table"
      locale={{ emptyText: loading ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('jobs.empty')} /> }}
    />
  );
}

function JobCard({ job }: { job: JobView }) {
  const { t } = useTranslation();
  return (
    <div className="job-card" data-state={jobState(job)} data-testid="job-card">
      <div className="job-card-head">
        <div style={{ minWidth: 0 }}>
          <JobName job={job} />
        </div>
        <StateTag job={job} />
      </div>
      <dl className="job-card-facts">
        <dt>{t('jobs.schedule')}</dt>
        <dd>
          <Schedule job={job} />
        </dd>
        <dt>{t('jobs.lastRun')}</dt>
        <dd>
          <LastRun job={job} />
        </dd>
        <dt>{t('jobs.nextRun')}</dt>
        <dd>
          <NextRun job={job} />
        </dd>
        <dt>{t('jobs.runCount')}</dt>
        <dd>{job.runCount}</dd>
      </dl>
      <div className="job-card-actions">
        <span style={{ display: 'inline-flex', alignItems: 'center', gap: 8 }}>
          <EnabledSwitch job={job} />
          <span aria-hidden>{t('jobs.enabled')}</span>
        </span>
        <RunNowButton job={job} />
      </div>
      <details>
        <summary>{t('jobs.recentRuns')}</summary>
        <RecentRuns runs={job.recentRuns} t={t} />
      </details>
    </div>
  );
}
