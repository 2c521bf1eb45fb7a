/**
 * /devices/import (导入设备): a 3-step wizard — choose a spreadsheet (drag & drop, template link,
 * upload progress), check the preview (counts, the rows with errors in Chinese with a CSV to fix
 * the file, the first rows as they will be imported), then import with a progress bar polled
 * every 500 ms until done or failed. The import's id stays in the URL (?id=), so a reload or a
 * link comes back to the same step.
 */
import { ArrowLeftOutlined, DownloadOutlined, InboxOutlined, ReloadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Progress, Result, Space, Statistic, Steps, Table, Tag, Typography, Upload, type TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import {
  DEVICE_IMPORT_MAX_ROWS,
  DEVICE_IMPORT_TEMPLATE_URL,
  uploadDeviceImport,
  useDeviceImport,
  useRunDeviceImport,
  type DeviceImport,
  type DeviceImportError,
} from '../../api/device-import';
import { errorText, showError } from '../../components/feedback';
import { LoadError, NotFoundPage, PageSpin } from '../../components/states';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useCan } from '../auth/session';

type PreviewRow = DeviceImport['preview'][number];

function useErrorText() {
  const { t, i18n } = useTranslation();
  return (e: DeviceImportError) => (i18n.exists(`deviceImport.errorKeys.${e.key}`) ? t(`deviceImport.errorKeys.${e.key}` as 'deviceImport.errorKeys.unknown') : t('deviceImport.errorKeys.unknown'));
}

