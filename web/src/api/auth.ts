/** The session: who is logged in, logging in and out, changing the password. */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import type { Me } from './types';

export const meKey = ['me'] as const;

/** Who is signed in (null: nobody); also read before the first render (`primeSession` in app.tsx). */
export const meQuery = queryOptions({
  queryKey: meKey,
  queryFn: ({ signal }) => api.get<Me | null>('/api/me', { signal, allowAnonymous: true }),
  staleTime: Infinity,
  retry: false,
});

export function useMeQuery() {
  return useQuery(meQuery);
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) => api.post<{ ok: true }>('/api/auth/login', body),
    meta: { form: true },
    onSuccess: async () => {
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
      await client.refetchQueries({ queryKey: meKey });
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/api/auth/logout'),
    onSettled: () => {
      client.clear();
      client.setQueryData(meKey, null);
    },
  });
}

export function useChangePassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => api.post<void>('/api/auth/password', body),
    meta: { form: true },
    // A forced change (me.mustChangePassword) ends here: the session reloads into the application.
    onSuccess: () => client.invalidateQueries({ queryKey: meKey }),
  });
}
