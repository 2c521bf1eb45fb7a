import { defineConfig } from 'vitest/config';

// One runner for unit, integration (real PGlite or PostgreSQL) and browser tests.
// Each test file gets its own database, so files run in parallel safely.
export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'common/**/*.test.ts', 'e2e/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