/** The rows with errors as a CSV (UTF-8 with BOM, so Excel opens the Chinese right). */
function downloadErrors(item: DeviceImport, text: (e: DeviceImportError) => string, headers: [string, string, string]) {
  const quote = (v: string | number | null) => {
    const s = String(v ?? '');
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const lines = [[...headers, 'Message'], ...item.errors.map((e) => [e.row, e.column, text(e), e.message])].map((r) => r.map(quote).join(','));
  const blob = new Blob([`\ufeff${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${item.filename.replace(/\.[^.]+$/, '')}-errors.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(url);
}

function ErrorsTable({ item }: { item: DeviceImport }) {
  const { t } = useTranslation();
  const text = useErrorText();
  const narrow = useNarrow();
  const columns: TableColumnsType<DeviceImportError> = [
    { title: t('deviceImport.row'), dataIndex: 'row', width: narrow ? 56 : 80 },
    { title: t('deviceImport.column'), dataIndex: 'column', width: narrow ? 84 : 140, render: (c: string | null) => c ?? '—' },
    { title: t('deviceImport.problem'), key: 'problem', render: (_, e) => <span title={e.message}>{text(e)}</span> },
  ];
  return (
    <div data-testid="device-import-errors">
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', gap: 8, marginBottom: 8 }}>
        <Typography.Text strong>
          {t('deviceImport.errorsTitle')} <Tag color="red">{item.errors.length}</Tag>
        </Typography.Text>
        <Button
          size="small"
          icon={<DownloadOutlined />}
          onClick={() => downloadErrors(item, text, [t('deviceImport.row'), t('deviceImport.column'), t('deviceImport.problem')])}
          data-testid="device-import-download-errors"
        >
          {t('deviceImport.downloadErrors')}
        </Button>
      </div>
      <Table
        size="small"
        rowKey={(e) => `${e.row}:${e.column}:${e.key}`}
        columns={columns}
        dataSource={item.errors}
        pagination={item.errors.length > 10 ? { pageSize: 10, size: 'small', showSizeChanger: false } : false}
      />
    </div>
  );
}

function PreviewTable({ item }: { item: DeviceImport }) {
  const { t } = useTranslation();
  const narrow = useNarrow();
  const status = (s: PreviewRow['status']) => t(`devices.statuses.${s}`);
  if (narrow) {
    return (
      <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }} data-testid="device-import-preview">
        {item.preview.map((r) => (
          <Card key={r.row} size="small">
            <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
              <Typography.Text strong style={{ overflowWrap: 'anywhere' }}>
                {r.serial}
              </Typography.Text>
              <span className="muted">{t('deviceImport.row')} {r.row}</span>
            </div>
            <div style={{ overflowWrap: 'anywhere' }}>{r.product}</div>
            <div className="muted" style={{ overflowWrap: 'anywhere' }}>
              {[r.customer, r.site, r.location].filter(Boolean).join(' · ')}
            </div>
            <div className="muted" style={{ fontSize: 12 }}>
              {[r.installedOn, r.warrantyEndsOn && `${t('devices.warrantyEndsOn')} ${r.warrantyEndsOn}`, status(r.status)].filter(Boolean).join(' · ')}
            </div>
          </Card>
        ))}
      </div>
    );
  }
  const columns: TableColumnsType<PreviewRow> = [
    { title: t('deviceImport.row'), dataIndex: 'row', width: 64 },
    { title: t('devices.serial'), dataIndex: 'serial', width: 170, ellipsis: true },
    { title: t('devices.product'), dataIndex: 'product', width: 180, ellipsis: true },
    { title: t('devices.customer'), dataIndex: 'customer', width: 180, ellipsis: true },
    { title: t('devices.siteAndLocation'), key: 'site', ellipsis: true, render: (_, r) => [r.site, r.location].filter(Boolean).join(' · ') || '—' },
    { title: t('devices.installedOn'), dataIndex: 'installedOn', width: 110, render: (d: string | null) => d ?? '—' },
    { title: t('devices.warrantyEndsOn'), dataIndex: 'warrantyEndsOn', width: 110, render: (d: string | null) => d ?? '—' },
    { title: t('devices.status'), dataIndex: 'status', width: 90, render: status },
  ];
  return <Table size="small" rowKey="row" columns={columns} dataSource={item.preview} pagination={false} scroll={{ x: 1000 }} data-testid="device-import-preview" />;
}

function ChooseStep({ onChecked }: { onChecked: (item: DeviceImport) => void }) {
  const { t } = useTranslation();
  const [upload, setUpload] = useState<{ name: string; percent: number } | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      {failure && <Alert type="error" showIcon title={failure} data-testid="device-import-refused" closable onClose={() => setFailure(null)} />}
      <div data-testid="device-import-upload">
      <Upload.Dragger
        accept=".xlsx,.csv"
        showUploadList={false}
        multiple={false}
        disabled={upload !== null}
        customRequest={({ file, onSuccess, onError }) => {
          const f = file as File;
          setFailure(null);
          setUpload({ name: f.name, percent: 0 });
          uploadDeviceImport(f, (percent) => setUpload({ name: f.name, percent }))
            .then((item) => {
              onSuccess?.(item);
              onChecked(item);
            })
            .catch((error: unknown) => {
              onError?.(error as Error);
              setFailure(errorText(error));
            })
            .finally(() => setUpload(null));
        }}
      >
        {upload ? (
          <div style={{ padding: '0 24px' }}>
            <p>{upload.percent < 100 ? t('deviceImport.uploading', { name: upload.name }) : t('deviceImport.checking', { name: upload.name })}</p>
            <Progress percent={upload.percent} status={upload.percent < 100 ? 'active' : 'normal'} />
          </div>
        ) : (
          <>
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('deviceImport.dragText')}</p>
            <p className="ant-upload-hint">{t('deviceImport.dragHint', { max: DEVICE_IMPORT_MAX_ROWS.toLocaleString('en-US') })}</p>
          </>
        )}
      </Upload.Dragger>
      </div>
      <Space wrap>
        <Button icon={<DownloadOutlined />} href={DEVICE_IMPORT_TEMPLATE_URL} data-testid="device-import-template">
          {t('deviceImport.template')}
        </Button>
        <span className="muted">{t('deviceImport.templateHint')}</span>
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('deviceImport.columnsHint')}
      </Typography.Paragraph>
    </div>
  );
}

function PreviewStep({ item, onRechoose, onRun }: { item: DeviceImport; onRechoose: () => void; onRun: () => void }) {
  const { t } = useTranslation();
  const run = useRunDeviceImport();
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 16 }}>
      <Typography.Text type="secondary">{t('deviceImport.summary', { name: item.filename, total: item.totalRows })}</Typography.Text>
      <Space size={32} wrap data-testid="device-import-counts">
        <Statistic title={t('deviceImport.validRows')} value={item.validRows} styles={{ content: { color: '#389e0d' } }} />
        <Statistic title={t('deviceImport.errorRows')} value={new Set(item.errors.map((e) => e.row)).size} styles={{ content: { color: item.errors.length ? '#cf1322' : undefined } }} />
      </Space>
      {item.errors.length > 0 ? (
        <>
          <Alert type="warning" showIcon title={t('deviceImport.errorsHint')} />
          <ErrorsTable item={item} />
        </>
      ) : (
        <Alert type="success" showIcon title={t('deviceImport.noErrors')} />
      )}
      {item.validRows > 0 ? (
        <div>
          <Typography.Text strong style={{ display: 'block', marginBottom: 8 }}>
            {t('deviceImport.previewTitle', { count: item.preview.length })}
          </Typography.Text>
          <PreviewTable item={item} />
        </div>
      ) : (
        <Empty description={t('deviceImport.nothingToImport')} />
      )}
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: 8, justifyContent: 'flex-end' }}>
        <Button icon={<ReloadOutlined />} onClick={onRechoose} data-testid="device-import-rechoose">
          {t('deviceImport.rechoose')}
        </Button>
        <Button
          type="primary"
          disabled={item.validRows === 0}
          loading={run.isPending}
          onClick={() => run.mutate(item.id, { onSuccess: onRun, onError: showError })}
          data-testid="device-import-run"
        >
          {t('deviceImport.run', { count: item.validRows })}
        </Button>
      </div>
    </div>
  );
}

function RunStep({ item, onAnother }: { item: DeviceImport; onAnother: () => void }) {
  const { t } = useTranslation();
  if (item.status === 'running' || item.status === 'previewed') {
    const percent = item.validRows ? Math.floor((item.progress / item.validRows) * 100) : 0;
    return (
      <div style={{ maxWidth: 560, margin: '24px auto', textAlign: 'center' }} data-testid="device-import-running">
        <Typography.Title level={5}>{t('deviceImport.running', { name: item.filename })}</Typography.Title>
        <Progress percent={percent} status="active" />
        <p>{t('deviceImport.progress', { done: item.progress, total: item.validRows })}</p>
        <Typography.Text type="secondary">{t('deviceImport.runningHint')}</Typography.Text>
      </div>
    );
  }
  const actions = [
    <Link key="devices" to="/devices">
      <Button type="primary" data-testid="device-import-to-devices">
        {t('deviceImport.toDevices')}
      </Button>
    </Link>,
    <Button key="another" onClick={onAnother}>
      {t('deviceImport.another')}
    </Button>,
  ];
  if (item.status === 'failed') {
    return (
      <Result status="error" title={t('deviceImport.failed')} subTitle={item.failure ? t('deviceImport.failure', { failure: item.failure }) : undefined} extra={actions} data-testid="device-import-failed" />
    );
  }
  const skipped = new Set(item.errors.map((e) => e.row)).size;
  return (
    <div data-testid="device-import-done">
      <Result
        status="success"
        title={t('deviceImport.done')}
        subTitle={
          <>
            <div data-testid="device-import-inserted">{t('deviceImport.doneText', { count: item.inserted })}</div>
            {skipped > 0 && <div>{t('deviceImport.skipped', { count: skipped })}</div>}
          </>
        }
        extra={actions}
      />
      {item.errors.length > 0 && <ErrorsTable item={item} />}
    </div>
  );
}

export function DeviceImportPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('deviceImport.title'));
  const can = useCan();
  const narrow = useNarrow();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const id = params.get('id');
  const [uploaded, setUploaded] = useState<DeviceImport | undefined>(undefined);
  const query = useDeviceImport(can('devices.write') ? id : null, uploaded);
  const item = id ? query.data : undefined;
  const finished = item?.status === 'done';

  useEffect(() => {
    if (finished) void client.invalidateQueries({ queryKey: ['devices'] });
  }, [finished, client]);

  if (!can('devices.write')) return <NotFoundPage />;

  const step = !item ? 0 : item.status === 'previewed' ? 1 : 2;
  const choose = () => {
    setUploaded(undefined);
    setParams({}, { replace: false });
  };

  let body: React.ReactNode;
  if (id && query.isLoading) body = <PageSpin />;
  else if (id && query.isError) body = <LoadError error={query.error} onRetry={() => void query.refetch()} />;
  else if (!item) {
    body = (
      <ChooseStep
        onChecked={(checked) => {
          setUploaded(checked);
          client.setQueryData(['device-imports', checked.id], checked);
          setParams({ id: checked.id });
        }}
      />
    );
  } else if (item.status === 'previewed') body = <PreviewStep item={item} onRechoose={choose} onRun={() => void query.refetch()} />;
  else body = <RunStep item={item} onAnother={choose} />;

  return (
    <div className="page-card" data-testid="device-import-page">
      <div className="page-title-row">
        <Space wrap>
          <Link to="/devices" aria-label={t('deviceImport.back')}>
            <Button type="text" icon={<ArrowLeftOutlined />} />
          </Link>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('deviceImport.title')}
          </Typography.Title>
        </Space>
      </div>
      <Steps
        current={step}
        status={item?.status === 'done' ? 'finish' : item?.status === 'failed' ? 'error' : 'process'}
        size="small"
        style={{ marginBottom: 20 }}
        orientation="horizontal"
        responsive={false}
        className={narrow ? 'device-import-steps-narrow' : undefined}
        items={[{ title: t('deviceImport.steps.choose') }, { title: t('deviceImport.steps.preview') }, { title: t('deviceImport.steps.run') }]}
        data-testid="device-import-steps"
      />
      {body}
    </div>
  );
}
