/**
 * Live-push constants the web bundle needs without zod (the schemas are in common/api/push.ts).
 */

/** Seconds after the last `editing: true` heartbeat that a viewer stops showing "is editing". */
export const PRESENCE_TTL_SECONDS = 30;
/** How often a browser renews "I am editing" while its user keeps typing. */
export const PRESENCE_HEARTBEAT_SECONDS = 15;

/**
 * Every `event:` the stream sends. `ready` opens each connection (its id is the resume point),
 * `resync` says "you missed too much: refetch everything".
 */
export const PUSH_EVENTS = ['ready', 'resync', 'notification', 'ticket.changed', 'ticket.presence'] as const;
export type PushEvent = (typeof PUSH_EVENTS)[number];
