/** The administrator's first-start checklist: each step follows the desk's real state; marks and dismissal persist. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SetupChecklist } from '../../../common/api';
import { createTestApp, FakeClock, type Client, type TestApp } from '../../test/harness';
import { createSetupService } from './service';

let t: TestApp;
let admin: Client;

beforeAll(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T10:00:00+08:00') });
  admin = await t.as('admin');
});
afterAll(() => t?.close());

const checklist = async () => {
  const res = await admin.get<SetupChecklist>('/api/admin/setup');
  expect(res.status).toBe(200);
  return res.body;
};
const state = (c: SetupChecklist) => Object.fromEntries(c.steps.map((s) => [s.key, s.complete]));

describe('first-start checklist', () => {
  it('starts open on a fresh desk, and each step flips with the real state', async () => {
    // A customer's user is not staff; the harness's own admins are administrators.
    await t.as('customer_user');
    let c = await checklist();
    expect(c.steps.map((s) => s.key)).toEqual(['centers', 'users', 'calendars', 'sla_policies', 'mail']);
    expect(state(c)).toEqual({ centers: false, users: false, calendars: false, sla_policies: false, mail: false });
    expect([c.done, c.total, c.complete, c.dismissed]).toEqual([0, 5, false, false]);

    await t.factory.center();
    expect(state(await checklist()).centers).toBe(true);

    await t.as('engineer');
    expect(state(await checklist()).users).toBe(true);

    // The seed wrote the calendars and their holidays; only a person's change counts.
    const calendars = (await admin.get('/api/calendars')).body as Array<{ id: string; always: boolean }>;
    const workdays = calendars.find((cal) => !cal.always)!;
    expect((await admin.put(`/api/calendars/${workdays.id}/exceptions`, { date: '2026-12-31', kind: 'holiday', name: '年终盘点' })).status).toBe(200);
    expect(state(await checklist()).calendars).toBe(true);

    const policy = ((await admin.get('/api/sla-policies')).body as Array<{ id: string; description: string | null }>)[0]!;
    expect((await admin.patch(`/api/sla-policies/${policy.id}`, { description: '已与客户确认' })).status).toBe(200);
    c = await checklist();
    expect(state(c).sla_policies).toBe(true);
    expect(c.steps.find((s) => s.key === 'sla_policies')).toMatchObject({ satisfied: true, mark: null });
    expect([c.done, c.complete]).toEqual([4, false]);

    // Mail is the process's configuration (FUWUTAI_SMTP_URL), not the database.
    const withMail = createSetupService({ db: t.services.db, clock: t.clock, audit: t.services.audit, mailConfigured: true });
    expect(state(await withMail.get()).mail).toBe(true);
  });

  it('marks a step done or skipped by hand, takes the mark back, and audits it', async () => {
    const skipped = await admin.put<SetupChecklist>('/api/admin/setup/steps/mail', { mark: 'skipped' });
    expect(skipped.status).toBe(200);
    expect(skipped.body.steps.find((s) => s.key === 'mail')).toMatchObject({ satisfied: false, mark: 'skipped', complete: true });
    expect(skipped.body.complete).toBe(true);

    const undone = await admin.put<SetupChecklist>('/api/admin/setup/steps/mail', { mark: null });
    expect(undone.body.steps.find((s) => s.key === 'mail')).toMatchObject({ mark: null, complete: false, markedAt: null });

    const audit = (await admin.get('/api/audit?entity=setup')).body as Array<{ action: string; entityId: string; before: unknown; after: unknown }>;
    expect(audit.slice(0, 2).map((a) => [a.entityId, a.action, a.before, a.after])).toEqual([
      ['mail', 'step_marked', { mark: 'skipped' }, { mark: null }],
      ['mail', 'step_marked', { mark: null }, { mark: 'skipped' }],
    ]);
  });

  it('is put away only once complete, and stays put away', async () => {
    const early = await admin.post('/api/admin/setup/dismiss');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ key: 'setup.incomplete', params: { open: 'mail' } });

    await admin.put('/api/admin/setup/steps/mail', { mark: 'done' });
    const dismissed = await admin.post<SetupChecklist>('/api/admin/setup/dismiss');
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ complete: true, dismissed: true, done: 5 });
    expect((await checklist()).dismissed).toBe(true);
    // Twice is fine.
    expect((await admin.post('/api/admin/setup/dismiss')).status).toBe(200);
  });

  it('refuses bad input and everyone but administrators', async () => {
    expect((await admin.put('/api/admin/setup/steps/coffee', { mark: 'done' })).status).toBe(400);
    const bad = await admin.put('/api/admin/setup/steps/mail', { mark: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].path).toBe('body.mark');
    expect((await admin.put('/api/admin/setup/steps/mail', {})).status).toBe(400);
    for (const role of ['manager', 'engineer', 'qa', 'customer_leader'] as const) {
      const other = await t.as(role);
      expect((await other.get('/api/admin/setup')).status, role).toBe(403);
      expect((await other.put('/api/admin/setup/steps/mail', { mark: 'done' })).status, role).toBe(403);
      expect((await other.post('/api/admin/setup/dismiss')).status, role).toBe(403);
    }
    expect((await t.anonymous().get('/api/admin/setup')).status).toBe(401);
  });
});
