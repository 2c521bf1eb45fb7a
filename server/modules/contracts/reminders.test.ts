/**
 * Renewal reminders on a real database: once per threshold and end day whatever runs twice, one
 * message when several thresholds are due at once, again after a renewal moves the end, the
 * account manager's bell and mail and the leaders' mail in the outbox, the job registered daily.
 */
import crypto from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RenewalReminderSettings } from '../../../common/api/installed-base';
import { contractReminders, outbox, users } from '../../db/schema';
import { addDays } from '../../domain/installed-base/entitlement';
import { JOB_NAMES, registerPlatformJobs } from '../../jobs/platform-jobs';
import { createJobRegistry } from '../../jobs/scheduler';
import { createTestApp, FakeClock, type Client, type TestApp } from '../../test/harness';
import { createRenewalReminders, RENEWAL_REMINDER_KIND, type RenewalReminders } from './reminders';
import { readRenewalReminderSettings, SETTING_KEYS, writeSetting } from './settings';

let t: TestApp;
let admin: Client;
let reminders: RenewalReminders;
const clock = new FakeClock('2026-03-02T08:00:00+08:00');
const TODAY = '2026-03-02';

beforeAll(async () => {
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365 } });
  admin = await t.as('admin');
  reminders = createRenewalReminders({ db: t.services.db, audit: t.services.audit, timeZone: 'Asia/Shanghai', emailEnabled: true, publicUrl: 'https://desk.example.com/' });
}, 180_000);
afterAll(() => t?.close());

async function setup(fields: { endsOn: string; accountManager?: boolean; status?: string }) {
  const customer = await t.factory.customer({ name: `客户${crypto.randomBytes(3).toString('hex')}` });
  const leader = await t.services.customers.addContact(await t.factory.actor(), customer.id, { name: '王行长', email: `wang${crypto.randomBytes(3).toString('hex')}@bank.example.com`, isLeader: true });
  // Neither a plain contact nor a leader without an address is mailed.
  await t.services.customers.addContact(await t.factory.actor(), customer.id, { name: '李科员', email: 'li@bank.example.com' });
  await t.services.customers.addContact(await t.factory.actor(), customer.id, { name: '赵主任', isLeader: true });
  const manager = await t.factory.user({ role: 'manager', name: '客户经理张' });
  await t.services.db.update(users).set({ email: `zhang${crypto.randomBytes(3).toString('hex')}@desk.example.com` }).where(eq(users.id, manager.id));
  const res = await admin.post('/api/contracts', {
    number: `HT-${crypto.randomBytes(4).toString('hex')}`,
    title: '网点设备维保',
    customerId: customer.id,
    startsOn: '2025-06-01',
    endsOn: fields.endsOn,
    status: fields.status ?? 'active',
    accountManagerId: fields.accountManager === false ? null : manager.id,
  });
  expect(res.status).toBe(201);
  return { customer, leader, manager, contract: res.body };
}

const messagesOf = (contract: { number: string }) =>
  t.services.db
    .select()
    .from(outbox)
    .where(eq(outbox.kind, RENEWAL_REMINDER_KIND))
    .then((rows) => rows.filter((r) => r.subject.includes(contract.number)));

const sentFor = (contractId: string) =>
  t.services.db
    .select({ endsOn: contractReminders.endsOn, daysBefore: contractReminders.daysBefore })
    .from(contractReminders)
    .where(eq(contractReminders.contractId, contractId))
    .orderBy(contractReminders.endsOn, contractReminders.daysBefore);

