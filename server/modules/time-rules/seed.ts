/**
 * Shipped time rules, written on start-up and idempotent: the 7x24 and 5x8-china calendars (with
 * every statutory holiday and make-up day the installed chinese-days package knows — a newer
 * package adds its new years without touching what admins edited), the SLA policy templates with
 * 标准 as the default, the seed-000 escalation matrix, and the vendor technical center contact.
 * Policies and the matrix are seeded once: an admin who deletes them gets no surprise re-seed.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { calendarExceptions, calendars, configVersions, escalationContacts, escalationRules, slaPolicies } from '../../db/schema';
import { builtInCalendars } from '../../domain/calendar';
import { defaultEscalationMatrix } from '../../domain/escalation';
import { DEFAULT_SLA_TEMPLATE_KEY, slaPolicyTemplates } from '../../domain/sla';
import { ruleColumns } from './escalation-rules';
import { bumpTimeRulesVersion } from './registry';

const SEEDED = { policies: 'seed:sla_policies', matrix: 'seed:escalation_matrix' };

async function seededOnce(tx: Db, marker: string, seed: () => Promise<void>) {
  const [done] = await tx.select().from(configVersions).where(eq(configVersions.name, marker));
  if (done) return false;
  await seed();
  await tx.insert(configVersions).values({ name: marker, version: 1 });
  return true;
}

export async function ensureTimeRuleDefaults(db: Db, now: Date): Promise<{ changed: boolean }> {
  return db.transaction(async (tx) => {
    // Several processes starting at once on an empty database: one seeds, the others wait and find it done.
    await tx.execute(sql`select pg_advisory_xact_lock(74210002)`);
    let changed = false;

    for (const builtIn of builtInCalendars()) {
      const def = builtIn.definition;
      let [row] = await tx.select().from(calendars).where(eq(calendars.key, builtIn.key));
      if (!row) {
        [row] = await tx
          .insert(calendars)
          .values({
            key: builtIn.key,
            name: builtIn.name.zh,
            nameEn: builtIn.name.en,
            timeZone: def.timeZone,
            always: def.always,
            weekly: def.weekly as Record<string, Array<{ start: string; end: string }>>,
            defaultWorkday: def.defaultWorkday,
            builtIn: true,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        changed = true;
      }
      if (def.exceptions.length === 0) continue;
      const known = new Set(
        (await tx.select({ date: calendarExceptions.date }).from(calendarExceptions).where(eq(calendarExceptions.calendarId, row!.id))).map(
          (e) => e.date,
        ),
      );
      const missing = def.exceptions.filter((e) => !known.has(e.date));
      if (missing.length > 0) {
        await tx.insert(calendarExceptions).values(
          missing.map((e) => ({
            calendarId: row!.id,
            date: e.date,
            kind: e.kind,
            name: e.name ?? null,
            intervals: e.intervals ?? null,
            source: 'chinese-days' as const,
          })),
        );
        await tx.update(calendars).set({ updatedAt: now }).where(eq(calendars.id, row!.id));
        changed = true;
      }
    }

    changed =
      (await seededOnce(tx, SEEDED.policies, async () => {
        const existing = await tx.select({ key: slaPolicies.key }).from(slaPolicies);
        const hasDefault = (await tx.select().from(slaPolicies).where(eq(slaPolicies.isDefault, true))).length > 0;
        for (const template of slaPolicyTemplates()) {
          if (existing.some((p) => p.key === template.key)) continue;
          await tx.insert(slaPolicies).values({
            key: template.key,
            name: template.name.zh,
            nameEn: template.name.en,
            description: template.description.zh,
            isDefault: !hasDefault && template.key === DEFAULT_SLA_TEMPLATE_KEY,
            definition: template.definition,
            createdAt: now,
            updatedAt: now,
          });
        }
      })) || changed;

    changed =
      (await seededOnce(tx, SEEDED.matrix, async () => {
        const [vendor] = await tx.select().from(escalationContacts).where(eq(escalationContacts.isVendorCenter, true));
        if (!vendor) {
          await tx.insert(escalationContacts).values({
            name: '原厂商技术中心',
            organisation: '原厂商',
            email: null,
            isVendorCenter: true,
            createdAt: now,
          });
        }
        await tx.insert(escalationRules).values(defaultEscalationMatrix().map((rule) => ({ ...ruleColumns(rule, now), createdAt: now })));
      })) || changed;

    if (changed) await bumpTimeRulesVersion(tx);
    return { changed };
  });
}
