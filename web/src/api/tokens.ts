/** API tokens: mine, or (admins) everyone's; create (the secret comes back once) and revoke. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import type { ApiToken, CreatedApiToken, TokenCreate as TokenCreateSchema } from '../../../common/api/tokens';
import { api } from './client';

export const tokensKey = ['tokens'] as const;

export function useTokens(all: boolean) {
  return useQuery({
    queryKey: [...tokensKey, { all }],
    queryFn: ({ signal }) => api.get<ApiToken[]>(`/api/tokens${all ? '?all=true' : ''}`, { signal }),
  });
}

export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: z.input<typeof TokenCreateSchema>) => api.post<CreatedApiToken>('/api/tokens', body),
    onSuccess: () => client.invalidateQueries({ queryKey: tokensKey }),
    meta: { form: true },
  });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<ApiToken>(`/api/tokens/${id}/revoke`),
    onSuccess: () => client.invalidateQueries({ queryKey: tokensKey }),
  });
}
