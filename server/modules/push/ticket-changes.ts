/**
 * The `push` event consumer: every change to a ticket becomes a `ticket.changed` live-push message
 * for everyone who may see that ticket, so open queues and ticket pages refresh by themselves.
 * Internal events (an internal note, a field only staff see) reach staff only.
 */
import type { DomainEvent, DomainEventKind } from '../../../common/api/events';
import { users } from '../../db/schema';
import { eq } from 'drizzle-orm';
import type { EventConsumer } from '../events';
import { publishPush, ticketAudience } from './publish';

const KINDS: DomainEventKind[] = [
  'ticket.created',
  'ticket.updated',
  'ticket.status_changed',
  'ticket.assigned',
  'ticket.severity_changed',
  'ticket.commented',
  'ticket.attachment_added',
  'ticket.milestone_met',
  'sla.warned',
  'sla.breached',
  'escalation.fired',
  'ticket.linked',
  'ticket.merged',
  'ticket.parent_changed',
  'ticket.visit',
  'ticket.engineer_added',
  'ticket.engineer_removed',
];

/** The visit steps a customer's timeline shows (modules/visits). */
const PUBLIC_VISIT_ACTIONS: readonly string[] = ['planned', 'replanned', 'arrived', 'finished'];

/** What a customer's own timeline would show of this event. */
const customerVisible = (event: DomainEvent) =>
  event.kind === 'ticket.commented' || event.kind === 'ticket.attachment_added'
    ? event.payload.public
    : event.kind === 'ticket.visit'
      ? PUBLIC_VISIT_ACTIONS.includes(event.payload.action)
      : ['ticket.created', 'ticket.status_changed', 'ticket.severity_changed', 'ticket.milestone_met', 'ticket.merged'].includes(event.kind);

export function createTicketPushConsumer(): EventConsumer {
  return {
    name: 'push',
    kinds: KINDS,
    async handle(tx, event) {
      const audience = await ticketAudience(tx, event.payload.ticketId);
      if (!audience) return; // the ticket is gone
      const [actor] = event.actorId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, event.actorId)) : [];
      await publishPush(tx, {
        audience: customerVisible(event) ? audience : { ...audience, staffOnly: true },
        type: 'ticket.changed',
        data: {
          ticketId: event.payload.ticketId,
          number: event.payload.number,
          kind: event.kind,
          eventId: event.id,
          actorId: event.actorId,
          actorName: actor?.name ?? null,
        },
      });
    },
  };
}
