/**
 * What an SLA policy promises, and its validation as an administrator writes it: milestone targets
 * per severity. Shared by the server (the SLA domain computes clocks from it, the database column
 * holds it) and the API (request bodies, OpenAPI). `SlaPolicyDefinition` checks the shape and the
 * rules that tie milestones together (unique keys, anchors, no anchor cycles, names for custom
 * keys); `slaPolicyDefinitionFor(calendarKeys)` adds the check that every calendar exists, since
 * which calendars exist is data the caller loads. Messages are written for the person editing the
 * policy; each issue's path points at the field to fix.
 */
import { z } from 'zod';
import { SEVERITIES, TICKET_STATUSES, type Severity, type TicketStatus } from '../domain';

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

export const DEFAULT_WARN_AT_RATIO = 0.8;
export const DEFAULT_PAUSE_ON: readonly TicketStatus[] = ['pending_customer'];

/** One year: far beyond any promise in the seeds, small enough to catch a typo of extra zeros. */
export const MAX_TARGET_MINUTES = 366 * 24 * 60;

const Minutes = z
  .int({ error: 'must be a whole number of minutes' })
  .min(0, { error: 'must not be negative (0 means "at once")' })
  .max(MAX_TARGET_MINUTES, { error: `must be at most ${MAX_TARGET_MINUTES} minutes (one year)` });

const Text = z.string().trim().min(1, { error: 'must not be empty' }).max(60);
const CalendarKey = z.string().trim().min(1, { error: 'choose a calendar' });

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

export const MilestoneTarget = z
  .object({
    key: z.string().regex(MILESTONE_KEY_PATTERN, {
      error: 'must be 2–40 characters: a lowercase letter first, then lowercase letters, digits or _',
    }),
    name: z.object({ zh: Text, en: Text }).optional().describe('Required for custom keys; built-in keys have their own names'),
    minutes: Minutes.describe('Working minutes on `calendar` from the anchor to the deadline; 0 = at once'),
    calendar: CalendarKey.describe('Key of the business calendar the minutes count on'),
    anchor: z
      .union([z.literal('reported'), z.object({ milestone: z.string().min(1) })], {
        error: 'must be "reported" or { milestone: <key of another milestone> }',
      })
      .describe('What the clock counts from: the report, or another milestone of the same severity being met'),
    outOfHours: z
      .object({ minutes: Minutes, hoursCalendar: CalendarKey })
      .optional()
      .describe('When the anchor instant is outside working time on `hoursCalendar`, this many minutes instead'),
    pauseOn: z
      .array(z.enum(TICKET_STATUSES, { error: `must be one of ${TICKET_STATUSES.join(', ')}` }))
      .default(() => [...DEFAULT_PAUSE_ON])
      .describe('Statuses during which this clock stands still'),
  })
  .describe('One milestone promise (respond, plan, arrive, restore, resolve or a custom key)');

const Targets = z.array(MilestoneTarget).max(20, { error: 'at most 20 milestones per severity' });

export interface SlaPolicyDefinition {
  /** Share of a target after which a warning fires; 0 < r < 1. */
  warnAtRatio: number;
  severities: Record<Severity, MilestoneTarget[]>;
  /**
   * Calendar days (desk time zone) a resolved ticket waits for the customer before it closes by
   * itself. Absent: `DEFAULT_AUTO_CLOSE_DAYS`; null: never closes by itself.
   */
  autoCloseDays?: number | null;
  /** Days before the automatic close that the reporting contact is told; absent: 1; 0: no mail. */
  autoCloseReminderDays?: number;
}

export const DEFAULT_AUTO_CLOSE_DAYS = 7;
export const DEFAULT_AUTO_CLOSE_REMINDER_DAYS = 1;
export const MAX_AUTO_CLOSE_DAYS = 90;

/** A policy's automatic close, defaults applied: `days` null = never. */
export function autoCloseOf(def: Pick<SlaPolicyDefinition, 'autoCloseDays' | 'autoCloseReminderDays'> | undefined): {
  days: number | null;
  reminderDays: number;
} {
  const days = def?.autoCloseDays === undefined ? DEFAULT_AUTO_CLOSE_DAYS : def.autoCloseDays;
  const reminder = def?.autoCloseReminderDays ?? DEFAULT_AUTO_CLOSE_REMINDER_DAYS;
  // A stored reminder as long as the wait itself (written before the check existed) means "no mail".
  return { days, reminderDays: days !== null && reminder < days ? reminder : 0 };
}

type Issue = { path: Array<string | number>; message: string };

/** Keys, names and anchors within one severity. */
function milestoneIssues(severity: Severity, targets: SlaPolicyDefinition['severities'][Severity]): Issue[] {
  const issues: Issue[] = [];
  const at = (i: number, ...rest: Array<string | number>) => ['severities', severity, i, ...rest];
  const index = new Map<string, number>();
  targets.forEach((t, i) => {
    if (index.has(t.key)) {
      issues.push({ path: at(i, 'key'), message: `"${t.key}" appears twice in ${severity}; each milestone may appear once per severity` });
    } else index.set(t.key, i);
    if (!isBuiltInMilestone(t.key) && !t.name) {
      issues.push({ path: at(i, 'name'), message: `custom milestone "${t.key}" needs a name in Chinese and English` });
    }
    if (t.anchor !== 'reported') {
      const anchor = t.anchor.milestone;
      if (anchor === t.key) issues.push({ path: at(i, 'anchor'), message: `"${t.key}" cannot count from itself` });
      else if (!targets.some((other) => other.key === anchor)) {
        issues.push({ path: at(i, 'anchor'), message: `counts from "${anchor}", which is not a milestone of ${severity}` });
      }
    }
  });
  issues.push(...cycleIssues(severity, targets, index));
  return issues;
}

