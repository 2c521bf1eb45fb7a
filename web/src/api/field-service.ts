/**
 * Field service (issue 12): the dispatch board and its suggestions, visits (plan, re-plan, steps,
 * lists), the ticket's visits, engineers and service records, and the field-service settings.
 * Every query lives under `fieldKeys.all`; a visit or an assignment changes tickets too (the arrive
 * milestone, the timeline, the queue), so those mutations refresh both families.
 */
import { keepPreviousData, type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  DispatchBoard,
  DispatchBoardQuery,
  EngineerSuggestion,
  FieldServiceSettings,
  ServiceRecord,
  TicketEngineer,
  TicketEngineerAdd,
  Visit,
  VisitCreate,
  VisitListQuery,
  VisitTransition,
  VisitUpdate,
} from '../../../common/api/field-service';
import { api, qs } from './client';
import { ticketKeys } from './tickets';
import type { Ticket } from './types';

export type {
  BoardEngineer,
  BoardTicket,
  DispatchBoard,
  EngineerSuggestion,
  FieldServiceSettings,
  ServiceRecord,
  SuggestionReason,
  TicketEngineer,
  Visit,
  VisitCreate,
  VisitStatus,
  VisitTransition,
  VisitUpdate,
} from '../../../common/api/field-service';

/** The board's filters as the page holds them (span defaults to day on the server). */
export type BoardParams = Partial<Pick<DispatchBoardQuery, 'centerId' | 'region' | 'day' | 'span'>>;
/** GET /api/visits filters (limit defaults to 200 on the server). */
export type VisitListParams = Partial<VisitListQuery>;

export const fieldKeys = {
  all: ['field-service'] as const,
  board: (params: BoardParams) => ['field-service', 'board', params] as const,
  suggestions: (ticketId: string) => ['field-service', 'suggestions', ticketId] as const,
  visits: (params: VisitListParams) => ['field-service', 'visits', 'list', params] as const,
  visit: (id: string) => ['field-service', 'visits', 'detail', id] as const,
  ticketVisits: (ticketId: string) => ['field-service', 'visits', 'ticket', ticketId] as const,
  ticketRecords: (ticketId: string) => ['field-service', 'records', 'ticket', ticketId] as const,
  ticketEngineers: (ticketId: string) => ['field-service', 'engineers', 'ticket', ticketId] as const,
  settings: ['field-service', 'settings'] as const,
};

const enc = encodeURIComponent;

/** After a write that changes visits or assignments: the field-service data and the ticket data. */
export function refreshFieldService(client: QueryClient) {
  void client.invalidateQueries({ queryKey: fieldKeys.all });
  void client.invalidateQueries({ queryKey: ticketKeys.all });
}

// ── Board, suggestions, settings ───────────────────────────────────────────────────────────────

export function useDispatchBoard(params: BoardParams, enabled = true) {
  return useQuery({
    queryKey: fieldKeys.board(params),
    queryFn: ({ signal }) => api.get<DispatchBoard>(`/api/dispatch/board${qs({ ...params })}`, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Ranked engineers for a ticket, with the reasons (null: nothing asked yet). */
export function useSuggestions(ticketId: string | null | undefined) {
  return useQuery({
    queryKey: fieldKeys.suggestions(ticketId ?? ''),
    queryFn: ({ signal }) => api.get<{ items: EngineerSuggestion[] }>(`/api/tickets/${enc(ticketId!)}/suggestions`, { signal }).then((r) => r.items),
    enabled: Boolean(ticketId),
  });
}

export function useFieldServiceSettings(enabled = true) {
  return useQuery({
    queryKey: fieldKeys.settings,
    queryFn: ({ signal }) => api.get<FieldServiceSettings>('/api/settings/field-service', { signal }),
    staleTime: 60_000,
    enabled,
  });
}

export function useSaveFieldServiceSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: FieldServiceSettings) => api.put<FieldServiceSettings>('/api/settings/field-service', body),
    meta: { form: true },
    onSuccess: (settings) => {
      client.setQueryData(fieldKeys.settings, settings);
      void client.invalidateQueries({ queryKey: fieldKeys.all });
    },
  });
}

/** Assign a ticket from the board (PATCH /api/tickets/:id {assigneeId}). */
export function useAssignTicket() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ ticketId, assigneeId }: { ticketId: string; assigneeId: string | null }) =>
      api.patch<Ticket>(`/api/tickets/${enc(ticketId)}`, { assigneeId }),
    onSuccess: (ticket) => {
      client.setQueryData(ticketKeys.detail(ticket.id), ticket);
      refreshFieldService(client);
    },
  });
}

