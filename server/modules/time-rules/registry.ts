/**
 * The time rules in force — compiled calendars, SLA policies, the escalation matrix — cached per
 * process and reloaded when `config_versions.time_rules` moves. Every admin change bumps that
 * version in its own transaction, so all server processes see it on their next read.
 */
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { calendarExceptions, calendars, configVersions, escalationRules, slaPolicies } from '../../db/schema';
import { compileCalendar, type CalendarDefinition, type CompiledCalendar } from '../../domain/calendar';
import type { EscalationRule } from '../../domain/escalation';
import type { SlaPolicyDefinition } from '../../domain/sla';
import { AppError } from '../../platform/errors';

export const TIME_RULES_VERSION = 'time_rules';

export interface PolicyInForce {
  id: string;
  key: string;
  name: string;
  nameEn: string | null;
  definition: SlaPolicyDefinition;
}

export interface TimeRules {
  version: number;
  calendarKeys: ReadonlySet<string>;
  /** The compiled calendar with this key; throws for an unknown key. */
  calendar(key: string): CompiledCalendar;
  policy(id: string): PolicyInForce | undefined;
  defaultPolicy: PolicyInForce | undefined;
  escalationRules: readonly EscalationRule[];
}

/** Records that the time rules changed; call inside the transaction that changed them. */
export async function bumpTimeRulesVersion(tx: Db) {
  await tx
    .insert(configVersions)
    .values({ name: TIME_RULES_VERSION, version: 1 })
    .onConflictDoUpdate({ target: configVersions.name, set: { version: sql`${configVersions.version} + 1` } });
}

export function toDefinition(
  row: typeof calendars.$inferSelect,
  exceptions: Array<typeof calendarExceptions.$inferSelect>,
): CalendarDefinition {
  return {
    timeZone: row.timeZone,
    always: row.always,
    weekly: row.weekly as CalendarDefinition['weekly'],
    defaultWorkday: row.defaultWorkday,
    exceptions: exceptions.map((e) => ({
      date: e.date,
      kind: e.kind,
      ...(e.name ? { name: e.name } : {}),
      ...(e.intervals ? { intervals: e.intervals } : {}),
    })),
  };
}

async function load(db: Db, version: number): Promise<TimeRules> {
  const [calendarRows, exceptionRows, policyRows, ruleRows] = [
    await db.select().from(calendars),
    await db.select().from(calendarExceptions),
    await db.select().from(slaPolicies),
    await db.select().from(escalationRules).orderBy(asc(escalationRules.severity), asc(escalationRules.afterMinutes)),
  ];
  const compiled = new Map<string, CompiledCalendar>();
  for (const row of calendarRows) {
    compiled.set(row.key, compileCalendar(toDefinition(row, exceptionRows.filter((e) => e.calendarId === row.id))));
  }
  const policies = new Map<string, PolicyInForce>(
    policyRows.map((p) => [p.id, { id: p.id, key: p.key, name: p.name, nameEn: p.nameEn, definition: p.definition }]),
  );
  const defaultRow = policyRows.find((p) => p.isDefault);
  return {
    version,
    calendarKeys: new Set(compiled.keys()),
    calendar(key) {
      const cal = compiled.get(key);
      if (!cal) throw new AppError('calendar.missing', `Calendar "${key}" is referenced but does not exist`, { key });
      return cal;
    },
    policy: (id) => policies.get(id),
    defaultPolicy: defaultRow ? policies.get(defaultRow.id) : undefined,
    escalationRules: ruleRows.map((r) => ({
      id: r.id,
      severity: r.severity,
      afterMinutes: r.afterMinutes,
      clock: r.clock,
      ...(r.calendarKey ? { calendar: r.calendarKey } : {}),
      level: r.level,
      recipients: r.recipients,
      active: r.active,
    })),
  };
}

/** The version of the time rules as of `db`'s view; 0 before anything was saved. */
export async function currentTimeRulesVersion(db: Db): Promise<number> {
  const [row] = await db.select({ version: configVersions.version }).from(configVersions).where(eq(configVersions.name, TIME_RULES_VERSION));
  return row?.version ?? 0;
}

export function createTimeRulesRegistry() {
  let cached: TimeRules | undefined;
  let loading: Promise<TimeRules> | undefined;
  return {
    /** The rules as of `db`'s view (pass the open transaction when inside one). */
    async get(db: Db, knownVersion?: number): Promise<TimeRules> {
      // A caller that read the version along with its own facts (the SLA engine does) saves a round trip.
      const version = knownVersion ?? (await currentTimeRulesVersion(db));
      if (cached && cached.version === version) return cached;
      // Concurrent requests share one reload instead of compiling the same rules several times.
      if (!loading) {
        loading = load(db, version).finally(() => {
          loading = undefined;
        });
      }
      cached = await loading;
      return cached;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

export type TimeRulesRegistry = ReturnType<typeof createTimeRulesRegistry>;
