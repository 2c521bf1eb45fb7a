/**
 * /dispatch 派工看板 (issue 12): the work to dispatch on the left (unassigned, or assigned with no
 * visit planned yet: severity, the ticket, customer, site and region, devices, required skills, the
 * next milestone's countdown), the engineers on the right (level, skills, center, on call now, open
 * tickets, planned visits), and below them a day or week timeline of visits per engineer. Filters
 * (center, region, day, day/week) live in the URL.
 *
 * Dispatching: drag a piece of work onto an engineer (HTML5 drag and drop), or — by keyboard and
 * on a phone — select it and choose 派给… to pick from the ranked suggestions (or 派给 X on an
 * engineer while a piece of work is selected). Either opens the dispatch dialog: assign only, or
 * assign and plan a visit. Phones get the lists stacked and the timeline on a tab of its own.
 */
import { LeftOutlined, ReloadOutlined, RightOutlined, UserSwitchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Empty, Segmented, Select, Space, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { type DragEvent, type KeyboardEvent, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type BoardEngineer, type BoardParams, type BoardTicket, useDispatchBoard } from '../../api/field-service';
import { CenterSelect } from '../../components/center-select';
import { LoadError, LoadingRows } from '../../components/states';
import { SeverityTag } from '../../components/tags';
import { useDocumentTitle } from '../../components/use-document-title';
import { useNarrow } from '../../components/use-narrow';
import { useUrlParams } from '../../components/use-url-params';
import { BoardSlaBadge, LevelTag } from './dispatch-parts';
import { DispatchModal, type DispatchTicket } from './dispatch-modal';
import { SuggestionsModal } from './suggestions-modal';
import { VisitTimeline } from './visit-timeline';
import './dispatch.css';

/** What a drag carries: the ticket's id under a type of our own (other drops are ignored). */
const DRAG_TYPE = 'application/x-fuwutai-ticket';
const PAGE = 60;

function paramsOf(search: URLSearchParams): BoardParams {
  const day = search.get('day');
  return {
    centerId: search.get('centerId') || undefined,
    region: search.get('region') || undefined,
    day: day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined,
    span: search.get('span') === 'week' ? 'week' : 'day',
  };
}

const toDispatch = (tk: BoardTicket): DispatchTicket => ({ id: tk.id, number: tk.number, title: tk.title, assignee: tk.assignee });

function WorkItem({
  ticket,
  selected,
  draggable,
  onSelect,
  onPick,
  onDragState,
}: {
  ticket: BoardTicket;
  selected: boolean;
  draggable: boolean;
  onSelect: () => void;
  onPick: () => void;
  onDragState: (dragging: boolean) => void;
}) {
  const { t } = useTranslation();
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect();
    }
  };
  return (
    // biome-ignore lint/a11y/useSemanticElements: a card holding links and buttons cannot be a <button>
    <div
      role="button"
      tabIndex={0}
      aria-pressed={selected}
      className={selected ? 'fs-work fs-selected' : 'fs-work'}
      data-testid="board-ticket"
      data-ticket-id={ticket.id}
      data-reason={ticket.reason}
      draggable={draggable}
      onDragStart={(e: DragEvent) => {
        e.dataTransfer.setData(DRAG_TYPE, ticket.id);
        e.dataTransfer.setData('text/plain', ticket.number);
        e.dataTransfer.effectAllowed = 'move';
        onDragState(true);
      }}
      onDragEnd={() => onDragState(false)}
      onClick={onSelect}
      onKeyDown={onKeyDown}
    >
      <div className="fs-work-head">
        <SeverityTag severity={ticket.severity} />
        <Tag color={ticket.reason === 'unassigned' ? 'volcano' : 'geekblue'} style={{ marginInlineEnd: 0 }} data-testid="board-reason">
          {t(`dispatch.reason.${ticket.reason}`)}
        </Tag>
        <Link to={`/tickets/${ticket.id}`} className="fs-work-title" onClick={(e) => e.stopPropagation()} data-testid="board-ticket-link">
          <span className="mono">{ticket.number}</span> {ticket.title}
        </Link>
        <span className="fs-work-sla">
          <BoardSlaBadge ticket={ticket} />
        </span>
      </div>
      <div className="fs-work-line">
        <span>{ticket.customer.name}</span>
        <span className="muted">
          {ticket.site ? `${ticket.site.name}${ticket.site.region ? ` · ${ticket.site.region}` : ''}` : t('dispatch.noSite')}
        </span>
        {ticket.assignee && <span className="muted">{t('dispatch.assignee', { name: ticket.assignee.name })}</span>}
      </div>
      {ticket.devices.length > 0 && (
        <div className="fs-work-line fs-devices">
          {ticket.devices.map((d) => (
            <span key={d.id}>
              <span className="mono">{d.serial}</span> <span className="muted">{d.productModel}</span>
            </span>
          ))}
        </div>
      )}
      <div className="fs-work-foot">
        <span className="fs-skills">
          {ticket.requiredSkills.length ? (
            ticket.requiredSkills.map((s) => (
              <Tag key={s} style={{ marginInlineEnd: 0 }}>
                {s}
              </Tag>
            ))
          ) : (
            <span className="muted">{t('dispatch.noSkills')}</span>
          )}
        </span>
        <Button
          size="small"
          icon={<UserSwitchOutlined />}
          onClick={(e) => {
            e.stopPropagation();
            onPick();
          }}
          data-testid="board-pick"
        >
          {t('dispatch.pick')}
        </Button>
      </div>
    </div>
  );
}

