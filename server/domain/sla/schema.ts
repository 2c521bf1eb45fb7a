/**
 * Validation of an SLA policy as an administrator writes it. `SlaPolicyDefinition` checks the
 * shape and the rules that tie milestones together (unique keys, anchors, no anchor cycles,
 * names for custom keys); `slaPolicyDefinitionFor(calendarKeys)` adds the check that every
 * calendar exists, since which calendars exist is data the caller loads. Messages are written
 * for the person editing the policy; each issue's path points at the field to fix.
 */
import { z } from 'zod';
import { SEVERITIES, TICKET_STATUSES, type Severity } from '../../../common/domain';
import {
  DEFAULT_PAUSE_ON,
  DEFAULT_WARN_AT_RATIO,
  MILESTONE_KEY_PATTERN,
  isBuiltInMilestone,
  type MilestoneAnchor,
  type MilestoneTarget as MilestoneTargetModel,
  type SlaPolicyDefinition as SlaPolicyDefinitionModel,
} from './types';

/** One year: far beyond any promise in the seeds, small enough to catch a typo of extra zeros. */
export const MAX_TARGET_MINUTES = 366 * 24 * 60;

const Minutes = z
  .int({ error: 'must be a whole number of minutes' })
  .min(0, { error: 'must not be negative (0 means "at once")' })
  .max(MAX_TARGET_MINUTES, { error: `must be at most ${MAX_TARGET_MINUTES} minutes (one year)` });

const Text = z.string().trim().min(1, { error: 'must not be empty' }).max(60);
const CalendarKey = z.string().trim().min(1, { error: 'choose a calendar' });

export const MilestoneTarget = z.object({
  key: z.string().regex(MILESTONE_KEY_PATTERN, {
    error: 'must be 2–40 characters: a lowercase letter first, then lowercase letters, digits or _',
  }),
  name: z.object({ zh: Text, en: Text }).optional(),
  minutes: Minutes,
  calendar: CalendarKey,
  anchor: z.union([z.literal('reported'), z.object({ milestone: z.string().min(1) })], {
    error: 'must be "reported" or { milestone: <key of another milestone> }',
  }),
  outOfHours: z.object({ minutes: Minutes, hoursCalendar: CalendarKey }).optional(),
  pauseOn: z
    .array(z.enum(TICKET_STATUSES, { error: `must be one of ${TICKET_STATUSES.join(', ')}` }))
    .default(() => [...DEFAULT_PAUSE_ON]),
});
export type MilestoneTarget = MilestoneTargetModel;

const Targets = z.array(MilestoneTarget).max(20, { error: 'at most 20 milestones per severity' });

type Issue = { path: Array<string | number>; message: string };

/** Keys, names and anchors within one severity. */
function milestoneIssues(severity: Severity, targets: SlaPolicyDefinitionModel['severities'][Severity]): Issue[] {
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
function cycleIssues(
  severity: Severity,
  targets: SlaPolicyDefinitionModel['severities'][Severity],
  index: ReadonlyMap<string, number>,
): Issue[] {
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
    cycle.forEach((c) => reported.add(c));
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
      .default(DEFAULT_WARN_AT_RATIO),
    severities: z.object(
      Object.fromEntries(SEVERITIES.map((s) => [s, Targets])) as Record<Severity, typeof Targets>,
      { error: `must list milestones for each of ${SEVERITIES.join(', ')}` },
    ),
  })
  .superRefine((def, ctx) => {
    for (const severity of SEVERITIES) {
      for (const issue of milestoneIssues(severity, def.severities[severity])) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
    }
  });
export type SlaPolicyDefinition = SlaPolicyDefinitionModel;
export type SlaPolicyDefinitionInput = z.input<typeof SlaPolicyDefinition>;

/** Every calendar the policy names that is not among `calendarKeys`. */
export function unknownCalendarIssues(def: SlaPolicyDefinitionModel, calendarKeys: ReadonlySet<string>): Issue[] {
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
type _OutputMatchesModel = Assert<z.output<typeof SlaPolicyDefinition> extends SlaPolicyDefinitionModel ? true : false>;
