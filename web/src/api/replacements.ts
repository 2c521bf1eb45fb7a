/**
 * Replacement proposals (the second-failure rule, 三包换新) and the installed-base settings: the
 * rule and the contract renewal reminders.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InstalledBaseSettings, ReplacementDecision, ReplacementProposal, ReplacementStatus } from '../../../common/api/installed-base';
import { api, qs } from './client';

export type { InstalledBaseSettings, ReplacementDecision, ReplacementProposal, ReplacementStatus };

export const replacementKeys = {
  all: ['replacements'] as const,
  list: (status: ReplacementStatus | undefined) => ['replacements', 'list', status ?? 'all'] as const,
  settings: ['settings', 'installed-base'] as const,
};

export function useReplacements(status: ReplacementStatus | undefined, enabled = true) {
  return useQuery({
    queryKey: replacementKeys.list(status),
    queryFn: ({ signal }) => api.get<ReplacementProposal[]>(`/api/replacements${qs({ status })}`, { signal }),
    enabled,
  });
}

export function useDecideReplacement(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ReplacementDecision) => api.post<ReplacementProposal>(`/api/replacements/${encodeURIComponent(id)}/decision`, body),
    meta: { form: true },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: replacementKeys.all });
      // An approval creates the new unit and marks the old one replaced.
      void client.invalidateQueries({ queryKey: ['devices'] });
    },
  });
}

export function useInstalledBaseSettings(enabled = true) {
  return useQuery({
    queryKey: replacementKeys.settings,
    queryFn: ({ signal }) => api.get<InstalledBaseSettings>('/api/settings/installed-base', { signal }),
    enabled,
  });
}

export function useSaveInstalledBaseSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: InstalledBaseSettings) => api.put<InstalledBaseSettings>('/api/settings/installed-base', body),
    meta: { form: true },
    onSuccess: (saved) => client.setQueryData(replacementKeys.settings, saved),
  });
}