function EngineerItem({
  engineer,
  selected,
  dragging,
  onAssignSelected,
  onDropTicket,
}: {
  engineer: BoardEngineer;
  /** The piece of work selected on the left, if any: offers 派给 this engineer. */
  selected: BoardTicket | null;
  dragging: boolean;
  onAssignSelected: () => void;
  onDropTicket: (ticketId: string) => void;
}) {
  const { t } = useTranslation();
  const [over, setOver] = useState(false);
  const accepts = (e: DragEvent) => e.dataTransfer.types.includes(DRAG_TYPE);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop target for dragging; the keyboard's way is the 派给 button
    <div
      className={['fs-engineer', over && 'fs-drop-over', dragging && 'fs-drop-ready'].filter(Boolean).join(' ')}
      data-testid="board-engineer"
      data-engineer-id={engineer.id}
      onDragOver={(e) => {
        if (!accepts(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'move';
        if (!over) setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        if (!accepts(e)) return;
        e.preventDefault();
        setOver(false);
        const id = e.dataTransfer.getData(DRAG_TYPE);
        if (id) onDropTicket(id);
      }}
    >
      <div className="fs-engineer-head">
        <Typography.Text strong data-testid="board-engineer-name">
          {engineer.name}
        </Typography.Text>
        <LevelTag level={engineer.level} />
        {engineer.onCallNow && (
          <Tag color="green" style={{ marginInlineEnd: 0 }} data-testid="board-on-call">
            {t('dispatch.onCall')}
          </Tag>
        )}
        <span className="muted fs-engineer-center">
          {engineer.center ? `${engineer.center.name}${engineer.center.region ? ` · ${engineer.center.region}` : ''}` : ''}
        </span>
      </div>
      {engineer.skills.length > 0 && (
        <div className="fs-skills">
          {engineer.skills.map((s) => (
            <Tag key={s} style={{ marginInlineEnd: 0 }}>
              {s}
            </Tag>
          ))}
        </div>
      )}
      <div className="fs-engineer-foot">
        <span className="muted" data-testid="board-engineer-load">
          {t('dispatch.openTickets', { count: engineer.openTickets })} · {t('dispatch.plannedVisits', { count: engineer.plannedVisits })}
        </span>
        {selected && (
          <Button size="small" type="primary" ghost onClick={onAssignSelected} data-testid="board-assign-here">
            {t('dispatch.assignHere', { name: engineer.name })}
          </Button>
        )}
      </div>
      {over && <div className="fs-drop-hint">{t('dispatch.dropHere', { name: engineer.name })}</div>}
    </div>
  );
}

export function DispatchPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('dispatch.title'));
  const narrow = useNarrow();
  const { params: search, change } = useUrlParams();
  const params = useMemo(() => paramsOf(search), [search]);
  const board = useDispatchBoard(params);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [picking, setPicking] = useState<BoardTicket | null>(null);
  const [dispatching, setDispatching] = useState<{ ticket: DispatchTicket; engineer: { id: string; name: string } } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [shown, setShown] = useState(PAGE);
  // Regions seen so far: filtering by one leaves the others out of the answer, not out of the choice.
  const regions = useRef(new Set<string>());

  const setParam = (changes: Partial<Record<keyof BoardParams, string | undefined>>) => change(changes);

  const data = board.data;
  for (const tk of data?.tickets ?? []) if (tk.site?.region) regions.current.add(tk.site.region);
  for (const e of data?.engineers ?? []) if (e.center?.region) regions.current.add(e.center.region);
  if (params.region) regions.current.add(params.region);
  const selected = data?.tickets.find((tk) => tk.id === selectedId) ?? null;
  const day = params.day ? dayjs(params.day) : dayjs();
  const span = params.span ?? 'day';
  const shift = (n: number) => setParam({ day: day.add(n * (span === 'week' ? 7 : 1), 'day').format('YYYY-MM-DD') });

  const dispatchTo = (ticketId: string, engineer: { id: string; name: string }) => {
    const ticket = data?.tickets.find((tk) => tk.id === ticketId);
    if (ticket) setDispatching({ ticket: toDispatch(ticket), engineer });
  };

  const filters = (
    <div className="fs-filters" data-testid="board-filters">
      <div className="fs-filter">
        <CenterSelect value={params.centerId} onChange={(v) => setParam({ centerId: v ?? undefined })} placeholder={t('dispatch.center')} />
      </div>
      <Select
        className="fs-filter"
        allowClear
        showSearch
        placeholder={t('dispatch.region')}
        value={params.region}
        onChange={(v?: string) => setParam({ region: v })}
        options={[...regions.current].sort((a, b) => a.localeCompare(b)).map((r) => ({ value: r, label: r }))}
        data-testid="board-region"
      />
      <Space.Compact>
        <Button icon={<LeftOutlined />} onClick={() => shift(-1)} aria-label={t('dispatch.prev')} />
        <DatePicker
          value={day}
          allowClear={false}
          onChange={(d) => d && setParam({ day: d.format('YYYY-MM-DD') })}
          aria-label={t('dispatch.day')}
          data-testid="board-day"
        />
        <Button icon={<RightOutlined />} onClick={() => shift(1)} aria-label={t('dispatch.next')} />
      </Space.Compact>
      <Button onClick={() => setParam({ day: undefined })}>{t('dispatch.today')}</Button>
      <Segmented
        value={span}
        onChange={(v) => setParam({ span: v === 'week' ? 'week' : undefined })}
        options={[
          { value: 'day', label: t('dispatch.span.day') },
          { value: 'week', label: t('dispatch.span.week') },
        ]}
        data-testid="board-span"
      />
      <Button icon={<ReloadOutlined />} onClick={() => void board.refetch()} loading={board.isFetching} aria-label={t('dispatch.refresh')} />
    </div>
  );

  const workList = (
    <Card
      size="small"
      className="section-card"
      title={
        <Space>
          {t('dispatch.work')}
          {data && <span className="muted">{t('dispatch.count', { count: data.tickets.length })}</span>}
        </Space>
      }
    >
      {selected && (
        <Alert
          className="fs-selection"
          type="info"
          showIcon
          message={t('dispatch.selected', { number: selected.number, title: selected.title })}
          action={
            <Space>
              <Button size="small" type="primary" onClick={() => setPicking(selected)} data-testid="board-selected-pick">
                {t('dispatch.pick')}
              </Button>
              <Button size="small" onClick={() => setSelectedId(null)}>
                {t('dispatch.clearSelection')}
              </Button>
            </Space>
          }
        />
      )}
      {!data ? (
        <LoadingRows />
      ) : data.tickets.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dispatch.noWork')} />
      ) : (
        <div className="fs-list" data-testid="board-tickets">
          {data.tickets.slice(0, shown).map((tk) => (
            <WorkItem
              key={tk.id}
              ticket={tk}
              selected={tk.id === selectedId}
              draggable={!narrow}
              onSelect={() => setSelectedId((id) => (id === tk.id ? null : tk.id))}
              onPick={() => setPicking(tk)}
              onDragState={setDragging}
            />
          ))}
          {data.tickets.length > shown && (
            <Button block onClick={() => setShown((n) => n + PAGE)}>
              {t('dispatch.showMore', { count: Math.min(PAGE, data.tickets.length - shown) })}
            </Button>
          )}
        </div>
      )}
      <Typography.Paragraph type="secondary" className="fs-hint">
        {narrow ? t('dispatch.pickHint') : t('dispatch.dragHint')}
      </Typography.Paragraph>
    </Card>
  );

  const engineerList = (
    <Card
      size="small"
      className="section-card"
      title={
        <Space>
          {t('dispatch.engineers')}
          {data && <span className="muted">{t('dispatch.people', { count: data.engineers.length })}</span>}
        </Space>
      }
    >
      {!data ? (
        <LoadingRows />
      ) : data.engineers.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dispatch.noEngineers')} />
      ) : (
        <div className="fs-list" data-testid="board-engineers">
          {data.engineers.map((e) => (
            <EngineerItem
              key={e.id}
              engineer={e}
              selected={selected}
              dragging={dragging}
              onAssignSelected={() => selected && setDispatching({ ticket: toDispatch(selected), engineer: e })}
              onDropTicket={(ticketId) => {
                setDragging(false);
                dispatchTo(ticketId, e);
              }}
            />
          ))}
        </div>
      )}
    </Card>
  );

  const timeline = (
    <Card size="small" className="section-card" title={t('dispatch.timeline')}>
      {data ? <VisitTimeline visits={data.visits} engineers={data.engineers} from={data.from} to={data.to} span={span} day={day.format('YYYY-MM-DD')} /> : <LoadingRows />}
    </Card>
  );

  return (
    <div className="dispatch-page" data-testid="dispatch-page">
      <div className="page-card fs-page-head">
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('dispatch.title')}
        </Typography.Title>
        {filters}
      </div>
      {board.isError && !data ? (
        <LoadError error={board.error} onRetry={() => void board.refetch()} />
      ) : narrow ? (
        <Tabs
          items={[
            {
              key: 'lists',
              label: t('dispatch.lists'),
              children: (
                <>
                  {workList}
                  {engineerList}
                </>
              ),
            },
            { key: 'timeline', label: t('dispatch.timeline'), children: timeline },
          ]}
        />
      ) : (
        <>
          <div className="fs-columns">
            {workList}
            {engineerList}
          </div>
          {timeline}
        </>
      )}
      {picking && (
        <SuggestionsModal
          ticket={picking}
          onClose={() => setPicking(null)}
          onChoose={(s) => {
            setPicking(null);
            setDispatching({ ticket: toDispatch(picking), engineer: { id: s.user.id, name: s.user.name } });
          }}
        />
      )}
      {dispatching && (
        <DispatchModal
          ticket={dispatching.ticket}
          engineer={dispatching.engineer}
          onClose={() => setDispatching(null)}
          onDone={() => setSelectedId(null)}
        />
      )}
    </div>
  );
}
