/**
 * The mailboxes on the scheduler, against a real Dovecot and database: each enabled mailbox gets a
 * job of its own that polls it; a disabled one gets none (and loses it); a mailbox whose job lease
 * another process holds is neither claimed by the scheduler nor polled by "收取" (409 mail.poll_busy).
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../db/client';
import { mailboxes, mailMessages } from '../db/schema';
import { customerMail, mailboxForImapUser } from '../modules/mail/poller-fixtures';
import { AppError } from '../platform/errors';
import { createTestApp, type TestApp } from '../test/harness';
import { type ImapTestServer, startImapServer } from '../test/mail-servers';
import { createMailJobs, MAIL_JOBS, mailPollJobName, syncMailboxJobs } from './mail-poll';
import { createJobRegistry, declareJobs, runDueJobs } from './scheduler';

const USERS = ['scheduled', 'off', 'leased'].map((user) => ({ user, password: `pw-${user}` }));
let server: ImapTestServer;
let t: TestApp;

beforeAll(async () => {
  server = await startImapServer({ users: USERS });
  t = await createTestApp();
}, 60_000);
afterAll(async () => {
  await t?.close();
  await server?.close();
});

const boxFor = (name: string, fields: Parameters<typeof mailboxForImapUser>[4] = {}) =>
  mailboxForImapUser(t.database.db, t.config.secret, server, USERS.find((u) => u.user === name)!, { useIdle: false, ...fields });
const jobRow = async (mailboxId: string) =>
  (await rows<{ name: string; interval_seconds: number; lease_owner: string | null }>(t.database.db, sql`select name, interval_seconds, lease_owner from scheduled_jobs where name = ${mailPollJobName(mailboxId)}`))[0];
const runsOf = (mailboxId: string) => rows<{ status: string }>(t.database.db, sql`select status from job_runs where job_name = ${mailPollJobName(mailboxId)}`);

describe('mail jobs on the scheduler', () => {
  it('gives each enabled mailbox a job that polls it; a disabled mailbox has none', async () => {
    const on = await boxFor('scheduled', { pollIntervalSeconds: 120 });
    const off = await boxFor('off', { enabled: false });
    const m = customerMail({ from: 'someone@plant.example', subject: '定时收取' });
    await server.append('scheduled', m.raw);

    const jobs = createMailJobs({ db: t.database.db, clock: t.clock, poller: t.services.mailPoller });
    const registry = createJobRegistry({ timeZone: 'UTC' });
    jobs.register(registry);
    await declareJobs(t.database.db, registry, t.clock.now());
    const tick = () => runDueJobs({ db: t.database.db, registry, clock: t.clock, log: t.app.log, leaseMs: 30_000, owner: 'test' });

    // The first tick runs the sync (due at once); the mailbox's own job is then due and runs next.
    expect((await tick()).map((r) => r.name)).toContain(MAIL_JOBS.sync);
    expect(await jobRow(on.id)).toMatchObject({ interval_seconds: 120, lease_owner: null });
    expect(await jobRow(off.id)).toBeUndefined();
    const polled = await tick();
    expect(polled.map((r) => [r.name, r.status])).toContainEqual([mailPollJobName(on.id), 'ok']);
    const received = await t.database.db.select().from(mailMessages).where(eq(mailMessages.mailboxId, on.id));
    expect(received.map((r) => [r.messageId, r.outcome])).toEqual([[m.messageId, 'ticket_created']]);
    expect((await t.database.db.select().from(mailboxes).where(eq(mailboxes.id, on.id)))[0]!.lastUid).toBe(1);
    expect(await runsOf(on.id)).toEqual([{ status: 'ok' }]);

    // Disabled later: its job goes at the next sync.
    await t.database.db.update(mailboxes).set({ enabled: false }).where(eq(mailboxes.id, on.id));
    await syncMailboxJobs(t.database.db, t.clock.now());
    expect(await jobRow(on.id)).toBeUndefined();
  });

  it('a mailbox another process is polling (its job leased) is not claimed, and 收取 answers mail.poll_busy', { timeout: 60_000 }, async () => {
    const box = await boxFor('leased');
    await server.append('leased', customerMail({ from: 'someone@plant.example', subject: '别处在收' }).raw);
    await syncMailboxJobs(t.database.db, t.clock.now());
    await t.database.db.execute(
      sql`update scheduled_jobs set lease_owner = 'elsewhere:1:abc', lease_until = now() + interval '10 minutes', next_run_at = now() - interval '1 minute' where name = ${mailPollJobName(box.id)}`,
    );
    const jobs = createMailJobs({ db: t.database.db, clock: t.clock, poller: t.services.mailPoller });
    const registry = createJobRegistry({ timeZone: 'UTC' });
    jobs.register(registry);
    const ran = await runDueJobs({ db: t.database.db, registry, clock: t.clock, log: t.app.log, leaseMs: 30_000, owner: 'test' });
    expect(ran.map((r) => r.name)).not.toContain(mailPollJobName(box.id));

    const busy = await jobs.pollNow(box.id).then(
      () => null,
      (error: unknown) => error,
    );
    expect(busy).toBeInstanceOf(AppError);
    expect((busy as AppError).key).toBe('mail.poll_busy');
    expect(await t.database.db.select().from(mailMessages).where(eq(mailMessages.mailboxId, box.id))).toEqual([]);
    expect(await jobRow(box.id)).toMatchObject({ lease_owner: 'elsewhere:1:abc' });

    // Once the other process is done, 收取 takes the lease, polls and gives it back.
    await t.database.db.execute(sql`update scheduled_jobs set lease_owner = null, lease_until = null where name = ${mailPollJobName(box.id)}`);
    expect(await jobs.pollNow(box.id)).toMatchObject({ taken: 1, outcomes: { ticket_created: 1 }, error: null });
    expect(await jobRow(box.id)).toMatchObject({ lease_owner: null });
  });
});
