/**
 * The admin's scheduled jobs through the HTTP API: the list (schedule in words, last run, next
 * run, recent runs), run now (picked up by the next poll, recorded as manual), enable/disable;
 * admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailboxes } from '../../db/schema';
import { mailPollJobName, syncMailboxJobs } from '../../jobs/mail-poll';
import { createJobRegistry, declareJobs, runDueJobs, scheduleOnce } from '../../jobs/scheduler';
import { createTestApp, FakeClock, type Client, type TestApp } from '../../test/harness';

const clock = new FakeClock('2026-03-02T10:00:00.000Z');
let t: TestApp;
let admin: Client;
const ran: string[] = [];
const registry = createJobRegistry({ timeZone: 'Asia/Shanghai' });
registry.registerJob({ name: 'api.nightly', cron: '30 3 * * *', run: async (ctx) => void ran.push(`api.nightly@${ctx.slot.toISOString()}${ctx.manual ? ' manual' : ''}`) });
registry.registerJob({
  name: 'api.flaky',
  everySeconds: 60,
  run: async () => {
    throw new Error('upstream said 503');
  },
});
registry.registerHandler('api.remind', async (ctx) => void ran.push(`${ctx.name}@${ctx.slot.toISOString()}`));

const poll = () => runDueJobs({ db: t.services.db, registry, clock, log: t.app.log, leaseMs: 30_000, owner: 'api-test' });

beforeAll(async () => {
  // Sessions that outlive the days the clock jumps over.
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365 } });
  admin = await t.as('admin');
  await declareJobs(t.services.db, registry, clock.now());
  await scheduleOnce(t.services.db, { name: 'api.remind:contract-7', handler: 'api.remind', runAt: new Date('2026-03-05T01:00:00Z') });
});
afterAll(async () => t?.close());

const jobIn = (body: { items: Array<{ name: string }> }, name: string) => body.items.find((j) => j.name === name) as any;

describe('GET /api/admin/jobs', () => {
  it('lists each job with its schedule in words, next run and last outcome', async () => {
    await poll(); // api.flaky is due at once (interval) and fails
    const res = await admin.get('/api/admin/jobs');
    expect(res.status).toBe(200);
    expect(res.body.now).toBe('2026-03-02T10:00:00.000Z');
    expect(jobIn(res.body, 'api.nightly')).toMatchObject({
      handler: 'api.nightly',
      schedule: { kind: 'cron', cron: '30 3 * * *', timeZone: 'Asia/Shanghai' },
      description: 'daily at 03:30 (Asia/Shanghai)',
      enabled: true,
      running: false,
      nextRunAt: '2026-03-02T19:30:00.000Z',
      lastStatus: null,
      runCount: 0,
      recentRuns: [],
    });
    const flaky = jobIn(res.body, 'api.flaky');
    expect(flaky).toMatchObject({
      schedule: { kind: 'interval', intervalSeconds: 60 },
      description: 'every minute',
      lastStatus: 'error',
      lastError: 'upstream said 503',
      runCount: 1,
      nextRunAt: '2026-03-02T10:01:00.000Z',
      lastStartedAt: '2026-03-02T10:00:00.000Z',
      lastFinishedAt: '2026-03-02T10:00:00.000Z',
      lastDurationMs: 0,
    });
    expect(flaky.recentRuns).toEqual([
      expect.objectContaining({ slot: '2026-03-02T10:00:00.000Z', status: 'error', error: 'upstream said 503', manual: false, owner: 'api-test', durationMs: 0 }),
    ]);
    expect(jobIn(res.body, 'api.remind:contract-7')).toMatchObject({ handler: 'api.remind', schedule: { kind: 'once' }, description: 'once', nextRunAt: '2026-03-05T01:00:00.000Z' });
  });

  it('names a mailbox’s poll job after its mailbox (the job keeps its name), and the other jobs after nothing', async () => {
    const [box] = await t.services.db
      .insert(mailboxes)
      .values({ name: '售后邮箱', address: 'jobs-support@desk.example', imapHost: 'imap.desk.example', imapPort: 993, imapSecurity: 'tls', imapUser: 'support' })
      .returning();
    await syncMailboxJobs(t.services.db, clock.now());
    const jobName = mailPollJobName(box!.id);
    const listed = jobIn((await admin.get('/api/admin/jobs')).body, jobName);
    expect(listed).toMatchObject({ name: jobName, handler: 'mail.poll', target: { kind: 'mailbox', id: box!.id, name: '售后邮箱' } });
    expect(jobIn((await admin.get('/api/admin/jobs')).body, 'api.nightly').target).toBeNull();
    // Renamed: the job, asked for alone, carries the new name.
    await admin.patch(`/api/mailboxes/${box!.id}`, { name: '客服邮箱' });
    const one = await admin.patch(`/api/admin/jobs/${encodeURIComponent(jobName)}`, {});
    expect(one.body).toMatchObject({ name: jobName, target: { kind: 'mailbox', name: '客服邮箱' } });
    expect((await admin.post(`/api/admin/jobs/${encodeURIComponent(jobName)}/run`, {})).body.target.name).toBe('客服邮箱');
    await admin.delete(`/api/mailboxes/${box!.id}`);
    await syncMailboxJobs(t.services.db, clock.now());
    expect(jobIn((await admin.get('/api/admin/jobs')).body, jobName)).toBeUndefined();
  });

  it('is for admins only', async () => {
    for (const role of ['manager', 'dispatcher', 'engineer', 'customer_leader'] as const) {
      const other = await t.as(role);
      expect((await other.get('/api/admin/jobs')).status).toBe(403);
      expect((await other.post('/api/admin/jobs/api.nightly/run')).status).toBe(403);
      expect((await other.patch('/api/admin/jobs/api.nightly', { enabled: false })).status).toBe(403);
    }
    expect((await t.anonymous().get('/api/admin/jobs')).status).toBe(401);
    // Nothing changed by the refused requests.
    expect(jobIn((await admin.get('/api/admin/jobs')).body, 'api.nightly')).toMatchObject({ enabled: true, runRequestedAt: null });
  });
});

describe('POST /api/admin/jobs/:name/run', () => {
  it('runs the job on the next poll, recorded as manual, then returns to its schedule', async () => {
    clock.set('2026-03-02T10:00:20.000Z');
    const res = await admin.post('/api/admin/jobs/api.nightly/run');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ name: 'api.nightly', runRequestedAt: '2026-03-02T10:00:20.000Z', nextRunAt: '2026-03-02T10:00:20.000Z' });

    clock.set('2026-03-02T10:00:21.000Z');
    await poll();
    expect(ran).toEqual(['api.nightly@2026-03-02T10:00:20.000Z manual']);
    const job = jobIn((await admin.get('/api/admin/jobs')).body, 'api.nightly');
    expect(job).toMatchObject({ runRequestedAt: null, lastStatus: 'ok', runCount: 1, nextRunAt: '2026-03-02T19:30:00.000Z' });
    expect(job.recentRuns).toEqual([expect.objectContaining({ slot: '2026-03-02T10:00:20.000Z', manual: true, status: 'ok' })]);
    // Not again on the following poll.
    await poll();
    expect(ran).toHaveLength(1);
  });

  it('runs a one-off job early, and answers 404 for a job that does not exist', async () => {
    expect((await admin.post('/api/admin/jobs/api.remind:contract-7/run')).status).toBe(202);
    await poll();
    expect(ran).toContain('api.remind:contract-7@2026-03-02T10:00:21.000Z');
    expect(jobIn((await admin.get('/api/admin/jobs')).body, 'api.remind:contract-7')).toMatchObject({ nextRunAt: null, lastStatus: 'ok' });

    const missing = await admin.post('/api/admin/jobs/no.such.job/run');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('no.such.job');
  });
});

describe('PATCH /api/admin/jobs/:name', () => {
  it('disables a job so the schedule no longer runs it, and re-enables it from its next slot', async () => {
    const off = await admin.patch('/api/admin/jobs/api.nightly', { enabled: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ name: 'api.nightly', enabled: false });

    clock.set('2026-03-04T12:00:00.000Z'); // two nightly slots pass while it is off
    const before = ran.length;
    await poll();
    expect(ran.length).toBe(before);

    const on = await admin.patch('/api/admin/jobs/api.nightly', { enabled: true });
    expect(on.status).toBe(200);
    // From the next 03:30 Beijing time on, without the nights it was off.
    expect(on.body).toMatchObject({ enabled: true, nextRunAt: '2026-03-04T19:30:00.000Z' });
    await poll();
    expect(ran.length).toBe(before);
  });

  it('keeps everything on an empty patch; refuses a non-boolean "enabled", unknown fields and an unknown job', async () => {
    const before = jobIn((await admin.get('/api/admin/jobs')).body, 'api.nightly');
    const empty = await admin.patch('/api/admin/jobs/api.nightly', {});
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ name: 'api.nightly', enabled: before.enabled, nextRunAt: before.nextRunAt });
    expect((await admin.patch('/api/admin/jobs/no.such.job', {})).status).toBe(404);
    expect((await admin.patch('/api/admin/jobs/api.nightly', { enabled: 'no' })).status).toBe(400);
    expect((await admin.patch('/api/admin/jobs/api.nightly', { enabled: true, cron: '* * * * *' })).status).toBe(400);
    expect((await admin.patch('/api/admin/jobs/no.such.job', { enabled: false })).status).toBe(404);
  });
});
