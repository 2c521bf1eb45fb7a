/**
 * Housekeeping: deletes rows nobody needs any more, in batches so no statement holds locks (or
 * PGlite's one connection) for long.
 * - sessions past their expiry (a sliding session renews expires_at while it is used);
 * - login attempts older than a day (the failed-login limit looks back 15 minutes);
 * - live-push messages older than a day (a browser replays at most a few minutes on reconnect);
 * - idempotency keys older than a day (a key is honoured for 24 h, platform/idempotency.ts);
 * - job history beyond the newest 200 runs of each job, or older than 30 days; runs in progress
 *   are kept (they are a slot's exactly-once guard);
 * - temporary upload files left behind by a process that died mid-upload (kill -9, power loss):
 *   older than an hour while running, and at start-up those untouched for a minute (an upload in
 *   progress in another process sharing the folder keeps writing to its file).
 */
import fs from 'node:fs';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '../db/client';

export const RETENTION = {
  loginAttemptsMs: 24 * 3_600_000,
  pushMessagesMs: 24 * 3_600_000,
  idempotencyKeysMs: 24 * 3_600_000,
  jobRunsPerJob: 200,
  jobRunsMs: 30 * 24 * 3_600_000,
  uploadTempMs: 3_600_000,
  /** At start-up: no upload of this process is running, another process's touches its file. */
  uploadTempAtStartMs: 60_000,
};

const BATCH = 5000;

/** Runs `del` (a DELETE … RETURNING 1 of at most BATCH rows) until it deletes fewer than a batch. */
async function inBatches(db: Db, del: SQL): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = (await rows<unknown>(db, del)).length;
    total += deleted;
    if (deleted < BATCH) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function purgeExpired(db: Db, now: Date, retention = RETENTION) {
  const before = (ms: number) => sql`${new Date(now.getTime() - ms).toISOString()}::timestamptz`;
  const sessions = await inBatches(
    db,
    sql`delete from sessions where token_hash in (
          select token_hash from sessions where expires_at < ${before(0)} limit ${BATCH}) returning 1`,
  );
  const loginAttempts = await inBatches(
    db,
    sql`delete from login_attempts where id in (
          select id from login_attempts where at < ${before(retention.loginAttemptsMs)} limit ${BATCH}) returning 1`,
  );
  const pushMessages = await inBatches(
    db,
    sql`delete from push_messages where id in (
          select id from push_messages where created_at < ${before(retention.pushMessagesMs)} limit ${BATCH}) returning 1`,
  );
  const idempotencyKeys = await inBatches(
    db,
    sql`delete from idempotency_keys where (principal, key) in (
          select principal, key from idempotency_keys where created_at < ${before(retention.idempotencyKeysMs)} limit ${BATCH}) returning 1`,
  );
  const jobRuns = await inBatches(
    db,
    sql`delete from job_runs where id in (
          select r.id from (
            select jr.id, jr.status, jr.started_at,
                   row_number() over (partition by jr.job_name order by jr.slot desc, jr.id desc) as newest
            from job_runs jr) r
          where r.status <> 'running' and (r.newest > ${retention.jobRunsPerJob} or r.started_at < ${before(retention.jobRunsMs)})
          limit ${BATCH}) returning 1`,
  );
  return { sessions, loginAttempts, pushMessages, idempotencyKeys, jobRuns };
}

/** Deletes files in the upload temporary folder last modified more than `olderThanMs` before `now`. */
export async function purgeUploadTemps(dir: string, now: Date, olderThanMs: number): Promise<number> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const stat = await fs.promises.stat(file);
      if (!stat.isFile() || stat.mtimeMs > now.getTime() - olderThanMs) continue;
      await fs.promises.rm(file, { force: true });
      removed++;
    } catch (error) {
      // Gone meanwhile: its upload finished (renamed into place) or failed (removed).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return removed;
}
