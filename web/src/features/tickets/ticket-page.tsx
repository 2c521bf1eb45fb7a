/**
 * /tickets/:id — header with status actions, description, timeline with the comment box, and a
 * side column with the SLA panel, the details, assignment and attachments. Staff and portal share the page;
 * permissions decide what is offered (the API already filters what a customer may see). Opening
 * it is one request, GET /api/tickets/:id/overview, which fills every panel's query cache.
 */
import { ArrowLeftOutlined, EditOutlined, MailOutlined, StarFilled, StarOutlined, WarningOutlined } from '@ant-design/icons';
import { Button, Card, Col, Descriptions, Row, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useTicketEngineers } from '../../api/field-service';
import { useTicketOverview } from '../../api/ticket-overview';
import { useFollowTicket, usePatchTicket, useTicket, useTicketEvents } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { PageSkeleton, RecordLoadError } from '../../components/states';
import { EscalationTag, SlaBadge } from '../../components/sla-badge';
import { SeverityTag, StatusTag } from '../../components/tags';
import { DateTime } from '../../components/time';
import { useDocumentTitle } from '../../components/use-document-title';
import { useLabels } from '../../i18n/labels';
import { isPortalUser, useCan, useMe } from '../auth/session';
import { TicketEngineersCard } from '../field-service/ticket-engineers-card';
import { TicketVisitsCard } from '../field-service/ticket-visits-card';
import { AssigneePicker } from './assignee-picker';
import { AttachmentsPanel } from './attachments-panel';
import { CommentBox } from './comment-box';
import { LinksPanel, MergedBanner } from './links-panel';
import { ContactCard } from './contact-card';
import { EntitlementBadge } from './entitlement-badge';
import { SlaPanel } from './sla-panel';
import { TicketDevices } from './ticket-devices';
import { TicketLiveBar, usePresenceAnnouncer } from './ticket-live';
import { SeverityProposalBanner } from './severity-proposal-banner';
import { EditTicketModal, SeverityModal } from './ticket-dialogs';
import { Timeline } from './timeline';
import { TransitionActions } from './transition-actions';

