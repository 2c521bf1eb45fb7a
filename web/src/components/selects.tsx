/** Selects backed by the API: customers (searched on the server), assignees; SLA policies (policy-select.tsx) and the center tree (center-select.tsx) have files of their own, out of the queue's first load. */
import { Select } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAssignableUsers } from '../api/admin';
import { useCustomer, useCustomerList } from '../api/customers';
import type { Center } from '../api/types';
import { useLabels } from '../i18n/labels';
import { useDebounced } from './use-debounced';

export interface ValueProps<T> {
  value?: T;
  onChange?: (value: T) => void;
  id?: string;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  disabled?: boolean;
  'data-testid'?: string;
}

/**
 * What every select here hands on to antd from its form field: a cleared select reports `cleared`,
 * and the caller's placeholder wins over the select's own.
 */
export function fieldProps<T>({ id, value, onChange, placeholder, allowClear, style, disabled, 'data-testid': testId }: ValueProps<T>, cleared: T, ownPlaceholder: string) {
  return {
    id,
    'data-testid': testId,
    value: value ?? undefined,
    onChange: (v: T | null | undefined) => onChange?.(v ?? cleared),
    placeholder: placeholder ?? ownPlaceholder,
    allowClear,
    style,
    disabled,
  };
}

/** A customer chosen by typing part of its name or code. */
export function CustomerSelect(props: ValueProps<string | undefined>) {
  const { value } = props;
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const q = useDebounced(search, 250);
  const list = useCustomerList(q, { limit: 30 });
  const selected = useCustomer(value && !list.data?.some((c) => c.id === value) ? value : null);
  const options = useMemo(() => {
    const rows = (list.data ?? []).map((c) => ({ value: c.id, label: c.code ? `${c.name}（${c.code}）` : c.name }));
    if (value && selected.data && !rows.some((o) => o.value === value)) rows.unshift({ value, label: selected.data.name });
    return rows;
  }, [list.data, selected.data, value]);
  return (
    <Select
      {...fieldProps(props, undefined, t('newTicket.customerPlaceholder'))}
      options={options}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      loading={list.isFetching}
      notFoundContent={list.isFetching ? t('common.loading') : t('customers.empty')}
    />
  );
}

/** Engineers, dispatchers and managers, grouped by role; `extra` options go first (我的 / 未分配). */
export function AssigneeSelect({ allowClear = true, extra = [], ...props }: ValueProps<string | null | undefined> & { extra?: { value: string; label: string }[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const { groups, isLoading } = useAssignableUsers();
  const options = useMemo(
    () => [
      ...extra,
      ...groups
        .filter((g) => g.users.length)
        .map((g) => ({
          label: labels.role(g.role),
          title: labels.role(g.role),
          options: g.users.map((u) => ({ value: u.id, label: u.name, search: `${u.name} ${u.username}` })),
        })),
    ],
    [extra, groups, labels],
  );
  return (
    <Select
      {...fieldProps({ ...props, allowClear }, null, t('ticket.assignPlaceholder'))}
      options={options}
      showSearch={{ optionFilterProp: 'search' }}
      loading={isLoading}
      popupMatchSelectWidth={false}
    />
  );
}

export interface CenterNode {
  key: string;
  value: string;
  title: string;
  center: Center;
  children?: CenterNode[];
}

/** The center list as a tree (parents before children, siblings by code). */
export function centerTree(centers: Center[], label: (c: Center) => string = (c) => c.name): CenterNode[] {
  const byParent = new Map<string | null, Center[]>();
  const ids = new Set(centers.map((c) => c.id));
  for (const c of centers) {
    const parent = c.parentId && ids.has(c.parentId) ? c.parentId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), c]);
  }
  const build = (parent: string | null): CenterNode[] =>
    (byParent.get(parent) ?? [])
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((c) => {
        const children = build(c.id);
        return { key: c.id, value: c.id, title: label(c), center: c, ...(children.length ? { children } : {}) };
      });
  return build(null);
}
