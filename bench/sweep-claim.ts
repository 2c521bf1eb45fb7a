/**
 * The due-time sweep's claim query on a large PostgreSQL ticket table: one million open tickets,
 * exactly 1,000 of them due, the rest due later or without a running clock (NULL). Prints how long
 * generating the data takes, the claim query's median and p95 over 20 runs (each in a transaction
 * that is rolled back), its plan (it must use the partial index tickets_next_due_idx), and the
 * sweep-style claim of the 1,000 due tickets in batches of 50 (claim only, no evaluation).
 * Goal: the claim query under 50 ms.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:sweep-claim
 *
 * A scratch database fw_bench_claim_<pid> is created on that server and dropped at the end.
 */
import os from 'node:os';
import pg from 'pg';
import { isMain, runBenchmark, withScratchDatabase } from './scratch-database';
import { percentile, summarize, type Timing } from './lib/stats';
import { openDatabase } from '../server/db/client';
import { generateTickets } from './generate-tickets';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const DUE = 1_000;
const RUNS = 20;
/** The sweep's claim, as server/jobs/sweep.ts sends it (there with the batch size as limit). */
const claim = (limit: number) => `select id from tickets where next_due_at <= $1::timestamptz order by next_due_at limit ${limit} for no key update skip locked`;

const ms = (started: number) => performance.now() - started;

/**
 * Times the sweep's claim of the `due` due tickets, `runs` times after two warm-up runs, each in a
 * transaction that is rolled back; fails unless exactly `due` are claimed.
 */
export async function measureClaim(client: pg.Client, due: number, runs: number): Promise<Timing> {
  const times: number[] = [];
  for (let run = -2; run < runs; run++) {
    await client.query('begin');
    const started = performance.now();
    const { rowCount } = await client.query(claim(due), [new Date().toISOString()]);
    const elapsed = ms(started);
    await client.query('rollback');
    if (rowCount !== due) throw new Error(`claimed ${rowCount}, expected ${due}`);
    if (run >= 0) times.push(elapsed);
  }
  return summarize(times, times.reduce((a, b) => a + b, 0));
}

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  console.log(`${label.padEnd(34)} ${(ms(started) / 1000).toFixed(1)} s`);
  return result;
}

async function bench(url: string) {
  // Two connections: migrate() holds one for its advisory lock while the migrator uses another.
  const database = await openDatabase({ url, poolSize: 2 });
  await timed('migrate', () => database.migrate());
  await database.close();

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string; shared_buffers: string }>(`select version(), current_setting('shared_buffers') as shared_buffers`);
    console.log(`PostgreSQL ${rows[0]!.version}; shared_buffers ${rows[0]!.shared_buffers}\n`);

    // One million open tickets (bench/generate-tickets.ts): every 1,000th due now, a quarter
    // waiting on the customer without a running clock (NULL), the rest due within 30 days.
    await timed(`generate ${TICKETS.toLocaleString('en')} open tickets`, () => generateTickets(client, { tickets: TICKETS, openShare: 1, due: DUE }));
    await timed('analyze', () => client.query('analyze tickets'));
    const sizes = (
      await client.query<{ due: number; nulls: number; table: string; index: string }>(
        `select count(*) filter (where next_due_at <= now())::int as due, count(*) filter (where next_due_at is null)::int as nulls,
                pg_size_pretty(pg_total_relation_size('tickets')) as table, pg_size_pretty(pg_relation_size('tickets_next_due_idx')) as index
         from tickets`,
      )
    ).rows[0]!;
    console.log(`due now ${sizes.due}, without a running clock ${sizes.nulls}; tickets with indexes ${sizes.table}, tickets_next_due_idx ${sizes.index}\n`);
    if (sizes.due !== DUE) throw new Error(`expected ${DUE} due tickets, found ${sizes.due}`);

    const claimTiming = await measureClaim(client, DUE, RUNS);
    console.log(`claim ${DUE} due (limit ${DUE}), ${RUNS} runs: median ${claimTiming.median.toFixed(2)} ms, p95 ${claimTiming.p95.toFixed(2)} ms, max ${claimTiming.max.toFixed(2)} ms`);

    const now = () => new Date().toISOString();
    await client.query('begin');
    const plan = (await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${claim(DUE)}`, [now()])).rows.map((r) => r['QUERY PLAN']);
    await client.query('rollback');
    console.log(`\nexplain (analyze, buffers):\n  ${plan.join('\n  ')}\n`);
    if (!plan.some((line) => line.includes('tickets_next_due_idx'))) throw new Error('the claim query does not use tickets_next_due_idx');

    // As the sweep claims: 50 at a time, each batch its own transaction; here the "evaluation"
    // only moves the claimed tickets' next due moment a day ahead, as firing their steps would.
    await client.query(`create temp table due_before as select id, next_due_at from tickets where next_due_at <= now()`);
    const sweeps: number[] = [];
    const batches: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      for (;;) {
        await client.query('begin');
        const batchStarted = performance.now();
        const { rows: claimed } = await client.query<{ id: string }>(claim(50), [now()]);
        batches.push(ms(batchStarted));
        await client.query(`update tickets set next_due_at = now() + interval '1 day' where id = any($1::uuid[])`, [claimed.map((r) => r.id)]);
        await client.query('commit');
        if (claimed.length < 50) break;
      }
      sweeps.push(ms(started));
      await client.query(`update tickets t set next_due_at = d.next_due_at from due_before d where t.id = d.id`);
    }
    sweeps.sort((a, b) => a - b);
    batches.sort((a, b) => a - b);
    console.log(
      `sweep-style claim of the ${DUE} due in batches of 50 (claim + move each batch, 5 runs): median ${percentile(sweeps, 50).toFixed(1)} ms per sweep; ` +
        `claim query per batch median ${percentile(batches, 50).toFixed(2)} ms, p95 ${percentile(batches, 95).toFixed(2)} ms`,
    );
  } finally {
    await client.end();
  }
}

if (isMain(import.meta.url)) runBenchmark(async () => {
  const cpus = os.cpus();
  console.log(`sweep claim benchmark: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`);
  await withScratchDatabase('fw_bench_claim', bench);
});
