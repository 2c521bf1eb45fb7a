/**
 * The queue's filters live in the URL query (a reload or a shared link keeps them); the keyset
 * cursor stack for next/previous lives in the history entry's state, so Back from a ticket
 * returns to the same page. A saved view is a named URL state (`ViewQuery` is these filters).
 *
 * The staff queue shows open tickets only by default: with no status filter and no `open` in the
 * URL, "open only" holds; `open=0` asks for everything.
 */
import { useCallback, useMemo } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { SEVERITIES, TICKET_STATUSES, type Severity, type TicketStatus } from '../../../../common/domain';
import type { TicketListParams } from '../../api/tickets';
import type { ViewQuery } from '../../../../common/api/views';

export type QueueSort = 'newest' | 'oldest' | 'severity' | 'due';

export interface QueueFilters {
  status: TicketStatus[];
  severity: Severity[];
  customerId?: string;
  /** A user id, `me` or `none`. */
  assignee?: string;
  q: string;
  open: boolean;
  sort: QueueSort;
  /** The saved view these filters started from (its id), kept while they change. */
  view?: string;
}

const SORT_PARAM: Record<QueueSort, NonNullable<TicketListParams['sort']>> = {
  newest: '-reportedAt',
  oldest: 'reportedAt',
  severity: 'severity',
  due: 'due',
};

const list = <T extends string>(raw: string | null, allowed: readonly T[]): T[] =>
  (raw ?? '').split(',').filter((v): v is T => (allowed as readonly string[]).includes(v));

/** "Open only" unless the URL says otherwise; with a status filter the statuses chosen decide. */
const openByDefault = (defaultOpen: boolean, status: readonly string[]) => defaultOpen && status.length === 0;

export function parseFilters(search: URLSearchParams, defaultOpen = false): QueueFilters {
  const sort = search.get('sort');
  const status = list(search.get('status'), TICKET_STATUSES);
  const open = search.get('open');
  return {
    status,
    severity: list(search.get('severity'), SEVERITIES),
    customerId: search.get('customer') || undefined,
    assignee: search.get('assignee') || undefined,
    q: search.get('q') ?? '',
    open: open === '1' ? true : open === '0' ? false : openByDefault(defaultOpen, status),
    sort: sort === 'oldest' || sort === 'severity' || sort === 'due' ? sort : 'newest',
    view: search.get('view') || undefined,
  };
}

export function filtersToSearch(filters: QueueFilters, defaultOpen = false): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.q) search.set('q', filters.q);
  if (filters.status.length) search.set('status', filters.status.join(','));
  if (filters.severity.length) search.set('severity', filters.severity.join(','));
  if (filters.customerId) search.set('customer', filters.customerId);
  if (filters.assignee) search.set('assignee', filters.assignee);
  if (filters.open !== openByDefault(defaultOpen, filters.status)) search.set('open', filters.open ? '1' : '0');
  if (filters.sort !== 'newest') search.set('sort', filters.sort);
  if (filters.view) search.set('view', filters.view);
  return search;
}

export const hasFilters = (f: QueueFilters, defaultOpen = false) =>
  Boolean(
    f.q || f.status.length || f.severity.length || f.customerId || f.assignee || f.open !== openByDefault(defaultOpen, f.status) || f.sort !== 'newest',
  );

/** The filters as a saved view keeps them (only what differs from an empty queue). */
export function viewQueryOf(f: QueueFilters): ViewQuery {
  const query: ViewQuery = {};
  if (f.status.length) query.status = [...f.status];
  if (f.severity.length) query.severity = [...f.severity];
  if (f.customerId) query.customer = f.customerId;
  if (f.assignee) query.assignee = f.assignee as ViewQuery['assignee'];
  if (f.q.trim()) query.q = f.q.trim();
  query.open = f.open;
  if (f.sort !== 'newest') query.sort = f.sort;
  return query;
}

/** The filters a view stands for. */
export function filtersOfView(query: ViewQuery, view?: string): QueueFilters {
  return {
    status: query.status ?? [],
    severity: query.severity ?? [],
    customerId: query.customer,
    assignee: query.assignee,
    q: query.q ?? '',
    open: query.open ?? false,
    sort: query.sort ?? 'newest',
    view,
  };
}

/** Whether two states show the same tickets in the same order (the view they came from aside). */
export const sameFilters = (a: QueueFilters, b: QueueFilters) =>
  filtersToSearch({ ...a, view: undefined }).toString() === filtersToSearch({ ...b, view: undefined }).toString();

export function toListParams(filters: QueueFilters, cursor: string | undefined, fixedCustomerId?: string): TicketListParams {
  return {
    status: filters.status,
    severity: filters.severity,
    customerId: fixedCustomerId ?? filters.customerId,
    assigneeId: filters.assignee,
    q: filters.q.trim() || undefined,
    open: filters.open,
    sort: SORT_PARAM[filters.sort],
    cursor,
  };
}

interface QueueHistoryState {
  cursors?: string[];
}

export function useQueueState(defaultOpen = false) {
  const [search, setSearch] = useSearchParams();
  const location = useLocation();
  const filters = useMemo(() => parseFilters(search, defaultOpen), [search, defaultOpen]);
  const cursors = useMemo(() => ((location.state as QueueHistoryState | null)?.cursors ?? []).filter((c) => typeof c === 'string'), [location.state]);

  const setFilters = useCallback(
    (patch: Partial<QueueFilters>) => {
      // New filters start again at the first page.
      // From the URL as it is now, not as this render saw it (react-router hands a function the
      // render's params too): a search applied after a pause must not undo a filter chosen meanwhile.
      const current = new URLSearchParams(window.location.search);
      setSearch(filtersToSearch({ ...parseFilters(current, defaultOpen), ...patch }, defaultOpen), { replace: true, state: { cursors: [] } });
    },
    [setSearch, defaultOpen],
  );
  /** Shows exactly these filters (a view chosen): a new history entry, so Back returns to the previous view. */
  const showFilters = useCallback(
    (next: QueueFilters) => setSearch(filtersToSearch(next, defaultOpen), { state: { cursors: [] } }),
    [setSearch, defaultOpen],
  );
  const clearFilters = useCallback(() => setSearch(new URLSearchParams(), { replace: true, state: { cursors: [] } }), [setSearch]);
  const goNext = useCallback(
    (cursor: string) => setSearch(search, { replace: true, state: { cursors: [...cursors, cursor] } }),
    [search, setSearch, cursors],
  );
  const goPrevious = useCallback(
    () => setSearch(search, { replace: true, state: { cursors: cursors.slice(0, -1) } }),
    [search, setSearch, cursors],
  );

  return { filters, setFilters, showFilters, clearFilters, cursor: cursors[cursors.length - 1], page: cursors.length + 1, goNext, goPrevious };
}
