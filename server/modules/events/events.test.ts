import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../db/client';
import { domainEvents } from '../../db/schema';
import { FakeClock } from '../../platform/clock';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { createEventConsumers, STUCK_AFTER, type EventConsumer } from '.';

const clock = new FakeClock('2026-03-02T10:00:00+08:00');
let t: TestApp;
let dispatcher: Client;
let admin: Client;

beforeAll(async () => {
  t = await createTestApp({ clock, config: { sessionTtlHours: 24 * 365 } });
  dispatcher = await t.as('dispatcher');
  admin = await t.as('admin');
});
afterAll(() => t?.close());

const eventsOf = async (ticketId: string) =>
  (await t.services.db.select().from(domainEvents).where(eq(domainEvents.ticketId, ticketId)).orderBy(domainEvents.id)).map((e) => e.kind);

/** A consumer that remembers what it saw, and fails on the events `failOn` names. */
function recorder(name: string, failOn: Set<number> = new Set()) {
  const seen: number[] = [];
  const consumer: EventConsumer = {
    name,
    kinds: ['ticket.created', 'ticket.commented', 'ticket.status_changed'],
    async handle(_tx, event) {
      if (failOn.has(event.id)) throw new Error(`cannot handle ${event.id}`);
      seen.push(event.id);
    },
  };
  return { consumer, seen };
}

