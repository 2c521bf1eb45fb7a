/**
 * The ticket's history as the customer and the team lived it: one icon and sentence per event,
 * comments in full; internal notes on a yellow background with an 内部 tag. SLA events (a
 * milestone recorded with its note, a breach, an escalation with who was told) read the same way.
 */
import {
  BranchesOutlined,
  CheckCircleOutlined,
  MailOutlined,
  LinkOutlined,
  MergeCellsOutlined,
  ClockCircleOutlined,
  EditOutlined,
  FlagOutlined,
  RiseOutlined,
  FileOutlined,
  FileDoneOutlined,
  HddOutlined,
  CarOutlined,
  SafetyCertificateOutlined,
  LockOutlined,
  MessageOutlined,
  PaperClipOutlined,
  PlusCircleOutlined,
  SwapOutlined,
  TeamOutlined,
  UserSwitchOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Empty, Image, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Channel, Severity, TicketStatus } from '../../../../common/domain';
import type { Entitlement } from '../../../../common/api';
import type { TicketEvent } from '../../api/types';
import { formatTarget } from '../../components/duration';
import { formatDateTime, RelativeTime } from '../../components/time';
import { useLabels, type Labels } from '../../i18n/labels';
import { MailHtml, MailTag, mailOf } from '../mail/mail-event';
import { entitlementText } from './entitlement-badge';
import { MergedFromTag, relationSentence } from './relation-events';

/** Image types the server shows inline (`?inline=1`); others download. */
export const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

const str = (value: unknown) => (typeof value === 'string' ? value : '');
const personName = (value: unknown) => (value && typeof value === 'object' && 'name' in value ? str((value as { name: unknown }).name) : '');

