/**
 * What the milestone states mean for the rest of the system: which SLA notifications are due
 * (and when the next one will be), and which milestone the queue badge shows and sorts by.
 *
 * Firings are keyed `sla:<milestone>:warn` / `sla:<milestone>:breach`; the caller records fired
 * keys uniquely per ticket, so a restart or a second server never doubles or misses one.
 */
import type { MilestoneKey, MilestoneState, MilestoneStateKind } from './types';

export type SlaFiringKind = 'sla_warning' | 'sla_breach';

export interface SlaFiring {
  key: string;
  kind: SlaFiringKind;
  milestone: MilestoneKey;
  at: number;
}

export interface SlaEvents {
  /** Firings whose instant has come (at ≤ now) and that have not fired yet, oldest first. */
  due: SlaFiring[];
  /** The earliest instant after `now` at which another firing becomes due; null when none is scheduled. */
  nextAt: number | null;
}

export const slaWarningKey = (milestone: MilestoneKey) => `sla:${milestone}:warn`;
export const slaBreachKey = (milestone: MilestoneKey) => `sla:${milestone}:breach`;

/** Milestones that still owe something: their clock runs, stands still, or has run out unmet. */
const OWING: ReadonlySet<MilestoneStateKind> = new Set(['running', 'paused', 'breached']);

const owes = (s: MilestoneState) => s.metAt === null && OWING.has(s.state) && s.dueAt !== null;

/**
 * The SLA notifications due at `now`, and when to look again.
 *
 * - A warning is dropped once its milestone's due has come: a "will breach soon" message sent
 *   after the breach (a sweep that was down, or a 0-minute target) would be wrong, and the
 *   breach notification says more.
 * - A paused milestone's future instants are never offered as `nextAt`: they move forward for
 *   as long as the pause lasts, and the status change that ends the pause recomputes anyway.
 *   Instants it passed before the pause began are still due.
 */
export function nextSlaEvents(states: readonly MilestoneState[], firedKeys: ReadonlySet<string>, now: number): SlaEvents {
  const due: SlaFiring[] = [];
  let nextAt: number | null = null;
  const offer = (firing: SlaFiring, paused: boolean) => {
    if (firedKeys.has(firing.key)) return;
    if (firing.at <= now) due.push(firing);
    else if (!paused && (nextAt === null || firing.at < nextAt)) nextAt = firing.at;
  };

  for (const s of states) {
    if (!owes(s)) continue;
    const dueAt = s.dueAt!;
    const paused = s.state === 'paused';
    if (s.warnAt !== null && dueAt > now) {
      offer({ key: slaWarningKey(s.milestone), kind: 'sla_warning', milestone: s.milestone, at: s.warnAt }, paused);
    }
    offer({ key: slaBreachKey(s.milestone), kind: 'sla_breach', milestone: s.milestone, at: dueAt }, paused);
  }

  due.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { due, nextAt };
}

export interface QueueSummary {
  milestone: MilestoneKey;
  dueAt: number;
  amberAt: number | null;
  state: MilestoneStateKind;
}

/**
 * The unmet milestone due soonest — already breached ones first, since their due lies in the
 * past — or null when nothing is owed (all met, waiting or cancelled). Ties keep policy order.
 */
export function queueSummary(states: readonly MilestoneState[]): QueueSummary | null {
  let best: MilestoneState | null = null;
  for (const s of states) {
    if (owes(s) && (best === null || s.dueAt! < best.dueAt!)) best = s;
  }
  if (best === null) return null;
  return { milestone: best.milestone, dueAt: best.dueAt!, amberAt: best.amberAt, state: best.state };
}
