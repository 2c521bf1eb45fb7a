/**
 * The whole path of a notification across real server processes on one PostgreSQL database: a
 * write lands on process A, its domain event is consumed (whichever process claims the consumer),
 * the bell entry is pushed over LISTEN/NOTIFY, and reaches browsers connected to process B by
 * server-sent events — within a second, once per person.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../db/client';
import type { Actor } from '../platform/actor';
import { createScratchPostgres, createSeeder, login, PASSWORD, startServer, waitFor, type ServerProcess } from './processes';

const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) console.warn('live-notifications.postgres.process.test.ts: skipped, set DATABASE_URL to a PostgreSQL server');

const servers: ServerProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

interface Received {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

/** Opens /api/stream as a logged-in user and collects the events it receives. */
async function openStream(baseUrl: string, username: string) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const controller = new AbortController();
  const stream = await fetch(`${baseUrl}/api/stream`, { headers: { cookie, accept: 'text/event-stream' }, signal: controller.signal });
  expect(stream.status).toBe(200);
  const received: Received[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = stream.body!.getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) received.push({ event, data: JSON.parse(data), at: Date.now() });
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  await waitFor(`${username}'s stream to be ready`, () => received.some((r) => r.event === 'ready'), { timeoutMs: 10_000 });
  cleanups.push(async () => controller.abort());
  return {
    received,
    notifications: (kind: string) => received.filter((r) => r.event === 'notification' && r.data.kind === kind),
  };
}

describe.skipIf(!adminUrl)('live notifications across two server processes on PostgreSQL', () => {
  it("a customer's comment reaches the assignee and a follower connected to the other process within a second, once; so does a severity change", { timeout: 120_000 }, async () => {
    const scratch = await createScratchPostgres(adminUrl!, 'fw_live');
    cleanups.push(() => scratch.drop());
    const database: Database = await openDatabase({ url: scratch.url, poolSize: 4 });
    cleanups.push(() => database.close());
    await database.migrate();
    const seeder = await createSeeder(database);
    const { services } = seeder;
    const engineer = await services.users.create(null, { username: 'wang.gong', password: PASSWORD, name: '王工', role: 'engineer' });
    const customerUser = await services.users.create(null, { username: 'icbc.ma', password: PASSWORD, name: '马经理', role: 'customer_user', customerId: seeder.customerId });
    const manager = seeder.staff.manager;
    const managerActor: Actor = { id: manager.id, username: manager.username, name: manager.name, role: 'manager', customerId: null, centerId: null, centerPath: null };
    const customerActor: Actor = { id: customerUser.id, username: customerUser.username, name: customerUser.name, role: 'customer_user', customerId: seeder.customerId, centerId: null, centerPath: null };
    const ticket = await services.tickets.create(customerActor, { title: '营业厅 ATM 吞卡', description: '3 号机吞卡', severity: 'P3', channel: 'portal' });
    const dispatcherActor: Actor = { ...managerActor, id: seeder.staff.dispatcher.id, username: seeder.staff.dispatcher.username, name: seeder.staff.dispatcher.name, role: 'dispatcher' };
    await services.tickets.patch(dispatcherActor, ticket.id, { assigneeId: engineer.id });
    await services.tickets.follow(managerActor, ticket.id, true);

    const [a, b] = await Promise.all([startServer({ databaseUrl: scratch.url }), startServer({ databaseUrl: scratch.url })]);
    servers.push(a!, b!);
    const engineerStream = await openStream(b!.url, 'wang.gong');
    const managerStream = await openStream(b!.url, manager.username);
    const customerStream = await openStream(b!.url, 'icbc.ma');

    const customer = await login(a!.url, 'icbc.ma', PASSWORD);
    const written = Date.now();
    const reply = await customer.post(`/api/tickets/${ticket.id}/comments`, { body: '吞卡的是 3 号机', public: true });
    expect(reply.status).toBe(201);
    const engineerGot = await waitFor('the engineer to be told', () => engineerStream.notifications('ticket.commented')[0], { timeoutMs: 5000 });
    const managerGot = await waitFor('the follower to be told', () => managerStream.notifications('ticket.commented')[0], { timeoutMs: 5000 });
    expect(engineerGot.at - written).toBeLessThan(1000);
    expect(managerGot.at - written).toBeLessThan(1000);
    expect(engineerGot.data).toMatchObject({ ticketId: ticket.id, title: expect.stringContaining('吞卡的是 3 号机') });

    const dispatcherCookie = await cookieOf(a!.url, seeder.staff.dispatcher.username);
    const changed = Date.now();
    const severity = await fetch(`${a!.url}/api/tickets/${ticket.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', cookie: dispatcherCookie },
      body: JSON.stringify({ severity: 'P1', severityReason: '全部 ATM 停用' }),
    });
    expect(severity.status).toBe(200);
    const severityGot = await waitFor('the follower to hear of the severity', () => managerStream.notifications('ticket.severity_changed')[0], { timeoutMs: 5000 });
    expect(severityGot.at - changed).toBeLessThan(1500);

    // Once each, and nothing about their own comment to the customer; queue rows were pushed too.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(engineerStream.notifications('ticket.commented')).toHaveLength(1);
    expect(managerStream.notifications('ticket.commented')).toHaveLength(1);
    expect(managerStream.notifications('ticket.severity_changed')).toHaveLength(1);
    expect(customerStream.notifications('ticket.commented')).toHaveLength(0);
    expect(customerStream.received.some((r) => r.event === 'ticket.changed' && r.data.ticketId === ticket.id)).toBe(true);
  });
});

async function cookieOf(baseUrl: string, username: string) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}
