import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICKET_STATUSES } from '../../common/domain';
import { eq } from 'drizzle-orm';
import { onCallShifts, ticketDevices, ticketEngineers, ticketMilestones, tickets, visits } from '../db/schema';
import { createTestApp, type TestApp } from '../test/harness';
import { DEMO_PASSWORD, loadDemoData } from './load-demo';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

describe('demo data', () => {
  it('fills an empty database with a living desk, once', async () => {
    const deps = { config: t.config, database: t.database, clock: t.clock, hasher: t.services.hasher, logger: false };
    const first = await loadDemoData(deps);
    expect(first.skipped).toBe(false);
    const statuses = new Set((await t.services.db.select({ s: tickets.status }).from(tickets)).map((r) => r.s));
    for (const status of TICKET_STATUSES) expect(statuses, status).toContain(status);
    expect((await loadDemoData(deps)).skipped).toBe(true);
    // Engineers submitted solution plans, so the demo desk is not a sea of red clocks.
    const plans = await t.services.db.select().from(ticketMilestones).where(eq(ticketMilestones.milestone, 'plan'));
    expect(plans.length).toBeGreaterThanOrEqual(6);

    // The installed base: units under warranty and out of it, contracts; tickets name their units.
    const named = await t.services.db.select().from(ticketDevices);
    expect(named.length).toBeGreaterThanOrEqual(4);
    const judged = await t.services.db.select({ e: tickets.entitlement }).from(tickets);
    const kinds = new Set(judged.map((r) => r.e?.kind));
    expect(kinds).toContain('contract');
    expect(kinds).toContain('none');

    // Field service (issue 12): this week's rota per provincial center, visits today, a consultation.
    expect((await t.services.db.select().from(onCallShifts)).length).toBeGreaterThanOrEqual(7);
    expect((await t.services.db.select().from(visits)).map((v) => v.status).sort()).toEqual(['on_site', 'planned']);
    expect(await t.services.db.select().from(ticketEngineers)).toHaveLength(1);

    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'icbc.ma', password: DEMO_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const cookie = `fw_session=${login.cookies[0]!.value}`;
    const portal = await t.app.inject({ url: '/api/tickets', headers: { cookie } });
    const names = new Set(portal.json().items.map((x: { customer: { name: string } }) => x.customer.name));
    expect([...names]).toEqual(['中国工商银行北京分行']);
  });
});
