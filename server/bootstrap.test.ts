import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from './bootstrap';
import { createTestApp, type TestApp } from './test/harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('first-start admin account', () => {
  it('is created once when several processes start together: the others find it, none fails', async () => {
    const results = await Promise.all([0, 1, 2].map(() => ensureAdmin(t.services, 'Chosen-root-pw-2048')));
    expect(results.filter((r) => r.createdAdmin)).toHaveLength(1);
    expect(results.every((r) => r.generatedAdminPassword === undefined)).toBe(true);
    expect(await ensureAdmin(t.services, undefined)).toEqual({ createdAdmin: false });
  });
});
