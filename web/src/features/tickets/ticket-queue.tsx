/**
 * The ticket queue: filters (kept in the URL), a dense table (cards on a phone), keyset paging and
 * keyboard navigation. Used by the staff queue, a customer's page (customer fixed) and the portal.
 * The staff queue page (`views`) adds saved views, open-only by default, chosen and resizable
 * columns, and row selection with bulk actions. After a filter or view is chosen, the table takes
 * the keyboard back, so j/k/Enter/x keep working.
 */
import { CheckSquareOutlined, ClearOutlined, LeftOutlined, ReloadOutlined, RightOutlined, SearchOutlined } from '@ant-design/icons';
import { Button, Empty, Select, Space, Switch, Tooltip, type InputRef } from 'antd';
// The input alone: antd's `Input` index also brings Search, Password, OTP and TextArea.
import Input from 'antd/es/input/Input';
import { Text } from '../../components/typography';
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { SEVERITIES, TICKET_STATUSES, type Severity, type TicketStatus } from '../../../../common/domain';
import { useTicketList } from '../../api/tickets';
import type { TicketSummary } from '../../api/types';
import { LoadError, LoadingRows } from '../../components/states';
import { AssigneeSelect, CustomerSelect } from '../../components/selects';
import { EscalationTag, SlaBadge } from '../../components/sla-badge';
import { SeverityTag, StatusTag } from '../../components/tags';
import { RelativeTime } from '../../components/time';
import { useNarrow } from '../../components/use-narrow';
import { useLabels } from '../../i18n/labels';
import { useCan, useMe } from '../auth/session';
import type { QueueColumn } from '../../../../common/api/views';
import { QueueCards } from './queue-cards';
import { ColumnChooser, ResizableHeaderCell, TITLE_MIN_WIDTH, defaultLayout, useColumnLayout, widthOf, type ResizableCellProps } from './queue-columns';
import { QueueTable, type QueueTableColumn } from './queue-table';
import { hasFilters, toListParams, useQueueState, type QueueSort } from './queue-state';
import { QueueViewBar } from './queue-views';
import { useRecentlyChangedTickets } from './recently-changed';
import { useQueueKeyboard } from './use-queue-keyboard';

// The bulk bar and its dialogs load with the first selection (the queue opens with none).
const BulkBar = lazy(() => import('./bulk-actions').then((m) => ({ default: m.BulkBar })));

export interface TicketQueueProps {
  variant: 'staff' | 'portal';
  /** Show only this customer's tickets (customer page). */
  fixedCustomerId?: string;
  /** Global keyboard shortcuts (only where the queue is the page). */
  keyboard?: boolean;
  /** The staff queue page: saved views, open only by default, column chooser, bulk actions. */
  views?: boolean;
  emptyText?: string;
}

