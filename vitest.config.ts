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
        // Two files at a time: vitest's default on a 2-core machine is one (cores − 1), and most files
        // wait on a database, a child process or a mail server for much of their time.
        test: { name: 'server', include: ['server/**/*.test.ts', 'common/**/*.test.ts'], sequence: { groupOrder: 0 }, maxWorkers: 2 },
      },
      {
        extends: true,
        // A page waits on a loaded machine: expect.poll gets 10 s here instead of vitest's 1 s.
        test: { name: 'browser', include: ['e2e/**/*.test.ts'], sequence: { groupOrder: 1 }, expect: { poll: { timeout: 10_000 } } },
      },
    ],
  },
});
