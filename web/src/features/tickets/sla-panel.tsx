/**
 * The ticket's time promises: the policy in force and where it comes from (this ticket, the
 * covering contract, the first device's product, the customer's service level, the default); each milestone with its state, target, due time, who met
 * it when, paused time and a bar of time used; the buttons that record plan / arrival /
 * restoration / custom milestones; and, for staff, the escalation steps fired so far.
 */
import {
  CheckCircleFilled,
  ClockCircleOutlined,
  CloseCircleFilled,
  EditOutlined,
  HourglassOutlined,
  MinusCircleOutlined,
  PauseCircleOutlined,
} from '@ant-design/icons';
import { Button, Card, Progress, Tag, Tooltip, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { TicketStatus } from '../../../../common/domain';
import { useCalendars } from '../../api/time-rules';
import type { Calendar, SlaMilestone, Ticket } from '../../api/types';
import { formatCountdown, formatMinutes, formatTarget } from '../../components/duration';
import { badgeTone, TONE_COLORS } from '../../components/sla-badge';
import { DateTime, formatDateTime } from '../../components/time';
import { useCountdownNow } from '../../components/use-now';
import { useLabels } from '../../i18n/labels';
import { isPortalUser, useCan, useMe } from '../auth/session';
import { policyName } from '../sla-policies/policy-text';
import { EscalationList } from './escalation-list';
import { MilestoneActions } from './milestone-actions';
import { SlaPolicyModal } from './sla-policy-modal';

const OPEN: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'pending_customer'];
export const isOpenTicket = (status: TicketStatus) => OPEN.includes(status);

const TONE_STROKE = { ok: '#52c41a', amber: '#fa8c16', red: '#f5222d', paused: '#bfbfbf', muted: '#d9d9d9' } as const;

function StateIcon({ milestone, tone }: { milestone: SlaMilestone; tone: keyof typeof TONE_STROKE }) {
  switch (milestone.state) {
    case 'met':
      return <CheckCircleFilled style={{ color: '#52c41a' }} />;
    case 'breached':
      return <CloseCircleFilled style={{ color: '#f5222d' }} />;
    case 'paused':
      return <PauseCircleOutlined style={{ color: '#8c8c8c' }} />;
    case 'waiting':
      return <HourglassOutlined style={{ color: '#8c8c8c' }} />;
    case 'cancelled':
      return <MinusCircleOutlined style={{ color: '#bfbfbf' }} />;
    default:
      return <ClockCircleOutlined style={{ color: TONE_STROKE[tone] }} />;
  }
}

/**
 * Share of the target used, for the bar: linear from the start to `amberAt` (0–75 %) and from there
 * to the due time (75–100 %), so the bar reaches 75 % exactly when the server's amber time comes —
 * on a working-time calendar that is not 75 % of the wall-clock window.
 */
function usedPercent(m: SlaMilestone, now: number): number | null {
  if (!m.startedAt || !m.dueAt) return null;
  const start = Date.parse(m.startedAt);
  const due = Date.parse(m.dueAt);
  const end = m.metAt ? Date.parse(m.metAt) : now;
  if (end >= due) return 100;
  if (end <= start || due <= start) return 0;
  const amber = m.amberAt ? Date.parse(m.amberAt) : null;
  const share =
    amber !== null && amber > start && amber < due
      ? end < amber
        ? ((end - start) / (amber - start)) * 75
        : 75 + ((end - amber) / (due - amber)) * 25
      : ((end - start) / (due - start)) * 100;
  return Math.max(0, Math.min(100, Math.floor(share)));
}

function MilestoneRow({
  milestone: m,
  anchorName,
  calendar,
  open,
}: {
  milestone: SlaMilestone;
  /** The name of the milestone this one counts from, when it counts from another milestone. */
  anchorName: string | null;
  calendar: Calendar | undefined;
  open: boolean;
}) {
  const { t } = useTranslation();
  const labels = useLabels();
  const dueAt = m.dueAt ? Date.parse(m.dueAt) : null;
  const amberAt = m.amberAt ? Date.parse(m.amberAt) : null;
  const live = open && (m.state === 'running' || m.state === 'paused');
  const now = useCountdownNow(live ? dueAt : null);
  const tone = m.state === 'met' ? 'ok' : badgeTone(m.state, dueAt, amberAt, now);
  const percent = usedPercent(m, now);
  const lateMet = m.state === 'breached' && m.metAt;
  const stateLabel = lateMet ? t('sla.state.metLate') : t(`sla.state.${m.state}`);
  const name = m.name[labels.lang];

  let countdown: string | null = null;
  if (live && dueAt !== null && m.state === 'running') {
    countdown = now < dueAt ? t('sla.left', { time: formatCountdown(dueAt - now, t, true) }) : t('sla.overdue', { time: formatCountdown(now - dueAt, t, false) });
  }

  return (
    <li className={`sla-milestone sla-milestone-${m.state}`} data-testid="sla-milestone" data-milestone={m.milestone} data-state={m.state}>
      <div className="sla-milestone-head">
        <span className="sla-milestone-icon" aria-hidden>
          <StateIcon milestone={m} tone={tone} />
        </span>
        <span className="sla-milestone-name">{name}</span>
        <Tag color={m.state === 'met' ? 'green' : m.state === 'breached' ? 'red' : TONE_COLORS[tone]} className="sla-state-tag" data-testid="sla-state">
          {stateLabel}
        </Tag>
        {countdown && <span className={`sla-countdown sla-countdown-${tone}`}>{countdown}</span>}
      </div>
      <div className="sla-milestone-facts">
        <span>
          {t('sla.target')} {formatTarget(m.targetMinutes, t, calendar)}
          {calendar ? ` · ${labels.lang === 'en' ? (calendar.nameEn ?? calendar.name) : calendar.name}` : ''}
        </span>
        {m.dueAt && (
          <span>
            {m.state === 'paused' ? t('sla.dueIfResumed') : t('sla.due')} <DateTime value={m.dueAt} />
          </span>
        )}
        {m.state === 'waiting' && <span data-testid="sla-waiting">{anchorName ? t('sla.waitingAfter', { name: anchorName }) : t('sla.waitingHint')}</span>}
        {m.metAt && (
          <span data-testid="sla-met">
            {t('sla.metAt')} <DateTime value={m.metAt} />
            {m.metBy ? ` · ${m.metBy.name}` : ''}
          </span>
        )}
        {m.pausedMinutes > 0 && <span>{t('sla.paused', { time: formatMinutes(m.pausedMinutes, t) })}</span>}
      </div>
      {percent !== null && m.state !== 'cancelled' && (
        <Tooltip title={t('sla.usedHint', { percent, due: formatDateTime(m.dueAt) })}>
          <Progress
            percent={percent}
            size="small"
            showInfo={false}
            strokeColor={m.state === 'met' ? '#52c41a' : TONE_STROKE[tone]}
            status={m.state === 'breached' ? 'exception' : 'normal'}
            className="sla-progress"
          />
        </Tooltip>
      )}
    </li>
  );
}

