/**
 * User administration: accounts for staff and for customers' people. An administrator's password
 * reset and disabling an account end every session of that user (re-enabling revives none), and a
 * reset or an explicit unlock lifts a login lock. API tokens are not sessions: they stop working
 * while their user is disabled (a token acts only for an active user) and work again when the user
 * is re-enabled; they are ended by revoking them (管理 → API 令牌), not by a password reset.
 */
import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import { UserCreate as UserCreateSchema, type User, type UserCreate, type UserListQuery, type UserUpdate } from '../../../common/api';
import { isCustomerRole, type Role } from '../../../common/domain';
import type { Db } from '../../db/client';
import { containsPattern } from '../../db/text';
import { customers, serviceCenters, users } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError, fieldError, notFound } from '../../platform/errors';
import { diff, type Audit } from '../audit';
import type { PasswordHasher } from '../auth/password';
import { createLoginThrottle, DEFAULT_LOGIN_LIMITS, lockedUntil, streaks, delayMinutes, type LoginLimits } from '../auth/login-throttle';
import { assertPasswordPolicy } from '../auth/password-policy';
import { endSessionsOf } from '../auth/service';

type UserRow = typeof users.$inferSelect;

export function toUserDto(row: UserRow, lockedUntil: Date | null = null): User {
  return {
    id: row.id,
    username: row.username,
    name: row.name,
    role: row.role,
    email: row.email,
    phone: row.phone,
    customerId: row.customerId,
    centerId: row.centerId,
    engineerLevel: row.engineerLevel,
    skills: row.skills,
    active: row.active,
    lockedUntil: lockedUntil?.toISOString() ?? null,
    mustChangePassword: row.mustChangePassword,
    createdAt: row.createdAt.toISOString(),
  };
}


