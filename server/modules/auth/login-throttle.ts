/**
 * Throttling of password guesses, counted in `login_attempts` so it holds across processes,
 * restarts and concurrent requests.
 *
 * The rule (per account; a login and a "change my password" check of the current password are
 * both guesses of the same secret, so they count together):
 * - an account's streak is its failed checks since its last success (or since an administrator
 *   unlocked it or reset its password), looking back at most 24 hours (the purge horizon);
 * - fewer than 5 failures in the streak: no delay;
 * - from the 5th failure on, the next check is refused (429 with Retry-After) until
 *   last failure + 1 min × 2^(failures − 5), at most 15 min: 1, 2, 4, 8, 15, 15 … minutes.
 * Per address: 30 failed logins in 15 minutes refuse further logins from it for 15 minutes.
 *
 * Concurrency: a check first *reserves* its attempt — in one short transaction holding
 * `pg_advisory_xact_lock` on the account (and then the address), it reads the streak and inserts
 * the attempt as a failure — and only then hashes, outside any transaction; a correct password
 * turns its row into a success afterwards. Parallel guesses therefore see each other's reserved
 * rows, and at most 5 of them are ever checked. No hashing happens while the lock or a connection
 * is held (PGlite has one connection, and everything else would wait behind the hash).
 */
import { and, desc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { loginAttempts } from '../../db/schema';
import { AppError } from '../../platform/errors';

export interface LoginLimits {
  /** Failures in a streak before the first delay. */
  failuresBeforeDelay: number;
  firstDelayMinutes: number;
  maxDelayMinutes: number;
  /** How far back a streak reaches. */
  streakHours: number;
  addressWindowMinutes: number;
  maxFailuresPerAddress: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  failuresBeforeDelay: 5,
  firstDelayMinutes: 1,
  maxDelayMinutes: 15,
  streakHours: 24,
  addressWindowMinutes: 15,
  maxFailuresPerAddress: 30,
};

/** Minutes an account waits after `failures` failures in its streak (0: none). */
export function delayMinutes(failures: number, limits: LoginLimits = DEFAULT_LOGIN_LIMITS): number {
  if (failures < limits.failuresBeforeDelay) return 0;
  const doublings = Math.min(failures - limits.failuresBeforeDelay, 10);
  return Math.min(limits.firstDelayMinutes * 2 ** doublings, limits.maxDelayMinutes);
}

/** The streak of each account: failures after its last success within the horizon, and the last one. */
export async function streaks(db: Db, usernames: string[], now: Date, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
  const result = new Map<string, { failures: number; lastAt: Date }>();
  if (usernames.length === 0) return result;
  const since = new Date(now.getTime() - limits.streakHours * 3_600_000);
  // Explicit aliases: Drizzle renders columns unqualified inside sql`` subqueries.
  const rows = await db
    .select({ username: loginAttempts.username, failures: sql<number>`count(*)::int`, lastAt: sql<Date>`max(${loginAttempts.at})` })
    .from(loginAttempts)
    .where(
      and(
        inArray(loginAttempts.username, usernames),
        eq(loginAttempts.succeeded, false),
        gt(loginAttempts.at, since),
        sql`${loginAttempts.id} > coalesce((select max(ok.id) from login_attempts ok
              where ok.username = ${loginAttempts.username} and ok.succeeded), 0)`,
      ),
    )
    .groupBy(loginAttempts.username);
  for (const row of rows) result.set(row.username, { failures: row.failures, lastAt: new Date(row.lastAt) });
  return result;
}

/** When the account may be tried again, or null when it may be now. */
export async function lockedUntil(db: Db, username: string, now: Date, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
  const streak = (await streaks(db, [username], now, limits)).get(username);
  if (!streak) return null;
  const until = new Date(streak.lastAt.getTime() + delayMinutes(streak.failures, limits) * 60_000);
  return until > now ? until : null;
}

function tooMany(until: Date, now: Date): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return new AppError(
    'auth.too_many_failures',
    `Too many failed password checks. Try again in ${minutes} minutes or ask an administrator to unlock the account.`,
    { minutes, retryAfterSeconds },
  );
}

export function createLoginThrottle(db: Db, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
  return {
    /**
     * Refuses (429) when the account or the address must wait; otherwise records the attempt as a
     * failure and returns its id, to be passed to `succeeded` once the password proved right.
     */
    async reserve(username: string, ip: string, now: Date, options: { checkAddress: boolean }): Promise<number> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`fuwutai:login:${username}`}))`);
        if (options.checkAddress) await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`fuwutai:login-ip:${ip}`}))`);
        const until = await lockedUntil(tx, username, now, limits);
        if (until) throw tooMany(until, now);
        if (options.checkAddress) {
          const since = new Date(now.getTime() - limits.addressWindowMinutes * 60_000);
          const recent = await tx
            .select({ at: loginAttempts.at })
            .from(loginAttempts)
            .where(and(eq(loginAttempts.ip, ip), eq(loginAttempts.succeeded, false), gt(loginAttempts.at, since)))
            .orderBy(desc(loginAttempts.at))
            .limit(limits.maxFailuresPerAddress);
          if (recent.length >= limits.maxFailuresPerAddress) {
            // Refused until the oldest of those leaves the window.
            throw tooMany(new Date(recent[recent.length - 1]!.at.getTime() + limits.addressWindowMinutes * 60_000), now);
          }
        }
        const [row] = await tx.insert(loginAttempts).values({ username, ip, succeeded: false, at: now }).returning({ id: loginAttempts.id });
        return row!.id;
      });
    },

    async succeeded(attemptId: number) {
      await db.update(loginAttempts).set({ succeeded: true }).where(eq(loginAttempts.id, attemptId));
    },

    /** Ends the account's streak (admin unlock, password reset); returns how many failures it forgot. */
    async clear(tx: Db, username: string): Promise<number> {
      const deleted = await tx
        .delete(loginAttempts)
        .where(and(eq(loginAttempts.username, username), eq(loginAttempts.succeeded, false)))
        .returning({ id: loginAttempts.id });
      return deleted.length;
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