export function formatSize(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const ICONS: Record<string, React.ReactNode> = {
  created: <PlusCircleOutlined />,
  comment: <MessageOutlined />,
  status_changed: <SwapOutlined />,
  assigned: <UserSwitchOutlined />,
  severity_changed: <WarningOutlined />,
  severity_confirmed: <CheckCircleOutlined />,
  auto_close_warned: <MailOutlined />,
  field_changed: <EditOutlined />,
  attachment: <PaperClipOutlined />,
  milestone: <FlagOutlined />,
  sla_breached: <ClockCircleOutlined />,
  escalated: <RiseOutlined />,
  link: <LinkOutlined />,
  merge: <MergeCellsOutlined />,
  parent: <BranchesOutlined />,
  devices_changed: <HddOutlined />,
  entitlement_changed: <SafetyCertificateOutlined />,
  engineers: <TeamOutlined />,
  visit: <CarOutlined />,
  service_record: <FileDoneOutlined />,
};

/** The policy's name for a milestone when the page knows it (custom ones), else the built-in name. */
type MilestoneNames = Record<string, string>;
const milestoneName = (code: unknown, t: TFunction, names: MilestoneNames) =>
  names[str(code)] ?? (t(`milestone.${str(code)}` as 'milestone.respond', { defaultValue: str(code) }) as string);

/** `[{id, serial}]` → "SN1、SN2". */
const serials = (value: unknown, labels: Labels) =>
  Array.isArray(value)
    ? value
        .map((v) => (v && typeof v === 'object' && 'serial' in v ? str((v as { serial: unknown }).serial) : ''))
        .filter(Boolean)
        .join(labels.lang === 'zh' ? '、' : ', ')
    : '';

/** An entitlement as the data of an entitlement_changed line carries it (null: not judged before). */
const coverageWords = (value: unknown, t: TFunction) =>
  entitlementText(value && typeof value === 'object' && 'kind' in value ? (value as Entitlement) : null, t);

const names = (value: unknown, labels: Labels) =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').join(labels.lang === 'zh' ? '、' : ', ') : '';

function sentence(event: TicketEvent, t: TFunction, labels: Labels, milestones: MilestoneNames): string {
  const actor = event.actor?.name ?? t('event.system');
  const d = event.data;
  switch (event.kind) {
    case 'created':
      return t('event.created', {
        actor,
        number: str(d.number),
        channel: d.channel ? labels.channel(d.channel as Channel) : '',
        severity: str(d.severity),
      });
    case 'comment':
      return event.public ? t('event.comment', { actor }) : t('event.internalNote', { actor });
    case 'status_changed':
      return t('event.statusChanged', { actor, from: labels.status(d.from as TicketStatus), to: labels.status(d.to as TicketStatus) });
    case 'assigned': {
      const from = personName(d.from);
      const to = personName(d.to);
      if (!to) return t('event.unassigned', { actor, from });
      return from ? t('event.reassigned', { actor, from, to }) : t('event.assigned', { actor, to });
    }
    case 'severity_changed':
      return t('event.severityChanged', { actor, from: str(d.from), to: str(d.to) });
    case 'severity_confirmed':
      return t('event.severityConfirmed', { actor, severity: str(d.severity) });
    case 'auto_close_warned':
      return t('event.autoCloseWarned', { who: names(d.recipients, labels), due: formatDateTime(str(d.closesAt)) });
    case 'field_changed': {
      const changes = d.changes && typeof d.changes === 'object' ? Object.keys(d.changes) : [];
      // A policy change names the policies: { from: {id, name, nameEn} | null, to: … | null } (null: the customer's or the default).
      const policy = changes.length === 1 ? (d.changes as { slaPolicyId?: { to?: unknown } }).slaPolicyId : undefined;
      if (policy && policy.to === null) return t('event.policyRestored', { actor });
      if (policy && personName(policy.to)) {
        const to = policy.to as { name?: string; nameEn?: string | null };
        return t('event.policyChanged', { actor, to: (labels.lang === 'en' && to.nameEn) || personName(policy.to) });
      }
      // Another customer: { customerId: { from: {id, name}, to: {id, name} } } names both.
      const moved = (d.changes as { customerId?: { from?: unknown; to?: unknown } }).customerId;
      if (moved && personName(moved.to)) return t('event.customerChanged', { actor, from: personName(moved.from) || '—', to: personName(moved.to) });
      const fields = changes.map((key) => (t(`field.${key}` as 'field.title', { defaultValue: key }) as string)).join(labels.lang === 'zh' ? '、' : ', ');
      return t('event.fieldChanged', { actor, fields });
    }
    case 'attachment':
      return t('event.attachment', { actor });
    case 'milestone':
      return t('event.milestone', { actor, milestone: milestoneName(d.milestone, t, milestones) });
    case 'sla_breached':
      return d.dueAt
        ? t('event.slaBreachedAt', { milestone: milestoneName(d.milestone, t, milestones), due: formatDateTime(str(d.dueAt)) })
        : t('event.slaBreached', { milestone: milestoneName(d.milestone, t, milestones) });
    case 'escalated': {
      const level = typeof d.level === 'number' ? d.level : '';
      const after = typeof d.afterMinutes === 'number' ? formatTarget(d.afterMinutes, t) : '';
      const who = names(d.recipients, labels);
      if (after && who) return t('event.escalatedTo', { level, after, who });
      return t('event.escalated', { level });
    }
    case 'devices_changed': {
      const added = serials(d.added, labels);
      const removed = serials(d.removed, labels);
      if (added && removed) return t('coverage.devicesChanged', { actor, added, removed });
      return removed ? t('coverage.devicesRemoved', { actor, removed }) : t('coverage.devicesAdded', { actor, added });
    }
    case 'entitlement_changed':
      return t('coverage.entitlementChanged', { from: coverageWords(d.from, t), to: coverageWords(d.to, t) });
    case 'engineers': {
      // { action: added|removed, role: helper|expert, user: {id, name}, note? } (issue 12)
      const user = personName(d.user);
      const expert = d.role === 'expert';
      if (d.action === 'removed') return expert ? t('event.expertRemoved', { actor, user }) : t('event.helperRemoved', { actor, user });
      if (!expert) return t('event.helperAdded', { actor, user });
      return d.note ? t('event.expertInvitedAsk', { actor, user, note: str(d.note) }) : t('event.expertInvited', { actor, user });
    }
    case 'service_record': {
      // { action: signed|refused|corrected, recordId, visitId, version, signerName? } (issue 12)
      const version = typeof d.version === 'number' ? d.version : '';
      if (d.action === 'signed') return t('event.serviceRecordSigned', { actor, version, signer: str(d.signerName) });
      if (d.action === 'refused') return t('event.serviceRecordRefused', { actor, version });
      return t('event.serviceRecordCorrected', { actor, version });
    }
    case 'visit': {
      // { action, visitId, plannedStart, plannedEnd, engineers: [name], at, result?, reason? } (issue 12); the reason is the body.
      const window = { start: formatDateTime(str(d.plannedStart)), end: formatDateTime(str(d.plannedEnd)) };
      const engineers = Array.isArray(d.engineers) ? d.engineers.filter((n): n is string => typeof n === 'string').join(labels.lang === 'zh' ? '、' : ', ') : '';
      switch (d.action) {
        case 'planned':
          return t('event.visitPlanned', { actor, engineers, ...window });
        case 'replanned':
          return t('event.visitReplanned', { actor, engineers, ...window });
        case 'departed':
          return t('event.visitDeparted', { actor });
        case 'arrived':
          return t('event.visitArrived', { actor, at: formatDateTime(str(d.at)) });
        case 'finished':
          return t('event.visitFinished', { actor, result: d.result ? t(`event.visitResult.${d.result as 'restored'}`) : '' });
        default:
          return t('event.visitCancelled', { actor, start: window.start });
      }
    }
    default:
      return relationSentence(event, t, actor) ?? t('event.unknown', { actor, kind: event.kind });
  }
}

function AttachmentBody({ data }: { data: TicketEvent['data'] }) {
  const id = str(data.attachmentId);
  const filename = str(data.filename);
  const contentType = str(data.contentType);
  const size = typeof data.size === 'number' ? data.size : 0;
  if (!id) return null;
  return (
    <div className="timeline-file">
      {INLINE_IMAGES.has(contentType) ? (
        <Image src={`/api/attachments/${id}?inline=1`} alt={filename} width={120} height={80} style={{ objectFit: 'cover', borderRadius: 4 }} />
      ) : (
        <FileOutlined style={{ fontSize: 20, color: '#8c8c8c' }} />
      )}
      <a href={`/api/attachments/${id}`} download={filename} data-testid="attachment-link">
        {filename}
      </a>
      <span className="muted">{formatSize(size)}</span>
    </div>
  );
}

/** The ticket's files as its attachment events name them (id → name and size). */
type FileNames = Map<string, { filename: string; size: number }>;

/** The files a mailed comment carried (`data.attachmentIds`, issue 10), named from the attachment events. */
function CommentFiles({ data, files, t }: { data: TicketEvent['data']; files: FileNames; t: TFunction }) {
  const ids = Array.isArray(data.attachmentIds) ? data.attachmentIds.filter((v): v is string => typeof v === 'string') : [];
  if (ids.length === 0) return null;
  return (
    <div className="timeline-note" data-testid="comment-files">
      <PaperClipOutlined /> {t('ticketMail.sentAttachments')}{' '}
      {ids.map((id, i) => {
        const file = files.get(id);
        return (
          <span key={id}>
            {i > 0 && '、'}
            <a href={`/api/attachments/${id}`} download={file?.filename} data-testid="comment-file">
              {file?.filename ?? id}
            </a>
            {file && <span className="muted"> ({formatSize(file.size)})</span>}
          </span>
        );
      })}
    </div>
  );
}

/**
 * Escalation recipients nobody could reach (no address, or mail not configured), in red: the step
 * told them nothing, and someone has to call them. `data.undeliverable` names them,
 * `data.undeliverableReasons` says why, in the same order.
 */
function Undeliverable({ data, t, labels }: { data: TicketEvent['data']; t: TFunction; labels: Labels }) {
  const people = Array.isArray(data.undeliverable) ? data.undeliverable.filter((v): v is string => typeof v === 'string') : [];
  if (people.length === 0) return null;
  const reasons = Array.isArray(data.undeliverableReasons) ? data.undeliverableReasons : [];
  const open = labels.lang === 'zh' ? '（' : ' (';
  const close = labels.lang === 'zh' ? '）' : ')';
  const who = people
    .map((name, i) => {
      const reason = str(reasons[i]);
      const why = reason ? (t(`escalationDelivery.reason.${reason}` as 'escalationDelivery.reason.no_address', { defaultValue: reason }) as string) : '';
      return why ? `${name}${open}${why}${close}` : name;
    })
    .join(labels.lang === 'zh' ? '、' : ', ');
  return (
    <div className="timeline-note" data-testid="escalation-undeliverable">
      <Typography.Text type="danger">
        <WarningOutlined /> {t('escalationDelivery.undeliverable', { who })}
      </Typography.Text>
    </div>
  );
}

function EventBody({ event, t, labels, files }: { event: TicketEvent; t: TFunction; labels: Labels; files: FileNames }) {
  switch (event.kind) {
    case 'escalated':
    case 'auto_close_warned':
      return <Undeliverable data={event.data} t={t} labels={labels} />;
    case 'comment': {
      const html = mailOf(event)?.html;
      return (
        <>
          <div className={event.public ? 'timeline-bubble' : 'timeline-bubble timeline-bubble-internal'} data-testid="comment-body">{event.body}</div>
          <CommentFiles data={event.data} files={files} t={t} />
          {html && <MailHtml html={html} />}
        </>
      );
    }
    case 'created': {
      const html = mailOf(event)?.html;
      return html ? <MailHtml html={html} /> : null;
    }
    case 'status_changed':
    case 'milestone':
    case 'merge':
      return event.body ? <div className="timeline-note">{event.body}</div> : null;
    case 'severity_changed':
      return event.body ? <div className="timeline-note">{t('event.reason', { reason: event.body })}</div> : null;
    case 'attachment':
      return <AttachmentBody data={event.data} />;
    default:
      return null;
  }
}

export function Timeline({ events, milestoneNames = {} }: { events: TicketEvent[]; milestoneNames?: MilestoneNames }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const files: FileNames = new Map();
  for (const e of events) {
    if (e.kind === 'attachment' && typeof e.data.attachmentId === 'string') {
      files.set(e.data.attachmentId, { filename: str(e.data.filename), size: typeof e.data.size === 'number' ? e.data.size : 0 });
    }
  }
  if (events.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('event.empty')} />;
  return (
    <ol className="timeline" data-testid="timeline">
      {events.map((event) => {
        const internal = !event.public;
        const severity = event.kind === 'severity_changed' ? (event.data.to as Severity) : null;
        const mail = mailOf(event);
        return (
          <li
            key={event.id}
            className={`timeline-item timeline-${event.kind}${internal ? ' timeline-internal' : ''}${severity ? ` timeline-to-${severity}` : ''}`}
            data-testid="timeline-event"
            data-kind={event.kind}
            data-public={String(event.public)}
            data-mail={mail ? 'true' : undefined}
          >
            <span className="timeline-icon" aria-hidden>
              {internal && event.kind === 'comment' ? <LockOutlined /> : (ICONS[event.kind] ?? <EditOutlined />)}
            </span>
            <div className="timeline-content">
              <div className="timeline-head">
                <span className="timeline-sentence">{sentence(event, t, labels, milestoneNames)}</span>
                <MergedFromTag event={event} t={t} />
                {mail && <MailTag mail={mail} />}
                {internal && (
                  <Tag color="gold" className="timeline-internal-tag" data-testid="internal-tag">
                    {t('event.internal')}
                  </Tag>
                )}
                <span className="timeline-time">
                  <RelativeTime value={event.createdAt} />
                </span>
              </div>
              <EventBody event={event} t={t} labels={labels} files={files} />
            </div>
          </li>
        );
      })}
    </ol>
  );
}
