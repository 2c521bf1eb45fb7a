/**
 * The hotline form's context on a large desk (bench/generate-tickets.ts: 10 % open, customer sizes
 * by a power law): the customer's open and 30-day tickets with the duplicate check, and the
 * due-time preview — the service code the API runs, 30 runs each after warm-up, median and p95.
 * Also prints the plans of the two ticket reads.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/hotline-context.ts
 *   BENCH_TICKETS=200000 … for a quicker run (default 1,000,000)
 */
import os from 'node:os';
import pg from 'pg';
import { createServices } from '../server/app';
import { openDatabase } from '../server/db/client';
import { ensureTimeRuleDefaults } from '../server/modules/time-rules/seed';
import type { Actor } from '../server/platform/actor';
import { systemClock } from '../server/platform/clock';
import { loadConfig } from '../server/platform/config';
import { generateTickets } from './generate-tickets';
import { runBenchmark, withScratchDatabase } from './scratch-database';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const RUNS = 30;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function bench(url: string) {
  const database = await openDatabase({ url, poolSize: 4 });
  await database.migrate();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const generated = await generateTickets(client, { tickets: TICKETS, openShare: 0.1, due: 1_000 });
  const sizes = await client.query<{ customer_id: string; n: number; open: number }>(
    `select customer_id, count(*)::int as n, count(*) filter (where status in ('new','assigned','in_progress','pending_customer'))::int as open
       from tickets where customer_id = any($1::uuid[]) group by customer_id`,
    [[generated.customerIds[0], generated.customerIds[49]]],
  );
  const services = createServices({ config: { ...loadConfig({}), dataDir: os.tmpdir() }, database, clock: systemClock });
  await ensureTimeRuleDefaults(services.db, new Date());
  const dispatcher: Actor = { id: '00000000-0000-4000-8000-00000000000a', username: 'd', name: 'd', role: 'dispatcher', customerId: null, centerId: null, centerPath: null };
  const engineer = (await client.query<{ id: string; center_id: string; path: string }>(
    `select u.id, u.center_id, c.path from users u join service_centers c on c.id = u.center_id where u.username = 'eng21'`,
  )).rows[0]!;
  const scoped: Actor = { ...dispatcher, id: engineer.id, role: 'engineer', centerId: engineer.center_id, centerPath: engineer.path };

  for (const [label, customerId] of [['largest', generated.customerIds[0]!], ['50th largest', generated.customerIds[49]!]] as const) {
    const size = sizes.rows.find((r) => r.customer_id === customerId)!;
    console.log(`customer (${label}): ${size.n.toLocaleString('en')} tickets, ${size.open.toLocaleString('en')} open`);
    for (const [who, actor] of [['dispatcher', dispatcher], ['engineer (center-scoped)', scoped]] as const) {
      const times: number[] = [];
      let rows = 0;
      for (let run = -3; run < RUNS; run++) {
        const t0 = performance.now();
        rows = (await services.hotline.customerTickets(actor, { customerId, title: 'ATM 读卡器故障', callerNumber: '13800138000' })).items.length;
        if (run >= 0) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      console.log(`  tickets + duplicates, ${who.padEnd(26)} ${percentile(times, 50).toFixed(2).padStart(7)} ms median ${percentile(times, 95).toFixed(2).padStart(7)} ms p95  ${rows} rows`);
    }
    const times: number[] = [];
    for (let run = -3; run < RUNS; run++) {
      const t0 = performance.now();
      await services.duePreview({ customerId, severity: 'P2' });
      if (run >= 0) times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(`  due preview ${' '.repeat(41)}${percentile(times, 50).toFixed(2).padStart(7)} ms median ${percentile(times, 95).toFixed(2).padStart(7)} ms p95`);
    for (const [what, where] of [
      ['open', `status in ('new','assigned','in_progress','pending_customer')`],
      ['recent', `reported_at >= now() - interval '30 days' and status not in ('new','assigned','in_progress','pending_customer')`],
    ]) {
      const plan = await client.query(`explain analyze select id, fw_search_tokens(title) from tickets where customer_id = $1 and ${where} order by reported_at desc, id desc limit 51`, [customerId]);
      const lines = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN'] ?? '');
      console.log(`  plan (${what}): ${lines.filter((l) => /Scan|Execution/.test(l)).map((l) => l.trim()).join(' | ')}`);
    }
  }
  await client.end();
  await database.close();
}

runBenchmark(async () => {
  const cpus = os.cpus();
  console.log(`hotline context benchmark: ${TICKETS.toLocaleString('en')} tickets, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  await withScratchDatabase('fw_bench_hotline', bench);
});
