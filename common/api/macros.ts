/**
 * Canned replies (macros) and the assignee picker: API shapes. A macro is personal (its owner's)
 * or shared with the whole desk; applying one to a ticket posts its rendered text as a comment
 * and may also move the status and change the severity, all in one write.
 */
import { z } from 'zod';
import { ENGINEER_LEVELS, ROLES, SEVERITIES, TICKET_STATUSES } from '../domain';
import { MACRO_PLACEHOLDERS } from '../macros';
import { Id, Instant, patchOf, trimmed } from './shared';

export { MACRO_PLACEHOLDERS };

const MacroFields = z.object({
  name: trimmed(100),
  /** Text with placeholders: {{customer}} {{contact}} {{ticket}} {{title}} {{engineer}} {{me}} {{severity}}. */
  body: z.string().trim().min(1, 'must not be empty').max(20_000),
  /** Shared with the whole desk (managers and administrators only) instead of personal. */
  shared: z.boolean().default(false),
  /** Whether the comment it writes is a public reply (true) or an internal note. */
  public: z.boolean().default(true),
  /** A status to move the ticket to when applied (checked against the status machine then). */
  setStatus: z.enum(TICKET_STATUSES).nullable().default(null),
  /** A severity to set when applied; the macro's name is the recorded reason. */
  setSeverity: z.enum(SEVERITIES).nullable().default(null),
});

export const MacroCreate = MacroFields;
export type MacroCreate = z.input<typeof MacroCreate>;
export const MacroUpdate = patchOf(MacroFields);
export type MacroUpdate = z.infer<typeof MacroUpdate>;

export const Macro = z.object({
  id: Id,
  name: z.string(),
  body: z.string(),
  shared: z.boolean(),
  public: z.boolean(),
  setStatus: z.enum(TICKET_STATUSES).nullable(),
  setSeverity: z.enum(SEVERITIES).nullable(),
  owner: z.object({ id: Id, name: z.string() }).nullable(),
  /** Whether the caller may edit or delete it (their own, or a shared one for managers and admins). */
  editable: z.boolean(),
  createdAt: Instant,
  updatedAt: Instant,
});
export type Macro = z.infer<typeof Macro>;

export const MacroListQuery = z.object({
  /** personal: mine; shared: the desk's; unset: both (mine first). */
  scope: z.enum(['personal', 'shared']).optional(),
  q: z.string().trim().max(100).optional(),
});
export type MacroListQuery = z.infer<typeof MacroListQuery>;

export const MacroTicketParams = z.object({ id: Id, macroId: Id });

/**
 * Applying a macro to a ticket. Everything is optional: unset means "as the macro says". The web
 * sends the text as the user edited it after the preview, and null for a status or severity chip
 * the user removed.
 */
export const MacroApply = z.object({
  /** The final text (already rendered, possibly edited); unset: the macro's body rendered now. */
  body: z.string().trim().min(1, 'comment must not be empty').max(20_000).optional(),
  public: z.boolean().optional(),
  setStatus: z.enum(TICKET_STATUSES).nullable().optional(),
  setSeverity: z.enum(SEVERITIES).nullable().optional(),
  /** Why the severity changes; unset: the macro's name (快捷回复「name」). */
  severityReason: z.string().trim().min(1).max(2000).optional(),
});
export type MacroApply = z.infer<typeof MacroApply>;

/** What applying the macro to this ticket would post and set, for the user to check first. */
export const MacroPreview = z.object({
  macroId: Id,
  body: z.string(),
  public: z.boolean(),
  setStatus: z.enum(TICKET_STATUSES).nullable(),
  setSeverity: z.enum(SEVERITIES).nullable(),
  /** false: the ticket cannot move to setStatus now (applying would be refused with 409). */
  statusAllowed: z.boolean(),
  /** The statuses the ticket may move to now, for this user. */
  allowedStatuses: z.array(z.enum(TICKET_STATUSES)),
});
export type MacroPreview = z.infer<typeof MacroPreview>;

export const MacroApplied = z.object({
  /** The comment written (its timeline event id). */
  eventId: z.number().int(),
  body: z.string(),
  status: z.enum(TICKET_STATUSES),
  severity: z.enum(SEVERITIES),
});
export type MacroApplied = z.infer<typeof MacroApplied>;

export const AssigneeQuery = z.object({
  /** Name, username, full pinyin ("zhangsan") or pinyin initials ("zs"). */
  q: z.string().trim().max(50).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export type AssigneeQuery = z.infer<typeof AssigneeQuery>;

export const AssigneeCandidate = z.object({
  id: Id,
  name: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  center: z.object({ id: Id, name: z.string() }).nullable(),
  engineerLevel: z.enum(ENGINEER_LEVELS).nullable(),
  skills: z.array(z.string()),
  /** Tickets assigned to them that are not resolved, closed or cancelled. */
  openTickets: z.number().int(),
  /** Works in the ticket's own service center. */
  sameCenter: z.boolean(),
  /** The ticket's assignee now. */
  current: z.boolean(),
});
export type AssigneeCandidate = z.infer<typeof AssigneeCandidate>;

export const AssigneeList = z.object({
  items: z.array(AssigneeCandidate),
  /** How many matched in all (items holds at most `limit`). */
  total: z.number().int(),
});
export type AssigneeList = z.infer<typeof AssigneeList>;
