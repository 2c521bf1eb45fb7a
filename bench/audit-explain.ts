/**
 * The audit page's queries on a large log: 200,000 audit entries (tickets, logins, customers,
 * users, time rules) by 60 people over a year, then the real list SQL (`audit.listQuery`, the same
 * the API runs) EXPLAIN ANALYZEd for the filters people use — everything, by person, by kind of
 * object, by action, a time window, a deep page — as an administrator and as a center-scoped
 * manager, plus the label look-ups of one page (labels.ts) timed as a whole. Prints each plan's
 * index use and time.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/audit-explain.ts
 *   (BENCH_AUDIT_ROWS=200000 by default)
 */
import os from 'node:os';
import pg from 'pg';
import { AuditQuery } from '../common/api';
import { createServices } from '../server/app';
import { openDatabase } from '../server/db/client';
import type { Actor } from '../server/platform/actor';
import { systemClock } from '../server/platform/clock';
import { loadConfig } from '../server/platform/config';
import { runBenchmark, withScratchDatabase } from './scratch-database';

const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 200_000);
const PEOPLE = 60;

async function bench(url: string) {
  const database = await openDatabase({ url, poolSize: 4 });
  await database.migrate();
  const services = createServices({ config: { ...loadConfig({}), dataDir: os.tmpdir() }, database, clock: systemClock });
  const client = new pg.Client({ connectionString: url });
  await client.connect();

  // A small organisation: 4 centers, 60 people, 200 customers, 5,000 tickets spread over the centers.
  const started = performance.now();
  await client.query(`
    insert into service_centers (id, code, name, level, path, created_at)
      select g, 'C' || n, '中心' || n, 'regional', '/' || g || '/', now()
      from (select gen_random_uuid() as g, n from generate_series(1, 4) n) c;
    insert into users (username, password_hash, name, role, center_id, created_at, updated_at)
      select 'u' || n, 'x', '员工' || n, (array['engineer','dispatcher','manager','admin'])[1 + n % 4],
             (select id from service_centers order by code offset (n % 4) limit 1), now(), now()
      from generate_series(1, ${PEOPLE}) n;
    insert into customers (name, code, center_id, created_at, updated_at)
      select '客户' || n, 'K' || n, (select id from service_centers order by code offset (n % 4) limit 1), now(), now()
      from generate_series(1, 200) n;
  `);
  const customerIds = (await client.query<{ id: string }>('select id from customers order by code')).rows.map((r) => r.id);
  const userRows = (await client.query<{ id: string }>('select id from users order by username')).rows.map((r) => r.id);
  // Tickets straight in SQL (the numbers and titles are what the labels read).
  await client.query(
    `insert into tickets (number, title, description, type, channel, severity, category, status, customer_id, center_id, reported_at, created_at, updated_at, created_by_id)
       select 'FW-2026-' || lpad(n::text, 6, '0'), '故障 ' || n, '-', 'fault', 'phone', 'P3', 'other', 'in_progress',
              ($1::uuid[])[1 + n % 200], (select id from service_centers order by code offset (n % 4) limit 1), now(), now(), now(), ($2::uuid[])[1]
       from generate_series(1, 5000) n`,
    [customerIds, userRows],
  );
  const ticketIds = (await client.query<{ id: string }>('select id from tickets')).rows.map((r) => r.id);

  // The log: 60 % ticket writes, 20 % logins, 10 % customers, 10 % time rules and users; a year, oldest first.
  await client.query(
    `insert into audit_log (actor_id, entity, entity_id, action, before, after, ip, at)
       select ($1::uuid[])[1 + (n * 7) % ${PEOPLE}],
              case when n % 10 < 6 then 'ticket' when n % 10 < 8 then 'user' when n % 10 = 8 then 'customer' else (array['calendar','sla_policy','center'])[1 + n % 3] end,
              case when n % 10 < 6 then ($2::uuid[])[1 + n % 5000]::text when n % 10 < 8 then ($1::uuid[])[1 + (n * 7) % ${PEOPLE}]::text
                   when n % 10 = 8 then ($3::uuid[])[1 + n % 200]::text else gen_random_uuid()::text end,
              case when n % 10 < 6 then (array['updated','status_changed','commented','internal_note'])[1 + n % 4] when n % 10 < 8 then 'login' else 'updated' end,
              case when n % 10 < 6 then jsonb_build_object('assigneeId', ($1::uuid[])[1 + n % ${PEOPLE}]) end,
              case when n % 10 < 6 then jsonb_build_object('assigneeId', ($1::uuid[])[1 + (n + 1) % ${PEOPLE}]) end,
              '10.0.0.' || (n % 250), now() - interval '365 days' + (n * interval '365 days' / ${ROWS})
       from generate_series(1, ${ROWS}) n`,
    [userRows, ticketIds, customerIds],
  );
  await client.query('analyze');
  const { rows: size } = await client.query<{ n: number; size: string }>(
    `select count(*)::int as n, pg_size_pretty(pg_total_relation_size('audit_log')) as size from audit_log`,
  );
  console.log(`generated ${size[0]!.n.toLocaleString('en')} audit entries (${size[0]!.size} with indexes) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  const admin: Actor = { id: userRows[3]!, username: 'u4', name: '员工4', role: 'admin', customerId: null, centerId: null, centerPath: null };
  const center = (await client.query<{ id: string; path: string }>(`select id, path from service_centers where code = 'C1'`)).rows[0]!;
  const manager: Actor = { id: userRows[2]!, username: 'u3', name: '员工3', role: 'manager', customerId: null, centerId: center.id, centerPath: center.path };
  const person = userRows[10]!;
  const middle = (await client.query<{ id: number }>('select id from audit_log order by id offset $1 limit 1', [Math.floor(ROWS / 2)])).rows[0]!.id;
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const halfYearAgo = new Date(Date.now() - 182 * 86_400_000).toISOString();

  const cases: Array<[string, Actor, Record<string, unknown>]> = [
    ['admin: everything, newest 100', admin, {}],
    ['admin: by person', admin, { actorId: person }],
    ['admin: by kind (customer)', admin, { entity: 'customer' }],
    ['admin: by kind (sla_policy)', admin, { entity: 'sla_policy' }],
    ['admin: by kind none has (api_token)', admin, { entity: 'api_token' }],
    ['admin: by action (status_changed)', admin, { action: 'status_changed' }],
    ['admin: by action none did (revoked)', admin, { action: 'revoked' }],
    ['admin: by person + kind', admin, { actorId: person, entity: 'ticket' }],
    ['admin: a week half a year ago', admin, { from: halfYearAgo, to: new Date(Date.parse(halfYearAgo) + 7 * 86_400_000).toISOString() }],
    ['admin: last month, by person', admin, { from: monthAgo, actorId: person }],
    ['admin: deep page (before = middle id)', admin, { before: middle }],
    ['admin: one ticket\'s history', admin, { entity: 'ticket', entityId: ticketIds[42]! }],
    ['manager (one center): everything', manager, {}],
    ['manager (one center): by person', manager, { actorId: person }],
    ['manager (one center): last week', manager, { from: weekAgo }],
  ];
  // As the list runs it (audit/index.ts): without JIT, which costs more than these queries.
  await client.query('set jit = off');
  for (const [name, actor, filters] of cases) {
    const query = AuditQuery.parse(Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, String(v)])));
    const { sql, params } = services.audit.listQuery(services.db, actor, query).toSQL();
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${sql}`, params as unknown[]);
    const plan = rows.map((r) => r['QUERY PLAN']);
    const indexes = [...new Set(plan.join('\n').match(/using \w+/gi) ?? [])].map((s) => s.replace(/^using /i, ''));
    const seq = plan.filter((l) => /Seq Scan on audit_log/.test(l)).length;
    const time = plan.find((l) => l.startsWith('Execution Time'))?.replace('Execution Time: ', '');
    console.log(`${name.padEnd(40)} ${String(time).padStart(12)}  ${seq ? 'SEQ SCAN on audit_log  ' : ''}${indexes.join(', ')}`);
    if (process.env.BENCH_PLANS) console.log(`${plan.join('\n')}\n`);
  }

  // One whole page as the API serves it, labels included (warm).
  for (const [name, actor] of [['admin page of 100 with labels', admin], ['manager page of 100 with labels', manager]] as const) {
    await services.audit.list(services.db, actor, AuditQuery.parse({}));
    const t0 = performance.now();
    const runs = 20;
    for (let i = 0; i < runs; i++) await services.audit.list(services.db, actor, AuditQuery.parse({}));
    console.log(`${name.padEnd(40)} ${((performance.now() - t0) / runs).toFixed(1).padStart(9)} ms  (mean of ${runs}, end to end)`);
  }
  await client.end();
  await database.close();
}

runBenchmark(() => withScratchDatabase('fw_bench_audit', bench));
