/**
 * Live push (server-sent events on GET /api/stream): the message types and the data each carries.
 * The SSE `event:` field is the type, `id:` the push message id (what Last-Event-ID resumes from).
 */
import { z } from 'zod';
import { NotificationParams } from './notifications';
import { Id } from './shared';

/** Something about a ticket changed: lists and the ticket page refetch it. */
export const TicketChangedData = z.object({
  ticketId: Id,
  number: z.string(),
  /** The domain event kind behind it, e.g. `ticket.commented`. */
  kind: z.string(),
  /** The domain event's id (a client can tell whether it already saw it). */
  eventId: z.number().int(),
  actorId: Id.nullable(),
  actorName: z.string().nullable(),
});
export type TicketChangedData = z.infer<typeof TicketChangedData>;

/** A new bell notification for the receiving user. */
export const NotificationPushData = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  /** As on the bell entry (absent for messages worded only in their title). */
  params: NotificationParams.nullable().optional(),
  ticketId: Id.nullable(),
});
export type NotificationPushData = z.infer<typeof NotificationPushData>;

/** Someone is (or stopped) writing on a ticket. Ephemeral: never replayed after a reconnect. */
export const TicketPresenceData = z.object({
  ticketId: Id,
  userId: Id,
  userName: z.string(),
  editing: z.boolean(),
  /** Writing an internal note: only staff are told. */
  internal: z.boolean(),
});
export type TicketPresenceData = z.infer<typeof TicketPresenceData>;

/** Body of POST /api/tickets/:id/presence, sent every ~15 s while typing and once when done. */
export const PresenceUpdate = z.object({
  editing: z.boolean(),
  internal: z.boolean().optional(),
});
export type PresenceUpdate = z.infer<typeof PresenceUpdate>;

export { PRESENCE_HEARTBEAT_SECONDS, PRESENCE_TTL_SECONDS, PUSH_EVENTS, type PushEvent } from '../push';
