import { defineConfig } from 'vitest/config';

// One runner for unit, integration (real PGlite or PostgreSQL) and browser tests. Each test file
// gets its own database, so server files run in parallel; the browser suite runs after them, on
// its own, so a loaded machine does not turn page waits into flaky timeouts.
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // One migrated template database per run; each test file's database starts from a copy (server/test/global-setup.ts).
    globalSetup: ['server/test/global-setup.ts'],
    projects: [
      {
        extends: true,
        // On PGlite two files at a time: vitest's default on a 2-core machine is one (cores − 1), and
        // each file has its own in-process database. On PostgreSQL one: the event consumers read below
        // the oldest running transaction of the whole server (pg_snapshot_xmin; transaction ids are
        // cluster-wide), so another file's open transaction in its own database holds them back.
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'common/**/*.test.ts'],
          sequence: { groupOrder: 0 },
          maxWorkers: process.env.DATABASE_URL ? 1 : 2,
        },
      },
      {
        extends: true,
        // A page waits on a loaded machine: expect.poll gets 10 s here instead of vitest's 1 s.
        test: { name: 'browser', include: ['e2e/**/*.test.ts'], sequence: { groupOrder: 1 }, expect: { poll: { timeout: 10_000 } } },
      },
    ],
  },
});
