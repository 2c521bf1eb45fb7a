/**
 * Live push across processes (PostgreSQL only): two app instances on one database, a message
 * published through one reaches a stream connected to the other by LISTEN/NOTIFY; and a hub whose
 * LISTEN connection dies catches up on what was published while it was away.
 */
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createServices } from '../../app';
import { openDatabase, rows, type Database } from '../../db/client';
import { createPasswordHasher } from '../../modules/auth/password';
import { createTestApp, type Client, type TestApp } from '../../test/harness';
import { publishPush, ticketAudience } from './index';
import { openStream, type TestStream } from './test-stream';

const onPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!onPostgres)('two app instances on one PostgreSQL database', () => {
  let first: TestApp;
  let secondDatabase: Database;
  let second: FastifyInstance;
  let secondUrl: string;
  let dispatcher: Client;
  let customerB: Client;
  const streams: TestStream[] = [];

  beforeAll(async () => {
    first = await createTestApp();
    secondDatabase = await openDatabase({ url: first.config.databaseUrl, poolSize: 3 });
    const deps = { config: first.config, database: secondDatabase, clock: first.clock, hasher: createPasswordHasher('test'), logger: false };
    second = await buildApp(deps, createServices(deps));
    await second.listen({ port: 0, host: '127.0.0.1' });
    secondUrl = `http://127.0.0.1:${(second.server.address() as AddressInfo).port}`;
    // Sessions are rows: a cookie from the first instance is good on the second.
    dispatcher = await first.as('dispatcher');
    customerB = await first.as('customer_user');
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await second?.close();
    await secondDatabase?.close();
    await first?.close();
  });

  const streamOnSecond = async (client: Client, headers: Record<string, string> = {}) => {
    const s = await openStream(secondUrl, client.cookie, headers);
    streams.push(s);
    expect(s.status).toBe(200);
    await s.next((e) => e.event === 'ready');
    return s;
  };

  it('a message published through one instance reaches a stream on the other within a second', async () => {
    const s = await streamOnSecond(dispatcher);
    const ticket = await first.factory.ticket();
    const audience = (await ticketAudience(first.services.db, ticket.id))!;
    const started = Date.now();
    const id = await publishPush(first.services.db, { audience, type: 'ticket.changed', data: { ticketId: ticket.id, number: ticket.number } });
    const got = await s.next((e) => e.event === 'ticket.changed', 1000);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(got).toEqual({ id: String(id), event: 'ticket.changed', data: { ticketId: ticket.id, number: ticket.number } });

    // Tenancy holds across processes too: another organisation's customer hears nothing of it.
    const other = await streamOnSecond(customerB);
    await publishPush(first.services.db, { audience, type: 'ticket.changed', data: { n: 2 } });
    await publishPush(first.services.db, { userId: customerB.user.id, type: 'marker', data: {} });
    await other.next((e) => e.event === 'marker');
    expect(other.events.map((e) => e.event)).toEqual(['ready', 'marker']);
  });

  it('catches up on messages published while its LISTEN connection was down', async () => {
    const s = await streamOnSecond(dispatcher);
    const listeners = async () =>
      rows<{ pid: number }>(
        first.services.db,
        sql`select pid from pg_stat_activity where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`,
      );
    const before = await listeners();
    expect(before.length).toBeGreaterThan(0);
    await first.services.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%' and pid <> pg_backend_pid()`,
    );
    // Nobody is listening now: this NOTIFY is lost, only the catch-up after reconnecting can deliver it.
    const id = await publishPush(first.services.db, { userId: dispatcher.user.id, type: 'notification', data: { missed: true } });
    const got = await s.next((e) => e.event === 'notification', 10_000);
    expect(got).toEqual({ id: String(id), event: 'notification', data: { missed: true } });
    const after = await listeners();
    expect(after.map((r) => r.pid)).not.toEqual(before.map((r) => r.pid));
  });
});
