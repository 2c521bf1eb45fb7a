/**
 * Service contracts (issue 11): the list with its derived state, one contract with its coverage,
 * attachments and renewal reminders, create/edit/terminate, and the signed files. Also the few
 * installed-base reads the contract form and the portal need (a customer's devices by serial,
 * the product list, one device), kept here so those pages do not depend on the devices pages' code.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  Contract,
  ContractCreate,
  ContractDetail,
  ContractState,
  ContractUpdate,
  DeviceDetail,
  DevicePage,
  Product,
  WarrantyState,
} from '../../../common/api/installed-base';
import { api, qs } from './client';

export type { Contract, ContractCreate, ContractDetail, ContractState, ContractUpdate, DeviceDetail, DevicePage, Product, WarrantyState };
export type ContractAttachment = ContractDetail['attachments'][number];

export interface ContractListParams {
  customerId?: string;
  state?: ContractState;
  q?: string;
}

export const contractKeys = {
  all: ['contracts'] as const,
  list: (p: ContractListParams) => ['contracts', 'list', p] as const,
  detail: (id: string) => ['contracts', 'detail', id] as const,
};

/** Up to 500 contracts (the server's maximum) matching the filters, newest first. */
export function useContracts(params: ContractListParams, enabled = true) {
  return useQuery({
    queryKey: contractKeys.list(params),
    queryFn: ({ signal }) => api.get<Contract[]>(`/api/contracts${qs({ ...params, limit: 500 })}`, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useContract(id: string | null | undefined) {
  return useQuery({
    queryKey: contractKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api.get<ContractDetail>(`/api/contracts/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });
}

export function useSaveContract(id?: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ContractCreate | ContractUpdate) =>
      id ? api.patch<Contract>(`/api/contracts/${encodeURIComponent(id)}`, body) : api.post<Contract>('/api/contracts', body),
    meta: { form: true },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: contractKeys.all });
      // Entitlement and the policy chain read the contracts.
      void client.invalidateQueries({ queryKey: ['devices'] });
    },
  });
}

export const contractAttachmentUrl = (contractId: string, attachmentId: string) =>
  `/api/contracts/${encodeURIComponent(contractId)}/attachments/${encodeURIComponent(attachmentId)}`;

export function useUploadContractAttachment(contractId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return api.post<ContractAttachment>(`/api/contracts/${encodeURIComponent(contractId)}/attachments`, form);
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: contractKeys.detail(contractId) }),
  });
}

export function useDeleteContractAttachment(contractId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (attachmentId: string) => api.delete<void>(contractAttachmentUrl(contractId, attachmentId)),
    onSuccess: () => void client.invalidateQueries({ queryKey: contractKeys.detail(contractId) }),
  });
}

// ── Installed-base reads used by the contract form and the portal ──────────────────────────────

export interface DeviceListParams {
  customerId?: string;
  siteId?: string;
  warranty?: WarrantyState;
  q?: string;
  limit?: number;
}

/** One page of devices (a customer user gets only their organisation's). */
export function useDeviceList(params: DeviceListParams, enabled = true) {
  return useQuery({
    queryKey: ['devices', 'contract-picker', params],
    queryFn: ({ signal }) => api.get<DevicePage>(`/api/devices${qs({ ...params })}`, { signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useDeviceDetail(id: string | null | undefined) {
  return useQuery({
    queryKey: ['devices', 'detail', id ?? ''],
    queryFn: ({ signal }) => api.get<DeviceDetail>(`/api/devices/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    retry: false,
  });
}

export function useProductList(enabled = true) {
  return useQuery({
    queryKey: ['products', 'list', 'all'],
    queryFn: ({ signal }) => api.get<Product[]>('/api/products', { signal }),
    enabled,
    staleTime: 60_000,
  });
}