const SOURCE_COLORS = { ticket: 'purple', contract: 'geekblue', product: 'cyan', customer: 'blue', default: 'default' } as const;

/** Where the policy comes from, in words: the contract's number, the product and its device when known. */
function sourceHint(ticket: Ticket, t: TFunction): string {
  const source = ticket.slaPolicy?.source;
  const contract = ticket.entitlement?.contract;
  const first = ticket.devices[0];
  if (source === 'contract') return contract ? t('sla.sourceHint.contract', { contract: contract.number }) : t('sla.sourceHint.contractUnnamed');
  if (source === 'product') return first ? t('sla.sourceHint.product', { serial: first.serial, product: `${first.product.model} ${first.product.name}` }) : t('sla.sourceHint.productUnnamed');
  if (source === 'ticket') return t('sla.sourceHint.ticket');
  return source === 'customer' ? t('sla.sourceHint.customer', { customer: ticket.customer.name }) : t('sla.sourceHint.default', { customer: ticket.customer.name });
}

/** The policy in force, linked for those who may read policies, with where it comes from. */
function PolicyName({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const can = useCan();
  const policy = ticket.slaPolicy;
  if (!policy) return <span className="muted">{t('sla.noPolicy')}</span>;
  const name = policyName(policy, labels.lang);
  return (
    <>
      {can('time_rules.read') ? (
        <Link to={`/admin/sla-policies/${policy.id}`} data-testid="sla-policy-name">
          {name}
        </Link>
      ) : (
        <span data-testid="sla-policy-name">{name}</span>
      )}
      <Tooltip title={sourceHint(ticket, t)}>
        <Tag color={SOURCE_COLORS[policy.source]} className="sla-policy-source" data-testid="sla-policy-source" data-source={policy.source}>
          {t(`sla.source.${policy.source}`)}
        </Tag>
      </Tooltip>
    </>
  );
}

export function SlaPanel({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const me = useMe();
  const can = useCan();
  const portal = isPortalUser(me);
  const calendars = useCalendars(can('time_rules.read'));
  const byKey = useMemo(() => new Map((calendars.data ?? []).map((c) => [c.key, c])), [calendars.data]);
  const names = useMemo(() => new Map(ticket.sla.map((m) => [m.milestone, m.name[labels.lang]])), [ticket.sla, labels.lang]);
  const [changing, setChanging] = useState(false);
  const open = isOpenTicket(ticket.status);
  const mayChangePolicy = (me.role === 'admin' || me.role === 'manager') && open;

  return (
    <Card
      size="small"
      title={t('sla.title')}
      className="section-card sla-panel"
      data-testid="sla-panel"
      extra={
        <span className="sla-policy">
          {t('sla.policy')} <PolicyName ticket={ticket} />
          {mayChangePolicy && (
            <Tooltip title={t('sla.changePolicy')}>
              <Button type="text" size="small" icon={<EditOutlined />} aria-label={t('sla.changePolicy')} onClick={() => setChanging(true)} data-testid="sla-change-policy" />
            </Tooltip>
          )}
        </span>
      }
    >
      {ticket.sla.length === 0 ? (
        <Typography.Text type="secondary">{t('sla.none')}</Typography.Text>
      ) : (
        <ol className="sla-milestones">
          {ticket.sla.map((m) => (
            <MilestoneRow
              key={m.milestone}
              milestone={m}
              anchorName={m.anchor === 'reported' ? null : (names.get(m.anchor.milestone) ?? m.anchor.milestone)}
              calendar={byKey.get(m.calendar)}
              open={open}
            />
          ))}
        </ol>
      )}
      {!portal && open && can('tickets.milestones') && <MilestoneActions ticket={ticket} />}
      {can('tickets.internal') && <EscalationList ticketId={ticket.id} level={ticket.escalationLevel} />}
      {mayChangePolicy && <SlaPolicyModal ticket={ticket} open={changing} onClose={() => setChanging(false)} />}
    </Card>
  );
}
