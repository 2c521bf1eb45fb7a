/**
 * /contracts/:id (合同详情): the contract's terms, where it stands in its period (elapsed bar, days
 * left, renewal reminders already sent), what it covers (devices link to their pages), the signed
 * files (upload, download, delete), edit and terminate.
 */
import { ArrowLeftOutlined, EditOutlined, StopOutlined } from '@ant-design/icons';
import { Button, DatePicker, Descriptions, Empty, Form, Progress, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useContract, useSaveContract, type ContractDetail } from '../../api/contracts';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { PageSkeleton, RecordLoadError } from '../../components/states';
import { DateTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useCan } from '../auth/session';
import { ContractAttachments } from './contract-attachments';
import { ContractModal } from './contract-modal';
import { ContractStateTag, daysUntil, periodElapsed, periodText, policyText, priceText, useCoverageText } from './contract-parts';
import './contract-pages.css';

function TerminateModal({ contract, open, onClose }: { contract: ContractDetail; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ terminatedOn: Dayjs }>();
  const save = useSaveContract(contract.id);
  return (
    <FormModal
      form={form}
      open={open}
      title={t('contracts.terminateTitle', { number: contract.number })}
      okText={t('contracts.terminate')}
      okButtonProps={{ danger: true }}
      onClose={onClose}
      onSubmit={async (v) => {
        await save.mutateAsync({ status: 'terminated', terminatedOn: v.terminatedOn.format('YYYY-MM-DD') });
        showSuccess(t('contracts.terminated'));
      }}
      pending={save.isPending}
      intro={<Typography.Paragraph type="secondary">{t('contracts.terminateHint')}</Typography.Paragraph>}
    >
      <Form.Item name="terminatedOn" label={t('contracts.terminatedOn')} initialValue={dayjs()} rules={[{ required: true, message: t('common.required') }]}>
        <DatePicker style={{ width: '100%' }} />
      </Form.Item>
    </FormModal>
  );
}

/** Where the contract stands in its period: elapsed share, days left (or since it ended), reminders sent. */
function RenewalPanel({ contract }: { contract: ContractDetail }) {
  const { t } = useTranslation();
  const left = daysUntil(contract.endsOn);
  const toStart = daysUntil(contract.startsOn);
  const color = contract.state === 'expired' ? '#cf1322' : contract.state === 'expiring' ? '#d46b08' : undefined;
  return (
    <div className="contract-renewal" data-testid="contract-renewal">
      <div className="contract-renewal-head">
        <span className="muted">{periodText(contract)}</span>
        <span style={{ color, fontWeight: 600 }} data-testid="contract-days-left">
          {contract.status === 'terminated'
            ? t('contracts.terminatedOnText', { day: contract.terminatedOn ?? '—' })
            : toStart > 0
              ? t('contracts.startsIn', { count: toStart })
              : left >= 0
                ? t('contracts.daysLeft', { count: left })
                : t('contracts.endedDaysAgo', { count: -left })}
        </span>
      </div>
      <Progress percent={periodElapsed(contract)} showInfo={false} strokeColor={color} size="small" />
      <div className="contract-renewal-reminders">
        <span className="muted">{t('contracts.remindersSent')}：</span>
        {contract.remindersSent.length === 0 ? (
          <span className="muted">{t('contracts.noReminders')}</span>
        ) : (
          contract.remindersSent.map((r) => (
            <Tag key={`${r.daysBefore}-${r.sentAt}`}>
              {t('contracts.reminderLine', { days: r.daysBefore })} · <DateTime value={r.sentAt} />
            </Tag>
          ))
        )}
      </div>
    </div>
  );
}

function Coverage({ contract }: { contract: ContractDetail }) {
  const { t } = useTranslation();
  const can = useCan();
  if (contract.scope === 'customer') return <Typography.Paragraph>{t('contracts.coverageAllText', { name: contract.customer.name })}</Typography.Paragraph>;
  const { devices, sites, products } = contract.coverage;
  if (!devices.length && !sites.length && !products.length) return <Typography.Paragraph type="secondary">{t('contracts.coverageNothing')}</Typography.Paragraph>;
  return (
    <div className="contract-coverage" data-testid="contract-coverage">
      {devices.length > 0 && (
        <div className="contract-coverage-group">
          <div className="contract-coverage-label">{t('contracts.devicesCount', { count: devices.length })}</div>
          <Table
            size="small"
            rowKey="id"
            pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
            dataSource={devices}
            columns={[
              {
                title: t('contracts.serial'),
                dataIndex: 'serial',
                render: (serial: string, d) => (can('installed_base.read') ? <Link to={`/devices/${d.id}`} className="mono">{serial}</Link> : <span className="mono">{serial}</span>),
              },
              { title: t('contracts.product'), dataIndex: 'product' },
            ]}
          />
        </div>
      )}
      {sites.length > 0 && (
        <div className="contract-coverage-group">
          <div className="contract-coverage-label">{t('contracts.sitesCount', { count: sites.length })}</div>
          {sites.map((s) => (
            <Tag key={s.id}>{s.name}</Tag>
          ))}
        </div>
      )}
      {products.length > 0 && (
        <div className="contract-coverage-group">
          <div className="contract-coverage-label">{t('contracts.productsCount', { count: products.length })}</div>
          {products.map((p) => (
            <Tag key={p.id}>{`${p.model} ${p.name}`}</Tag>
          ))}
        </div>
      )}
    </div>
  );
}