describe('domain events', () => {
  it('records every ticket write as versioned events in the same transaction, with the ticket reference', async () => {
    const engineer = await t.as('engineer');
    const customerId = (await t.factory.customer()).id;
    const created = (await dispatcher.post('/api/tickets', { title: '打印机卡纸', severity: 'P3', channel: 'phone', customerId, assigneeId: engineer.user.id })).body;
    expect(await eventsOf(created.id)).toEqual(['ticket.created', 'ticket.assigned']);

    await dispatcher.patch(`/api/tickets/${created.id}`, { severity: 'P2', severityReason: '影响营业' });
    await engineer.post(`/api/tickets/${created.id}/transitions`, { to: 'in_progress' });
    await engineer.post(`/api/tickets/${created.id}/comments`, { body: '已远程查看', public: true });
    await engineer.upload(`/api/tickets/${created.id}/attachments`, { name: 'log.txt', content: 'log line', type: 'text/plain' }, { public: 'false' });
    await engineer.post(`/api/tickets/${created.id}/milestones`, { milestone: 'plan', note: '更换搓纸轮' });
    expect(await eventsOf(created.id)).toEqual([
      'ticket.created',
      'ticket.assigned',
      'ticket.updated',
      'ticket.severity_changed',
      'ticket.status_changed',
      'ticket.commented',
      'ticket.attachment_added',
      'ticket.milestone_met',
    ]);
    const [severity] = await t.services.db.select().from(domainEvents).where(sql`${domainEvents.ticketId} = ${created.id} and ${domainEvents.kind} = 'ticket.severity_changed'`);
    expect(severity!.version).toBe(1);
    expect(severity!.actorId).toBe(dispatcher.user.id);
    expect(severity!.payload).toMatchObject({ ticketId: created.id, number: created.number, severity: 'P2', from: 'P3', to: 'P2', reason: '影响营业', customerId });

    // A refused write records nothing.
    const before = (await eventsOf(created.id)).length;
    expect((await engineer.post(`/api/tickets/${created.id}/transitions`, { to: 'new' })).status).toBe(409);
    expect((await dispatcher.patch(`/api/tickets/${created.id}`, { severity: 'P1' })).status).toBe(400);
    expect(await eventsOf(created.id)).toHaveLength(before);
  });

  it('a new consumer starts at the end of the log, then reads every later event once, in order', async () => {
    const customerId = (await t.factory.customer()).id;
    await dispatcher.post('/api/tickets', { title: '旧事件', severity: 'P4', channel: 'phone', customerId });
    const consumers = createEventConsumers({ db: t.services.db, clock, audit: t.services.audit });
    const { consumer, seen } = recorder('test-order');
    consumers.register(consumer);
    await consumers.init();
    const a = (await dispatcher.post('/api/tickets', { title: '甲', severity: 'P4', channel: 'phone', customerId })).body;
    const b = (await dispatcher.post('/api/tickets', { title: '乙', severity: 'P4', channel: 'phone', customerId })).body;
    await dispatcher.post(`/api/tickets/${a.id}/comments`, { body: '补充', public: true });
    expect(await consumers.drain()).toBe(3);
    const ids = await t.services.db.select({ id: domainEvents.id, ticketId: domainEvents.ticketId, kind: domainEvents.kind }).from(domainEvents);
    const expected = ids.filter((e) => (e.ticketId === a.id || e.ticketId === b.id) && e.kind !== 'ticket.updated').map((e) => e.id);
    expect(seen).toEqual(expected);
    expect(await consumers.drain()).toBe(0); // nothing twice
  });

  it('retries a failing event with backoff, shows it stuck, and lets an admin skip it', async () => {
    const customerId = (await t.factory.customer()).id;
    const failOn = new Set<number>();
    const consumers = createEventConsumers({ db: t.services.db, clock, audit: t.services.audit });
    const { consumer, seen } = recorder('test-retry', failOn);
    consumers.register(consumer);
    await consumers.init();
    const first = (await dispatcher.post('/api/tickets', { title: '一', severity: 'P4', channel: 'phone', customerId })).body;
    const second = (await dispatcher.post('/api/tickets', { title: '二', severity: 'P4', channel: 'phone', customerId })).body;
    const [bad] = await t.services.db.select().from(domainEvents).where(sql`${domainEvents.ticketId} = ${first.id}`);
    failOn.add(bad!.id);

    const run1 = await consumers.runOnce('test-retry');
    expect(run1['test-retry']).toMatchObject({ handled: 0, failed: true });
    let [status] = await consumers.status();
    expect(status).toMatchObject({ name: 'test-retry', state: 'retrying', failingEventId: bad!.id, failingEventKind: 'ticket.created', attempts: 1 });
    expect(status!.lastError).toContain(`cannot handle ${bad!.id}`);
    expect(new Date(status!.retryAt!).getTime() - clock.now().getTime()).toBe(1000);

    // Not before its retry time; then with doubling backoff until it counts as stuck.
    expect((await consumers.runOnce('test-retry'))['test-retry']!.handled).toBe(0);
    for (let attempt = 2; attempt <= STUCK_AFTER; attempt++) {
      clock.advance(10);
      await consumers.runOnce('test-retry');
    }
    [status] = await consumers.status();
    expect(status).toMatchObject({ state: 'stuck', attempts: STUCK_AFTER });
    expect(seen).toEqual([]);
    expect(status!.lag).toBeGreaterThanOrEqual(2);

    // The admin list comes from the app's own consumers; this one is local to the test, so skip it here.
    await consumers.skip({ id: admin.user.id, username: 'admin', name: 'admin', role: 'admin', customerId: null, centerId: null, centerPath: null }, 'test-retry', bad!.id);
    await consumers.drain();
    const [secondEvent] = await t.services.db.select().from(domainEvents).where(sql`${domainEvents.ticketId} = ${second.id}`);
    expect(seen).toEqual([secondEvent!.id]);
    [status] = await consumers.status();
    expect(status).toMatchObject({ state: 'ok', failingEventId: null, attempts: 0, lag: 0 });
  });

  it('shows the app consumers to admins only, refuses skipping an event a consumer is not stuck on', async () => {
    const list = await admin.get('/api/admin/event-consumers');
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: { name: string }) => c.name).sort()).toEqual(['customer-mail', 'installed-base', 'notifications', 'push']);
    expect((await dispatcher.get('/api/admin/event-consumers')).status).toBe(403);
    expect((await admin.post('/api/admin/event-consumers/notifications/skip', { eventId: 1 })).status).toBe(409);
    expect((await admin.post('/api/admin/event-consumers/nobody/retry')).status).toBe(404);
    expect((await admin.post('/api/admin/event-consumers/notifications/retry')).status).toBe(204);
  });

  it.runIf(Boolean(process.env.DATABASE_URL))(
    'never skips an event whose transaction commits after a later one (PostgreSQL, two connections)',
    async () => {
      const consumers = createEventConsumers({ db: t.services.db, clock, audit: t.services.audit });
      const { consumer, seen } = recorder('test-late-commit');
      consumers.register(consumer);
      await consumers.init();
      await consumers.drain();
      const customerId = (await t.factory.customer()).id;
      const ticket = (await dispatcher.post('/api/tickets', { title: '慢事务', severity: 'P4', channel: 'phone', customerId })).body;
      await consumers.drain();
      const before = seen.length;

      // A slow writer takes an event id first and commits last.
      const slow = new pg.Client({ connectionString: t.config.databaseUrl });
      await slow.connect();
      try {
        await slow.query('begin');
        const payload = { ticketId: ticket.id, number: ticket.number, title: '慢', severity: 'P4', status: 'new', customerId, centerId: null, assigneeId: null, eventId: 1, public: true, byCustomer: false, excerpt: '慢' };
        const { rows: slowRows } = await slow.query(
          `insert into domain_events (kind, subject_type, subject_id, ticket_id, payload, occurred_at) values ('ticket.commented', 'ticket', $1, $1, $2, now()) returning id`,
          [ticket.id, JSON.stringify(payload)],
        );
        // A fast writer commits a later event meanwhile.
        await dispatcher.post(`/api/tickets/${ticket.id}/comments`, { body: '快', public: true });
        await consumers.drain();
        expect(seen.length).toBe(before); // the fast event waits: an older transaction is still open
        await slow.query('commit');
        await consumers.drain();
        const fast = await rows<{ id: number }>(t.services.db, sql`select id from domain_events where ticket_id = ${ticket.id} and kind = 'ticket.commented' order by id`);
        expect(seen.slice(before)).toEqual([Number(slowRows[0].id), Number(fast[1]!.id)]);
      } finally {
        await slow.end();
      }
    },
  );

  it.runIf(Boolean(process.env.DATABASE_URL))('two runners of one consumer share the work: each event handled once', async () => {
    const seen: number[] = [];
    const make = () => {
      const consumers = createEventConsumers({ db: t.services.db, clock, audit: t.services.audit, batchSize: 3 });
      consumers.register({
        name: 'test-shared',
        kinds: ['ticket.created'],
        async handle(_tx, event) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          seen.push(event.id);
        },
      });
      return consumers;
    };
    const one = make();
    const two = make();
    await one.init();
    await two.init();
    const customerId = (await t.factory.customer()).id;
    for (let i = 0; i < 12; i++) await dispatcher.post('/api/tickets', { title: `并发${i}`, severity: 'P4', channel: 'phone', customerId });
    await Promise.all([one.drain(), two.drain(), one.drain(), two.drain()]);
    await one.drain();
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen); // in order
  });
});