// ── Visits ─────────────────────────────────────────────────────────────────────────────────────

export function useVisits(params: VisitListParams, enabled = true) {
  return useQuery({
    queryKey: fieldKeys.visits(params),
    queryFn: ({ signal }) => api.get<{ items: Visit[] }>(`/api/visits${qs({ ...params })}`, { signal }).then((r) => r.items),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useVisit(id: string | null | undefined) {
  return useQuery({
    queryKey: fieldKeys.visit(id ?? ''),
    queryFn: ({ signal }) => api.get<Visit>(`/api/visits/${enc(id!)}`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });
}

/** The ticket's visits (the ticket page: filled by its opening read, ticket-overview.ts). */
export function useTicketVisits(ticketId: string, enabled = true) {
  return useQuery({
    queryKey: fieldKeys.ticketVisits(ticketId),
    queryFn: ({ signal }) => api.get<Visit[]>(`/api/tickets/${enc(ticketId)}/visits`, { signal }),
    enabled,
  });
}

/** Plan a visit. `idempotencyKey`: one per submission, the same when that submission is sent again. */
export function useCreateVisit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ ticketId, body, idempotencyKey }: { ticketId: string; body: VisitCreate; idempotencyKey?: string }) =>
      api.post<Visit>(`/api/tickets/${enc(ticketId)}/visits`, body, { idempotencyKey }),
    meta: { form: true },
    onSuccess: (visit) => {
      client.setQueryData(fieldKeys.visit(visit.id), visit);
      refreshFieldService(client);
    },
  });
}

/** Re-plan a visit that has not started. */
export function useUpdateVisit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: VisitUpdate }) => api.patch<Visit>(`/api/visits/${enc(id)}`, body),
    meta: { form: true },
    onSuccess: (visit) => {
      client.setQueryData(fieldKeys.visit(visit.id), visit);
      refreshFieldService(client);
    },
  });
}

/**
 * A step of the visit (start trip, check in, finish, cancel). Pass the same `idempotencyKey` when
 * retrying the same step (a dropped connection): the server does it once.
 */
export function useVisitTransition() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body, idempotencyKey }: { id: string; body: VisitTransition; idempotencyKey?: string }) =>
      api.post<Visit>(`/api/visits/${enc(id)}/transitions`, body, { idempotencyKey }),
    onSuccess: (visit) => {
      client.setQueryData(fieldKeys.visit(visit.id), visit);
      refreshFieldService(client);
    },
  });
}

// ── The ticket's engineers and service records ────────────────────────────────────────────────

/** Lead (the assignee) first, then helpers and invited experts (filled by the ticket's opening read). */
export function useTicketEngineers(ticketId: string, enabled = true) {
  return useQuery({
    queryKey: fieldKeys.ticketEngineers(ticketId),
    queryFn: ({ signal }) => api.get<TicketEngineer[]>(`/api/tickets/${enc(ticketId)}/engineers`, { signal }),
    enabled,
  });
}

export function useAddTicketEngineer(ticketId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: TicketEngineerAdd; idempotencyKey?: string }) =>
      api.post<TicketEngineer[]>(`/api/tickets/${enc(ticketId)}/engineers`, body, { idempotencyKey }),
    meta: { form: true },
    onSuccess: (engineers) => {
      client.setQueryData(fieldKeys.ticketEngineers(ticketId), engineers);
      refreshFieldService(client);
    },
  });
}

export function useRemoveTicketEngineer(ticketId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.delete<TicketEngineer[]>(`/api/tickets/${enc(ticketId)}/engineers/${enc(userId)}`),
    onSuccess: (engineers) => {
      client.setQueryData(fieldKeys.ticketEngineers(ticketId), engineers);
      refreshFieldService(client);
    },
  });
}

/** Every version of every record of the ticket's visits (filled by the ticket's opening read). */
export function useTicketServiceRecords(ticketId: string, enabled = true) {
  return useQuery({
    queryKey: fieldKeys.ticketRecords(ticketId),
    queryFn: ({ signal }) => api.get<ServiceRecord[]>(`/api/tickets/${enc(ticketId)}/service-records`, { signal }),
    enabled,
  });
}
