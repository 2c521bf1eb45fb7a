/**
 * What the ticket forms share: the problem fields (title, description, severity) of the staff's and
 * the customer's new-ticket pages, the channel / type / category row of the staff's new-ticket page
 * and the edit dialog, and creating the ticket then opening it.
 */
import { Button, Form, Input, Select, type FormInstance } from 'antd';
import { useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { CATEGORIES, CHANNELS, TICKET_TYPES } from '../../../../common/domain';
import { ApiError, newIdempotencyKey } from '../../api/client';
import { useCreateTicket } from '../../api/tickets';
import type { TicketCreate } from '../../api/types';
import { showSuccess } from '../../components/feedback';
import { handleFormError } from '../../components/form-errors';
import { SeverityCards } from '../../components/severity-cards';
import { useLabels } from '../../i18n/labels';

export function TicketProblemFields({
  autoFocus,
  descriptionRows,
  severityExtra,
  severityField,
}: {
  autoFocus?: boolean;
  descriptionRows: { minRows: number; maxRows: number };
  /** Under the severity choice instead of the hint (the hotline form's due-time preview). */
  severityExtra?: ReactNode;
  /** In place of the severity choice (the portal asks for the impact in plain words instead). */
  severityField?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <Form.Item name="title" label={t('ticket.title')} rules={[{ required: true, whitespace: true, message: t('newTicket.titleRequired') }, { max: 200 }]}>
        <Input placeholder={t('newTicket.titlePlaceholder')} data-testid="ticket-title-input" autoFocus={autoFocus} />
      </Form.Item>
      <Form.Item name="description" label={t('ticket.description')}>
        <Input.TextArea autoSize={descriptionRows} placeholder={t('newTicket.descriptionPlaceholder')} data-testid="ticket-description-input" />
      </Form.Item>
      {severityField ?? (
        <Form.Item name="severity" label={t('severity.label')} extra={severityExtra ?? t('newTicket.severityHint')} rules={[{ required: true, message: t('newTicket.severityRequired') }]}>
          <SeverityCards />
        </Form.Item>
      )}
    </>
  );
}

type ClassField = 'channel' | 'type' | 'category';

/** Channel, type and category as selects in one row, in the order given. */
export function TicketClassFields({ order }: { order: readonly ClassField[] }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const fields: Record<ClassField, { label: string; options: { value: string; label: string }[] }> = {
    channel: { label: t('ticket.channel'), options: CHANNELS.map((v) => ({ value: v, label: labels.channel(v) })) },
    type: { label: t('ticket.type'), options: TICKET_TYPES.map((v) => ({ value: v, label: labels.type(v) })) },
    category: { label: t('ticket.category'), options: CATEGORIES.map((v) => ({ value: v, label: labels.category(v) })) },
  };
  return (
    <div className="form-row-3">
      {order.map((name) => (
        <Form.Item key={name} name={name} label={fields[name].label}>
          <Select options={fields[name].options} />
        </Form.Item>
      ))}
    </div>
  );
}

/**
 * Creates a ticket, says so (`created`, with the new number) and opens it; a refusal lands on the
 * form's fields.
 */
export function useCreateTicketAndOpen(form: FormInstance, created: 'newTicket.created' | 'portal.created') {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const create = useCreateTicket();
  // A second click before the button shows its loading state must not submit again.
  const inFlight = useRef(false);
  // The submission a network failure interrupted: sending the same form again reuses its key, so
  // the server creates the ticket once even if the first attempt did reach it.
  const unanswered = useRef<{ body: string; key: string } | null>(null);
  const submit = async (body: TicketCreate) => {
    if (inFlight.current) return;
    inFlight.current = true;
    const text = JSON.stringify(body);
    const idempotencyKey = unanswered.current?.body === text ? unanswered.current.key : newIdempotencyKey();
    try {
      const ticket = await create.mutateAsync({ body, idempotencyKey });
      unanswered.current = null;
      showSuccess(t(created, { number: ticket.number }));
      navigate(`/tickets/${ticket.id}`);
    } catch (error) {
      unanswered.current = error instanceof ApiError && error.status === 0 ? { body: text, key: idempotencyKey } : null;
      handleFormError(form, error);
    } finally {
      inFlight.current = false;
    }
  };
  return { submit, pending: create.isPending };
}

/** Cancel and the submit button under a new-ticket form. */
export function NewTicketActions({ pending, submitText, onCancel }: { pending: boolean; submitText: string; onCancel: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="form-actions">
      <Button onClick={onCancel}>{t('common.cancel')}</Button>
      <Button type="primary" htmlType="submit" loading={pending} data-testid="create-ticket">
        {submitText}
      </Button>
    </div>
  );
}
