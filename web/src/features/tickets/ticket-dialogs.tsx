/** Dialogs on the ticket page: change the severity (with a reason) and edit the ticket's fields. */
import { Form, Input, type FormInstance } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Category, Channel, Severity, TicketType } from '../../../../common/domain';
import { usePatchTicket } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { FormModal } from '../../components/form-modal';
import { SeverityCards } from '../../components/severity-cards';
import { TicketClassFields } from './ticket-fields';

/**
 * Fills the form from the ticket when the dialog opens; a background refresh of the ticket while it
 * is open must not wipe what is typed.
 */
function useFillOnOpen<V>(form: FormInstance<V>, open: boolean, values: () => V) {
  const latest = useRef(values);
  latest.current = values;
  useEffect(() => {
    if (open) form.setFieldsValue(latest.current());
  }, [open, form]);
}

interface SeverityValues {
  severity: Severity;
  severityReason: string;
}

export function SeverityModal({ ticket, open, onClose }: { ticket: Ticket; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SeverityValues>();
  const patch = usePatchTicket(ticket.id, true);
  useFillOnOpen(form, open, () => ({ severity: ticket.severity, severityReason: '' }));

  const submit = async (values: SeverityValues) => {
    await patch.mutateAsync({ severity: values.severity, severityReason: values.severityReason.trim() });
    showSuccess(t('ticket.severityChanged', { severity: values.severity }));
  };

  return (
    <FormModal
      form={form}
      open={open}
      title={`${t('ticket.changeSeverity')} · ${ticket.number}`}
      onClose={onClose}
      onSubmit={submit}
      okButtonProps={{ 'data-testid': 'severity-save' }}
      pending={patch.isPending}
      width={680}
    >
      <Form.Item
        name="severity"
        label={t('severity.label')}
        rules={[
          {
            validator: (_, value) => (value && value !== ticket.severity ? Promise.resolve() : Promise.reject(new Error(t('ticket.severityUnchanged')))),
          },
        ]}
      >
        <SeverityCards columns={2} />
      </Form.Item>
      <Form.Item
        name="severityReason"
        label={t('ticket.severityReason')}
        rules={[{ required: true, whitespace: true, message: t('ticket.severityReasonRequired') }]}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} data-testid="severity-reason" />
      </Form.Item>
    </FormModal>
  );
}

interface EditValues {
  title: string;
  description: string;
  type: TicketType;
  category: Category;
  channel: Channel;
}

export function EditTicketModal({ ticket, open, onClose }: { ticket: Ticket; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EditValues>();
  const patch = usePatchTicket(ticket.id, true);
  useFillOnOpen(form, open, () => ({ title: ticket.title, description: ticket.description, type: ticket.type, category: ticket.category, channel: ticket.channel }));

  const submit = async (values: EditValues) => {
    // Only what changed, so the timeline lists exactly the edited fields; nothing changed just closes.
    const changes = Object.fromEntries(
      (Object.keys(values) as (keyof EditValues)[]).filter((k) => values[k] !== ticket[k]).map((k) => [k, values[k]]),
    );
    if (Object.keys(changes).length === 0) return;
    await patch.mutateAsync(changes);
    showSuccess(t('common.saved'));
  };

  return (
    <FormModal
      form={form}
      open={open}
      title={`${t('ticket.editTitle')} · ${ticket.number}`}
      onClose={onClose}
      onSubmit={submit}
      pending={patch.isPending}
      width={720}
    >
      <Form.Item name="title" label={t('ticket.title')} rules={[{ required: true, whitespace: true, message: t('newTicket.titleRequired') }, { max: 200 }]}>
        <Input />
      </Form.Item>
      <Form.Item name="description" label={t('ticket.description')}>
        <Input.TextArea autoSize={{ minRows: 4, maxRows: 16 }} />
      </Form.Item>
      <TicketClassFields order={['type', 'category', 'channel']} />
    </FormModal>
  );
}
