/** The product catalog (issue 11): models, their versions, warranty, SLA policy, spare parts and end of supply. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Product, ProductCreate, ProductUpdate } from '../../../common/api/installed-base';
import { api } from './client';

export type { Product, ProductCreate, ProductUpdate };

export const productKeys = {
  all: ['products'] as const,
  list: ['products', 'list'] as const,
  detail: (id: string) => ['products', 'detail', id] as const,
};

/** The whole catalog (a desk has tens to hundreds of models): searched and sorted in the page. */
export function useProducts(enabled = true) {
  return useQuery({
    queryKey: productKeys.list,
    queryFn: ({ signal }) => api.get<Product[]>('/api/products', { signal }),
    enabled,
    staleTime: 30_000,
  });
}

export function useProduct(id: string | null | undefined) {
  return useQuery({
    queryKey: productKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api.get<Product>(`/api/products/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });
}

export function useSaveProduct(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ProductCreate | Partial<ProductCreate>) =>
      id ? api.patch<Product>(`/api/products/${id}`, body) : api.post<Product>('/api/products', body),
    meta: { form: true },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: productKeys.all });
      // A product's name, model or warranty shows on its devices.
      void client.invalidateQueries({ queryKey: ['devices'] });
    },
  });
}
