/**
 * Ticket-create latency over real HTTP (loopback), on the embedded PGlite database in a temporary
 * data folder (as `npm start` runs it) and, when DATABASE_URL is set, on a scratch PostgreSQL
 * database created on that server. Prints median and p99 for sequential requests, then the
 * throughput of 8 concurrent clients. (`npm run bench` times every write, with references.)
 *
 *   npm run bench:ticket-create
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:ticket-create
 */
import { benchDatabase, startBenchApp } from './lib/app';
import { describe, measure } from './lib/stats';
import { prepareCreate } from './scenarios/writes';
import { runBenchmark, withScratchDatabase } from './scratch-database';

const SEQUENTIAL = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENT_REQUESTS = Number(process.env.BENCH_CONCURRENT_REQUESTS ?? 1000);

async function run(label: string, url?: string) {
  const { database, dataDir, cleanup } = await benchDatabase(url);
  const app = await startBenchApp(database, { dataDir });
  try {
    const { create } = await prepareCreate(app);
    // 50 warm-up creates: JIT, caches, first-year counter row.
    const sequential = await measure(() => create(), { requests: SEQUENTIAL, warmup: 50 });
    const concurrent = await measure(() => create(), { requests: CONCURRENT_REQUESTS, clients: 8 });
    console.log(`${label.padEnd(11)} sequential: ${describe(sequential)}\n${''.padEnd(11)} concurrent: ${describe(concurrent)}`);
  } finally {
    await app.close();
    cleanup();
  }
}

runBenchmark(async () => {
  console.log(`ticket create over HTTP, Node ${process.version}`);
  await run('PGlite');
  if (!process.env.DATABASE_URL) {
    console.log('PostgreSQL  skipped (set DATABASE_URL to a server where a scratch database may be created)');
    return;
  }
  await withScratchDatabase('fw_bench_create', (url) => run('PostgreSQL', url));
});
