/**
 * A job for process tests only, registered when FUWUTAI_TEST_JOBS=1: every second it waits a
 * moment (so a test can kill the process in the middle of a run) and then inserts one row for its
 * slot into `job_test_ticks`, a table the test creates. The insert has no ON CONFLICT and the
 * table no unique key on purpose: a slot that ran twice shows as two rows.
 */
import { sql } from 'drizzle-orm';
import type { JobRegistry } from './scheduler';

export const TEST_TICK_JOB = 'test.tick';
export const TEST_TICK_WORK_MS = 400;

export function registerTestJobs(registry: JobRegistry): void {
  registry.registerJob({
    name: TEST_TICK_JOB,
    everySeconds: 1,
    async run({ db, slot, owner }) {
      await new Promise((resolve) => setTimeout(resolve, TEST_TICK_WORK_MS));
      await db.execute(sql`insert into job_test_ticks (slot, owner) values (${slot.toISOString()}::timestamptz, ${owner})`);
    },
  });
}