export function createUserService(deps: { db: Db; clock: Clock; hasher: PasswordHasher; audit: Audit; limits?: LoginLimits }) {
  const { db, clock, hasher, audit } = deps;
  const limits = deps.limits ?? DEFAULT_LOGIN_LIMITS;
  const throttle = createLoginThrottle(db, limits);
  const lockOf = (row: UserRow) => lockedUntil(db, row.username.toLowerCase(), clock.now(), limits);

  /** Customer roles belong to exactly one customer; staff to none. Referenced rows must exist. */
  async function checkMembership(tx: Db, role: Role, customerId: string | null, centerId: string | null) {
    if (isCustomerRole(role) && !customerId) {
      throw fieldError('customerId', 'field.role_needs_customer', `a ${role} must belong to a customer`, { role });
    }
    if (!isCustomerRole(role) && customerId) {
      throw fieldError('customerId', 'field.staff_no_customer', `a ${role} is service staff and cannot belong to a customer`, { role });
    }
    if (customerId) {
      const [c] = await tx.select({ id: customers.id }).from(customers).where(eq(customers.id, customerId));
      if (!c) throw fieldError('customerId', 'field.no_such_customer', 'no such customer');
    }
    if (centerId) {
      const [c] = await tx.select({ id: serviceCenters.id }).from(serviceCenters).where(eq(serviceCenters.id, centerId));
      if (!c) throw fieldError('centerId', 'field.no_such_center', 'no such service center');
    }
  }

  async function assertUsernameFree(tx: Db, username: string) {
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.username})`, username.toLowerCase()));
    if (taken) throw new AppError('user.username_taken', `The username "${username}" is taken`, { username, fields: [{ path: 'username', message: 'taken', key: 'field.taken' }] });
  }

  return {
    async create(actor: Actor | null, raw: UserCreate): Promise<User> {
      const input = UserCreateSchema.parse(raw);
      assertPasswordPolicy(input.password, input, 'password');
      const passwordHash = await hasher.hash(input.password);
      return db.transaction(async (tx) => {
        await checkMembership(tx, input.role, input.customerId ?? null, input.centerId ?? null);
        await assertUsernameFree(tx, input.username);
        const now = clock.now();
        const [row] = await tx
          .insert(users)
          .values({
            username: input.username,
            passwordHash,
            name: input.name,
            role: input.role,
            email: input.email ?? null,
            phone: input.phone ?? null,
            customerId: input.customerId ?? null,
            centerId: input.centerId ?? null,
            engineerLevel: input.engineerLevel ?? null,
            skills: input.skills ?? [],
            createdAt: now,
            updatedAt: now,
            passwordChangedAt: now,
            // Services and seeds create accounts whose password their owner chose; the API route asks for the change.
            mustChangePassword: input.mustChangePassword ?? false,
          })
          .returning();
        const dto = toUserDto(row!);
        await audit.record(tx, { actorId: actor?.id ?? null, ip: actor?.ip }, 'user', dto.id, 'created', null, dto);
        return dto;
      });
    },

    async list(query: UserListQuery): Promise<User[]> {
      const conditions: (SQL | undefined)[] = [
        query.role?.length ? inArray(users.role, query.role) : undefined,
        query.centerId ? eq(users.centerId, query.centerId) : undefined,
        query.customerId ? eq(users.customerId, query.customerId) : undefined,
        query.active ? eq(users.active, query.active === 'true') : undefined,
        query.q ? or(ilike(users.name, containsPattern(query.q)), ilike(users.username, containsPattern(query.q))) : undefined,
      ];
      const rows = await db.select().from(users).where(and(...conditions)).orderBy(asc(users.name)).limit(1000);
      const now = clock.now();
      const locks = await streaks(db, rows.map((r) => r.username.toLowerCase()), now, limits);
      return rows.map((row) => {
        const streak = locks.get(row.username.toLowerCase());
        const until = streak ? new Date(streak.lastAt.getTime() + delayMinutes(streak.failures, limits) * 60_000) : null;
        return toUserDto(row, until && until > now ? until : null);
      });
    },

    async get(id: string): Promise<User> {
      const [row] = await db.select().from(users).where(eq(users.id, id));
      if (!row) throw notFound('user.not_found', 'User');
      return toUserDto(row, await lockOf(row));
    },

    /** Lifts a login lock: forgets the account's failed password checks (audited with their number). */
    async unlock(actor: Actor, id: string): Promise<User> {
      const row = await db.transaction(async (tx) => {
        const [user] = await tx.select().from(users).where(eq(users.id, id)).for('update');
        if (!user) throw notFound('user.not_found', 'User');
        const failuresCleared = await throttle.clear(tx, user.username.toLowerCase());
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'user', id, 'unlocked', null, { failuresCleared });
        return user;
      });
      return toUserDto(row, await lockOf(row));
    },

    async update(actor: Actor, id: string, patch: UserUpdate): Promise<User> {
      let passwordHash: string | undefined;
      if (patch.password) {
        // Checked against the account as it will be; hashed outside the transaction.
        const [current] = await db.select({ username: users.username, name: users.name }).from(users).where(eq(users.id, id));
        if (!current) throw notFound('user.not_found', 'User');
        assertPasswordPolicy(patch.password, { username: current.username, name: patch.name ?? current.name }, 'password');
        passwordHash = await hasher.hash(patch.password);
      }
      const updated = await db.transaction(async (tx) => {
        const [before] = await tx.select().from(users).where(eq(users.id, id)).for('update');
        if (!before) throw notFound('user.not_found', 'User');
        const role = patch.role ?? before.role;
        const customerId = patch.customerId !== undefined ? patch.customerId : before.customerId;
        const centerId = patch.centerId !== undefined ? patch.centerId : before.centerId;
        await checkMembership(tx, role, customerId, centerId);
        const losesAdmin = before.role === 'admin' && (role !== 'admin' || patch.active === false);
        if (losesAdmin) {
          const [{ n } = { n: 0 }] = await tx
            .select({ n: sql<number>`count(*)::int` })
            .from(users)
            .where(and(eq(users.role, 'admin'), eq(users.active, true)));
          if (n <= 1) throw new AppError('user.last_admin', 'The last active administrator cannot be demoted or disabled');
        }
        const now = clock.now();
        const { password: _password, mustChangePassword, ...fields } = patch;
        const [after] = await tx
          .update(users)
          .set({
            ...fields,
            customerId,
            centerId,
            updatedAt: now,
            // A reset password is the administrator's: its owner replaces it at next login unless told otherwise.
            ...(passwordHash ? { passwordHash, passwordChangedAt: now, mustChangePassword: mustChangePassword ?? true } : {}),
            ...(!passwordHash && mustChangePassword !== undefined ? { mustChangePassword } : {}),
          })
          .where(eq(users.id, id))
          .returning();
        // A reset or a disabled account ends every session; re-enabling must not revive any.
        const disabled = patch.active === false;
        if (passwordHash || disabled) await endSessionsOf(tx, id);
        if (passwordHash) await throttle.clear(tx, before.username.toLowerCase());
        const changes = diff(toUserDto(before), toUserDto(after!));
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'user', id, passwordHash ? 'updated_with_password' : 'updated', changes.before, changes.after);
        return after!;
      });
      return toUserDto(updated, await lockOf(updated));
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
