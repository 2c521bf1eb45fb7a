/** Caller identification: contacts whose phone matches what the agent types (any format). */
import { CheckOutlined, PhoneOutlined } from '@ant-design/icons';
import { Button, Input, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { usePhoneLookup } from '../../api/customers';
import type { PhoneMatch } from '../../api/types';
import { useDebounced } from '../../components/use-debounced';

export function CallerLookup({
  phone,
  onPhoneChange,
  pickedContactId,
  onPick,
}: {
  phone: string;
  onPhoneChange: (phone: string) => void;
  pickedContactId?: string | null;
  onPick: (match: PhoneMatch) => void;
}) {
  const { t } = useTranslation();
  const debounced = useDebounced(phone.trim(), 300);
  const lookup = usePhoneLookup(debounced);
  const digits = debounced.replace(/\D/g, '').length;
  const matches = lookup.data ?? [];

  return (
    <div className="caller-lookup">
      <Input
        size="large"
        prefix={<PhoneOutlined />}
        value={phone}
        onChange={(e) => onPhoneChange(e.target.value)}
        placeholder={t('newTicket.phonePlaceholder')}
        aria-label={t('newTicket.phone')}
        data-testid="caller-phone"
        autoFocus
        inputMode="tel"
        allowClear
      />
      {digits >= 4 && (
        <div className="lookup-results" data-testid="lookup-results" aria-live="polite">
          {lookup.isFetching && matches.length === 0 ? (
            <span className="muted">
              <Spin size="small" /> {t('newTicket.lookupSearching')}
            </span>
          ) : matches.length === 0 ? (
            <span className="muted" data-testid="lookup-none">
              {t('newTicket.lookupNone')}
            </span>
          ) : (
            <ul className="lookup-list">
              {matches.map((m) => {
                const picked = m.contact.id === pickedContactId;
                return (
                  <li key={m.contact.id} className={picked ? 'lookup-item lookup-item-picked' : 'lookup-item'} data-testid="lookup-match">
                    <div className="lookup-who">
                      <Typography.Text strong>{m.contact.name}</Typography.Text>
                      {m.contact.title && <span className="muted">{m.contact.title}</span>}
                      <span className="lookup-customer">{m.customer.name}</span>
                    </div>
                    <div className="lookup-phones muted">{m.contact.phones.join(' / ')}</div>
                    <Tag color={m.match === 'exact' ? 'green' : 'default'}>
                      {m.match === 'exact' ? t('newTicket.matchExact') : t('newTicket.matchPartial')}
                    </Tag>
                    <Button
                      size="small"
                      type={picked ? 'default' : 'primary'}
                      icon={picked ? <CheckOutlined /> : undefined}
                      onClick={() => onPick(m)}
                      data-testid="lookup-pick"
                    >
                      {picked ? t('newTicket.picked') : t('newTicket.pick')}
                    </Button>
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