/**
 * Anchor cycles (a counts from b, b from a) would leave every clock in the cycle waiting
 * forever. Each milestone has at most one anchor, so following anchors from each start either
 * ends or revisits; each cycle is reported once, at its first member in policy order.
 */
function cycleIssues(severity: Severity, targets: SlaPolicyDefinition['severities'][Severity], index: ReadonlyMap<string, number>): Issue[] {
  const issues: Issue[] = [];
  const reported = new Set<number>();
  targets.forEach((_, start) => {
    const chain: number[] = [];
    let i: number | undefined = start;
    while (i !== undefined && !chain.includes(i)) {
      chain.push(i);
      const anchor: MilestoneAnchor = targets[i]!.anchor;
      i = anchor === 'reported' || anchor.milestone === targets[i]!.key ? undefined : index.get(anchor.milestone);
    }
    if (i === undefined) return;
    const cycle = chain.slice(chain.indexOf(i));
    if (cycle.some((c) => reported.has(c))) return;
    for (const c of cycle) reported.add(c);
    const first = Math.min(...cycle);
    const from = cycle.indexOf(first);
    const names = [...cycle.slice(from), ...cycle.slice(0, from), first].map((c) => targets[c]!.key);
    issues.push({
      path: ['severities', severity, first, 'anchor'],
      message: `anchors form a cycle (${names.join(' → ')}); one of them must count from the report`,
    });
  });
  return issues;
}

export const SlaPolicyDefinition = z
  .object({
    warnAtRatio: z
      .number({ error: 'must be a number between 0 and 1, e.g. 0.8' })
      .gt(0, { error: 'must be more than 0' })
      .lt(1, { error: 'must be less than 1 (a warning after the breach is no warning)' })
      .default(DEFAULT_WARN_AT_RATIO)
      .describe('Share of a target after which a warning fires'),
    severities: z
      .object(Object.fromEntries(SEVERITIES.map((s) => [s, Targets])) as Record<Severity, typeof Targets>, {
        error: `must list milestones for each of ${SEVERITIES.join(', ')}`,
      })
      .describe('The milestones promised for each severity'),
    autoCloseDays: z
      .int({ error: 'must be a whole number of days' })
      .min(1, { error: 'must be at least 1 day (null: never close by itself)' })
      .max(MAX_AUTO_CLOSE_DAYS, { error: `must be at most ${MAX_AUTO_CLOSE_DAYS} days` })
      .nullable()
      .optional()
      .describe(
        `Calendar days (desk time zone) after which a resolved ticket the customer has not answered closes by itself; absent: ${DEFAULT_AUTO_CLOSE_DAYS}; null: never`,
      ),
    autoCloseReminderDays: z
      .int({ error: 'must be a whole number of days' })
      .min(0, { error: 'must not be negative (0: no reminder mail)' })
      .max(MAX_AUTO_CLOSE_DAYS - 1)
      .optional()
      .describe(`Days before the automatic close that the reporting contact is mailed; absent: ${DEFAULT_AUTO_CLOSE_REMINDER_DAYS}; 0: no mail`),
  })
  .superRefine((def, ctx) => {
    const days = def.autoCloseDays === undefined ? DEFAULT_AUTO_CLOSE_DAYS : def.autoCloseDays;
    if (days !== null && def.autoCloseReminderDays !== undefined && def.autoCloseReminderDays >= days) {
      ctx.addIssue({
        code: 'custom',
        path: ['autoCloseReminderDays'],
        message: `must be less than the ${days} days after which the ticket closes (0: no reminder mail)`,
      });
    }
    for (const severity of SEVERITIES) {
      for (const issue of milestoneIssues(severity, def.severities[severity])) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
    }
  })
  .describe('Milestone targets per severity');
export type SlaPolicyDefinitionInput = z.input<typeof SlaPolicyDefinition>;

/** Every calendar the policy names that is not among `calendarKeys`. */
export function unknownCalendarIssues(def: SlaPolicyDefinition, calendarKeys: ReadonlySet<string>): Issue[] {
  const issues: Issue[] = [];
  const known = [...calendarKeys].join(', ') || 'none';
  const check = (key: string, path: Array<string | number>) => {
    if (!calendarKeys.has(key)) issues.push({ path, message: `unknown calendar "${key}" (known: ${known})` });
  };
  for (const severity of SEVERITIES) {
    def.severities[severity].forEach((t, i) => {
      check(t.calendar, ['severities', severity, i, 'calendar']);
      if (t.outOfHours) check(t.outOfHours.hoursCalendar, ['severities', severity, i, 'outOfHours', 'hoursCalendar']);
    });
  }
  return issues;
}

/** `SlaPolicyDefinition` plus the check that every named calendar exists. */
export function slaPolicyDefinitionFor(calendarKeys: Iterable<string>) {
  const keys = new Set(calendarKeys);
  return SlaPolicyDefinition.superRefine((def, ctx) => {
    for (const issue of unknownCalendarIssues(def, keys)) {
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    }
  });
}

// The parsed shape must be usable wherever the model type is expected.
type Assert<T extends true> = T;
type _OutputMatchesModel = Assert<z.output<typeof SlaPolicyDefinition> extends SlaPolicyDefinition ? true : false>;
