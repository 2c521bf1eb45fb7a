/**
 * The administrator's first-start checklist. Each step is judged from the desk's real state,
 * read fresh on every request (five cheap EXISTS queries):
 *
 * - centers: a service center exists (nothing seeds one: the organisation is the admin's to draw);
 * - users: an active staff member other than an administrator exists (someone to work tickets);
 * - calendars / sla_policies: someone changed one since the seed — the seed writes rows but no
 *   audit entries, so any audit entry about a calendar (hours, holidays, iCal import, a new one)
 *   or an SLA policy is a person's review. Reviewed and found right? Mark it done;
 * - mail: FUWUTAI_SMTP_URL is set (the process's configuration, not the database).
 *
 * Any step may also be marked done or skipped by hand (`setup_steps`, audited as `setup`), and the
 * card is dismissed for good once every step is complete.
 */
import { and, eq, notInArray, sql } from 'drizzle-orm';
import { SETUP_STEPS, type SetupChecklist, type SetupStepKey } from '../../../common/api/setup';
import { CUSTOMER_ROLES } from '../../../common/domain';
import type { Db } from '../../db/client';
import { auditLog, serviceCenters, setupSteps, users } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { Audit } from '../audit';

const DISMISSED = 'checklist';

export function createSetupService(deps: { db: Db; clock: Clock; audit: Audit; mailConfigured: boolean }) {
  const { db, clock, audit } = deps;

  const exists = async (query: { limit(n: number): Promise<unknown[]> }) => (await query.limit(1)).length > 0;
  const audited = (tx: Db, entity: string) => exists(tx.select({ one: sql`1` }).from(auditLog).where(eq(auditLog.entity, entity)));

  async function satisfied(tx: Db): Promise<Record<SetupStepKey, boolean>> {
    const [centers, staff, calendars, policies] = await Promise.all([
      exists(tx.select({ one: sql`1` }).from(serviceCenters)),
      exists(
        tx
          .select({ one: sql`1` })
          .from(users)
          .where(and(eq(users.active, true), notInArray(users.role, ['admin', ...CUSTOMER_ROLES]))),
      ),
      audited(tx, 'calendar'),
      audited(tx, 'sla_policy'),
    ]);
    return { centers, users: staff, calendars, sla_policies: policies, mail: deps.mailConfigured };
  }

  async function read(tx: Db): Promise<SetupChecklist> {
    const real = await satisfied(tx);
    const marks = new Map((await tx.select().from(setupSteps)).map((m) => [m.step, m]));
    const steps = SETUP_STEPS.map((key) => {
      const m = marks.get(key);
      const mark = m && (m.state === 'done' || m.state === 'skipped') ? m.state : null;
      return { key, satisfied: real[key], mark, markedAt: mark ? m!.decidedAt.toISOString() : null, complete: real[key] || mark !== null };
    });
    const done = steps.filter((s) => s.complete).length;
    return { steps, done, total: steps.length, complete: done === steps.length, dismissed: marks.get(DISMISSED)?.state === 'dismissed' };
  }

  return {
    get: () => read(db),

    async mark(actor: Actor, step: SetupStepKey, mark: 'done' | 'skipped' | null): Promise<SetupChecklist> {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(setupSteps).where(eq(setupSteps.step, step));
        if (mark === null) {
          await tx.delete(setupSteps).where(eq(setupSteps.step, step));
        } else {
          const values = { step, state: mark, decidedBy: actor.id, decidedAt: clock.now() };
          await tx.insert(setupSteps).values(values).onConflictDoUpdate({ target: setupSteps.step, set: values });
        }
        if ((before?.state ?? null) !== mark) {
          await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'setup', step, 'step_marked', { mark: before?.state ?? null }, { mark });
        }
        return read(tx);
      });
    },

    async dismiss(actor: Actor): Promise<SetupChecklist> {
      return db.transaction(async (tx) => {
        const current = await read(tx);
        if (!current.complete) {
          const open = current.steps.filter((s) => !s.complete).map((s) => s.key);
          throw new AppError('setup.incomplete', `Steps still open: ${open.join(', ')} — complete or skip them first`, { open: open.join(', ') });
        }
        if (current.dismissed) return current;
        await tx.insert(setupSteps).values({ step: DISMISSED, state: 'dismissed', decidedBy: actor.id, decidedAt: clock.now() }).onConflictDoNothing();
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'setup', DISMISSED, 'dismissed', null, null);
        return { ...current, dismissed: true };
      });
    },
  };
}

export type SetupService = ReturnType<typeof createSetupService>;
