import { z } from 'zod';
import { Id, Instant } from './shared';

export const NotificationParams = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

export const Notification = z.object({
  id: z.number().int(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  ticketId: Id.nullable(),
  /** What the web needs to word it in the reader's language; null for messages that only have a title. */
  params: NotificationParams.nullable(),
  /** The ticket's number and current title (the bell's first line); absent in live pushes. */
  ticket: z.object({ number: z.string(), title: z.string() }).nullable().optional(),
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
export type DeliveryListQuery = z.infer<typeof DeliveryListQuery>;

export const DeliveryOverview = z.object({
  emailConfigured: z.boolean(),
  counts: z.object({ pending: z.number().int(), sent: z.number().int(), failed: z.number().int() }),
  items: z.array(Delivery),
});
export type DeliveryOverview = z.infer<typeof DeliveryOverview>;

/**
 * What a person can choose to hear about, per channel. Topics group domain events:
 * assigned (a ticket given to or taken from you), commented (replies and internal notes),
 * status, severity, attachment, milestone (plan submitted, arrived …), sla (warnings, breaches,
 * escalations of tickets you follow).
 */
export const NOTIFICATION_TOPICS = ['assigned', 'commented', 'status', 'severity', 'attachment', 'milestone', 'sla'] as const;
export type NotificationTopic = (typeof NOTIFICATION_TOPICS)[number];
export const NOTIFICATION_CHANNELS = ['inapp', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** What everyone gets until they choose otherwise: the bell for everything, mail for what needs acting on. */
export const NOTIFICATION_DEFAULTS: Record<NotificationTopic, Record<NotificationChannel, boolean>> = {
  assigned: { inapp: true, email: true },
  commented: { inapp: true, email: true },
  status: { inapp: true, email: false },
  severity: { inapp: true, email: true },
  attachment: { inapp: true, email: false },
  milestone: { inapp: true, email: false },
  sla: { inapp: true, email: true },
};

export const NotificationPreference = z.object({
  topic: z.enum(NOTIFICATION_TOPICS),
  inapp: z.boolean(),
  email: z.boolean(),
});
export type NotificationPreference = z.infer<typeof NotificationPreference>;

export const NotificationPreferences = z.object({
  items: z.array(NotificationPreference),
  /** Mail goes out only when the desk has an SMTP server and the person an address. */
  emailConfigured: z.boolean(),
  email: z.string().nullable(),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;

/** Changes some choices; topics and channels not sent keep theirs. */
export const NotificationPreferencesUpdate = z.object({
  items: z
    .array(z.object({ topic: z.enum(NOTIFICATION_TOPICS), channel: z.enum(NOTIFICATION_CHANNELS), enabled: z.boolean() }))
    .min(1, 'name at least one choice')
    .max(NOTIFICATION_TOPICS.length * NOTIFICATION_CHANNELS.length),
});
export type NotificationPreferencesUpdate = z.infer<typeof NotificationPreferencesUpdate>;
