/**
 * The dispatch board at size (issue 12): a region (华东: one regional center, 10 provincial
 * centers) with 300 engineers and 2,000 open tickets, beside another region (华北: 5 centers, 100
 * engineers, 1,000 open tickets), 50,000 closed tickets as history, this week's visits (planned
 * ones for open work, finished ones for closed work) and an on-call rota — generated in SQL.
 *
 * Times the real code: the board's service call (`dispatch.board`) as the region's dispatcher
 * (day and week), for one provincial center, and as a manager who sees every center; and
 * GET /api/tickets/:id/suggestions over HTTP (app.inject, logged in as the region's dispatcher),
 * a different ticket each run. 50 runs after 3 of warm-up; prints median and p95 and, from
 * EXPLAIN ANALYZE, the board's ticket query's execution time and the indexes its plan uses.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:dispatch
 *   BENCH_VERBOSE=1 prints the plan
 *
 * A scratch database fw_bench_dispatch_<pid> is created on that server and dropped at the end.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DispatchBoardQuery } from '../common/api/field-service';
import { buildApp, createServices } from '../server/app';
import { openDatabase, type Db } from '../server/db/client';
import { dayIn } from '../server/domain/installed-base/entitlement';
import { createPasswordHasher } from '../server/modules/auth/password';
import { boardTicketsSql } from '../server/modules/dispatch/service';
import type { Actor } from '../server/platform/actor';
import { systemClock } from '../server/platform/clock';
import { loadConfig } from '../server/platform/config';
import { percentile } from './lib/stats';
import { isMain, runBenchmark, withScratchDatabase } from './scratch-database';

const RUNS = 50;
const WARMUP = 3;
const EAST = { centers: 10, engineers: 300, open: 2_000 };
const NORTH = { centers: 5, engineers: 100, open: 1_000 };
const CLOSED = 50_000;
const SKILLS = ['ATM', '存储', 'SAN', 'Oracle', 'Linux', 'AIX', '网络', '防火墙', 'VMware', '数据库', '电源', '空调'];

interface Centers {
  hq: { id: string; path: string };
  east: { id: string; path: string };
  provinces: { id: string; path: string; region: string; group: 'east' | 'north' }[];
}

async function generate(client: pg.Client): Promise<Centers> {
  const started = performance.now();
  const hqId = crypto.randomUUID();
  const hq = { id: hqId, path: `/${hqId}/` };
  const regional = (region: string) => {
    const id = crypto.randomUUID();
    return { id, path: `${hq.path}${id}/`, region };
  };
  const east = regional('华东');
  const north = regional('华北');
  const provinces = [
    ...Array.from({ length: EAST.centers }, (_, k) => ({ parent: east, region: `华东-${k}`, group: 'east' as const })),
    ...Array.from({ length: NORTH.centers }, (_, k) => ({ parent: north, region: `华北-${k}`, group: 'north' as const })),
  ].map((p) => {
    const id = crypto.randomUUID();
    return { id, path: `${p.parent.path}${id}/`, region: p.region, group: p.group, parentId: p.parent.id };
  });
  await client.query(`insert into service_centers (id, parent_id, code, name, level, region, path) values ($1, null, 'HQ', '总部', 'hq', null, $2)`, [hq.id, hq.path]);
  for (const [i, r] of [east, north].entries()) {
    await client.query(`insert into service_centers (id, parent_id, code, name, level, region, path) values ($1, $2, $3, $4, 'regional', $5, $6)`, [r.id, hq.id, `R${i}`, `${r.region}大区`, r.region, r.path]);
  }
  for (const [i, p] of provinces.entries()) {
    await client.query(`insert into service_centers (id, parent_id, code, name, level, region, path) values ($1, $2, $3, $4, 'provincial', $5, $6)`, [p.id, p.parentId, `P${i}`, `${p.region}中心`, p.region, p.path]);
  }
  // bcent: the provincial centers by index (east 0‥9, north 10‥14).
  await client.query(`create temp table bcent (id uuid, idx int, region text)`);
  for (const [i, p] of provinces.entries()) await client.query(`insert into bcent values ($1, $2, $3)`, [p.id, i, p.region]);
  const skills = `array[${SKILLS.map((s) => `'${s}'`).join(',')}]`;
  const engineers = EAST.engineers + NORTH.engineers;
  // Engineers g < 300 in the east (centers 0‥9), the rest in the north (10‥14).
  await client.query(`insert into users (username, password_hash, name, role, center_id, engineer_level, skills)
    select 'eng' || g, 'x', '工程师' || lpad(g::text, 3, '0'), 'engineer', c.id,
           (array['junior','intermediate','senior','principal','expert'])[1 + g % 5],
           array[(${skills})[1 + g % 12], (${skills})[1 + (g * 7 + 3) % 12]]
    from generate_series(0, ${engineers - 1}) g
    join bcent c on c.idx = case when g < ${EAST.engineers} then g % ${EAST.centers} else ${EAST.centers} + g % ${NORTH.centers} end`);
  await client.query(`create temp table beng as select id, substring(username from 4)::int as idx from users where username like 'eng%'`);
  // 300 customers, two sites each in a provincial center's region; one device per site.
  await client.query(`insert into customers (name, code, center_id) select '客户' || g, 'BC' || g, null from generate_series(0, 299) g`);
  await client.query(`create temp table bcust as select id, substring(code from 3)::int as idx from customers where code like 'BC%'`);
  await client.query(`insert into sites (customer_id, name, region)
    select bc.id, '网点' || bc.idx || '-' || k, c.region
    from bcust bc cross join generate_series(0, 1) k
    join bcent c on c.idx = case when bc.idx < 200 then (bc.idx + k) % ${EAST.centers} else ${EAST.centers} + (bc.idx + k) % ${NORTH.centers} end`);
  await client.query(`create temp table bsite as
    select s.id, s.customer_id, bc.idx as cidx, row_number() over (order by bc.idx, s.name)::int - 1 as idx, c.idx as center_idx
    from sites s join bcust bc on bc.id = s.customer_id join bcent c on c.region = s.region`);
  await client.query(`insert into products (model, name, maker, category, skills)
    select 'DM' || g, '设备型号 ' || g, 'Maker', 'hardware', array[(${skills})[1 + (g * 5) % 12]] from generate_series(0, 19) g`);
  await client.query(`create temp table bprod as select id, substring(model from 3)::int as idx from products where model like 'DM%'`);
  await client.query(`insert into devices (product_id, serial, customer_id, site_id, status)
    select p.id, 'SN' || lpad(s.idx::text, 6, '0'), s.customer_id, s.id, 'in_service' from bsite s join bprod p on p.idx = s.idx % 20`);
  await client.query('analyze');

  // Open tickets: g < 2,000 in the east, the rest in the north. 40 % new (nobody), 40 % assigned,
  // 20 % in progress (arrived); due within -2 h … +10 h.
  const open = EAST.open + NORTH.open;
  await client.query(`create temp table bt as
    select g,
           case when g < ${EAST.open} then (g * 7) % 400 else 400 + (g * 7) % 200 end as site_idx,
           case when g % 10 < 4 then 'new' when g % 10 < 8 then 'assigned' else 'in_progress' end as status
    from generate_series(0, ${open - 1}) g`);
  await client.query(`insert into tickets (number, title, description, type, channel, severity, category, status, customer_id, site_id, assignee_id, center_id,
      reported_at, sla_milestone, sla_due_at, sla_state, required_skills)
    select 'BO-' || bt.g, '故障 ' || bt.g, '', 'fault', 'phone', (array['P1','P2','P3','P4'])[1 + bt.g % 4], 'hardware', bt.status,
           s.customer_id, s.id,
           case when bt.status = 'new' then null else (select e.id from beng e join users u on u.id = e.id where u.center_id = c.id order by e.idx limit 1 offset (bt.g / 10) % 20) end,
           c.id, now() - interval '3 hours', case when bt.status = 'in_progress' then 'resolve' else 'arrive' end,
           now() + ((bt.g % 720) - 120) * interval '1 minute', 'running',
           case when bt.g % 3 = 0 then array[(${skills})[1 + bt.g % 12]] else '{}'::text[] end
    from bt join bsite s on s.idx = bt.site_idx join bcent c on c.idx = s.center_idx`);
  await client.query(`insert into ticket_devices (ticket_id, device_id) select t.id, d.id from tickets t join devices d on d.site_id = t.site_id where t.number like 'BO-%'`);
  await client.query(`insert into ticket_milestones (ticket_id, milestone, met_at) select id, 'arrive', now() - interval '1 hour' from tickets where number like 'BO-%' and status = 'in_progress'`);
  // History: 50,000 closed tickets over the last year, each held by an engineer.
  await client.query(`insert into tickets (number, title, description, type, channel, severity, category, status, customer_id, site_id, assignee_id, center_id,
      reported_at, resolved_at, closed_at)
    select 'BC-' || g, '已关闭 ' || g, '', 'fault', 'phone', (array['P1','P2','P3','P4'])[1 + g % 4], 'hardware', 'closed',
           s.customer_id, s.id, e.id, c.id,
           now() - (g % 365) * interval '1 day', now() - (g % 365) * interval '1 day' + interval '5 hours', now() - (g % 365) * interval '1 day' + interval '1 day'
    from generate_series(0, ${CLOSED - 1}) g
    join bsite s on s.idx = g % 600 join bcent c on c.idx = s.center_idx
    join beng e on e.idx = g % ${engineers}`);
  // Their milestones as the SLA clocks left them: respond, arrive, restore, resolve met.
  await client.query(`insert into ticket_milestones (ticket_id, milestone, met_at)
    select t.id, m, t.reported_at + interval '1 hour' from tickets t cross join unnest(array['respond','arrive','restore','resolve']) m where t.number like 'BC-%'`);
  // This week's visits: planned for half the assigned open tickets, finished for 3,000 closed ones.
  await client.query(`insert into visits (ticket_id, site_id, status, planned_start, planned_end)
    select id, site_id, 'planned', date_trunc('day', now()) + ((row_number() over (order by number)) % 7) * interval '1 day' + interval '9 hours',
           date_trunc('day', now()) + ((row_number() over (order by number)) % 7) * interval '1 day' + interval '11 hours'
    from tickets where number like 'BO-%' and status = 'assigned' and substring(number from 4)::int % 10 in (4, 5)`);
  await client.query(`insert into visits (ticket_id, site_id, status, planned_start, planned_end, arrived_at, finished_at, result)
    select id, site_id, 'finished', now() - (g % 7) * interval '1 day' - interval '4 hours', now() - (g % 7) * interval '1 day' - interval '2 hours',
           now() - (g % 7) * interval '1 day' - interval '4 hours', now() - (g % 7) * interval '1 day' - interval '2 hours', 'restored'
    from (select id, site_id, row_number() over (order by number) as g from tickets where number like 'BC-%' limit 3000) x`);
  await client.query(`insert into visit_engineers (visit_id, user_id, lead) select v.id, t.assignee_id, true from visits v join tickets t on t.id = v.ticket_id where t.assignee_id is not null`);
  // On call now: every tenth engineer.
  await client.query(`insert into on_call_shifts (center_id, user_id, starts_at, ends_at)
    select u.center_id, u.id, now() - interval '6 hours', now() + interval '18 hours' from users u join beng e on e.id = u.id where e.idx % 10 = 0`);
  await client.query('analyze');
  const { rows } = await client.query<{ open: number; closed: number; visits: number }>(
    `select (select count(*) from tickets where status in ('new','assigned','in_progress'))::int as open,
            (select count(*) from tickets where status = 'closed')::int as closed, (select count(*) from visits)::int as visits`,
  );
  console.log(
    `generated ${engineers} engineers, ${rows[0]!.open.toLocaleString('en')} open and ${rows[0]!.closed.toLocaleString('en')} closed tickets, ${rows[0]!.visits.toLocaleString('en')} visits in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  return { hq, east, provinces };
}

async function explain(client: pg.Client, query: { sql: string; params: unknown[] }) {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers off, costs off) ${query.sql}`, query.params);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  if (process.env.BENCH_VERBOSE) console.log(plan);
  const indexes = [...new Set([...plan.matchAll(/(?:Index Scan|Index Only Scan) using (\w+)|Bitmap Index Scan on (\w+)/g)].map((m) => (m[1] ?? m[2])!))];
  const seq = [...new Set([...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!))];
  const executed = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? '?';
  const planned = /Planning Time: ([\d.]+) ms/.exec(plan)?.[1] ?? '?';
  return `${executed.padStart(7)} ms (planning ${planned} ms)  ${indexes.join(', ') || '(no index)'}${seq.length ? `  seq scan: ${seq.join(', ')}` : ''}`;
}

async function time(label: string, run: (i: number) => Promise<number>, plan = '') {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const t0 = performance.now();
    count = await run(i);
    if (i >= WARMUP) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(52)} ${percentile(times, 50).toFixed(1).padStart(7)} ms ${percentile(times, 95).toFixed(1).padStart(7)} ms  ${String(count).padStart(5)}  ${plan}`);
}

async function bench(url: string) {
  const database = await openDatabase({ url, poolSize: 4 });
  await database.migrate();
  const client = new pg.Client({ connectionString: url });
  // A failure drops the scratch database under this connection: report the failure, not that.
  client.on('error', () => {});
  await client.connect();
  const centers = await generate(client);
  console.log();

  const config = { ...loadConfig({}), dataDir: os.tmpdir(), logLevel: 'silent' as const };
  const deps = { config, database, clock: systemClock, hasher: createPasswordHasher('test'), logger: false as const, webDir: path.join(os.tmpdir(), 'no-web') };
  const services = createServices(deps);
  const db = services.db as Db;
  const dialect = (db as unknown as { dialect: { sqlToQuery(s: unknown): { sql: string; params: unknown[] } } }).dialect;
  const password = 'bench-password-0123456789';
  const created = await services.users.create(null, { username: 'bench-dispatcher', password, name: '调度员', role: 'dispatcher', centerId: centers.east.id });
  const dispatcher: Actor = { id: created.id, username: 'bench-dispatcher', name: '调度员', role: 'dispatcher', customerId: null, centerId: centers.east.id, centerPath: centers.east.path };
  const manager: Actor = { ...dispatcher, id: crypto.randomUUID(), role: 'manager', centerId: null, centerPath: null };
  const province = centers.provinces[0]!;
  const today = dayIn(new Date(), config.timeZone);

  console.log(`${'board (service call)'.padEnd(52)} ${'median'.padStart(10)} ${'p95'.padStart(10)}  items  EXPLAIN ANALYZE of the ticket query: execution (planning), indexes`);
  const boards: Array<[string, Actor, Record<string, string>, { centerPath?: string }]> = [
    ['region dispatcher, day (300 engineers, 2,000 open)', dispatcher, { day: today }, {}],
    ['region dispatcher, week', dispatcher, { day: today, span: 'week' }, {}],
    ['region dispatcher, one provincial center, day', dispatcher, { day: today, centerId: province.id }, { centerPath: province.path }],
    ['manager, all centers (3,000 open), week', manager, { day: today, span: 'week' }, {}],
  ];
  for (const [label, actor, raw, filter] of boards) {
    const query = DispatchBoardQuery.parse(raw);
    const plan = await explain(client, dialect.sqlToQuery(boardTicketsSql(actor, filter)));
    let shape = '';
    await time(
      label,
      async () => {
        const b = await services.dispatch.board(actor, query);
        shape = `${b.tickets.length} tickets, ${b.engineers.length} engineers, ${b.visits.length} visits`;
        return b.tickets.length;
      },
      plan,
    );
    console.log(`${''.padEnd(52)} ${shape}`);
  }

  // Suggestions over HTTP, logged in as the region's dispatcher, a different open ticket each run.
  const app = await buildApp(deps, services);
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bench-dispatcher', password } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const cookie = `fw_session=${login.cookies.find((c) => c.name === 'fw_session')!.value}`;
  const ticketIds = (
    await client.query<{ id: string }>(
      `select id from tickets where number like 'BO-%' and substring(number from 4)::int < ${EAST.open} order by md5(id::text) limit ${RUNS + WARMUP}`,
    )
  ).rows.map((r) => r.id);
  console.log();
  console.log(`${'suggestions'.padEnd(52)} ${'median'.padStart(10)} ${'p95'.padStart(10)}  items`);
  await time('GET /api/tickets/:id/suggestions (HTTP, 300 engineers)', async (i) => {
    const res = await app.inject({ method: 'GET', url: `/api/tickets/${ticketIds[i]}/suggestions`, headers: { cookie } });
    if (res.statusCode !== 200) throw new Error(`suggestions: ${res.statusCode} ${res.body}`);
    return (JSON.parse(res.body) as { items: unknown[] }).items.length;
  });
  await time('dispatch.suggestions (service call)', async (i) => (await services.dispatch.suggestions(dispatcher, ticketIds[i]!)).length);

  await app.close();
  await client.end();
  await database.close();
}

if (isMain(import.meta.url))
  runBenchmark(async () => {
    const cpus = os.cpus();
    console.log(`dispatch board benchmark: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`);
    await withScratchDatabase('fw_bench_dispatch', bench);
    console.log(`load average at the end ${os.loadavg()[0]!.toFixed(1)}`);
  });
