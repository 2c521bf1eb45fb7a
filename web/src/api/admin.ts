/** Users, service centers and the audit log. */
import { keepPreviousData, useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Role } from '../../../common/domain';
import { api, qs } from './client';
import type { AuditEntry, Center, CenterCreate, SetupChecklist, SetupStep, User, UserCreate, UserUpdate } from './types';

export interface UserListParams {
  role?: Role;
  q?: string;
  active?: boolean;
  customerId?: string;
}

export function useUsers(params: UserListParams, enabled = true) {
  return useQuery({
    queryKey: ['users', 'list', params],
    queryFn: ({ signal }) =>
      api.get<User[]>(`/api/users${qs({ ...params, active: params.active === undefined ? undefined : String(params.active) })}`, { signal }),
    placeholderData: keepPreviousData,
    enabled,
    staleTime: 60_000,
  });
}

/** Roles a ticket is assigned to from the UI. */
export const ASSIGNEE_ROLES = ['engineer', 'dispatcher', 'manager'] as const satisfies readonly Role[];

/** Active engineers, dispatchers and managers, one request per role, grouped by role. */
export function useAssignableUsers(enabled = true) {
  const results = useQueries({
    queries: ASSIGNEE_ROLES.map((role) => ({
      queryKey: ['users', 'list', { role, active: true }],
      queryFn: ({ signal }: { signal: AbortSignal }) => api.get<User[]>(`/api/users${qs({ role, active: 'true' })}`, { signal }),
      enabled,
      staleTime: 60_000,
    })),
  });
  return {
    groups: ASSIGNEE_ROLES.map((role, i) => ({ role, users: results[i]?.data ?? [] })),
    isLoading: results.some((r) => r.isLoading),
  };
}

export function useSaveUser(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UserCreate | UserUpdate) =>
      id ? api.patch<User>(`/api/users/${id}`, body) : api.post<User>('/api/users', body as UserCreate),
    meta: { form: true },
    onSuccess: () => void client.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useCenters(enabled = true) {
  return useQuery({
    queryKey: ['centers'],
    queryFn: ({ signal }) => api.get<Center[]>('/api/centers', { signal }),
    enabled,
    staleTime: 5 * 60_000,
  });
}

export function useSaveCenter(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CenterCreate) => (id ? api.patch<Center>(`/api/centers/${id}`, body) : api.post<Center>('/api/centers', body)),
    meta: { form: true },
    onSuccess: () => void client.invalidateQueries({ queryKey: ['centers'] }),
  });
}

const AUDIT_PAGE = 100;

export interface AuditFilters {
  actorId?: string;
  entity?: string;
  action?: string;
  /** ISO instants. */
  from?: string;
  to?: string;
}

export function useAudit(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam, signal }) =>
      api.get<AuditEntry[]>(`/api/audit${qs({ ...filters, before: pageParam, limit: AUDIT_PAGE })}`, { signal }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => (last.length === AUDIT_PAGE ? last[last.length - 1]!.id : undefined),
  });
}

/** The administrator's first-start checklist. */
export function useSetupChecklist(enabled: boolean) {
  return useQuery({
    queryKey: ['setup'],
    queryFn: ({ signal }) => api.get<SetupChecklist>('/api/admin/setup', { signal }),
    enabled,
    staleTime: 30_000,
  });
}

export function useMarkSetupStep() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ step, mark }: { step: SetupStep['key']; mark: 'done' | 'skipped' | null }) =>
      api.put<SetupChecklist>(`/api/admin/setup/steps/${step}`, { mark }),
    onSuccess: (data) => client.setQueryData(['setup'], data),
  });
}

export function useDismissSetup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<SetupChecklist>('/api/admin/setup/dismiss'),
    onSuccess: (data) => client.setQueryData(['setup'], data),
  });
}
