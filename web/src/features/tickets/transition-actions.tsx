/**
 * Status buttons from `ticket.allowedTransitions`. Resolving, cancelling and waiting for the
 * customer ask for a note; reopening offers one; the rest happen at once. A refused move (409)
 * shows the server's message.
 */
import { Button, Form, Input, Modal, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketStatus } from '../../../../common/domain';
import { useTransitionTicket } from '../../api/tickets';
import type { Ticket } from '../../api/types';
import { showError, showSuccess } from '../../components/feedback';
import { validated } from '../../components/form-errors';
import { useLabels } from '../../i18n/labels';
import { useMe, isPortalUser } from '../auth/session';
import { ResolveChildrenOption } from './links-panel';

type NoteMode = 'none' | 'optional' | 'required';

interface Action {
  to: TicketStatus;
  label: string;
  note: NoteMode;
  primary?: boolean;
  danger?: boolean;
}

const NOTE_REQUIRED: readonly TicketStatus[] = ['resolved', 'cancelled', 'pending_customer'];
const PRIMARY: readonly TicketStatus[] = ['assigned', 'resolved', 'closed'];

function useActions(ticket: Ticket): Action[] {
  const { t } = useTranslation();
  const me = useMe();
  const portal = isPortalUser(me);
  return ticket.allowedTransitions.flatMap((to): Action[] => {
    const reopen = ticket.status === 'resolved' && to === 'in_progress';
    const note: NoteMode = NOTE_REQUIRED.includes(to) ? 'required' : reopen ? 'optional' : 'none';
    if (portal) {
      if (to === 'closed' || to === 'in_progress' || to === 'cancelled') {
        return [{ to, label: t(`portalTransition.${to}`), note, primary: to === 'closed', danger: to === 'cancelled' }];
      }
      return [];
    }
    // Others assign through the assignee field; only an engineer takes a new ticket for themselves.
    if (to === 'assigned' && me.role !== 'engineer') return [];
    const label = reopen ? t('transition.reopen') : t(`transition.${to}`);
    return [{ to, label, note, primary: PRIMARY.includes(to) || (to === 'in_progress' && ticket.status === 'assigned'), danger: to === 'cancelled' }];
  });
}

export function TransitionActions({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  const labels = useLabels();
  const actions = useActions(ticket);
  const transition = useTransitionTicket(ticket.id);
  const [pending, setPending] = useState<Action | null>(null);
  const [form] = Form.useForm<{ note?: string; resolveChildren?: boolean }>();

  const run = async (action: Action, note?: string, resolveChildren?: boolean) => {
    try {
      const done = await transition.mutateAsync({
        to: action.to,
        ...(note?.trim() ? { note: note.trim() } : {}),
        ...(resolveChildren && action.to === 'resolved' ? { resolveChildren: true } : {}),
      });
      showSuccess(t('transition.done', { status: labels.status(action.to) }));
      const children = done.childResults?.filter((c) => c.result === 'resolved').length;
      if (children) showSuccess(t('links.childrenResolvedToast', { count: children }));
      setPending(null);
      form.resetFields();
    } catch (error) {
      showError(error);
    }
  };

  if (actions.length === 0) return null;
  return (
    <>
      <Space wrap size={8}>
        {actions.map((action) => (
          <Button
            key={action.to}
            type={action.primary ? 'primary' : 'default'}
            danger={action.danger}
            loading={transition.isPending && transition.variables?.to === action.to && !pending}
            data-testid={`transition-${action.to}`}
            onClick={() => (action.note === 'none' ? void run(action) : setPending(action))}
          >
            {action.label}
          </Button>
        ))}
      </Space>
      <Modal
        open={pending !== null}
        title={pending ? t('transition.noteTitle', { action: pending.label, number: ticket.number }) : ''}
        okText={pending?.label}
        okButtonProps={{ danger: pending?.danger, 'data-testid': 'transition-confirm' }}
        confirmLoading={transition.isPending}
        onCancel={() => {
          setPending(null);
          form.resetFields();
        }}
        onOk={() => void validated(form).then((values) => values && pending && run(pending, values.note, values.resolveChildren))}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" requiredMark={false}>
          <Form.Item
            name="note"
            label={pending?.note === 'required' ? t('transition.note') : t('transition.noteOptional')}
            rules={pending?.note === 'required' ? [{ required: true, whitespace: true, message: t('transition.noteRequired') }] : []}
          >
            <Input.TextArea
              autoFocus
              autoSize={{ minRows: 3, maxRows: 10 }}
              placeholder={pending?.to === 'in_progress' && ticket.status === 'resolved' ? t('portalTransition.reasonPlaceholder') : t('transition.notePlaceholder')}
              data-testid="transition-note"
            />
          </Form.Item>
          {pending?.to === 'resolved' && <ResolveChildrenOption ticketId={ticket.id} />}
        </Form>
      </Modal>
    </>
  );
}
