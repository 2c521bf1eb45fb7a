/**
 * Login, sessions and password changes. Sessions live in the database (a server restart or a
 * second process changes nothing); the cookie carries a random token, the table its SHA-256.
 * Failed logins are counted per account and per address over a sliding window.
 */
import crypto from 'node:crypto';
import { and, count, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { loginAttempts, serviceCenters, sessions, users } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { AppError } from '../../platform/errors';
import type { PasswordHasher } from './password';
import type { Audit } from '../audit';
import { actorColumns } from './actor-columns';

export const SESSION_COOKIE = 'fw_session';

export interface LoginLimits {
  windowMinutes: number;
  maxFailuresPerAccount: number;
  maxFailuresPerAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  windowMinutes: 15,
  maxFailuresPerAccount: 5,
  maxFailuresPerAddress: 30,
};

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  hasher: PasswordHasher;
  audit: Audit;
  sessionTtlHours: number;
  limits?: LoginLimits;
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export function createAuthService(deps: AuthServiceDeps) {
  const { db, clock, hasher, audit } = deps;
  const limits = deps.limits ?? DEFAULT_LOGIN_LIMITS;
  // Verifying against a real hash when the user does not exist keeps the timing the same.
  let dummyHash: Promise<string> | undefined;

  async function assertNotThrottled(username: string, ip: string, now: Date) {
    const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
    const failures = async (column: 'username' | 'ip', value: string) => {
      const [row] = await db
        .select({ n: count() })
        .from(loginAttempts)
        .where(
          and(
            eq(column === 'username' ? loginAttempts.username : loginAttempts.ip, value),
            eq(loginAttempts.succeeded, false),
            gt(loginAttempts.at, since),
          ),
        );
      return row?.n ?? 0;
    };
    const [byAccount, byAddress] = [await failures('username', username), await failures('ip', ip)];
    if (byAccount >= limits.maxFailuresPerAccount || byAddress >= limits.maxFailuresPerAddress) {
      throw new AppError(
        'auth.too_many_failures',
        `Too many failed logins. Try again in ${limits.windowMinutes} minutes or ask an administrator to reset your password.`,
        { minutes: limits.windowMinutes, retryAfterSeconds: limits.windowMinutes * 60 },
      );
    }
  }

  return {
    async login(input: { username: string; password: string; ip: string; userAgent?: string }) {
      const now = clock.now();
      const username = input.username.trim().toLowerCase();
      await assertNotThrottled(username, input.ip, now);
      const [user] = await db.select().from(users).where(eq(sql`lower(${users.username})`, username));
      dummyHash ??= hasher.hash('not-a-real-password');
      let ok = false;
      if (user) ok = user.active && (await hasher.verify(user.passwordHash, input.password));
      // An unknown name costs the same hashing time as a known one, so timing tells nothing.
      else await hasher.verify(await dummyHash, input.password);
      await db.insert(loginAttempts).values({ username, ip: input.ip, succeeded: ok, at: now });
      if (!ok || !user) {
        throw new AppError('auth.wrong_credentials', 'Wrong username or password');
      }
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

    /** The actor behind a session cookie, or null when it is unknown, expired or the user is disabled. */
    async authenticate(token: string): Promise<Actor | null> {
      const now = clock.now();
      const [row] = await db
        .select({ ...actorColumns, expiresAt: sessions.expiresAt })
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
      const [user] = await db.select().from(users).where(eq(users.id, actor.id));
      if (!user || !(await hasher.verify(user.passwordHash, currentPassword))) {
        throw new AppError('auth.current_password_wrong', 'The current password is wrong', {
          fields: [{ path: 'currentPassword', message: 'wrong password', key: 'field.wrong_password' }],
        });
      }
      if (currentPassword === newPassword) {
        throw new AppError('auth.password_unchanged', 'The new password must differ from the current one', {
          fields: [{ path: 'newPassword', message: 'same as current password', key: 'field.same_password' }],
        });
      }
      const passwordHash = await hasher.hash(newPassword);
      const now = clock.now();
      await db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash, passwordChangedAt: now, updatedAt: now }).where(eq(users.id, actor.id));
        // Every other session of this user ends: a changed password locks out whoever had the old one.
        const keep = currentToken ? hashToken(currentToken) : '';
        await tx.delete(sessions).where(and(eq(sessions.userId, actor.id), sql`${sessions.tokenHash} <> ${keep}`));
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
