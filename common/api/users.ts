import { z } from 'zod';
import { ENGINEER_LEVELS, ROLES } from '../domain';
import { NewPassword } from './auth';
import { Id, Instant, optionalText, trimmed } from './shared';

export const Username = z
  .string()
  .trim()
  .min(2, 'username needs at least 2 characters')
  .max(50)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'username may contain letters, digits, . _ @ - only');

export const UserCreate = z.object({
  username: Username,
  password: NewPassword,
  name: trimmed(100),
  role: z.enum(ROLES),
  customerId: Id.nullish(),
  centerId: Id.nullish(),
  engineerLevel: z.enum(ENGINEER_LEVELS).nullish(),
  skills: z.array(trimmed(50)).max(50).optional(),
  email: z.email('must be an email address').max(200).nullish(),
  phone: optionalText(50),
  /** Whether the user must replace this password at first login; POST /api/users assumes true (an administrator chose it). */
  mustChangePassword: z.boolean().optional(),
});
export type UserCreate = z.input<typeof UserCreate>;

export const UserUpdate = z
  .object({
    name: trimmed(100),
    role: z.enum(ROLES),
    customerId: Id.nullable(),
    centerId: Id.nullable(),
    engineerLevel: z.enum(ENGINEER_LEVELS).nullable(),
    skills: z.array(trimmed(50)).max(50),
    email: z.email('must be an email address').max(200).nullable(),
    phone: optionalText(50),
    active: z.boolean(),
    /** Admin reset: ends the user's sessions and lifts a login lock. */
    password: NewPassword,
    /** With a reset: whether the user must replace it at next login (true unless said otherwise). */
    mustChangePassword: z.boolean(),
  })
  .partial();
export type UserUpdate = z.infer<typeof UserUpdate>;

export const User = z.object({
  id: Id,
  username: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  customerId: Id.nullable(),
  centerId: Id.nullable(),
  engineerLevel: z.enum(ENGINEER_LEVELS).nullable(),
  skills: z.array(z.string()),
  active: z.boolean(),
  /** Set while failed password checks keep the account waiting (see login-throttle.ts); an admin may unlock it. */
  lockedUntil: Instant.nullable(),
  /** The user has to replace a password an administrator set before doing anything else. */
  mustChangePassword: z.boolean(),
  createdAt: Instant,
});
export type User = z.infer<typeof User>;

export const UserListQuery = z.object({
  /** One role or several, comma-separated (`engineer,dispatcher`). */
  role: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(ROLES)))
    .optional(),
  centerId: Id.optional(),
  customerId: Id.optional(),
  q: z.string().trim().max(100).optional(),
  active: z.enum(['true', 'false']).optional(),
});
export type UserListQuery = z.infer<typeof UserListQuery>;

export const AuditEntry = z.object({
  id: z.number().int(),
  entity: z.string(),
  entityId: z.string(),
  action: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
  /** The API token the change came through, when it did. */
  tokenId: Id.nullable(),
  at: Instant,
  actorId: Id.nullable(),
  actorName: z.string().nullable(),
  /** The object by its name: a ticket's number, a user's or customer's name …; null when unknown (deleted without a name). */
  entityLabel: z.string().nullable(),
  /** A second line: a ticket's title, a customer's code, a user's username, the ticket of an attachment. */
  entityDetail: z.string().nullable(),
  /** Where the object lives: an attachment's ticket, a contact's or site's customer. */
  entityParentId: z.string().nullable(),
  /** Labels of the ids inside before/after (assigneeId → the person's name …), those the reader may see. */
  refs: z.record(z.string(), z.string()),
});
export const AuditQuery = z.object({
  entity: z.string().max(50).optional(),
  entityId: z.string().max(100).optional(),
  /** Entries by this person. */
  actorId: Id.optional(),
  action: z.string().max(60).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  /** Keyset paging: entries with an id below this one (the last id of the previous page). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