describe('renewal reminders', () => {
  it('reminds once per threshold and end day, however often it runs, and again for a new end', async () => {
    clock.set('2026-03-02T08:00:00+08:00');
    const { contract, manager, leader, customer } = await setup({ endsOn: addDays(TODAY, 60) });
    // 60 days left: the 90 and the 60 are due together — one message, both recorded.
    const first = await reminders.run(clock.now());
    expect(first.failed).toBe(0);
    let messages = await messagesOf(contract);
    expect(messages.map((m) => [m.channel, m.userId, m.email]).sort()).toEqual(
      [
        ['email', manager.id, expect.stringContaining('@desk.example.com')],
        ['email', null, leader.email],
        ['inapp', manager.id, null],
      ].sort(),
    );
    const staff = messages.find((m) => m.channel === 'inapp')!;
    expect(staff.subject).toBe(`合同续约提醒：${contract.number}「网点设备维保」60 天后到期`);
    expect(staff.body).toContain(customer.name);
    expect(staff.body).toContain('2026年5月1日');
    expect(staff.body).toContain(`https://desk.example.com/contracts/${contract.id}`);
    const mail = messages.find((m) => m.userId === null)!;
    expect(mail.subject).toContain(contract.number);
    expect(mail.body).toMatch(/^王行长，您好/);
    expect(mail.body).toContain('剩余 60 天');
    expect(mail.body).toContain('客户经理 客户经理张');
    expect(mail.ticketId).toBeNull();
    expect(await sentFor(contract.id)).toEqual([
      { endsOn: contract.endsOn, daysBefore: 60 },
      { endsOn: contract.endsOn, daysBefore: 90 },
    ]);

    // The same day again, and a second process at once: nothing more.
    await Promise.all([reminders.run(clock.now()), reminders.run(clock.now())]);
    clock.set('2026-03-02T23:59:00+08:00');
    await reminders.run(clock.now());
    expect(await messagesOf(contract)).toHaveLength(3);

    // 30 days left: the 30-day reminder, once.
    clock.set('2026-04-01T08:00:00+08:00');
    await reminders.run(clock.now());
    await reminders.run(clock.now());
    messages = await messagesOf(contract);
    expect(messages).toHaveLength(6);
    expect(messages.filter((m) => m.subject.includes('30 天后到期'))).toHaveLength(2);
    const detail = (await admin.get(`/api/contracts/${contract.id}`)).body;
    expect(detail.remindersSent.map((r: { daysBefore: number }) => r.daysBefore)).toEqual([90, 60, 30]);

    // Renewed: the end moves a year on; 80 days before the new end it reminds again (90 of the new end).
    const renewed = await admin.patch(`/api/contracts/${contract.id}`, { endsOn: '2027-05-01' });
    expect(renewed.status).toBe(200);
    expect((await admin.get(`/api/contracts/${contract.id}`)).body.remindersSent).toEqual([]);
    clock.set('2027-01-31T08:00:00+08:00');
    await reminders.run(clock.now());
    await reminders.run(clock.now());
    messages = await messagesOf(contract);
    expect(messages).toHaveLength(9);
    expect(messages.filter((m) => m.subject.includes('90 天后到期'))).toHaveLength(2);
    expect((await sentFor(contract.id)).filter((r) => r.endsOn === '2027-05-01').map((r) => r.daysBefore)).toEqual([90]);

    // The end day itself still reminds (30 of the new end, 0 days left), the day after nothing.
    clock.set('2027-05-01T08:00:00+08:00');
    await reminders.run(clock.now());
    expect((await messagesOf(contract)).filter((m) => m.subject.includes('今天到期'))).toHaveLength(2);
    clock.set('2027-05-02T08:00:00+08:00');
    await reminders.run(clock.now());
    expect(await messagesOf(contract)).toHaveLength(12);
  });

  it('skips drafts, terminated and ended contracts, and those not yet due', async () => {
    clock.set('2026-03-02T08:00:00+08:00');
    const draft = await setup({ endsOn: addDays(TODAY, 10), status: 'draft' });
    const far = await setup({ endsOn: addDays(TODAY, 91) });
    const ended = await setup({ endsOn: addDays(TODAY, -1) });
    await reminders.run(clock.now());
    for (const { contract } of [draft, far, ended]) expect(await messagesOf(contract)).toEqual([]);
    const terminated = await setup({ endsOn: addDays(TODAY, 20) });
    await admin.patch(`/api/contracts/${terminated.contract.id}`, { status: 'terminated', terminatedOn: TODAY });
    await reminders.run(clock.now());
    expect(await messagesOf(terminated.contract)).toEqual([]);
  });

  it('follows the desk setting: its days, leaders off; managers stand in for a missing account manager', async () => {
    clock.set('2026-03-02T08:00:00+08:00');
    const desk = await t.factory.user({ role: 'manager' });
    await t.services.db.transaction((tx) =>
      writeSetting(tx, SETTING_KEYS.renewalReminders, RenewalReminderSettings, { daysBefore: [15], customerLeaders: false }, { userId: desk.id, now: clock.now() }),
    );
    expect(await readRenewalReminderSettings(t.services.db)).toEqual({ daysBefore: [15], customerLeaders: false });
    const soon = await setup({ endsOn: addDays(TODAY, 15), accountManager: false });
    const later = await setup({ endsOn: addDays(TODAY, 16) });
    await reminders.run(clock.now());
    expect(await messagesOf(later.contract)).toEqual([]);
    const messages = await messagesOf(soon.contract);
    // Every desk-wide manager (no center), no leader.
    expect(messages.every((m) => m.userId !== null)).toBe(true);
    const managerIds = new Set(messages.map((m) => m.userId));
    expect(managerIds.has(desk.id)).toBe(true);
    expect(managerIds.has(soon.manager.id)).toBe(true);
    const roles = await t.services.db.select({ role: users.role }).from(users).where(inArray(users.id, [...managerIds] as string[]));
    expect(new Set(roles.map((r) => r.role))).toEqual(new Set(['manager']));
    // Back to the defaults.
    await t.services.db.transaction((tx) => writeSetting(tx, SETTING_KEYS.renewalReminders, RenewalReminderSettings, {}, { userId: null, now: clock.now() }));
    expect(await readRenewalReminderSettings(t.services.db)).toEqual({ daysBefore: [90, 60, 30], customerLeaders: true });
  });

  it('records a leader it cannot mail (mail off) as a failed delivery saying why', async () => {
    clock.set('2026-03-02T08:00:00+08:00');
    const noMail = createRenewalReminders({ db: t.services.db, audit: t.services.audit, timeZone: 'Asia/Shanghai', emailEnabled: false, publicUrl: 'http://localhost:3000' });
    const { contract, leader, manager } = await setup({ endsOn: addDays(TODAY, 5) });
    await noMail.run(clock.now());
    const messages = await messagesOf(contract);
    expect(messages.map((m) => [m.channel, m.userId, m.status]).sort()).toEqual([
      ['email', null, 'failed'],
      ['inapp', manager.id, 'pending'],
    ]);
    expect(messages.find((m) => m.status === 'failed')!.lastError).toBe(`mail not configured (${leader.name})`);
  });

  it('is registered as a daily job at 08:00 in the desk time zone', () => {
    const registry = createJobRegistry({ timeZone: 'Asia/Shanghai' });
    registerPlatformJobs(registry, {
      engine: t.services.engine,
      clock,
      mailer: null,
      sweepIntervalMs: 1000,
      sweepBatchSize: 10,
      deliveryIntervalMs: 1000,
      renewalReminders: reminders,
    });
    expect(JOB_NAMES.renewalReminders).toBe('contracts.renewal_reminders');
    expect(registry.recurring.get('contracts.renewal_reminders')?.schedule).toEqual({ kind: 'cron', cron: '0 8 * * *', timeZone: 'Asia/Shanghai' });
  });
});
