/**
 * Live push to signed-in users (server-sent events). Other modules publish through this file:
 * `publishPush(tx, …)` in the transaction of the change, `ticketAudience(tx, id)` for a ticket's
 * scoping. See hub.ts for the fan-out and routes.ts for GET /api/stream.
 */
export { EPHEMERAL_PUSH_TYPES, PUSH_CHANNEL, publishPush, ticketAudience, type NewPushMessage } from './publish';
export { pushRoutes, type PushRouteOptions } from './routes';
export type { PushHub } from './hub';
