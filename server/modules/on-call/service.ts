/**
 * The on-call rota per center (field service, issue 12): shifts of a person of the center (or a
 * center under it) from when to when. Planned by managers and dispatchers (on_call.manage) within
 * their own subtree; read by all service staff (the rota of another center is not a secret: an
 * escalation or a consultation crosses centers). A person is never on call twice at once: an
 * overlapping shift of the same person (any center) is refused with 409, checked under an advisory
 * lock on that person so two planners cannot both slip one in.
 * `read.ts` answers "who is on call at this moment" for the suggestions, the board and escalation.
 */
import { and, asc, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { OnCallQuery, OnCallShift, OnCallShiftCreate } from '../../../common/api/field-service';
import { onCallShifts, serviceCenters, users } from '../../db/schema';
import { isCustomer, seesAllCenters, type Actor } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import type { FieldServiceDeps } from '../field-service-deps';

const DAY = 86_400_000;

export function createOnCallService(deps: FieldServiceDeps) {
  const { db, clock, audit } = deps;

  const staffOnly = (actor: Actor) => {
    if (isCustomer(actor)) throw new AppError('auth.role_forbidden', `Your role (${actor.role}) may not read the on-call rota`, { role: actor.role, permission: 'visits.read' });
  };

  /** The shifts of `ids`, as the API shows them, in start order. */
  async function present(ids: string[]): Promise<OnCallShift[]> {
    if (ids.length === 0) return [];
    const found = await db
      .select({ shift: onCallShifts, centerName: serviceCenters.name, userName: users.name })
      .from(onCallShifts)
      .innerJoin(serviceCenters, eq(serviceCenters.id, onCallShifts.centerId))
      .innerJoin(users, eq(users.id, onCallShifts.userId))
      .where(inArray(onCallShifts.id, ids))
      .orderBy(asc(onCallShifts.startsAt), asc(users.name));
    return found.map(({ shift, centerName, userName }) => ({
      id: shift.id,
      center: { id: shift.centerId, name: centerName },
      user: { id: shift.userId, name: userName },
      startsAt: shift.startsAt.toISOString(),
      endsAt: shift.endsAt.toISOString(),
      note: shift.note,
    }));
  }

  /**
   * Shifts overlapping [from, to) (default: from a day ago to two weeks on) of one center, or without
   * a center: of the actor's subtree (everything for organisation-wide staff).
   */
  async function list(actor: Actor, query: OnCallQuery): Promise<{ items: OnCallShift[] }> {
    staffOnly(actor);
    const now = clock.now();
    const from = query.from ? new Date(query.from) : new Date(now.getTime() - DAY);
    const to = query.to ? new Date(query.to) : new Date(now.getTime() + 14 * DAY);
    if (to.getTime() - from.getTime() > 92 * DAY) throw new AppError('on_call.range_too_long', 'Ask for at most 92 days of the rota at once', { maxDays: 92 });
    const where = [lt(onCallShifts.startsAt, to), gt(onCallShifts.endsAt, from)];
    if (query.centerId) where.push(eq(onCallShifts.centerId, query.centerId));
    else if (!seesAllCenters(actor)) where.push(inArray(onCallShifts.centerId, sql`(select sc.id from service_centers sc where sc.path like ${`${actor.centerPath}%`})`));
    const found = await db
      .select({ id: onCallShifts.id })
      .from(onCallShifts)
      .where(and(...where))
      .orderBy(asc(onCallShifts.startsAt))
      .limit(2000);
    return { items: await present(found.map((r) => r.id)) };
  }

  /** The center if the actor may plan its rota (their subtree, or organisation-wide); 404 for a center that does not exist. */
  async function plannableCenter(tx: typeof db, actor: Actor, centerId: string) {
    const [center] = await tx.select({ id: serviceCenters.id, name: serviceCenters.name, path: serviceCenters.path }).from(serviceCenters).where(eq(serviceCenters.id, centerId));
    if (!center) throw notFound('center.not_found', 'Service center');
    if (!seesAllCenters(actor) && !center.path.startsWith(actor.centerPath ?? '\u0000')) {
      throw new AppError('scope.on_call_center_forbidden', 'You may plan the on-call rota of your own center and the centers under it only', { center: center.name });
    }
    return center;
  }

  async function create(actor: Actor, input: OnCallShiftCreate): Promise<OnCallShift> {
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    const id = await db.transaction(async (tx) => {
      const center = await plannableCenter(tx, actor, input.centerId);
      const [user] = await tx
        .select({ id: users.id, name: users.name, active: users.active, customerId: users.customerId, centerPath: serviceCenters.path })
        .from(users)
        .leftJoin(serviceCenters, eq(serviceCenters.id, users.centerId))
        .where(eq(users.id, input.userId));
      if (!user?.active || user.customerId !== null || !user.centerPath?.startsWith(center.path)) {
        throw new AppError('on_call.user_not_in_center', 'The person on call must be active staff of this center or a center under it', { name: user?.name ?? input.userId });
      }
      // One person's shifts are checked and written one planner at a time.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`fuwutai:on-call:${user.id}`}))`);
      const [clash] = await tx
        .select({ startsAt: onCallShifts.startsAt, endsAt: onCallShifts.endsAt })
        .from(onCallShifts)
        .where(and(eq(onCallShifts.userId, user.id), lt(onCallShifts.startsAt, endsAt), gt(onCallShifts.endsAt, startsAt)))
        .limit(1);
      if (clash) {
        throw new AppError('on_call.overlap', 'This person is already on call at that time: shifts of one person may not overlap', {
          name: user.name,
          startsAt: clash.startsAt.toISOString(),
          endsAt: clash.endsAt.toISOString(),
        });
      }
      const [row] = await tx
        .insert(onCallShifts)
        .values({ centerId: center.id, userId: user.id, startsAt, endsAt, note: input.note ?? null, createdById: actor.id, createdAt: clock.now() })
        .returning();
      await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'on_call_shift', row!.id, 'created', null, {
        centerId: center.id,
        userId: user.id,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt.toISOString(),
        note: row!.note,
      });
      return row!.id;
    });
    return (await present([id]))[0]!;
  }

  /** Deletes a shift of a center the actor may plan; another center's shift or no shift: 404. */
  async function remove(actor: Actor, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const [shift] = await tx
        .select({ shift: onCallShifts, path: serviceCenters.path })
        .from(onCallShifts)
        .innerJoin(serviceCenters, eq(serviceCenters.id, onCallShifts.centerId))
        .where(eq(onCallShifts.id, id))
        .for('update', { of: onCallShifts });
      if (!shift || (!seesAllCenters(actor) && !shift.path.startsWith(actor.centerPath ?? '\u0000'))) throw notFound('on_call.not_found', 'On-call shift');
      await tx.delete(onCallShifts).where(eq(onCallShifts.id, id));
      const s = shift.shift;
      await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'on_call_shift', id, 'deleted', {
        centerId: s.centerId,
        userId: s.userId,
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        note: s.note,
      });
    });
  }

  return { list, create, remove };
}

export type OnCallService = ReturnType<typeof createOnCallService>;
