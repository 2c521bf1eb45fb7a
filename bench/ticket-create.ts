/**
 * Ticket-create latency over real HTTP (loopback), on the embedded PGlite database in a temporary
 * data folder (as `npm start` runs it) and, when DATABASE_URL is set, on a scratch PostgreSQL
 * database created on that server. Prints median and p99 for sequential requests, then the
 * throughput of 8 concurrent clients.
 *
 *   npm run bench:ticket-create
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:ticket-create
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp, createServices } from '../server/app';
import { openDatabase, type Database } from '../server/db/client';
import { createPasswordHasher } from '../server/modules/auth/password';
import { systemClock } from '../server/platform/clock';
import { loadConfig } from '../server/platform/config';
import { ensureTimeRuleDefaults } from '../server/modules/time-rules';
import { runBenchmark, withScratchDatabase } from './scratch-database';

const SEQUENTIAL = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENT_CLIENTS = 8;
const CONCURRENT_REQUESTS = Number(process.env.BENCH_CONCURRENT_REQUESTS ?? 1000);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function run(label: string, database: Database, dataDir: string) {
  await database.migrate();
  const config = { ...loadConfig({}), dataDir, logLevel: 'silent' };
  const deps = { config, database, clock: systemClock, hasher: createPasswordHasher('test'), logger: false as const };
  const services = createServices(deps);
  // As in production: the shipped calendars, SLA policies and escalation matrix are in force.
  await ensureTimeRuleDefaults(services.db, new Date());
  const app = await buildApp(deps, services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;

  const customer = await services.customers.create(null, { name: `基准客户 ${crypto.randomUUID()}` });
  await services.users.create(null, { username: 'bench.agent', password: 'bench-password', name: '座席', role: 'dispatcher' });
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench.agent', password: 'bench-password' }),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const body = JSON.stringify({ title: 'ATM 无法读卡', description: '客户来电报修，网点 2 号机读卡器报错。', severity: 'P2', channel: 'phone', customerId: customer.id });
  const create = async () => {
    const started = performance.now();
    const res = await fetch(`${base}/api/tickets`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    return performance.now() - started;
  };

  for (let i = 0; i < 50; i++) await create(); // warm-up: JIT, caches, first-year counter row
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) latencies.push(await create());
  latencies.sort((a, b) => a - b);

  const startedAll = performance.now();
  let remaining = CONCURRENT_REQUESTS;
  await Promise.all(
    Array.from({ length: CONCURRENT_CLIENTS }, async () => {
      while (remaining-- > 0) await create();
    }),
  );
  const throughput = CONCURRENT_REQUESTS / ((performance.now() - startedAll) / 1000);

  console.log(
    `${label.padEnd(11)} sequential ${SEQUENTIAL}: median ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms | ${CONCURRENT_CLIENTS} concurrent clients: ${throughput.toFixed(0)} tickets/s`,
  );
  await app.close();
  await database.close();
}

runBenchmark(async () => {
  console.log(`ticket create over HTTP, Node ${process.version}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-bench-'));
  try {
    await run('PGlite', await openDatabase({ dataDir: dir }), dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!process.env.DATABASE_URL) {
    console.log('PostgreSQL  skipped (set DATABASE_URL to a server where a scratch database may be created)');
    return;
  }
  await withScratchDatabase('fw_bench_create', async (url) => {
    const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-bench-'));
    try {
      await run('PostgreSQL', await openDatabase({ url }), pgDir);
    } finally {
      fs.rmSync(pgDir, { recursive: true, force: true });
    }
  });
});
