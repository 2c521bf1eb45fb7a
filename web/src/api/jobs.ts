/** Scheduled jobs for administrators: the list (refreshed while the page is open), run now, enable/disable. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { JobList, JobView } from '../../../common/api/jobs';
import { api } from './client';

export const jobKeys = { list: ['admin-jobs'] as const };

export function useJobs(enabled = true) {
  return useQuery({
    queryKey: jobKeys.list,
    queryFn: ({ signal }) => api.get<JobList>('/api/admin/jobs', { signal }),
    enabled,
    // Runs start and finish on their own: keep the page current while it is open.
    refetchInterval: 5_000,
  });
}

/** Puts the server's answer for one job into the list at once, then refreshes the whole list. */
function useJobMutation<V>(call: (vars: V) => Promise<JobView>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (job) =>
      client.setQueryData<JobList>(jobKeys.list, (list) => list && { ...list, items: list.items.map((j) => (j.name === job.name ? job : j)) }),
    onSettled: () => void client.invalidateQueries({ queryKey: jobKeys.list }),
  });
}

export const useRunJob = () => useJobMutation((name: string) => api.post<JobView>(`/api/admin/jobs/${encodeURIComponent(name)}/run`));

export const useSetJobEnabled = () =>
  useJobMutation(({ name, enabled }: { name: string; enabled: boolean }) => api.patch<JobView>(`/api/admin/jobs/${encodeURIComponent(name)}`, { enabled }));
