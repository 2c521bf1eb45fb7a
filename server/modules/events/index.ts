/** Domain events: recording them with a change, and the named consumers that react to them. */
export { EVENTS_CHANNEL, recordEvents, type NewDomainEvent } from './record';
export { createEventConsumers, consumerBackoffMs, STUCK_AFTER, type EventConsumer, type EventConsumers, type RunResult } from './consumers';
