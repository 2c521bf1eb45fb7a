/**
 * Time rules: business calendars (hours, holidays, make-up days, iCal, due preview), SLA policies
 * and the escalation matrix with its external contacts. Every change refreshes the tickets too,
 * since the server re-derives open tickets' clocks after it.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, qs } from './client';
import type {
  Calendar,
  CalendarCreate,
  CalendarDetail,
  CalendarException,
  CalendarExceptionInput,
  CalendarUpdate,
  EscalationContact,
  EscalationContactInput,
  EscalationRuleDto,
  EscalationRuleInput,
  EscalationRulePatch,
  IcalImportResult,
  SlaPolicy,
  SlaPolicyCreate,
  SlaPolicyTemplate,
  SlaPolicyUpdate,
} from './types';

export const timeRuleKeys = {
  calendars: ['calendars'] as const,
  calendar: (id: string, year?: number) => ['calendars', 'detail', id, year ?? 'all'] as const,
  preview: (id: string, start: string, minutes: number) => ['calendars', 'preview', id, start, minutes] as const,
  policies: ['sla-policies'] as const,
  templates: ['sla-policy-templates'] as const,
  rules: ['escalation-rules'] as const,
  contacts: ['escalation-contacts'] as const,
};

/** Clocks of open tickets depend on every time rule: refresh them along with the rule lists. */
function refreshAfterRuleChange(client: QueryClient, key: readonly string[]) {
  void client.invalidateQueries({ queryKey: key });
  void client.invalidateQueries({ queryKey: ['tickets'] });
}

// Calendars

export function useCalendars(enabled = true) {
  return useQuery({
    queryKey: timeRuleKeys.calendars,
    queryFn: ({ signal }) => api.get<Calendar[]>('/api/calendars', { signal }),
    enabled,
    staleTime: 60_000,
  });
}

export function useCalendar(id: string, year?: number) {
  return useQuery({
    queryKey: timeRuleKeys.calendar(id, year),
    queryFn: ({ signal }) => api.get<CalendarDetail>(`/api/calendars/${encodeURIComponent(id)}${qs({ year })}`, { signal }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useSaveCalendar(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CalendarCreate | CalendarUpdate) =>
      id ? api.patch<Calendar>(`/api/calendars/${id}`, body) : api.post<Calendar>('/api/calendars', body as CalendarCreate),
    meta: { form: true },
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.calendars),
  });
}

export function usePutException(calendarId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CalendarExceptionInput) => api.put<CalendarException>(`/api/calendars/${calendarId}/exceptions`, body),
    meta: { form: true },
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.calendars),
  });
}

export function useRemoveException(calendarId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (exceptionId: string) => api.delete<void>(`/api/calendars/${calendarId}/exceptions/${exceptionId}`),
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.calendars),
  });
}

export function useImportIcal(calendarId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (text: string) => api.post<IcalImportResult>(`/api/calendars/${calendarId}/ical`, new Blob([text], { type: 'text/calendar' })),
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.calendars),
  });
}

/** "When would `minutes` of working time after `start` have passed?" on this calendar. */
export function useWorkingTimePreview(calendarId: string, start: string | null, minutes: number | null) {
  return useQuery({
    queryKey: timeRuleKeys.preview(calendarId, start ?? '', minutes ?? -1),
    queryFn: ({ signal }) =>
      api.get<{ end: string }>(`/api/calendars/${calendarId}/add-working-time${qs({ start: start ?? '', minutes: minutes ?? 0 })}`, { signal }),
    enabled: Boolean(start) && minutes !== null && minutes >= 0,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

// SLA policies

export function usePolicies(enabled = true) {
  return useQuery({
    queryKey: timeRuleKeys.policies,
    queryFn: ({ signal }) => api.get<SlaPolicy[]>('/api/sla-policies', { signal }),
    enabled,
    staleTime: 60_000,
  });
}

export function usePolicyTemplates(enabled = true) {
  return useQuery({
    queryKey: timeRuleKeys.templates,
    queryFn: ({ signal }) => api.get<SlaPolicyTemplate[]>('/api/sla-policies/templates', { signal }),
    enabled,
    staleTime: Infinity,
  });
}

export function usePolicy(id: string | undefined) {
  return useQuery({
    queryKey: [...timeRuleKeys.policies, 'detail', id ?? ''],
    queryFn: ({ signal }) => api.get<SlaPolicy>(`/api/sla-policies/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });
}

export function useSavePolicy(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SlaPolicyCreate | SlaPolicyUpdate) =>
      id ? api.patch<SlaPolicy>(`/api/sla-policies/${id}`, body) : api.post<SlaPolicy>('/api/sla-policies', body as SlaPolicyCreate),
    meta: { form: true },
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.policies),
  });
}

export function useMakeDefaultPolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.patch<SlaPolicy>(`/api/sla-policies/${id}`, { isDefault: true }),
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.policies),
  });
}

export function useDeletePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/sla-policies/${id}`),
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.policies),
  });
}

// Escalation matrix

export function useEscalationRules(enabled = true) {
  return useQuery({
    queryKey: timeRuleKeys.rules,
    queryFn: ({ signal }) => api.get<EscalationRuleDto[]>('/api/escalation-rules', { signal }),
    enabled,
  });
}

export function useSaveEscalationRule(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: EscalationRuleInput | EscalationRulePatch) =>
      id ? api.patch<EscalationRuleDto>(`/api/escalation-rules/${id}`, body) : api.post<EscalationRuleDto>('/api/escalation-rules', body),
    meta: { form: true },
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.rules),
  });
}

export function useToggleEscalationRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) => api.patch<EscalationRuleDto>(`/api/escalation-rules/${id}`, { active }),
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.rules),
  });
}

export function useDeleteEscalationRule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/escalation-rules/${id}`),
    onSuccess: () => refreshAfterRuleChange(client, timeRuleKeys.rules),
  });
}

export function useEscalationContacts(enabled = true) {
  return useQuery({
    queryKey: timeRuleKeys.contacts,
    queryFn: ({ signal }) => api.get<EscalationContact[]>('/api/escalation-contacts', { signal }),
    enabled,
    staleTime: 60_000,
  });
}

export function useSaveEscalationContact(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: EscalationContactInput) =>
      id ? api.patch<EscalationContact>(`/api/escalation-contacts/${id}`, body) : api.post<EscalationContact>('/api/escalation-contacts', body),
    meta: { form: true },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: timeRuleKeys.contacts });
      // Rules show contacts by name.
      void client.invalidateQueries({ queryKey: timeRuleKeys.rules });
    },
  });
}
