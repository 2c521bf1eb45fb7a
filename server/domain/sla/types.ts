/**
 * SLA model: what a policy promises (milestone targets per severity) and what the clock of one
 * milestone says about one ticket. Pure data; validation lives in `schema.ts`, the arithmetic in
 * `clock.ts`, notification firings and the queue badge in `events.ts`.
 */
import type { Severity, TicketStatus } from '../../../common/domain';
import type { CompiledCalendar } from '../calendar';

export type LocalizedText = { zh: string; en: string };

/** The milestones every policy can use by name (glossary: 响应 / 提交方案 / 到达现场 / 恢复运行 / 解决). */
export const BUILT_IN_MILESTONES = ['respond', 'plan', 'arrive', 'restore', 'resolve'] as const;
export type BuiltInMilestoneKey = (typeof BUILT_IN_MILESTONES)[number];

export const BUILT_IN_MILESTONE_NAMES: Record<BuiltInMilestoneKey, LocalizedText> = {
  respond: { zh: '响应', en: 'Respond' },
  plan: { zh: '提交方案', en: 'Submit plan' },
  arrive: { zh: '到达现场', en: 'Arrive on site' },
  restore: { zh: '恢复运行', en: 'Restore service' },
  resolve: { zh: '解决', en: 'Resolve' },
};

export const isBuiltInMilestone = (key: string): key is BuiltInMilestoneKey =>
  (BUILT_IN_MILESTONES as readonly string[]).includes(key);

/** A built-in key or a custom one matching `MILESTONE_KEY_PATTERN`. `string & {}` keeps editor hints for the built-ins. */
export type MilestoneKey = BuiltInMilestoneKey | (string & {});
export const MILESTONE_KEY_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

/** Where a milestone's clock starts: at the report, or when another milestone of the same severity is met. */
export type MilestoneAnchor = 'reported' | { milestone: MilestoneKey };

export interface MilestoneTarget {
  key: MilestoneKey;
  /** Required for custom keys; built-in keys fall back to `BUILT_IN_MILESTONE_NAMES`. */
  name?: LocalizedText;
  /** Integer ≥ 0 minutes of working time on `calendar`; 0 = "at once". */
  minutes: number;
  calendar: string;
  anchor: MilestoneAnchor;
  /**
   * Seed 000's "1 h in working hours, 5 h otherwise": when the anchor instant is not working time
   * on `hoursCalendar`, the target is `minutes` of this object instead (still on `calendar`).
   */
  outOfHours?: { minutes: number; hoursCalendar: string };
  /** Statuses during which this clock stands still. */
  pauseOn: TicketStatus[];
}

export interface SlaPolicyDefinition {
  /** Share of a target after which a warning fires; 0 < r < 1. */
  warnAtRatio: number;
  severities: Record<Severity, MilestoneTarget[]>;
}

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
export const DEFAULT_WARN_AT_RATIO = 0.8;
export const DEFAULT_PAUSE_ON: readonly TicketStatus[] = ['pending_customer'];
