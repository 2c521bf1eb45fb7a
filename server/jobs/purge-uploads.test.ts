/**
 * Temporary upload files a killed process left behind are removed: by the hourly housekeeping job
 * once they are an hour old, and at start-up once nobody has written to them for a minute.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/harness';
import { JOB_NAMES, registerPlatformJobs } from './platform-jobs';
import { purgeUploadTemps, RETENTION } from './purge';
import { createJobRegistry } from './scheduler';

let t: TestApp;
let dir: string;
const now = new Date();
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

/** A temporary upload file last written `minutes` before now. */
function leftover(name: string, minutes: number) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, 'half an upload');
  fs.utimesSync(file, minutesAgo(minutes), minutesAgo(minutes));
}
const remaining = () => fs.readdirSync(dir).sort();

beforeAll(async () => {
  t = await createTestApp();
  dir = t.services.attachments.tmpDir;
});
afterAll(() => t?.close());

describe('temporary upload files', () => {
  it('live in the data folder the attachments stream into', () => {
    expect(dir).toBe(path.join(t.config.dataDir, 'attachments', 'tmp'));
  });

  it('older than an hour are removed by housekeeping.purge', async () => {
    leftover('killed-yesterday', 24 * 60);
    leftover('killed-2h-ago', 120);
    leftover('uploading-slowly', 30);
    fs.mkdirSync(path.join(dir, 'not-a-file'), { recursive: true });
    const registry = createJobRegistry({ timeZone: t.config.timeZone });
    registerPlatformJobs(registry, {
      engine: t.services.engine,
      clock: t.clock,
      mailer: null,
      sweepIntervalMs: 60_000,
      sweepBatchSize: 10,
      deliveryIntervalMs: 60_000,
      uploadTmpDir: dir,
    });
    const purge = registry.handlers.get(JOB_NAMES.purge)!;
    await purge({ name: JOB_NAMES.purge, slot: now, manual: true, payload: {}, owner: 'test', db: t.services.db, now: () => now, log: t.app.log });
    expect(remaining()).toEqual(['not-a-file', 'uploading-slowly']);
  });

  it('untouched for a minute are removed at start-up; one still being written stays', async () => {
    leftover('killed-just-now', 5);
    leftover('being-written', 0);
    const removed = await purgeUploadTemps(dir, now, RETENTION.uploadTempAtStartMs);
    expect(removed).toBe(2); // uploading-slowly (30 min) and killed-just-now
    expect(remaining()).toEqual(['being-written', 'not-a-file']);
  });

  it('is nothing to do when no upload ever happened', async () => {
    expect(await purgeUploadTemps(path.join(dir, 'never-created'), now, 0)).toBe(0);
  });
});
