/**
 * `npm run bench:web` — the web scenario of `npm run bench` on its own, on PGlite, in seconds: the
 * app on a fresh PGlite database, a dispatcher and a few tickets, web/dist built if stale, then
 * Chromium opens the queue cold (`scenarios/web.ts`). Prints the figures and every JavaScript file
 * of the first load with its size over the wire. `BENCH_WEB_RUNS` (default 3) cold loads, each in
 * a new browser; the median is the figure. `BENCH_WEB_DIR` serves another build than web/dist (a
 * build of an earlier commit, to compare before and after under the same load): then nothing is built.
 */
import os from 'node:os';
import { benchDatabase, startBenchApp } from './lib/app';
import { ensureWeb, measureWeb, type WebResult } from './scenarios/web';

const runs = Number(process.env.BENCH_WEB_RUNS ?? 3);

async function main() {
  const webDir = process.env.BENCH_WEB_DIR;
  const started = Date.now();
  if (webDir) console.log(`serving ${webDir}`);
  else {
    await ensureWeb();
    console.log(`web/dist ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  const { database, cleanup } = await benchDatabase();
  const app = await startBenchApp(database, { webDir });
  try {
    const dispatcher = await app.login('bench.dispatcher', 'dispatcher');
    const customer = await app.services.customers.create(null, { name: '基准客户' });
    for (let i = 0; i < 5; i++) {
      await dispatcher.call(
        'POST',
        '/api/tickets',
        { title: `ATM 无法读卡 ${i + 1}`, description: '客户来电报修，网点 2 号机读卡器报错。', severity: i === 0 ? 'P1' : 'P2', channel: 'phone', customerId: customer.id },
        [201],
      );
    }
    console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const results: WebResult[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await measureWeb(dispatcher);
      results.push(r);
      console.log(`  run ${i + 1}: queue usable ${r.queueUsableMs.toFixed(0)} ms, ${(r.queueJsBytes / 1024).toFixed(1)} KB JavaScript in ${r.queueJsFiles} files`);
    }
    const sorted = [...results].sort((a, b) => a.queueUsableMs - b.queueUsableMs);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`queue usable cold (median of ${runs}): ${median.queueUsableMs.toFixed(0)} ms (runs: ${results.map((r) => r.queueUsableMs.toFixed(0)).join(', ')})`);
    console.log(`first-load JavaScript (as served): ${(median.queueJsBytes / 1024).toFixed(1)} KB in ${median.queueJsFiles} files (goal ≤ 250 KB)`);
    for (const file of [...median.queueJsList].sort((a, b) => b.bytes - a.bytes)) {
      console.log(`  ${(file.bytes / 1024).toFixed(1).padStart(7)} KB  ${file.path}`);
    }
    console.log(`ticket page: ${median.ticketPageApiRequests} API requests\n  ${median.ticketPageApiPaths.join('\n  ')}`);
  } finally {
    await app.close();
    cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
