/**
 * The installed base at size: 1,000,000 devices over 2,000 customers (one holds a tenth of them)
 * with 5 sites each and 50 products, generated in SQL. Times the real device code (the device
 * service's search and list, i.e. the SQL the API runs): the hotline's finder by serial-number
 * prefix (3, 6, 10 characters, the whole serial) and asset-tag prefix, and list pages (no filter,
 * page 20, one customer, filters, a prefix). 30 runs each after 3 of warm-up, each run a different
 * device's prefix; prints median and p95 (service call, Node included) and, from EXPLAIN ANALYZE of
 * one run, the server's execution time and the indexes the plan uses.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:devices
 *   BENCH_DEVICES=200000 … for a quicker run; BENCH_VERBOSE=1 prints each plan
 *
 * A scratch database fw_bench_devices_<pid> is created on that server and dropped at the end.
 */
import os from 'node:os';
import pg from 'pg';
import { DeviceListQuery, DeviceSearchQuery } from '../common/api/installed-base';
import { createServices } from '../server/app';
import { openDatabase, type Db } from '../server/db/client';
import { deviceListQuery, deviceSearchQuery, deviceSelection } from '../server/modules/devices/repository';
import type { Actor } from '../server/platform/actor';
import { systemClock } from '../server/platform/clock';
import { loadConfig } from '../server/platform/config';
import { dayIn } from '../server/domain/installed-base/entitlement';
import { percentile } from './lib/stats';
import { isMain, runBenchmark, withScratchDatabase } from './scratch-database';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 1_000_000);
const CUSTOMERS = 2_000;
const PRODUCTS = 50;
const RUNS = 30;
const WARMUP = 3;

/** Generates the installed base in a few statements (generate_series), then ANALYZE. */
async function generate(client: pg.Client) {
  const started = performance.now();
  await client.query(`insert into customers (name, code) select 'Bench customer ' || g, 'BC' || g from generate_series(0, ${CUSTOMERS - 1}) g`);
  await client.query(`create temp table bc as select id, substring(code from 3)::int as idx from customers where code like 'BC%'`);
  // Product codes of three letters: every serial of a product starts with its code (as makers' serials do).
  await client.query(`insert into products (model, name, maker, category, warranty_months)
    select 'M' || g, 'Model ' || g, 'Maker ' || (g % 5), 'hardware', 12 + (g % 3) * 12 from generate_series(0, ${PRODUCTS - 1}) g`);
  await client.query(`create temp table bp as
    select id, idx, chr(65 + idx % 26) || chr(65 + idx / 26) || chr(65 + (idx * 7 + 3) % 26) as code
    from (select id, substring(model from 2)::int as idx from products) p`);
  await client.query(`insert into sites (customer_id, name) select bc.id, 'Site ' || k from bc, generate_series(0, 4) k`);
  await client.query(`create temp table bs as select s.id, bc.idx as cidx, substring(s.name from 6)::int as k from sites s join bc on bc.id = s.customer_id`);
  await client.query('analyze bc; analyze bp; analyze bs');
  await client.query(`insert into devices (product_id, serial, customer_id, site_id, installed_on, warranty_ends_on, status, asset_tag, attributes)
    select bp.id,
           bp.code || upper(substr(md5(g::text), 1, 10)),
           bc.id,
           bs.id,
           date '2022-01-01' + (g % 1500),
           case when g % 20 = 0 then null else date '2023-01-01' + (g % 1500) end,
           case when g % 100 = 0 then 'retired' when g % 50 = 1 then 'under_repair' else 'in_service' end,
           case when g % 10 < 7 then 'ZC' || lpad(g::text, 8, '0') end,
           case when g % 4 = 0 then jsonb_build_object('网点编号', (g % 9000)::text) else '{}'::jsonb end
    from generate_series(1, ${DEVICES}) g
    join bp on bp.idx = g % ${PRODUCTS}
    join bc on bc.idx = case when g % 10 = 0 then 0 else g % ${CUSTOMERS} end
    join bs on bs.cidx = bc.idx and bs.k = (g / 7) % 5`);
  await client.query('analyze');
  const { rows } = await client.query<{ n: number; size: string }>(`select count(*)::int as n, pg_size_pretty(pg_total_relation_size('devices')) as size from devices`);
  console.log(`generated ${rows[0]!.n.toLocaleString('en')} devices (${rows[0]!.size} with indexes) in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** The index names in a plan, and its execution time. */
async function explain(client: pg.Client, query: { sql: string; params: unknown[] }, jitOff = false) {
  // As listPage runs it: pages with q or one product with JIT off.
  if (jitOff) await client.query('set jit = off');
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers off, costs off) ${query.sql}`, query.params);
  if (jitOff) await client.query('reset jit');
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  const indexes = [...new Set([...plan.matchAll(/(?:Index Scan|Index Only Scan) using (\w+)|Bitmap Index Scan on (\w+)/g)].map((m) => (m[1] ?? m[2])!))];
  const jit = /JIT:/.test(plan) ? ' (JIT)' : '';
  const seq = /Seq Scan on devices/.test(plan) ? ' + seq scan on devices' : '';
  if (process.env.BENCH_VERBOSE) console.log(plan);
  // The server's own time for one run: what the load of a shared machine moves least.
  const executed = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? '?';
  const planned = /Planning Time: ([\d.]+) ms/.exec(plan)?.[1] ?? '?';
  return `${executed.padStart(7)} ms (planning ${planned} ms)${jit}  ${indexes.join(', ') || '(none)'}${seq}`;
}

