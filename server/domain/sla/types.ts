/**
 * SLA model: what a policy promises (milestone targets per severity) and what the clock of one
 * milestone says about one ticket. Pure data; the policy definition and its validation live in
 * common/api/sla-definition.ts, the arithmetic in `clock.ts`, notification firings and the queue
 * badge in `events.ts`.
 */
import type { Severity, TicketStatus } from '../../../common/domain';
import type { LocalizedText, MilestoneKey, SlaPolicyDefinition } from '../../../common/api/sla-definition';
import type { CompiledCalendar } from '../calendar';

// The policy definition (milestone targets per severity) is shared with the API: it lives in common/.
export {
  BUILT_IN_MILESTONES,
  BUILT_IN_MILESTONE_NAMES,
  DEFAULT_PAUSE_ON,
  DEFAULT_WARN_AT_RATIO,
  MILESTONE_KEY_PATTERN,
  isBuiltInMilestone,
  type BuiltInMilestoneKey,
  type LocalizedText,
  type MilestoneAnchor,
  type MilestoneKey,
  type MilestoneTarget,
  type SlaPolicyDefinition,
} from '../../../common/api/sla-definition';

export interface SlaPolicyTemplate {
  key: string;
  name: LocalizedText;
  description: LocalizedText;
  definition: SlaPolicyDefinition;
}

/** What the caller knows about a ticket; every SLA state is derived from these facts alone. */
export interface TicketClockFacts {
  reportedAt: number;
  severity: Severity;
  /** Ordered by `at`; the first entry is the status the ticket was created in. */
  statusHistory: ReadonlyArray<{ at: number; status: TicketStatus }>;
  /** When each milestone was met, as decided by the caller (e.g. the first public reply). */
  stamps: Partial<Record<MilestoneKey, { at: number; by?: string | null }>>;
  /** When the ticket stopped owing work (resolved, closed, cancelled); null while open. */
  stoppedAt: number | null;
}

export type MilestoneStateKind = 'waiting' | 'running' | 'paused' | 'met' | 'breached' | 'cancelled';

export interface MilestoneState {
  milestone: MilestoneKey;
  name?: LocalizedText;
  state: MilestoneStateKind;
  /** The target in force: `outOfHours.minutes` when the anchor instant was out of hours. */
  targetMinutes: number;
  calendar: string;
  /** Anchor instant; null while waiting for the anchor milestone. */
  startedAt: number | null;
  /** Null only when the clock never started. While paused: the due if the pause ended now. */
  dueAt: number | null;
  warnAt: number | null;
  /** 75 % of the target used: the queue badge turns amber. */
  amberAt: number | null;
  metAt: number | null;
  metBy: string | null;
  /** = dueAt when the milestone was (or will have been) missed. */
  breachedAt: number | null;
  /** Working minutes on `calendar` that pauses removed from the clock before it ran out or stopped. */
  pausedMinutes: number;
}

/** Looks up a compiled calendar by key; throws for an unknown key. */
export type CalendarLookup = (key: string) => CompiledCalendar;

/** Share of the target at which the queue badge turns amber. */
export const AMBER_RATIO = 0.75;
