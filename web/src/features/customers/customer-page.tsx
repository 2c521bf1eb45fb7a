/** /customers/:id — the organisation, its contacts and sites, and its tickets. */
import { ArrowLeftOutlined, CrownOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Descriptions, Empty, Form, Input, Table, Tabs, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useCenters } from '../../api/admin';
import { useAddSite, useCustomer } from '../../api/customers';
import { usePolicies } from '../../api/time-rules';
import type { Contact, Site } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { PageSkeleton, RecordLoadError } from '../../components/states';
import { useDocumentTitle } from '../../components/use-document-title';
import { useLabels } from '../../i18n/labels';
import { useCan } from '../auth/session';
import { policyName } from '../sla-policies/policy-text';
import { TicketQueue } from '../tickets/ticket-queue';
import { ContactModal } from './contact-modal';
import { CustomerModal } from './customer-modal';

interface SiteValues {
  name: string;
  address?: string;
  region?: string;
}

function SiteModal({ customerId, open, onClose }: { customerId: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SiteValues>();
  const add = useAddSite(customerId);
  const submit = async (values: SiteValues) => {
    const site = await add.mutateAsync({ name: values.name.trim(), address: values.address?.trim() || null, region: values.region?.trim() || null });
    showSuccess(t('customers.siteSaved', { name: site.name }));
    form.resetFields();
  };
  return (
    <FormModal form={form} open={open} title={t('customers.addSite')} onClose={onClose} onSubmit={submit} pending={add.isPending} submitOnEnter>
      <Form.Item name="name" label={t('customers.siteName')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
        <Input autoFocus />
      </Form.Item>
      <Form.Item name="address" label={t('customers.siteAddress')}>
        <Input />
      </Form.Item>
      <Form.Item name="region" label={t('customers.region')}>
        <Input />
      </Form.Item>
    </FormModal>
  );
}

export function CustomerPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const labels = useLabels();
  const can = useCan();
  const customer = useCustomer(id);
  const centers = useCenters(can('centers.read'));
  const policies = usePolicies(can('time_rules.read'));
  const [editing, setEditing] = useState(false);
  const [contactDialog, setContactDialog] = useState<{ contact: Contact | null } | null>(null);
  const [addingSite, setAddingSite] = useState(false);
  useDocumentTitle(customer.data?.name);

  if (customer.isPending) return <PageSkeleton />;
  if (customer.isError) {
    return <RecordLoadError error={customer.error} onRetry={() => void customer.refetch()} title={t('customers.notFound')} backTo="/customers" backLabel={t('customers.title')} />;
  }
  const c = customer.data;
  const centerName = centers.data?.find((x) => x.id === c.centerId)?.name;
  const policy = c.slaPolicyId ? policies.data?.find((p) => p.id === c.slaPolicyId) : policies.data?.find((p) => p.isDefault);
  const policyText = policy
    ? c.slaPolicyId
      ? policyName(policy, labels.lang)
      : t('customers.defaultPolicy', { name: policyName(policy, labels.lang) })
    : c.slaPolicyId
      ? '…'
      : t('customers.defaultPolicyUnnamed');
  const canWriteContacts = can('contacts.write');

  const contactColumns: TableColumnsType<Contact> = [
    {
      title: t('customers.contactName'),
      dataIndex: 'name',
      render: (name: string, contact) => (
        <span>
          {name}{' '}
          {contact.isLeader && (
            <Tag color="gold" icon={<CrownOutlined />}>
              {t('customers.leader')}
            </Tag>
          )}
        </span>
      ),
    },
    { title: t('customers.contactTitle'), dataIndex: 'title', width: 140 },
    { title: t('customers.phones'), dataIndex: 'phones', render: (phones: string[]) => <span className="tag-list">{phones.map((p) => <Tag key={p}>{p}</Tag>)}</span> },
    {
      title: t('customers.email'),
      dataIndex: 'email',
      width: 220,
      render: (email: string | null, contact) => (
        <span>
          {email}{' '}
          {email && contact.emailFailingAt && (
            <Tooltip title={t('customers.emailFailingTip', { reason: contact.emailFailingReason || t('customers.emailFailingNoReason') })}>
              <Tag color="red" tabIndex={0} data-testid="contact-email-failing">
                {t('customers.emailFailing')}
              </Tag>
            </Tooltip>
          )}
        </span>
      ),
    },
    ...(canWriteContacts
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 80,
            render: (_: unknown, contact: Contact) => (
              <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setContactDialog({ contact })} aria-label={t('customers.editContact')} />
            ),
          },
        ]
      : []),
  ];
  const siteColumns: TableColumnsType<Site> = [
    { title: t('customers.siteName'), dataIndex: 'name' },
    { title: t('customers.siteAddress'), dataIndex: 'address' },
    { title: t('customers.region'), dataIndex: 'region', width: 160 },
  ];

  return (
    <div className="customer-page">
      <div className="page-card">
        <Link to="/customers" className="back-link">
          <ArrowLeftOutlined /> {t('customers.title')}
        </Link>
        <div className="page-title-row">
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="customer-title">
            {c.name}
          </Typography.Title>
          {can('customers.write') && (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('common.edit')}
            </Button>
          )}
        </div>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 3 }}
          items={[
            { key: 'code', label: t('customers.code'), children: c.code ?? '—' },
            { key: 'industry', label: t('customers.industry'), children: c.industry ?? '—' },
            { key: 'region', label: t('customers.region'), children: c.region ?? '—' },
            { key: 'center', label: t('customers.center'), children: centerName ?? '—' },
            {
              key: 'sla',
              label: t('customers.slaPolicy'),
              children:
                policy && can('time_rules.read') ? (
                  <Link to={`/admin/sla-policies/${policy.id}`} data-testid="customer-sla-policy">
                    {policyText}
                  </Link>
                ) : (
                  <span data-testid="customer-sla-policy">{policyText}</span>
                ),
            },
            { key: 'open', label: t('customers.openTickets'), children: c.openTickets },
            ...(c.notes ? [{ key: 'notes', label: t('customers.notes'), children: c.notes, span: 3 }] : []),
          ]}
        />
      </div>
      <div className="page-card">
        <Tabs
          defaultActiveKey="tickets"
          items={[
            {
              key: 'tickets',
              label: `${t('customers.tickets')}`,
              children: <TicketQueue variant="staff" fixedCustomerId={c.id} />,
            },
            {
              key: 'contacts',
              label: `${t('customers.contacts')} (${c.contacts.length})`,
              children: (
                <>
                  {canWriteContacts && (
                    <Button icon={<PlusOutlined />} onClick={() => setContactDialog({ contact: null })} style={{ marginBottom: 12 }} data-testid="add-contact">
                      {t('customers.addContact')}
                    </Button>
                  )}
                  <Table<Contact>
                    size="small"
                    rowKey="id"
                    columns={contactColumns}
                    dataSource={c.contacts}
                    pagination={false}
                    locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.noContacts')} /> }}
                  />
                </>
              ),
            },
            {
              key: 'sites',
              label: `${t('customers.sites')} (${c.sites.length})`,
              children: (
                <>
                  {can('customers.write') && (
                    <Button icon={<PlusOutlined />} onClick={() => setAddingSite(true)} style={{ marginBottom: 12 }}>
                      {t('customers.addSite')}
                    </Button>
                  )}
                  <Table<Site>
                    size="small"
                    rowKey="id"
                    columns={siteColumns}
                    dataSource={c.sites}
                    pagination={false}
                    locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('customers.noSites')} /> }}
                  />
                </>
              ),
            },
          ]}
        />
      </div>
      <CustomerModal customer={c} open={editing} onClose={() => setEditing(false)} />
      <ContactModal customerId={c.id} contact={contactDialog?.contact} open={contactDialog !== null} onClose={() => setContactDialog(null)} />
      <SiteModal customerId={c.id} open={addingSite} onClose={() => setAddingSite(false)} />
    </div>
  );
}