export function ContractPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const can = useCan();
  const contract = useContract(id);
  const coverageText = useCoverageText();
  const [editing, setEditing] = useState(false);
  const [terminating, setTerminating] = useState(false);
  useDocumentTitle(contract.data ? `${contract.data.number} ${contract.data.title}` : undefined);

  if (contract.isPending) return <PageSkeleton />;
  if (contract.isError) {
    return <RecordLoadError error={contract.error} onRetry={() => void contract.refetch()} title={t('contracts.notFound')} backTo="/contracts" backLabel={t('contracts.title')} />;
  }
  const c = contract.data;
  const mayWrite = can('contracts.write');
  const none = <span className="muted">—</span>;

  return (
    <div className="contract-page" data-testid="contract-page">
      <div className="page-card">
        <Link to="/contracts" className="back-link">
          <ArrowLeftOutlined /> {t('contracts.title')}
        </Link>
        <div className="page-title-row">
          <div className="contract-heading">
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="contract-heading">
              <span className="mono">{c.number}</span> {c.title}
            </Typography.Title>
            <ContractStateTag contract={c} />
          </div>
          {mayWrite && (
            <Space wrap>
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="contract-edit">
                {t('common.edit')}
              </Button>
              {c.status !== 'terminated' && (
                <Button danger icon={<StopOutlined />} onClick={() => setTerminating(true)} data-testid="contract-terminate">
                  {t('contracts.terminate')}
                </Button>
              )}
            </Space>
          )}
        </div>
        <RenewalPanel contract={c} />
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            { key: 'customer', label: t('contracts.customer'), children: <Link to={`/customers/${c.customer.id}`}>{c.customer.name}</Link> },
            { key: 'status', label: t('contracts.status'), children: t(`contracts.statuses.${c.status}`) + (c.terminatedOn ? `（${c.terminatedOn}）` : '') },
            { key: 'coverage', label: t('contracts.coverage'), children: coverageText(c) },
            { key: 'sla', label: t('contracts.slaPolicy'), children: policyText(c.slaPolicy, i18n.language) ?? <span className="muted">{t('contracts.slaPolicyUnset')}</span> },
            { key: 'onsite', label: t('contracts.onsiteCalendar'), children: c.onsiteCalendar?.name ?? none },
            { key: 'phone', label: t('contracts.phoneCalendar'), children: c.phoneCalendar?.name ?? none },
            { key: 'visits', label: t('contracts.includedVisits'), children: c.includedVisits ?? none },
            { key: 'inspection', label: t('contracts.inspectionFrequency'), children: t(`contracts.inspection.${c.inspectionFrequency}`) },
            { key: 'price', label: t('contracts.price'), children: priceText(c) ?? none },
            { key: 'resident', label: t('contracts.residentEngineers'), children: c.residentEngineers.length ? c.residentEngineers.map((u) => u.name).join(t('common.listSeparator')) : none },
            { key: 'am', label: t('contracts.accountManager'), children: c.accountManager?.name ?? none },
            { key: 'updated', label: t('contracts.updatedAt'), children: <DateTime value={c.updatedAt} /> },
            ...(c.notes ? [{ key: 'notes', label: t('contracts.notes'), children: <span className="pre-wrap">{c.notes}</span>, span: 3 }] : []),
          ]}
        />
      </div>
      <div className="page-card">
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('contracts.coverage')}
        </Typography.Title>
        <Coverage contract={c} />
      </div>
      <div className="page-card">
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {t('contracts.attachments')}
        </Typography.Title>
        <ContractAttachments contract={c} writable={mayWrite} />
        {c.attachments.length === 0 && !mayWrite && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('contracts.noAttachments')} />}
      </div>
      <ContractModal contract={c} open={editing} onClose={() => setEditing(false)} />
      <TerminateModal contract={c} open={terminating} onClose={() => setTerminating(false)} />
    </div>
  );
}
