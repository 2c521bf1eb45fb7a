/** The administrator's first-start checklist (GET /api/admin/setup). */
import { z } from 'zod';
import { Instant } from './shared';

/** In the order the checklist shows them. */
export const SETUP_STEPS = ['centers', 'users', 'calendars', 'sla_policies', 'mail'] as const;
export type SetupStepKey = (typeof SETUP_STEPS)[number];

export const SetupStep = z.object({
  key: z.enum(SETUP_STEPS),
  /** What the desk's own state says: a center exists, a staff member, a calendar or policy changed, mail configured. */
  satisfied: z.boolean(),
  /** Marked by hand: done (reviewed, nothing to change) or skipped (not needed here); null when not marked. */
  mark: z.enum(['done', 'skipped']).nullable(),
  markedAt: Instant.nullable(),
  /** satisfied, or marked either way. */
  complete: z.boolean(),
});
export type SetupStep = z.infer<typeof SetupStep>;

export const SetupChecklist = z.object({
  steps: z.array(SetupStep),
  done: z.number().int(),
  total: z.number().int(),
  /** Every step complete. */
  complete: z.boolean(),
  /** Put away by an administrator once complete: the card no longer shows. */
  dismissed: z.boolean(),
});
export type SetupChecklist = z.infer<typeof SetupChecklist>;

export const SetupStepParams = z.object({ step: z.enum(SETUP_STEPS) });
/** Mark a step by hand, or take the mark back (null). */
export const SetupStepMark = z.object({ mark: z.enum(['done', 'skipped']).nullable() });
export type SetupStepMark = z.infer<typeof SetupStepMark>;
