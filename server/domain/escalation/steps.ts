/**
 * Which escalation steps are due for a ticket: a step fires once the time since the report
 * reaches its threshold while the ticket still owes work. Firings are keyed `esc:<ruleId>` and
 * recorded uniquely by the caller, so a restart or a second server never doubles or misses one.
 */
import { addWorkingTimeMs, type CompiledCalendar } from '../calendar';
import type { EscalationKey, EscalationRule, EscalationStep, EscalationSteps, EscalationTicket } from './types';

const MINUTE_MS = 60_000;

export const escalationKey = (ruleId: string): EscalationKey => `esc:${ruleId}`;

/** The instant a rule's threshold is reached for a ticket reported at `reportedAt`. */
export function escalationStepAt(
  rule: EscalationRule,
  reportedAt: number,
  calendars: (key: string) => CompiledCalendar,
): number {
  if (rule.clock === 'calendar') return reportedAt + rule.afterMinutes * MINUTE_MS;
  if (!rule.calendar) {
    // The schema refuses this; reaching here means the rule bypassed it.
    throw new Error(`Escalation rule ${rule.id} counts working time but names no calendar`);
  }
  // Whole minutes × 60 000 is exact, so the calendar's exact-fit rule holds (17:30, not 08:30).
  return Math.round(addWorkingTimeMs(calendars(rule.calendar), reportedAt, rule.afterMinutes));
}

/**
 * The steps due at `now` and when to look again.
 *
 * - Only active rules of the ticket's current severity fire. After a severity change the new
 *   severity's steps count from the original report, so an upgrade to P1 five hours in fires the
 *   1 h and 4 h steps at once.
 * - A step due before `stoppedAt` still fires if it has not yet (it was missed while the sweep
 *   was down); a step due at or after it never does — stopping exactly on the threshold is in time.
 * - `level` also counts fired steps of other severities and of rules deactivated since: those
 *   escalations happened, and people were told.
 */
export function escalationSteps(
  rules: readonly EscalationRule[],
  ticket: EscalationTicket,
  calendars: (key: string) => CompiledCalendar,
  now: number,
  firedKeys: ReadonlySet<string>,
): EscalationSteps {
  const due: EscalationStep[] = [];
  let nextAt: number | null = null;
  let level = 0;

  for (const rule of rules) {
    const key = escalationKey(rule.id);
    if (firedKeys.has(key)) {
      level = Math.max(level, rule.level);
      continue;
    }
    if (!rule.active || rule.severity !== ticket.severity) continue;
    const at = escalationStepAt(rule, ticket.reportedAt, calendars);
    if (ticket.stoppedAt !== null && at >= ticket.stoppedAt) continue;
    if (at <= now) {
      due.push({ key, rule, at });
      level = Math.max(level, rule.level);
    } else if (nextAt === null || at < nextAt) nextAt = at;
  }

  due.sort((a, b) => a.at - b.at || a.rule.level - b.rule.level);
  return { due, nextAt, level };
}
