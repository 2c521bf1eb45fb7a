/** Reading a policy definition: milestone order and names, targets in words, a blank definition. */
import type { TFunction } from 'i18next';
import { SEVERITIES, type Severity, type TicketStatus } from '../../../../common/domain';
import type { Calendar, MilestoneTarget, SlaPolicyDefinition } from '../../api/types';

export const BUILT_IN_MILESTONES = ['respond', 'plan', 'arrive', 'restore', 'resolve'] as const;
export const isBuiltIn = (key: string) => (BUILT_IN_MILESTONES as readonly string[]).includes(key);
export const DEFAULT_PAUSE_ON: TicketStatus[] = ['pending_customer'];
/** Statuses a clock may stand still in (after resolving, every clock has stopped anyway). */
export const PAUSABLE_STATUSES: TicketStatus[] = ['new', 'assigned', 'in_progress', 'pending_customer'];

export function milestoneLabel(target: Pick<MilestoneTarget, 'key' | 'name'>, t: TFunction, lang: 'zh' | 'en'): string {
  if (target.name) return target.name[lang] || target.key;
  return isBuiltIn(target.key) ? t(`milestone.${target.key}` as 'milestone.respond') : target.key;
}

/** Every milestone key used in any severity: built-ins in their natural order, then custom ones as met. */
export function milestoneColumns(def: SlaPolicyDefinition): MilestoneTarget[] {
  const seen = new Map<string, MilestoneTarget>();
  for (const severity of SEVERITIES) for (const m of def.severities?.[severity] ?? []) if (m?.key && !seen.has(m.key)) seen.set(m.key, m);
  const builtIns = BUILT_IN_MILESTONES.filter((k) => seen.has(k)).map((k) => seen.get(k)!);
  return [...builtIns, ...[...seen.values()].filter((m) => !isBuiltIn(m.key))];
}

export function blankDefinition(): SlaPolicyDefinition {
  return { warnAtRatio: 0.8, severities: { P1: [], P2: [], P3: [], P4: [] } };
}

/** A fresh milestone for a severity: the next built-in not used yet, else a custom one. */
export function newTarget(existing: readonly MilestoneTarget[], calendars: readonly Calendar[]): MilestoneTarget {
  const used = new Set(existing.map((m) => m.key));
  const key = BUILT_IN_MILESTONES.find((k) => !used.has(k)) ?? '';
  const calendar = calendars.find((c) => c.always)?.key ?? calendars[0]?.key ?? '';
  return { key, minutes: 60, calendar, anchor: 'reported', pauseOn: [...DEFAULT_PAUSE_ON] };
}

export const severityList = (def: SlaPolicyDefinition, severity: Severity): MilestoneTarget[] => def.severities?.[severity] ?? [];

/** A policy's name in the current language (the Chinese name when it has no English one). */
export const policyName = (policy: { name: string; nameEn?: string | null }, lang: 'zh' | 'en') => (lang === 'en' && policy.nameEn) || policy.name;
