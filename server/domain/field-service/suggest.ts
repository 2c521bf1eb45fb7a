/**
 * Dispatch suggestions (issue 12): which engineers fit a ticket, best first, and why.
 *
 * One hard rule: an engineer whose level is below what the ticket's severity needs (the
 * field-service settings' `levelBySeverity`) is not eligible and ranks after every eligible one.
 * Among the rest a score adds up, in this order of weight:
 * - skills: the share of the required skills the engineer has (case-insensitive), up to 40;
 * - distance: same center 20, a nearby center (ancestor, descendant or sibling) 10, unknown 5, far 0;
 * - on call now: 15;
 * - level margin: 3 per level above what is needed, up to 6 (a needed level only);
 * - load: minus 3 per open ticket or planned visit, down to minus 30.
 * Ties: name, then id — the same inputs always give the same order. The reasons are data; the
 * page puts them in words.
 */
import type { DistanceClass, EngineerSuggestion, FieldServiceSettings, SuggestionReason } from '../../../common/api/field-service';
import { ENGINEER_LEVELS, type EngineerLevel, type Severity } from '../../../common/domain';

export interface SuggestTicket {
  severity: Severity;
  /** The ticket's own skills and those of its devices' products. */
  requiredSkills: readonly string[];
  /** The materialised path (`/root/…/self/`) of the center serving the site, if known. */
  siteCenterPath: string | null;
}

export interface SuggestEngineer {
  id: string;
  name: string;
  level: EngineerLevel | null;
  skills: readonly string[];
  center: { id: string; name: string } | null;
  centerPath: string | null;
  openTickets: number;
  plannedVisits: number;
  onCall: boolean;
}

export const SCORE = {
  skills: 40,
  distance: { local: 20, nearby: 10, unknown: 5, far: 0 } satisfies Record<DistanceClass, number>,
  onCall: 15,
  levelStep: 3,
  levelMax: 6,
  loadStep: 3,
  loadMax: 30,
} as const;

const levelRank = (level: EngineerLevel) => ENGINEER_LEVELS.indexOf(level);

/** The parent's path of a materialised path `/a/b/`, or null for a root (`/a/`). */
function parentPath(path: string): string | null {
  const parts = path.split('/').filter(Boolean);
  return parts.length < 2 ? null : `/${parts.slice(0, -1).join('/')}/`;
}

/**
 * How far an engineer's center is from the site's: the same center 'local'; one inside the
 * other, or two children of the same parent 'nearby'; otherwise 'far'; 'unknown' when either
 * center is not known.
 */
export function distanceClass(engineerCenterPath: string | null | undefined, siteCenterPath: string | null | undefined): DistanceClass {
  if (!engineerCenterPath || !siteCenterPath) return 'unknown';
  if (engineerCenterPath === siteCenterPath) return 'local';
  if (engineerCenterPath.startsWith(siteCenterPath) || siteCenterPath.startsWith(engineerCenterPath)) return 'nearby';
  const a = parentPath(engineerCenterPath);
  if (a !== null && a === parentPath(siteCenterPath)) return 'nearby';
  return 'far';
}

/** The required skills the engineer has and lacks (as the ticket spells them; duplicates once). */
export function matchSkills(required: readonly string[], has: readonly string[]) {
  const own = new Set(has.map((s) => s.trim().toLowerCase()));
  const seen = new Set<string>();
  const matched: string[] = [];
  const missing: string[] = [];
  for (const raw of required) {
    const skill = raw.trim();
    const key = skill.toLowerCase();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    (own.has(key) ? matched : missing).push(skill);
  }
  return { matched, missing };
}

const collator = new Intl.Collator('zh-CN');

export function suggestEngineers(
  ticket: SuggestTicket,
  settings: Pick<FieldServiceSettings, 'levelBySeverity'>,
  engineers: readonly SuggestEngineer[],
): EngineerSuggestion[] {
  const needed = settings.levelBySeverity[ticket.severity];
  const ranked = engineers.map((e) => {
    const { matched, missing } = matchSkills(ticket.requiredSkills, e.skills);
    const levelOk = needed === null || (e.level !== null && levelRank(e.level) >= levelRank(needed));
    const distance = distanceClass(e.centerPath, ticket.siteCenterPath);
    const total = matched.length + missing.length;
    const load = Math.max(0, e.openTickets) + Math.max(0, e.plannedVisits);
    let score = total ? (SCORE.skills * matched.length) / total : 0;
    score += SCORE.distance[distance];
    if (e.onCall) score += SCORE.onCall;
    if (needed !== null && levelOk && e.level !== null) score += Math.min(SCORE.levelMax, SCORE.levelStep * (levelRank(e.level) - levelRank(needed)));
    score -= Math.min(SCORE.loadMax, SCORE.loadStep * load);
    const reasons: SuggestionReason[] = [
      { kind: 'skills', matched, missing },
      { kind: 'level', level: e.level, needed, ok: levelOk },
      { kind: 'distance', class: distance },
      { kind: 'load', openTickets: e.openTickets, plannedVisits: e.plannedVisits },
      { kind: 'on_call', onCall: e.onCall },
    ];
    const suggestion: EngineerSuggestion = {
      user: { id: e.id, name: e.name, level: e.level, center: e.center },
      score: Math.round(score * 10) / 10,
      eligible: levelOk,
      reasons,
    };
    return suggestion;
  });
  return ranked.sort(
    (a, b) =>
      Number(b.eligible) - Number(a.eligible) ||
      b.score - a.score ||
      collator.compare(a.user.name, b.user.name) ||
      (a.user.id < b.user.id ? -1 : a.user.id > b.user.id ? 1 : 0),
  );
}