function FollowButton({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const follow = useFollowTicket(ticket.id);
  return (
    <Button
      icon={ticket.following ? <StarFilled style={{ color: '#faad14' }} /> : <StarOutlined />}
      loading={follow.isPending}
      data-testid="follow-toggle"
      aria-pressed={ticket.following}
      onClick={() =>
        follow.mutate(!ticket.following, { onSuccess: (tk) => showSuccess(tk.following ? t('ticket.followed') : t('ticket.unfollowed')) })
      }
    >
      {ticket.following ? t('ticket.unfollow') : t('ticket.follow')}
    </Button>
  );
}

function AssigneeField({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const patch = usePatchTicket(ticket.id);
  return (
    <AssigneePicker
      ticket={ticket}
      onChange={(assigneeId) =>
        patch.mutate(
          { assigneeId },
          { onSuccess: (tk) => showSuccess(tk.assignee ? t('ticket.assigned', { name: tk.assignee.name }) : t('ticket.unassign')) },
        )
      }
      disabled={patch.isPending || ticket.status === 'closed' || ticket.status === 'cancelled'}
    />
  );
}

function Details({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const me = useMe();
  const can = useCan();
  const portal = isPortalUser(me);
  const dash = <Typography.Text type="secondary">—</Typography.Text>;
  const items = [
    {
      key: 'customer',
      label: t('ticket.customer'),
      children: portal ? ticket.customer.name : <Link to={`/customers/${ticket.customer.id}`}>{ticket.customer.name}</Link>,
    },
    { key: 'contact', label: t('ticket.contact'), children: ticket.contact?.name ?? dash },
    { key: 'site', label: t('ticket.site'), children: ticket.site?.name ?? dash },
    {
      key: 'assignee',
      label: t('ticket.assignee'),
      children: can('tickets.update') ? <AssigneeField ticket={ticket} /> : (ticket.assignee?.name ?? t('queue.unassigned')),
    },
    ...(portal ? [] : [{ key: 'center', label: t('ticket.center'), children: ticket.center?.name ?? dash }]),
    {
      key: 'channel',
      label: t('ticket.channel'),
      children:
        ticket.channel === 'email' ? (
          <span data-testid="ticket-channel-email">
            <MailOutlined /> {labels.channel(ticket.channel)}
          </span>
        ) : (
          labels.channel(ticket.channel)
        ),
    },
    { key: 'type', label: t('ticket.type'), children: labels.type(ticket.type) },
    { key: 'category', label: t('ticket.category'), children: labels.category(ticket.category) },
    { key: 'reportedAt', label: t('ticket.reportedAt'), children: <DateTime value={ticket.reportedAt} /> },
    { key: 'createdBy', label: t('ticket.createdBy'), children: ticket.createdBy?.name ?? dash },
    ...(ticket.resolvedAt ? [{ key: 'resolvedAt', label: t('ticket.resolvedAt'), children: <DateTime value={ticket.resolvedAt} /> }] : []),
    ...(ticket.closedAt ? [{ key: 'closedAt', label: t('ticket.closedAt'), children: <DateTime value={ticket.closedAt} /> }] : []),
  ];
  return <Descriptions column={1} size="small" items={items} className="ticket-details" styles={{ label: { width: 108, whiteSpace: 'nowrap' } }} />;
}

export function TicketPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const me = useMe();
  const can = useCan();
  const portal = isPortalUser(me);
  // One request on opening: it fills the caches of the ticket and of every panel's query below.
  const opening = useTicketOverview(id);
  const ticket = useTicket(id, opening.isSuccess);
  const events = useTicketEvents(id, ticket.isSuccess);
  // Field service (issue 12): the overview carries the engineers for staff who may read visits.
  const engineers = useTicketEngineers(id, ticket.isSuccess && !portal && can('visits.read'));
  const [dialog, setDialog] = useState<'edit' | 'severity' | null>(null);
  const announceDraft = usePresenceAnnouncer(id);
  const backLabel = portal ? t('portal.myTickets') : t('nav.queue');
  const labels = useLabels();
  // Custom milestones have names only the policy knows; the timeline borrows them.
  const milestoneNames = useMemo(
    () => Object.fromEntries((ticket.data?.sla ?? []).map((m) => [m.milestone, m.name[labels.lang]])),
    [ticket.data?.sla, labels.lang],
  );
  useDocumentTitle(ticket.data ? `${ticket.data.number} ${ticket.data.title}` : null);

  if (opening.isError || ticket.isError) {
    return (
      <RecordLoadError
        error={opening.error ?? ticket.error}
        onRetry={() => void (opening.isError ? opening.refetch() : ticket.refetch())}
        title={t('ticket.notFoundTitle')}
        text={t('ticket.notFoundText')}
        backTo="/tickets"
        backLabel={t('ticket.backToQueue')}
      />
    );
  }
  // Even with this ticket still cached from an earlier visit: panels mounted before the opening read
  // has landed would each ask for their part.
  if (opening.isPending || ticket.isPending) return <PageSkeleton />;
  const tk = ticket.data;
  const editable = can('tickets.update') && tk.status !== 'closed' && tk.status !== 'cancelled';

  return (
    <div className="ticket-page" data-testid="ticket-page">
      <div className="page-card ticket-header">
        <Link to="/tickets" className="back-link">
          <ArrowLeftOutlined /> {backLabel}
        </Link>
        <div className="ticket-header-main">
          <div className="ticket-header-text">
            <div className="ticket-header-meta">
              <span className="ticket-number" data-testid="ticket-number">
                {tk.number}
              </span>
              <StatusTag status={tk.status} />
              <SeverityTag severity={tk.severity} withName pending={tk.severityPending} />
              {!portal && tk.slaBadge && <SlaBadge badge={tk.slaBadge} />}
              {!portal && <EscalationTag level={tk.escalationLevel} />}
              {!portal && tk.entitlement && <EntitlementBadge entitlement={tk.entitlement} policy={tk.slaPolicy} />}
            </div>
            <Typography.Title level={4} className="ticket-title-heading" data-testid="ticket-title">
              {tk.title}
            </Typography.Title>
          </div>
          <Space wrap size={8} className="ticket-header-actions">
            <TransitionActions ticket={tk} />
            {editable && (
              <>
                <Button icon={<WarningOutlined />} onClick={() => setDialog('severity')} data-testid="change-severity">
                  {t('ticket.changeSeverity')}
                </Button>
                <Button icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="edit-ticket">
                  {t('common.edit')}
                </Button>
              </>
            )}
            <FollowButton ticket={tk} />
          </Space>
        </div>
      </div>
      <TicketLiveBar ticketId={tk.id} meId={me.id} />
      <MergedBanner ticketId={tk.id} />
      <SeverityProposalBanner ticket={tk} canConfirm={editable && !portal} onChange={() => setDialog('severity')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={16}>
          <Card size="small" title={t('ticket.description')} className="section-card">
            <div className="ticket-description" data-testid="ticket-description">
              {tk.description || <Typography.Text type="secondary">{t('ticket.noDescription')}</Typography.Text>}
            </div>
          </Card>
          <Card size="small" title={t('ticket.timeline')} className="section-card">
            {events.isPending ? <PageSkeleton /> : <Timeline events={events.data ?? []} milestoneNames={milestoneNames} />}
            {can('tickets.comment') && <CommentBox ticketId={tk.id} canInternal={can('tickets.comment_internal')} onDraft={announceDraft} />}
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <SlaPanel ticket={tk} />
          <ContactCard ticket={tk} editable={editable && !portal} />
          {(tk.devices.length > 0 || (!portal && can('devices.write'))) && (
            <TicketDevices ticket={tk} canEdit={editable && !portal && can('devices.write')} canOpen={!portal && can('installed_base.read')} />
          )}
          {can('visits.read') && <TicketVisitsCard ticket={tk} canPlan={!portal && can('visits.plan')} portal={portal} />}
          <Card size="small" title={t('ticket.details')} className="section-card">
            <Details ticket={tk} />
          </Card>
          {engineers.data && (
            <TicketEngineersCard
              ticketId={tk.id}
              engineers={engineers.data}
              canManage={editable && can('ticket_engineers.manage')}
              onChanged={() => void engineers.refetch()}
            />
          )}
          {!portal && <LinksPanel ticket={tk} canEdit={can('tickets.update')} />}
          <Card size="small" title={t('ticket.attachments')} className="section-card">
            <AttachmentsPanel ticketId={tk.id} canAttach={can('tickets.attach')} canChooseVisibility={!portal} />
          </Card>
        </Col>
      </Row>
      {editable && (
        <>
          <SeverityModal ticket={tk} open={dialog === 'severity'} onClose={() => setDialog(null)} />
          <EditTicketModal ticket={tk} open={dialog === 'edit'} onClose={() => setDialog(null)} />
        </>
      )}
    </div>
  );
}
