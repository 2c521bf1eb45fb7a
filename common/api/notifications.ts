import { z } from 'zod';
import { Id, Instant } from './shared';

export const Notification = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  ticketId: Id.nullable(),
  createdAt: Instant,
  readAt: Instant.nullable(),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationPage = z.object({
  items: z.array(Notification),
  unreadCount: z.number().int(),
});
export type NotificationPage = z.infer<typeof NotificationPage>;

export const NotificationListQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(30),
});

export const Delivery = z.object({
  id: z.number().int(),
  channel: z.enum(['email', 'inapp']),
  recipient: z.string(),
  subject: z.string(),
  kind: z.string(),
  ticketId: Id.nullable(),
  status: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: Instant,
  createdAt: Instant,
  sentAt: Instant.nullable(),
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryListQuery = z.object({
  status: z.enum(['pending', 'sent', 'failed']).optional(),
  /** Older than this id: the next page. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const DeliveryOverview = z.object({
  emailConfigured: z.boolean(),
  counts: z.object({ pending: z.number().int(), sent: z.number().int(), failed: z.number().int() }),
  items: z.array(Delivery),
});