async function bench(url: string) {
  const database = await openDatabase({ url, poolSize: 4 });
  await database.migrate();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await generate(client);
  console.log();

  const config = { ...loadConfig({}), dataDir: os.tmpdir() };
  const services = createServices({ config, database, clock: systemClock });
  const db = services.db as Db;
  const dispatcher: Actor = { id: '00000000-0000-4000-8000-00000000000a', username: 'dispatcher', name: 'dispatcher', role: 'dispatcher', customerId: null, centerId: null, centerPath: null };
  const [big] = (await client.query<{ id: string }>(`select id from customers where code = 'BC0'`)).rows;
  const [typical] = (await client.query<{ id: string }>(`select id from customers where code = 'BC1234'`)).rows;
  const customer: Actor = { ...dispatcher, role: 'customer_user', customerId: typical!.id };
  // Devices whose serials and tags are typed: a different one each run.
  const samples = (
    await client.query<{ serial: string; asset_tag: string }>(
      `select serial, asset_tag from devices where asset_tag is not null order by md5(id::text) limit ${RUNS + WARMUP}`,
    )
  ).rows;
  const today = dayIn(new Date(), config.timeZone);

  console.log(`${'hotline finder (10 results)'.padEnd(44)} ${'median'.padStart(9)} ${'p95'.padStart(9)}  rows  EXPLAIN ANALYZE: execution (planning), indexes`);
  const finder: Array<[string, (i: number) => string, Actor]> = [
    ['serial prefix, 3 characters (a product)', (i) => samples[i]!.serial.slice(0, 3).toLowerCase(), dispatcher],
    ['serial prefix, 6 characters', (i) => samples[i]!.serial.slice(0, 6).toLowerCase(), dispatcher],
    ['serial prefix, 10 characters', (i) => samples[i]!.serial.slice(0, 10), dispatcher],
    ['whole serial', (i) => samples[i]!.serial, dispatcher],
    ['asset tag prefix, 6 characters', (i) => samples[i]!.asset_tag.slice(0, 6), dispatcher],
    ['asset tag prefix, 8 characters', (i) => samples[i]!.asset_tag.slice(0, 8).toLowerCase(), dispatcher],
    ['customer user: serial prefix, 3 characters', (i) => samples[i]!.serial.slice(0, 3), customer],
  ];
  for (const [label, prefix, actor] of finder) {
    const times: number[] = [];
    let count = 0;
    for (let run = 0; run < RUNS + WARMUP; run++) {
      const query = DeviceSearchQuery.parse({ q: prefix(run) });
      const t0 = performance.now();
      count = (await services.devices.search(actor, query)).length;
      if (run >= WARMUP) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const plan = await explain(client, deviceSearchQuery(db, actor, prefix(0), undefined, 10).toSQL());
    console.log(`${label.padEnd(44)} ${percentile(times, 50).toFixed(2).padStart(6)} ms ${percentile(times, 95).toFixed(2).padStart(6)} ms  ${String(count).padStart(4)}  ${plan}`);
  }

  console.log();
  console.log(`${'device list (50 per page)'.padEnd(44)} ${'median'.padStart(9)} ${'p95'.padStart(9)}  rows  EXPLAIN ANALYZE: execution (planning), indexes`);
  const lists: Array<[string, Record<string, string>, Actor]> = [
    ['no filter, first page', {}, dispatcher],
    ['one customer (largest, 100,000 devices)', { customerId: big!.id }, dispatcher],
    ['one customer (typical, ~450 devices)', { customerId: typical!.id }, dispatcher],
    ['customer user: own devices', {}, customer],
    ['one product (20,000 devices)', { productId: (await client.query<{ id: string }>(`select id from products where model = 'M7'`)).rows[0]!.id }, dispatcher],
    ['status retired (1 %)', { status: 'retired' }, dispatcher],
    ['warranty out', { warranty: 'out' }, dispatcher],
    ['warranty unknown (5 %)', { warranty: 'unknown' }, dispatcher],
    ['q: 3-character serial prefix', { q: samples[0]!.serial.slice(0, 3) }, dispatcher],
    ['q: asset tag prefix ZC0012', { q: 'zc0012' }, dispatcher],
  ];
  const pageAfter = async (actor: Actor, raw: Record<string, string>, pages: number) => {
    let cursor: string | null = null;
    for (let i = 0; i < pages; i++) cursor = (await services.devices.list(actor, DeviceListQuery.parse(cursor ? { ...raw, cursor } : raw))).nextCursor;
    return cursor;
  };
  const page20 = await pageAfter(dispatcher, {}, 19);
  lists.splice(1, 0, ['no filter, page 20 (keyset)', { cursor: page20! }, dispatcher]);
  for (const [label, raw, actor] of lists) {
    const query = DeviceListQuery.parse(raw);
    const times: number[] = [];
    let count = 0;
    for (let run = 0; run < RUNS + WARMUP; run++) {
      const t0 = performance.now();
      count = (await services.devices.list(actor, query)).items.length;
      if (run >= WARMUP) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const { cursor: _cursor, limit, ...filter } = query;
    const cursor = query.cursor ? JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) : null;
    const plan = await explain(client, deviceListQuery(db, deviceSelection(actor, filter, today), cursor, limit + 1).toSQL(), Boolean(filter.q || filter.productId));
    console.log(`${label.padEnd(44)} ${percentile(times, 50).toFixed(2).padStart(6)} ms ${percentile(times, 95).toFixed(2).padStart(6)} ms  ${String(count).padStart(4)}  ${plan}`);
  }

  console.log();
  const exportStarted = performance.now();
  let bytes = 0;
  const { Writable } = await import('node:stream');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  const finished = new Promise((resolve) => sink.on('finish', resolve));
  await services.devices.exportTo(dispatcher, { customerId: big!.id }, 'zh', sink);
  await finished;
  console.log(`export.xlsx, largest customer (100,000 rows): ${((performance.now() - exportStarted) / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB`);

  await client.end();
  await database.close();
}

if (isMain(import.meta.url))
  runBenchmark(async () => {
    const cpus = os.cpus();
    console.log(`device search benchmark: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`);
    await withScratchDatabase('fw_bench_devices', bench);
    console.log(`load average at the end ${os.loadavg()[0]!.toFixed(1)}`);
  });
