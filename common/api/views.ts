/**
 * Saved queue views: a named state of the queue (its filters and sort, in the shape of the queue's
 * URL — web/src/features/tickets/queue-state.ts) plus the columns shown, in order, with widths.
 * Personal views belong to one person; shared views are seen by every member of staff and made or
 * changed only by managers and administrators (`views.share`).
 */
import { z } from 'zod';
import { SEVERITIES, TICKET_STATUSES } from '../domain';
import { Id, Instant, patchOf, trimmed } from './shared';

/** The queue's columns, in their default order. */
export const QUEUE_COLUMNS = ['number', 'title', 'customer', 'severity', 'status', 'sla', 'assignee', 'reportedAt'] as const;
export type QueueColumn = (typeof QUEUE_COLUMNS)[number];

export const QUEUE_SORTS = ['newest', 'oldest', 'severity', 'due'] as const;

/** The queue's filters as its URL keeps them; an unknown filter is refused (400 naming it). */
export const ViewQuery = z.strictObject({
  status: z.array(z.enum(TICKET_STATUSES)).max(TICKET_STATUSES.length).optional(),
  severity: z.array(z.enum(SEVERITIES)).max(SEVERITIES.length).optional(),
  customer: Id.optional(),
  /** A user id, `me` (whoever looks at the view) or `none` (unassigned). */
  assignee: z.union([Id, z.enum(['me', 'none'])]).optional(),
  q: z.string().trim().max(200).optional(),
  /** Only tickets still open (not resolved, closed or cancelled). */
  open: z.boolean().optional(),
  sort: z.enum(QUEUE_SORTS).optional(),
});
export type ViewQuery = z.infer<typeof ViewQuery>;

export const ViewColumn = z.strictObject({
  key: z.enum(QUEUE_COLUMNS),
  /** px; absent: the column's default width (the title column always takes the remaining room). */
  width: z.number().int().min(40).max(1200).optional(),
});
export type ViewColumn = z.infer<typeof ViewColumn>;

export const ViewColumns = z
  .array(ViewColumn)
  .max(QUEUE_COLUMNS.length)
  .refine((cols) => new Set(cols.map((c) => c.key)).size === cols.length, 'each column at most once');

export const SavedViewCreate = z.object({
  name: trimmed(60),
  /** Seen by all staff; only managers and administrators may share. */
  shared: z.boolean().default(false),
  query: ViewQuery,
  /** Empty: the default columns. */
  columns: ViewColumns.default([]),
});
export type SavedViewCreate = z.input<typeof SavedViewCreate>;

export const SavedViewUpdate = patchOf(SavedViewCreate);
export type SavedViewUpdate = z.infer<typeof SavedViewUpdate>;

export const SavedView = z.object({
  id: Id,
  name: z.string(),
  shared: z.boolean(),
  owner: z.object({ id: Id, name: z.string() }),
  /** The caller may change or delete it. */
  editable: z.boolean(),
  query: ViewQuery,
  columns: z.array(ViewColumn),
  createdAt: Instant,
  updatedAt: Instant,
});
export type SavedView = z.infer<typeof SavedView>;

/** Bulk actions on the queue (POST /api/tickets/bulk): each ticket on its own, in its own transaction. */
export const BULK_MAX = 100;

export const BulkAction = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('assign'), assigneeId: Id.nullable() }),
  z.strictObject({ type: z.literal('status'), to: z.enum(TICKET_STATUSES), note: z.string().trim().max(5000).optional() }),
  z.strictObject({ type: z.literal('comment'), body: z.string().trim().min(1, 'comment must not be empty').max(20_000), public: z.boolean() }),
]);
export type BulkAction = z.infer<typeof BulkAction>;

export const TicketBulk = z.object({
  ids: z
    .array(Id)
    .min(1)
    .max(BULK_MAX)
    .refine((ids) => new Set(ids).size === ids.length, 'each ticket at most once'),
  action: BulkAction,
});
export type TicketBulk = z.infer<typeof TicketBulk>;

export const BulkItemResult = z.object({
  id: Id,
  ok: z.boolean(),
  /** The ticket after the action (ok), or as it was when it was refused but visible; absent when not visible. */
  number: z.string().optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  /** Why this ticket was refused: the same keyed error its single-ticket route answers, with that route's HTTP status. */
  error: z
    .object({
      status: z.number().int(),
      code: z.string(),
      key: z.string(),
      message: z.string(),
      params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    })
    .optional(),
});
export type BulkItemResult = z.infer<typeof BulkItemResult>;

export const TicketBulkResult = z.object({
  results: z.array(BulkItemResult),
  succeeded: z.number().int(),
  failed: z.number().int(),
});
export type TicketBulkResult = z.infer<typeof TicketBulkResult>;
