/** Canned replies (macros) and the assignee picker. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssigneeList, Macro, MacroApplied, MacroApply, MacroCreate, MacroPreview, MacroUpdate } from '../../../common/api/macros';
import { api, qs } from './client';
import { ticketKeys } from './tickets';

export const macroKeys = {
  all: ['macros'] as const,
  list: (scope?: 'personal' | 'shared') => ['macros', 'list', scope ?? 'all'] as const,
};

export function useMacros(scope?: 'personal' | 'shared', enabled = true) {
  return useQuery({
    queryKey: macroKeys.list(scope),
    queryFn: ({ signal }) => api.get<Macro[]>(`/api/macros${qs({ scope })}`, { signal }),
    enabled,
    staleTime: 30_000,
  });
}

export function useSaveMacro() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id?: string; body: MacroCreate | MacroUpdate }) =>
      id ? api.patch<Macro>(`/api/macros/${id}`, body) : api.post<Macro>('/api/macros', body),
    meta: { form: true },
    onSuccess: () => client.invalidateQueries({ queryKey: macroKeys.all }),
  });
}

export function useDeleteMacro() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/macros/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: macroKeys.all }),
  });
}

/** What the macro would post on this ticket (rendered by the server from the ticket's facts). */
export const fetchMacroPreview = (ticketId: string, macroId: string) =>
  api.get<MacroPreview>(`/api/tickets/${encodeURIComponent(ticketId)}/macros/${encodeURIComponent(macroId)}/preview`);

export function useApplyMacro(ticketId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ macroId, body, idempotencyKey }: { macroId: string; body: MacroApply; idempotencyKey?: string }) =>
      api.post<MacroApplied>(`/api/tickets/${ticketId}/macros/${macroId}/apply`, body, { idempotencyKey }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ticketKeys.all }),
  });
}

/** Under `tickets`, so ticket mutations and live push refresh the picker too. */
export const assigneeKeys = { list: (ticketId: string, q: string) => ['tickets', 'assignees', ticketId, q] as const };

/** As many as the ticket overview carries (OVERVIEW_ASSIGNEE_LIMIT), so its first screen is seeded from there. */
const ASSIGNEE_LIMIT = 30;

export function useAssignees(ticketId: string, q: string, enabled: boolean) {
  return useQuery({
    queryKey: assigneeKeys.list(ticketId, q),
    queryFn: ({ signal }) =>
      api.get<AssigneeList>(`/api/tickets/${encodeURIComponent(ticketId)}/assignees${qs({ q: q || undefined, limit: ASSIGNEE_LIMIT })}`, { signal }),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
