/**
 * Event-consumer lag on PostgreSQL: how long after a ticket write commits its domain event has
 * been handled by each consumer (notifications, push), while tickets are written at a steady rate
 * (default 50 writes per second: public replies, internal notes and severity changes on open
 * tickets, the mix of a busy desk) by one process, and the consumers run in another — woken by NOTIFY as in
 * production. Lag is measured on the database's clock: `handled_at - committed_at`, where the
 * writer stamps the commit moment right after COMMIT returns.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:event-lag
 *   (BENCH_RATE=50 BENCH_SECONDS=20 by default)
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createServices } from '../server/app';
import { openDatabase } from '../server/db/client';
import { createPasswordHasher } from '../server/modules/auth/password';
import { createEventConsumers, type EventConsumer } from '../server/modules/events';
import { createNotificationConsumer } from '../server/modules/notifications/consumer';
import { createTicketPushConsumer } from '../server/modules/push/ticket-changes';
import { ensureTimeRuleDefaults } from '../server/modules/time-rules';
import type { Actor } from '../server/platform/actor';
import { systemClock } from '../server/platform/clock';
import { loadConfig } from '../server/platform/config';
import { isMain, runBenchmark, withScratchDatabase } from './scratch-database';
import { percentile } from './lib/stats';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const TICKETS = 200;

/** The consumer process: the app's consumers, each handle stamped with the time it ran. */
async function consumerProcess(url: string) {
  const database = await openDatabase({ url, poolSize: 4 });
  const consumers = createEventConsumers({ db: database.db, clock: systemClock, audit: { record: async () => {} } as never });
  const timed = (consumer: EventConsumer): EventConsumer => ({
    ...consumer,
    async handle(tx, event) {
      await consumer.handle(tx, event);
      await tx.execute(`insert into bench_lag (consumer, event_id, handled_at) values ('${consumer.name}', ${event.id}, clock_timestamp())` as never);
    },
  });
  consumers.register(timed(createNotificationConsumer({ emailEnabled: true, publicUrl: 'http://localhost' })));
  consumers.register(timed(createTicketPushConsumer()));
  const runner = await consumers.start({ database, pollMs: 1000, log: { error: console.error } as never });
  process.send!('ready');
  process.on('message', async () => {
    await runner.stop();
    await database.close();
    process.exit(0);
  });
}

export interface ConsumerLag {
  consumer: string;
  events: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

/** Writes `rate` ticket writes a second for `seconds` s on the (empty) PostgreSQL database at `url`; returns each consumer's lag. */
export async function measureEventLag(url: string, { rate = RATE, seconds = SECONDS } = {}): Promise<ConsumerLag[]> {
    const database = await openDatabase({ url, poolSize: 10 });
    await database.migrate();
    const config = { ...loadConfig({}), databaseUrl: url, logLevel: 'silent' };
    const services = createServices({ config, database, clock: systemClock, hasher: createPasswordHasher('test'), logger: false });
    await ensureTimeRuleDefaults(services.db, new Date());
    await database.db.execute(
      'create table bench_lag (consumer text, event_id bigint, handled_at timestamptz, primary key (consumer, event_id))' as never,
    );
    await database.db.execute('create table bench_commit (event_id bigint primary key, committed_at timestamptz)' as never);

    // A desk: a customer, an engineer and a manager following every ticket, 200 open tickets.
    const admin = await services.users.create(null, { username: 'bench.admin', password: 'bench-password', name: '管理员', role: 'admin' });
    const adminActor: Actor = { id: admin.id, username: admin.username, name: admin.name, role: 'admin', customerId: null, centerId: null, centerPath: null };
    const engineer = await services.users.create(null, { username: 'bench.eng', password: 'bench-password', name: '王工', role: 'engineer', email: 'wang@desk.example' });
    const manager = await services.users.create(null, { username: 'bench.mgr', password: 'bench-password', name: '赵经理', role: 'manager' });
    const managerActor: Actor = { ...adminActor, id: manager.id, username: manager.username, name: manager.name, role: 'manager' };
    const customer = await services.customers.create(null, { name: '基准银行' });
    const tickets: string[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const t = await services.tickets.create(adminActor, { title: `ATM ${i} 无法读卡`, description: '网点报修', severity: 'P3', channel: 'phone', customerId: customer.id, assigneeId: engineer.id });
      await services.tickets.follow(managerActor, t.id, true);
      tickets.push(t.id);
    }

    const child = fork(fileURLToPath(import.meta.url), ['consumers', url], { stdio: 'inherit', execArgv: process.execArgv });
    await new Promise<void>((resolve) => child.once('message', () => resolve()));

    const probe = new pg.Pool({ connectionString: url, max: 4 });
    const lastEventId = async () => Number((await probe.query('select coalesce(max(id), 0) as id from domain_events')).rows[0].id);
    const stamp = async (after: number) =>
      probe.query('insert into bench_commit select id, clock_timestamp() from domain_events where id > $1 on conflict do nothing', [after]);

    console.log(`writing ${rate} ticket writes per second for ${seconds} s on PostgreSQL; consumers in a second process`);
    const total = rate * seconds;
    const started = performance.now();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const ticketId = tickets[i % TICKETS]!;
      const write = async () => {
        const before = await lastEventId();
        if (i % 10 === 9) await services.tickets.patch(adminActor, ticketId, { severity: Math.floor(i / TICKETS) % 2 === 0 ? 'P2' : 'P3', severityReason: '基准' });
        else await services.tickets.comment(adminActor, ticketId, { body: `第 ${i} 次更新：已远程检查`, public: i % 3 !== 0 });
        await stamp(before);
      };
      inFlight.push(write().catch((error) => console.error('write failed', error)));
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - started) / 1000;
    // Wait for the consumers to catch up with the last event.
    const last = await lastEventId();
    for (let i = 0; i < 300; i++) {
      const { rows } = await probe.query(`select count(distinct consumer)::int as n from bench_lag where event_id >= $1`, [last]);
      if (rows[0].n >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.send('stop');

    console.log(`wrote ${total} writes in ${elapsed.toFixed(1)} s (${(total / elapsed).toFixed(1)}/s)`);
    const results: ConsumerLag[] = [];
    for (const consumer of ['notifications', 'push']) {
      const { rows } = await probe.query(
        `select extract(epoch from (l.handled_at - c.committed_at)) * 1000 as ms
         from bench_lag l join bench_commit c on c.event_id = l.event_id where l.consumer = $1`,
        [consumer],
      );
      const handled = (await probe.query('select count(*)::int as n from bench_lag where consumer = $1', [consumer])).rows[0].n;
      const lags = rows.map((r) => Math.max(0, Number(r.ms))).sort((a, b) => a - b);
      results.push({ consumer, events: handled, median: percentile(lags, 50), p95: percentile(lags, 95), p99: percentile(lags, 99), max: lags.at(-1)! });
      console.log(
        `${consumer.padEnd(14)} events ${String(handled).padStart(5)} (${lags.length} with a commit stamp)  lag median ${percentile(lags, 50).toFixed(1)} ms  p95 ${percentile(lags, 95).toFixed(1)} ms  p99 ${percentile(lags, 99).toFixed(1)} ms  max ${lags.at(-1)!.toFixed(1)} ms`,
      );
    }
    await probe.end();
    await new Promise((resolve) => child.once('exit', resolve));
    await database.close();
    return results;
}

async function main() {
  if (process.argv[2] === 'consumers') return consumerProcess(process.argv[3]!);
  await withScratchDatabase('fw_bench_events', async (url) => {
    await measureEventLag(url);
  });
}

if (isMain(import.meta.url)) runBenchmark(main);
