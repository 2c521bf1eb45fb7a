/** Dialogs on the ticket page: change the severity (with a reason) and edit the ticket's fields. */
import { Form, Input, Modal, Select } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { CATEGORIES, CHANNELS, TICKET_TYPES, type Category, type Channel, type Severity, type TicketType } from '../../../../common/domain';
import { usePatchTicket } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { handleFormError, validated } from '../../components/form-errors';
import { SeverityCards } from '../../components/severity-cards';
import { useLabels } from '../../i18n/labels';

export function SeverityModal({ ticket, open, onClose }: { ticket: Ticket; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ severity: Severity; severityReason: string }>();
  const patch = usePatchTicket(ticket.id, true);
  // Filled when the dialog opens; a background refresh of the ticket must not wipe what is typed.
  const initial = useRef(ticket);
  initial.current = ticket;
  useEffect(() => {
    if (open) form.setFieldsValue({ severity: initial.current.severity, severityReason: '' });
  }, [open, form]);

  const submit = async () => {
    const values = await validated(form);
    if (!values) return;
    try {
      await patch.mutateAsync({ severity: values.severity, severityReason: values.severityReason.trim() });
      showSuccess(t('ticket.severityChanged', { severity: values.severity }));
      onClose();
    } catch (error) {
      handleFormError(form, error);
    }
  };

  return (
    <Modal
      open={open}
      title={`${t('ticket.changeSeverity')} · ${ticket.number}`}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'severity-save' }}
      confirmLoading={patch.isPending}
      width={680}
      forceRender
    >
      <Form form={form} layout="vertical" requiredMark={false}>
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
      </Form>
    </Modal>
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
  const labels = useLabels();
  const [form] = Form.useForm<EditValues>();
  const patch = usePatchTicket(ticket.id, true);
  const initial = useRef(ticket);
  initial.current = ticket;
  useEffect(() => {
    const tk = initial.current;
    if (open) form.setFieldsValue({ title: tk.title, description: tk.description, type: tk.type, category: tk.category, channel: tk.channel });
  }, [open, form]);

  const submit = async () => {
    const values = await validated(form);
    if (!values) return;
    // Only what changed, so the timeline lists exactly the edited fields.
    const changes = Object.fromEntries(
      (Object.keys(values) as (keyof EditValues)[]).filter((k) => values[k] !== ticket[k]).map((k) => [k, values[k]]),
    );
    if (Object.keys(changes).length === 0) return onClose();
    try {
      await patch.mutateAsync(changes);
      showSuccess(t('common.saved'));
      onClose();
    } catch (error) {
      handleFormError(form, error);
    }
  };

  return (
    <Modal
      open={open}
      title={`${t('ticket.editTitle')} · ${ticket.number}`}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      confirmLoading={patch.isPending}
      width={720}
      forceRender
    >
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="title" label={t('ticket.title')} rules={[{ required: true, whitespace: true, message: t('newTicket.titleRequired') }, { max: 200 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="description" label={t('ticket.description')}>
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 16 }} />
        </Form.Item>
        <div className="form-row-3">
          <Form.Item name="type" label={t('ticket.type')}>
            <Select options={TICKET_TYPES.map((v) => ({ value: v, label: labels.type(v) }))} />
          </Form.Item>
          <Form.Item name="category" label={t('ticket.category')}>
            <Select options={CATEGORIES.map((v) => ({ value: v, label: labels.category(v) }))} />
          </Form.Item>
          <Form.Item name="channel" label={t('ticket.channel')}>
            <Select options={CHANNELS.map((v) => ({ value: v, label: labels.channel(v) }))} />
          </Form.Item>
        </div>
      </Form>
    </Modal>
  );
}
