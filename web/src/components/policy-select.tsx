/** The SLA policy select (customer form): a file of its own so the queue's selects do not carry the policies API. */
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePolicies } from '../api/time-rules';
import { fieldProps, type ValueProps } from './selects';

/** An SLA policy; cleared means "the default policy" (named in the placeholder). */
export function PolicySelect(props: ValueProps<string | null | undefined>) {
  const { t, i18n } = useTranslation();
  const policies = usePolicies();
  const fallback = policies.data?.find((p) => p.isDefault);
  const name = (p: { name: string; nameEn: string | null }) => (i18n.language === 'en' && p.nameEn) || p.name;
  return (
    <Select
      {...fieldProps(props, null, fallback ? t('customers.defaultPolicy', { name: name(fallback) }) : t('customers.defaultPolicyUnnamed'))}
      allowClear
      loading={policies.isLoading}
      options={(policies.data ?? []).map((p) => ({ value: p.id, label: p.isDefault ? `${name(p)}（${t('policies.default')}）` : name(p) }))}
    />
  );
}
