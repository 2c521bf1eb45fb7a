/**
 * A customer's report carries the severity its impact implied, unconfirmed (`severityPending`). Staff
 * see "客户描述：系统部分受限 → 建议 P2，请在响应时限内确认" with 确认 (takes it as it is) and 修改 (the
 * usual severity change with a reason, which settles it too); the customer sees that the desk will
 * confirm the level. Gone once confirmed.
 */
import { CheckOutlined, EditOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ticketKeys } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { formatDateTime } from '../../components/time';

function useConfirmSeverity(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Ticket>(`/api/tickets/${encodeURIComponent(id)}/severity-confirmation`),
    onSuccess: (ticket) => {
      client.setQueryData(ticketKeys.detail(id), ticket);
      void client.invalidateQueries({ queryKey: ticketKeys.all });
    },
    onError: () => void client.invalidateQueries({ queryKey: ticketKeys.detail(id) }),
  });
}

export function SeverityProposalBanner({ ticket, canConfirm, onChange }: { ticket: Ticket; canConfirm: boolean; onChange: () => void }) {
  const { t } = useTranslation();
  const confirm = useConfirmSeverity(ticket.id);
  if (!ticket.severityPending) return null;
  const impact = ticket.impact ? t(`impact.${ticket.impact}`) : null;
  const respond = ticket.sla.find((m) => m.milestone === 'respond' && m.dueAt && m.state !== 'met');
  if (!canConfirm) {
    return (
      <Alert
        type="info"
        showIcon
        className="severity-proposal"
        data-testid="severity-proposal"
        message={impact ? t('impact.customerView', { impact, severity: ticket.severity }) : t('impact.customerViewNoImpact', { severity: ticket.severity })}
      />
    );
  }
  return (
    <Alert
      type="warning"
      showIcon
      className="severity-proposal"
      data-testid="severity-proposal"
      message={
        impact ? t('impact.staffBanner', { impact, severity: ticket.severity }) : t('impact.staffBannerNoImpact', { severity: ticket.severity })
      }
      description={respond?.dueAt ? t('impact.respondBy', { due: formatDateTime(respond.dueAt) }) : undefined}
      action={
        <Space wrap size={8}>
          <Button
            type="primary"
            size="small"
            icon={<CheckOutlined />}
            loading={confirm.isPending}
            onClick={() => confirm.mutate(undefined, { onSuccess: (tk) => showSuccess(t('impact.confirmed', { severity: tk.severity })) })}
            data-testid="severity-confirm"
          >
            {t('impact.confirm')}
          </Button>
          <Button size="small" icon={<EditOutlined />} onClick={onChange} data-testid="severity-proposal-change">
            {t('impact.change')}
          </Button>
        </Space>
      }
    />
  );
}
