/**
 * Timer firings that must not tell anyone (a ticket that stopped before the sweep got to it) and
 * escalation recipients nobody can reach (no address, or mail not configured): both recorded,
 * neither silent.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEvents, escalationContacts, outbox, ticketFirings, tickets } from '../../db/schema';
import { deliverOnce } from '../../jobs/delivery';
import { sweepOnce } from '../../jobs/sweep';
import { FakeClock } from '../../platform/clock';
import { createTestApp, type Client, type TestApp } from '../../test/harness';

const clock = new FakeClock('2026-03-02T10:00:00+08:00');
let t: TestApp;
let dispatcher: Client;
let engineer: Client;
let admin: Client;

beforeAll(async () => {
  // No SMTP URL: mail is not configured.
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365 } });
  dispatcher = await t.as('dispatcher');
  engineer = await t.as('engineer');
  admin = await t.as('admin');
  await t.as('manager');
});
afterAll(() => t?.close());

const hoursAgo = (h: number) => new Date(clock.now().getTime() - h * 3_600_000).toISOString();
const sweep = () => sweepOnce(t.services.db, t.services.engine, clock.now());
const outboxOf = (ticketId: string) => t.services.db.select().from(outbox).where(eq(outbox.ticketId, ticketId));
const firingsOf = (ticketId: string) => t.services.db.select().from(ticketFirings).where(eq(ticketFirings.ticketId, ticketId));

async function p1ReportedHoursAgo(hours: number) {
  const customerId = (await t.factory.customer()).id;
  const res = await dispatcher.post('/api/tickets', { title: '核心系统宕机', severity: 'P1', channel: 'phone', customerId, assigneeId: engineer.user.id, reportedAt: hoursAgo(hours) });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

describe('a ticket that stopped before its missed steps were fired', () => {
  it('fires nothing: the sweep that claims it on a stale next_due_at records the steps as skipped', async () => {
    const ticket = await p1ReportedHoursAgo(5);
    // The sweep was not running: the 1 h and 4 h steps were missed. Now the engineer resolves and closes it.
    expect((await engineer.post(`/api/tickets/${ticket.id}/transitions`, { to: 'in_progress' })).status).toBe(200);
    expect((await engineer.post(`/api/tickets/${ticket.id}/transitions`, { to: 'resolved' })).status).toBe(200);
    expect((await dispatcher.post(`/api/tickets/${ticket.id}/transitions`, { to: 'closed' })).status).toBe(200);
    // The request hooks left the missed steps to the sweep: next_due_at lies in the past.
    const [row] = await t.services.db.select({ nextDueAt: tickets.nextDueAt, status: tickets.status }).from(tickets).where(eq(tickets.id, ticket.id));
    expect(row!.status).toBe('closed');
    expect(row!.nextDueAt!.getTime()).toBeLessThan(clock.now().getTime());

    clock.advance(3 * 24 * 60); // and the sweep comes back days later
    await sweep();
    await sweep();

    expect(await outboxOf(ticket.id)).toEqual([]);
    const firings = await firingsOf(ticket.id);
    // Both missed escalation steps, and the plan breach (resolve was met by resolving).
    expect(firings.filter((f) => f.kind === 'escalation')).toHaveLength(2);
    expect(firings.filter((f) => f.kind === 'sla_breach').map((f) => f.key).sort()).toEqual(['sla:plan:breach']);
    for (const f of firings) expect(f.data).toMatchObject({ skipped: true, reason: 'ticket_stopped', status: 'closed' });
    const notifying = await t.services.db
      .select({ kind: domainEvents.kind })
      .from(domainEvents)
      .where(eq(domainEvents.ticketId, ticket.id));
    expect(notifying.map((e) => e.kind)).not.toContain('escalation.fired');
    expect(notifying.map((e) => e.kind).filter((k) => k.startsWith('sla.'))).toEqual([]);
    const events = (await dispatcher.get(`/api/tickets/${ticket.id}/events`)).body as Array<{ kind: string }>;
    expect(events.map((e) => e.kind)).not.toContain('escalated');
    expect((await dispatcher.get(`/api/tickets/${ticket.id}/escalations`)).body).toEqual([]);
    const after = (await dispatcher.get(`/api/tickets/${ticket.id}`)).body;
    expect(after.escalationLevel).toBe(0);
    const [stored] = await t.services.db.select({ nextDueAt: tickets.nextDueAt }).from(tickets).where(eq(tickets.id, ticket.id));
    expect(stored!.nextDueAt).toBeNull();
    clock.advance(-3 * 24 * 60);
  });

  it('still fires the missed steps of a ticket that is open', async () => {
    const ticket = await p1ReportedHoursAgo(5);
    await sweep();
    const firings = await firingsOf(ticket.id);
    expect(firings.filter((f) => f.kind === 'escalation').map((f) => (f.data as { level: number }).level).sort()).toEqual([1, 2]);
    expect(firings.some((f) => (f.data as { skipped?: boolean }).skipped)).toBe(false);
    expect((await outboxOf(ticket.id)).some((m) => m.status === 'pending' && m.kind === 'escalation')).toBe(true);
  });
});

describe('escalation recipients nobody can reach', () => {
  type Event = { kind: string; body: string | null; data: Record<string, unknown> };
  const escalatedEvents = async (ticketId: string) =>
    ((await dispatcher.get(`/api/tickets/${ticketId}/events`)).body as Event[]).filter((e) => e.kind === 'escalated');

  it('a vendor center without an address: a failed delivery "no address" and the timeline names it', async () => {
    const [vendor] = await t.services.db.select().from(escalationContacts).where(eq(escalationContacts.isVendorCenter, true));
    expect(vendor).toMatchObject({ name: '原厂商技术中心', email: null });
    const ticket = await p1ReportedHoursAgo(5);
    await sweep();

    const vendorFiring = (await firingsOf(ticket.id)).find((f) => f.kind === 'escalation' && (f.data as { level: number }).level === 2);
    const messages = (await outboxOf(ticket.id)).filter((m) => m.firingId === vendorFiring!.id);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ status: 'failed', channel: 'email', email: null, userId: null, kind: 'escalation' });
    expect(messages[0]!.lastError).toMatch(/^no address/);
    expect(messages[0]!.lastError).toContain('原厂商技术中心');

    const events = await escalatedEvents(ticket.id);
    const level2 = events.find((e) => e.data.level === 2)!;
    expect(level2.data.undeliverable).toEqual(['原厂商技术中心']);
    expect(level2.data.undeliverableReasons).toEqual(['no_address']);
    expect(level2.body).toContain('无法送达：原厂商技术中心（无邮箱）');
    // The manager step reached people (the bell): nothing undeliverable there.
    expect(events.find((e) => e.data.level === 1)!.data.undeliverable).toEqual([]);

    // Admins see it among the failed deliveries; the worker leaves it alone.
    const failed = (await admin.get('/api/admin/deliveries?status=failed')).body as { items: Array<{ id: number; lastError: string }> };
    expect(failed.items.map((d) => d.id)).toContain(messages[0]!.id);
    await deliverOnce(t.services.db, null, clock.now(), 500);
    const [still] = await t.services.db.select().from(outbox).where(eq(outbox.id, messages[0]!.id));
    expect(still).toMatchObject({ status: 'failed', attempts: 0 });
    // Retrying cannot help until the contact has an address: refused with the reason.
    const retry = await admin.post(`/api/admin/deliveries/${messages[0]!.id}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body.error.key).toBe('delivery.no_address');
  });

  it('an address while mail is not configured: a failed delivery "mail not configured"', async () => {
    await t.services.db.update(escalationContacts).set({ email: 'support@vendor.example' }).where(eq(escalationContacts.isVendorCenter, true));
    try {
      const ticket = await p1ReportedHoursAgo(5);
      await sweep();
      const failed = (await outboxOf(ticket.id)).filter((m) => m.status === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ channel: 'email', email: 'support@vendor.example', userId: null });
      expect(failed[0]!.lastError).toMatch(/^mail not configured/);
      const level2 = (await escalatedEvents(ticket.id)).find((e) => e.data.level === 2)!;
      expect(level2.data).toMatchObject({ undeliverable: ['原厂商技术中心'], undeliverableReasons: ['mail_not_configured'] });
    } finally {
      await t.services.db.update(escalationContacts).set({ email: null }).where(eq(escalationContacts.isVendorCenter, true));
    }
  });
});

describe('escalation recipients with mail configured', () => {
  let m: TestApp;
  beforeAll(async () => {
    m = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365, smtpUrl: 'smtp://127.0.0.1:1' } });
    await m.as('manager');
  });
  afterAll(() => m?.close());

  it('queues mail to a vendor with an address, and nothing is undeliverable', async () => {
    await m.services.db.update(escalationContacts).set({ email: 'support@vendor.example' }).where(eq(escalationContacts.isVendorCenter, true));
    const d = await m.as('dispatcher');
    const customerId = (await m.factory.customer()).id;
    const ticket = (await d.post('/api/tickets', { title: '宕机', severity: 'P1', channel: 'phone', customerId, reportedAt: hoursAgo(5) })).body as { id: string };
    await sweepOnce(m.services.db, m.services.engine, clock.now());
    const rows = await m.services.db.select().from(outbox).where(eq(outbox.ticketId, ticket.id));
    expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
    expect(rows.some((r) => r.email === 'support@vendor.example' && r.status === 'pending')).toBe(true);
    const events = ((await d.get(`/api/tickets/${ticket.id}/events`)).body as Array<{ kind: string; data: Record<string, unknown> }>).filter((e) => e.kind === 'escalated');
    expect(events.every((e) => Array.isArray(e.data.undeliverable) && e.data.undeliverable.length === 0)).toBe(true);
  });
});
