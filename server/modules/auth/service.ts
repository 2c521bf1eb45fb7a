/**
 * Login, sessions and password changes. Sessions live in the database (a server restart or a
 * second process changes nothing); the cookie carries a random token, the table its SHA-256.
 * Password guesses (logins and the current password of a change) are throttled per account and
 * per address by `login-throttle.ts`, whose header states the rule. Every check of a password
 * costs one hash, whether the account exists, is disabled or not, so timing tells nothing.
 */
import crypto from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { loginAttempts, serviceCenters, sessions, users } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { PasswordHasher } from './password';
import type { Audit } from '../audit';
import { actorColumns } from './actor-columns';
import { createLoginThrottle, DEFAULT_LOGIN_LIMITS, type LoginLimits } from './login-throttle';
import { assertPasswordPolicy } from './password-policy';
import type { SessionActor } from './password-change-gate';

export { DEFAULT_LOGIN_LIMITS, type LoginLimits };

export const SESSION_COOKIE = 'fw_session';

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  hasher: PasswordHasher;
  audit: Audit;
  sessionTtlHours: number;
  limits?: LoginLimits;
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** Ends every session of a user (password reset, disabling); inside the caller's transaction. */
export async function endSessionsOf(tx: Db, userId: string, exceptToken?: string) {
  const keep = exceptToken ? hashToken(exceptToken) : '';
  await tx.delete(sessions).where(and(eq(sessions.userId, userId), sql`${sessions.tokenHash} <> ${keep}`));
}

export function createAuthService(deps: AuthServiceDeps) {
  const { db, clock, hasher, audit } = deps;
  const throttle = createLoginThrottle(db, deps.limits ?? DEFAULT_LOGIN_LIMITS);
  // Verifying against a real hash when the user does not exist keeps the timing the same.
  let dummyHash: Promise<string> | undefined;

  return {
    async login(input: { username: string; password: string; ip: string; userAgent?: string }) {
      const now = clock.now();
      const username = input.username.trim().toLowerCase();
      const attemptId = await throttle.reserve(username, input.ip, now, { checkAddress: true });
      const [user] = await db.select().from(users).where(eq(sql`lower(${users.username})`, username));
      dummyHash ??= hasher.hash('not-a-real-password');
      // One hash for every attempt: a disabled account is checked like any other (then refused),
      // an unknown name against a dummy hash.
      const matches = await hasher.verify(user?.passwordHash ?? (await dummyHash), input.password);
      const ok = !!user && user.active && matches;
      if (!ok || !user) {
        throw new AppError('auth.wrong_credentials', 'Wrong username or password');
      }
      await throttle.succeeded(attemptId);
      const token = crypto.randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + deps.sessionTtlHours * 3_600_000);
      await db.insert(sessions).values({
        tokenHash: hashToken(token),
        userId: user.id,
        createdAt: now,
        expiresAt,
        ip: input.ip,
        userAgent: input.userAgent?.slice(0, 300),
      });
      await audit.record(db, { actorId: user.id, ip: input.ip }, 'user', user.id, 'login');
      return { token, expiresAt, userId: user.id };
    },

    async logout(token: string) {
      await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
    },

    /**
     * The actor behind a session cookie, or null when it is unknown, expired or the user is disabled;
     * `mustChangePassword` holds the session to me, logout and the password change (password-change-gate.ts).
     */
    async authenticate(token: string): Promise<SessionActor | null> {
      const now = clock.now();
      const [row] = await db
        .select({ ...actorColumns, expiresAt: sessions.expiresAt, mustChangePassword: users.mustChangePassword })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .leftJoin(serviceCenters, eq(serviceCenters.id, users.centerId))
        .where(and(eq(sessions.tokenHash, hashToken(token)), gt(sessions.expiresAt, now)));
      if (!row?.active) return null;
      // Sliding expiry, written at most once per 10 % of the lifetime to keep reads cheap.
      const ttl = deps.sessionTtlHours * 3_600_000;
      if (row.expiresAt.getTime() - now.getTime() < ttl * 0.9) {
        await db
          .update(sessions)
          .set({ expiresAt: new Date(now.getTime() + ttl) })
          .where(eq(sessions.tokenHash, hashToken(token)));
      }
      const { active: _active, expiresAt: _expiresAt, ...actor } = row;
      return actor;
    },

    async changePassword(actor: Actor, currentPassword: string, newPassword: string, currentToken?: string) {
      const now = clock.now();
      const [user] = await db.select().from(users).where(eq(users.id, actor.id));
      if (!user) throw new AppError('auth.login_required', 'Please log in');
      // Guessing the current password here is guessing the login password: same throttle, same streak.
      const attemptId = await throttle.reserve(user.username.toLowerCase(), actor.ip ?? 'unknown', now, { checkAddress: false });
      if (!(await hasher.verify(user.passwordHash, currentPassword))) {
        throw new AppError('auth.current_password_wrong', 'The current password is wrong', {
          fields: [{ path: 'currentPassword', message: 'wrong password', key: 'field.wrong_password' }],
        });
      }
      await throttle.succeeded(attemptId);
      if (currentPassword === newPassword) {
        throw new AppError('auth.password_unchanged', 'The new password must differ from the current one', {
          fields: [{ path: 'newPassword', message: 'same as current password', key: 'field.same_password' }],
        });
      }
      assertPasswordPolicy(newPassword, user, 'newPassword');
      const passwordHash = await hasher.hash(newPassword);
      await db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash, passwordChangedAt: now, updatedAt: now, mustChangePassword: false }).where(eq(users.id, actor.id));
        // Every other session of this user ends: a changed password locks out whoever had the old one.
        await endSessionsOf(tx, actor.id, currentToken);
        await audit.record(tx, { actorId: actor.id, ip: actor.ip }, 'user', actor.id, 'password_changed');
      });
    },

    /** Housekeeping: expired sessions and old login attempts. */
    async purgeExpired() {
      const now = clock.now();
      await db.delete(sessions).where(lt(sessions.expiresAt, now));
      await db.delete(loginAttempts).where(lt(loginAttempts.at, new Date(now.getTime() - 7 * 86_400_000)));
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