export function TicketQueue({ variant, fixedCustomerId, keyboard = false, views = false, emptyText }: TicketQueueProps) {
  const { t } = useTranslation();
  const labels = useLabels();
  const can = useCan();
  const me = useMe();
  const navigate = useNavigate();
  const { filters, setFilters, showFilters, clearFilters, cursor, page, goNext, goPrevious } = useQueueState(views);
  const query = useTicketList(toListParams(filters, cursor, fixedCustomerId));
  const rows = useMemo(() => query.data?.items ?? [], [query.data]);
  const staff = variant === 'staff';
  const narrow = useNarrow();
  // Live push refreshes the rows (api/live.ts); rows someone else just changed light up briefly.
  const liveChanged = useRecentlyChangedTickets(me.id);
  const [storedLayout, setLayout] = useColumnLayout(me.id);
  const layout = views ? storedLayout : defaultLayout();

  // After a filter or view is chosen the table takes the keyboard back (a closed select keeps focus and swallows j/k).
  const tableRef = useRef<HTMLDivElement>(null);
  // `source`: the test id of the select that closed; focus that went on from it to another field stays there.
  const returnFocus = useCallback((source?: string) => {
    window.setTimeout(() => {
      const active = document.activeElement;
      if (source && active instanceof HTMLElement && active !== document.body && !active.closest(`[data-testid="${source}"]`)) return;
      if (active instanceof HTMLElement) active.blur();
      tableRef.current?.focus({ preventScroll: true });
    }, 0);
  }, []);
  const onSelectClosed = (source: string) => (open: boolean) => !open && returnFocus(source);

  // Tickets chosen for a bulk action (ids of the rows on this page).
  const [checked, setChecked] = useState<string[]>([]);
  // Mounted from the first selection on (BulkBar shows nothing without one, and keeps its dialog state).
  const [bulkLoaded, setBulkLoaded] = useState(false);
  if (checked.length > 0 && !bulkLoaded) setBulkLoaded(true);
  const [selectMode, setSelectMode] = useState(false);
  const bulk = views && (can('tickets.update') || can('tickets.transition') || can('tickets.comment'));
  useEffect(() => {
    const ids = new Set(rows.map((r) => r.id));
    setChecked((c) => (c.every((id) => ids.has(id)) ? c : c.filter((id) => ids.has(id))));
  }, [rows]);
  const toggleChecked = useCallback((id: string) => setChecked((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id])), []);

  // Search box: typed text reaches the URL after a pause in typing; a URL change from elsewhere
  // (a view, clearing the filters, Back) refills it and drops any text still waiting.
  const searchRef = useRef<InputRef>(null);
  const [text, setText] = useState(filters.q);
  const pushed = useRef(filters.q);
  const typing = useRef<number | undefined>(undefined);
  useEffect(() => {
    if (filters.q !== pushed.current) {
      pushed.current = filters.q;
      window.clearTimeout(typing.current);
      setText(filters.q);
    }
  }, [filters.q]);
  const applyText = useCallback(
    (value: string) => {
      window.clearTimeout(typing.current);
      if (value.trim() === filters.q.trim()) return;
      pushed.current = value;
      setFilters({ q: value });
    },
    [filters.q, setFilters],
  );
  const applyTextRef = useRef(applyText);
  useEffect(() => {
    applyTextRef.current = applyText;
  }, [applyText]);
  useEffect(() => () => window.clearTimeout(typing.current), []);
  const onType = useCallback((value: string) => {
    setText(value);
    window.clearTimeout(typing.current);
    // Opening a ticket within the pause: the browser is already on the ticket's URL while the page
    // loads (a router transition keeps the queue mounted), and applying the text would navigate back.
    const at = window.location.pathname;
    typing.current = window.setTimeout(() => {
      if (window.location.pathname === at) applyTextRef.current(value);
    }, 350);
  }, []);

  const [selected, setSelected] = useState(-1);
  useEffect(() => setSelected((s) => (rows.length === 0 ? -1 : Math.min(s, rows.length - 1))), [rows]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new page starts with no row selected
  useEffect(() => setSelected(-1), [page]);
  useEffect(() => {
    if (selected >= 0) document.querySelector(`[data-row-index="${selected}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const openRow = useCallback((index: number) => rows[index] && navigate(`/tickets/${rows[index].id}`), [rows, navigate]);
  const toggleRow = useCallback((index: number) => rows[index] && toggleChecked(rows[index].id), [rows, toggleChecked]);
  const focusSearch = useCallback(() => searchRef.current?.focus({ cursor: 'all' }), []);
  const newTicket = useCallback(() => navigate('/tickets/new'), [navigate]);
  useQueueKeyboard({
    enabled: keyboard,
    rowCount: rows.length,
    selected,
    setSelected,
    open: openRow,
    toggle: bulk ? toggleRow : undefined,
    focusSearch,
    newTicket: can('tickets.create') ? newTicket : undefined,
  });

  type Column = Omit<QueueTableColumn<TicketSummary>, 'key' | 'width'> & { width?: number };
  const allColumns: Partial<Record<QueueColumn, Column>> = {
    number: {
      title: t('queue.columns.number'),
      width: 150,
      render: (row) => (
        <Link to={`/tickets/${row.id}`} className="ticket-number" onClick={(e) => e.stopPropagation()}>
          {row.number}
        </Link>
      ),
    },
    title: { title: t('queue.columns.title'), ellipsis: true, render: (row) => <span className="ticket-title">{row.title}</span> },
    ...(staff && !fixedCustomerId ? { customer: { title: t('queue.columns.customer'), width: 180, ellipsis: true, render: (row: TicketSummary) => row.customer?.name } } : {}),
    severity: { title: t('queue.columns.severity'), width: 72, render: (row) => <SeverityTag severity={row.severity} pending={row.severityPending} /> },
    status: { title: t('queue.columns.status'), width: 124, render: (row) => <StatusTag status={row.status} /> },
    ...(staff
      ? {
          sla: {
            title: t('queue.columns.sla'),
            width: 240,
            render: (row: TicketSummary) => (
              <span className="queue-sla">
                {row.slaBadge ? <SlaBadge badge={row.slaBadge} /> : <span className="muted">—</span>}
                <EscalationTag level={row.escalationLevel} />
              </span>
            ),
          },
        }
      : {}),
    assignee: {
      title: t('queue.columns.assignee'),
      width: 120,
      ellipsis: true,
      render: (row) => row.assignee?.name ?? <Text type="secondary">{t('queue.unassigned')}</Text>,
    },
    reportedAt: { title: t('queue.columns.reportedAt'), width: 120, render: (row) => <RelativeTime value={row.reportedAt} /> },
  };
  const columnLabel = (key: QueueColumn) => t(`queue.columns.${key}`);
  // The layout's columns in its order, each with its width (the title flexes: it gets the rest).
  const columns: QueueTableColumn<TicketSummary>[] = layout.flatMap((c) => {
    const column = allColumns[c.key];
    if (!column) return [];
    const width = widthOf(c);
    return [
      {
        ...column,
        key: c.key,
        width,
        headerProps: (views
          ? {
              'data-testid': `queue-col-${c.key}`,
              columnKey: c.key,
              columnWidth: width,
              columnLabel: columnLabel(c.key),
              onResize: width !== undefined ? (w: number) => setLayout(layout.map((x) => (x.key === c.key ? { ...x, width: w } : x))) : undefined,
            }
          : { 'data-testid': `queue-col-${c.key}` }) as ResizableCellProps & Record<string, unknown>,
      },
    ];
  });
  const tableWidth = columns.reduce((sum, c) => sum + (typeof c.width === 'number' ? c.width : TITLE_MIN_WIDTH), bulk ? 40 : 0);

  const statusOptions = TICKET_STATUSES.map((s) => ({ value: s, label: labels.status(s) }));
  // The chosen tags stay short (P1); the list shows each level's name.
  const severityOptions = SEVERITIES.map((s) => ({ value: s, label: s }));
  const sortOptions: { value: QueueSort; label: string }[] = [
    { value: 'newest', label: t('queue.sortNewest') },
    { value: 'oldest', label: t('queue.sortOldest') },
    { value: 'severity', label: t('queue.sortSeverity') },
    { value: 'due', label: t('queue.sortDue') },
  ];
  const assigneeExtras = useMemo(
    () => [
      { value: 'me', label: t('queue.assigneeMine') },
      { value: 'none', label: t('queue.assigneeNone') },
    ],
    [t],
  );

  if (query.isError && !query.data) return <LoadError error={query.error} onRetry={() => void query.refetch()} />;

  return (
    <div className="ticket-queue">
      {views && (
        <QueueViewBar
          filters={filters}
          showFilters={showFilters}
          layout={layout}
          setLayout={setLayout}
          onChosen={returnFocus}
          end={narrow ? undefined : <ColumnChooser layout={layout} setLayout={setLayout} labelOf={columnLabel} />}
        />
      )}
      <div className={narrow ? 'queue-filters queue-filters-narrow' : 'queue-filters'}>
        <Input
          ref={searchRef}
          allowClear
          prefix={<SearchOutlined />}
          placeholder={t('queue.searchPlaceholder')}
          aria-label={t('common.search')}
          data-testid="queue-search"
          value={text}
          onChange={(e) => onType(e.target.value)}
          onPressEnter={() => applyText(text)}
          suffix={keyboard && !narrow && !text ? <kbd className="kbd">/</kbd> : undefined}
          style={{ width: narrow ? '100%' : 240 }}
        />
        <Select
          mode="multiple"
          allowClear
          maxTagCount="responsive"
          placeholder={t('queue.status')}
          aria-label={t('queue.status')}
          data-testid="filter-status"
          value={filters.status}
          onChange={(status: TicketStatus[]) => setFilters({ status })}
          onOpenChange={onSelectClosed('filter-status')}
          options={statusOptions}
          style={{ width: 170 }}
        />
        <Select
          mode="multiple"
          allowClear
          maxTagCount="responsive"
          placeholder={t('queue.severity')}
          aria-label={t('queue.severity')}
          data-testid="filter-severity"
          value={filters.severity}
          onChange={(severity: Severity[]) => setFilters({ severity })}
          onOpenChange={onSelectClosed('filter-severity')}
          options={severityOptions}
          optionRender={(option) => `${option.value} ${labels.severityName(option.value as Severity)}`}
          style={{ width: 150 }}
          popupMatchSelectWidth={false}
        />
        {staff && !fixedCustomerId && (
          <CustomerSelect
            allowClear
            placeholder={t('queue.customer')}
            value={filters.customerId}
            onChange={(customerId) => {
              setFilters({ customerId });
              returnFocus('filter-customer');
            }}
            style={{ width: 180 }}
            data-testid="filter-customer"
          />
        )}
        {staff && can('users.read') && (
          <AssigneeSelect
            placeholder={t('queue.assignee')}
            value={filters.assignee}
            onChange={(assignee) => {
              setFilters({ assignee: assignee ?? undefined });
              returnFocus('filter-assignee');
            }}
            extra={assigneeExtras}
            style={{ width: 130 }}
            data-testid="filter-assignee"
          />
        )}
        {/* biome-ignore lint/a11y/noLabelWithoutControl: the Switch inside is a <button>, which a label names and clicks */}
        <label className="queue-switch">
          <Switch
            size="small"
            checked={filters.open}
            onChange={(open) => {
              setFilters({ open });
              returnFocus();
            }}
            data-testid="filter-open"
          />
          {t('queue.openOnly')}
        </label>
        <Select
          value={filters.sort}
          onChange={(sort: QueueSort) => setFilters({ sort })}
          onOpenChange={onSelectClosed('queue-sort')}
          options={sortOptions}
          aria-label={t('queue.sort')}
          data-testid="queue-sort"
          style={{ width: 100 }}
        />
        {hasFilters(filters, views) && (
          <Tooltip title={t('queue.clearFilters')}>
            <Button
              icon={<ClearOutlined />}
              type="text"
              onClick={() => {
                clearFilters();
                returnFocus();
              }}
              aria-label={t('queue.clearFilters')}
              data-testid="clear-filters"
            />
          </Tooltip>
        )}
        {bulk && narrow && (
          <Button
            icon={<CheckSquareOutlined />}
            type={selectMode ? 'primary' : 'default'}
            onClick={() => {
              if (selectMode) setChecked([]);
              setSelectMode(!selectMode);
            }}
            data-testid="select-mode"
          >
            {selectMode ? t('bulk.selectModeDone') : t('bulk.selectMode')}
          </Button>
        )}
      </div>
      {bulk && bulkLoaded && (
        <Suspense fallback={null}>
          <BulkBar
            selected={checked}
            rows={rows}
            onClear={() => setChecked([])}
            onSelectPage={() => setChecked(rows.map((r) => r.id))}
            onFinished={setChecked}
          />
        </Suspense>
      )}
      {narrow ? (
        <QueueCards
          rows={rows}
          loading={query.isPending || (query.isFetching && query.isPlaceholderData)}
          pending={query.isPending}
          emptyText={emptyText ?? t('queue.empty')}
          showCustomer={staff && !fixedCustomerId}
          showSla={staff}
          selected={selected}
          liveChanged={liveChanged}
          checked={selectMode ? checked : undefined}
          onToggle={toggleChecked}
        />
      ) : (
        <div ref={tableRef} tabIndex={-1} className="queue-table-focus" data-testid="queue-table-focus">
          <QueueTable<TicketSummary>
            rows={rows}
            columns={columns}
            headerCell={views ? (ResizableHeaderCell as never) : undefined}
            scrollX={views ? tableWidth : undefined}
            selection={
              bulk
                ? {
                    selected: checked,
                    onChange: setChecked,
                    checkboxProps: (row) => ({ 'aria-label': row.number, 'data-testid': 'row-check' }),
                  }
                : undefined
            }
            loading={query.isPending || (query.isFetching && query.isPlaceholderData)}
            data-testid="ticket-table"
            empty={query.isPending ? <LoadingRows /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={emptyText ?? t('queue.empty')} />}
            rowClassName={(row, index) =>
              ['queue-row', index === selected && 'queue-row-selected', liveChanged.has(row.id) && 'queue-row-live'].filter(Boolean).join(' ')
            }
            rowProps={(row, index) =>
              ({
                onClick: (event: React.MouseEvent) => {
                  // The checkbox cell selects; everywhere else opens the ticket.
                  if ((event.target as HTMLElement).closest('.ant-table-selection-column')) return;
                  navigate(`/tickets/${row.id}`);
                },
                'data-row-index': index,
                'data-testid': 'ticket-row',
                'data-live-updated': liveChanged.has(row.id) ? 'true' : undefined,
              }) as React.HTMLAttributes<HTMLTableRowElement>
            }
          />
        </div>
      )}
      <div className="queue-footer">
        {keyboard && !narrow && (
          <Text type="secondary" className="queue-shortcuts">
            {bulk ? t('queueViews.shortcuts') : t('queue.shortcuts')}
          </Text>
        )}
        <Space style={{ marginInlineStart: 'auto' }}>
          <Button
            size="small"
            type="text"
            icon={<ReloadOutlined spin={query.isFetching && !query.isPending} />}
            aria-label={t('common.refresh')}
            title={t('common.refresh')}
            onClick={() => void query.refetch()}
          />
          <Text type="secondary">{t('queue.pageInfo', { page, count: rows.length })}</Text>
          <Button size="small" icon={<LeftOutlined />} disabled={page === 1} onClick={goPrevious} data-testid="page-previous">
            {t('common.previous')}
          </Button>
          <Button
            size="small"
            disabled={!query.data?.nextCursor}
            onClick={() => query.data?.nextCursor && goNext(query.data.nextCursor)}
            data-testid="page-next"
          >
            {t('common.next')} <RightOutlined />
          </Button>
        </Space>
      </div>
    </div>
  );
}
