/** Customers, their contacts and sites, and caller lookup by phone. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, qs } from './client';
import type { Contact, ContactCreate, Customer, CustomerCreate, CustomerDetail, PhoneMatch, Site, SiteCreate } from './types';

export const customerKeys = {
  all: ['customers'] as const,
  list: (q: string, limit: number) => ['customers', 'list', q, limit] as const,
  detail: (id: string) => ['customers', 'detail', id] as const,
};

export function useCustomerList(q: string, options: { limit?: number; enabled?: boolean } = {}) {
  const limit = options.limit ?? 100;
  return useQuery({
    queryKey: customerKeys.list(q, limit),
    queryFn: ({ signal }) => api.get<Customer[]>(`/api/customers${qs({ q, limit })}`, { signal }),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useCustomer(id: string | null | undefined) {
  return useQuery({
    queryKey: customerKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api.get<CustomerDetail>(`/api/customers/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });
}

export function useSaveCustomer(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CustomerCreate) => (id ? api.patch<Customer>(`/api/customers/${id}`, body) : api.post<Customer>('/api/customers', body)),
    meta: { form: true },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: customerKeys.all });
      // A new service level re-derives the customer's open tickets and changes the policies' customer counts.
      void client.invalidateQueries({ queryKey: ['tickets'] });
      void client.invalidateQueries({ queryKey: ['sla-policies'] });
    },
  });
}

export function useSaveContact(customerId: string, contactId?: string) {
  const client = useQueryClient();
  return useMutation({
    /** `emailFailing: false` (edit only) clears a bounced address's mark. */
    mutationFn: (body: ContactCreate & { emailFailing?: false }) =>
      contactId
        ? api.patch<Contact>(`/api/customers/${customerId}/contacts/${contactId}`, body)
        : api.post<Contact>(`/api/customers/${customerId}/contacts`, body),
    meta: { form: true },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: customerKeys.detail(customerId) });
      void client.invalidateQueries({ queryKey: ['lookup'] });
    },
  });
}

export function useAddSite(customerId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SiteCreate) => api.post<Site>(`/api/customers/${customerId}/sites`, body),
    meta: { form: true },
    onSuccess: () => void client.invalidateQueries({ queryKey: customerKeys.detail(customerId) }),
  });
}

/** Caller identification; enabled once at least 4 digits are typed. */
export function usePhoneLookup(phone: string) {
  const digits = phone.replace(/\D/g, '');
  return useQuery({
    queryKey: ['lookup', phone],
    queryFn: ({ signal }) => api.get<PhoneMatch[]>(`/api/contacts/lookup${qs({ phone })}`, { signal }),
    enabled: digits.length >= 4,
    staleTime: 30_000,
  });
}
