/**
 * The queue's filters live in the URL query (a reload or a shared link keeps them); the keyset
 * cursor stack for next/previous lives in the history entry's state, so Back from a ticket
 * returns to the same page.
 */
import { useCallback, useMemo } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { SEVERITIES, TICKET_STATUSES, type Severity, type TicketStatus } from '../../../../common/domain';
import type { TicketListParams } from '../../api/tickets';

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
}

const SORT_PARAM: Record<QueueSort, NonNullable<TicketListParams['sort']>> = {
  newest: '-reportedAt',
  oldest: 'reportedAt',
  severity: 'severity',
  due: 'due',
};

const list = <T extends string>(raw: string | null, allowed: readonly T[]): T[] =>
  (raw ?? '').split(',').filter((v): v is T => (allowed as readonly string[]).includes(v));

export function parseFilters(search: URLSearchParams): QueueFilters {
  const sort = search.get('sort');
  return {
    status: list(search.get('status'), TICKET_STATUSES),
    severity: list(search.get('severity'), SEVERITIES),
    customerId: search.get('customer') || undefined,
    assignee: search.get('assignee') || undefined,
    q: search.get('q') ?? '',
    open: search.get('open') === '1',
    sort: sort === 'oldest' || sort === 'severity' || sort === 'due' ? sort : 'newest',
  };
}

export function filtersToSearch(filters: QueueFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.q) search.set('q', filters.q);
  if (filters.status.length) search.set('status', filters.status.join(','));
  if (filters.severity.length) search.set('severity', filters.severity.join(','));
  if (filters.customerId) search.set('customer', filters.customerId);
  if (filters.assignee) search.set('assignee', filters.assignee);
  if (filters.open) search.set('open', '1');
  if (filters.sort !== 'newest') search.set('sort', filters.sort);
  return search;
}

export const hasFilters = (f: QueueFilters) =>
  Boolean(f.q || f.status.length || f.severity.length || f.customerId || f.assignee || f.open || f.sort !== 'newest');

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

export function useQueueState() {
  const [search, setSearch] = useSearchParams();
  const location = useLocation();
  const filters = useMemo(() => parseFilters(search), [search]);
  const cursors = useMemo(() => ((location.state as QueueHistoryState | null)?.cursors ?? []).filter((c) => typeof c === 'string'), [location.state]);

  const setFilters = useCallback(
    (patch: Partial<QueueFilters>) => {
      // New filters start again at the first page.
      setSearch(filtersToSearch({ ...parseFilters(search), ...patch }), { replace: true, state: { cursors: [] } });
    },
    [search, setSearch],
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

  return { filters, setFilters, clearFilters, cursor: cursors[cursors.length - 1], page: cursors.length + 1, goNext, goPrevious };
}
