/**
 * `npm run bench`: every scenario on PostgreSQL in one run, each next to a reference measured in
 * the same run (bare Fastify + node-postgres / PGlite), against the goals of issue 9. Writes
 * bench/results/latest.json and latest.md. BENCH_SIZE=small (a quick look, < 3 min) or full
 * (default; 1,000,000 tickets for the read scenarios, < 20 min). See bench/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../server/db/client';
import { measureEventLag } from './event-lag';
import { benchDatabase, startBenchApp } from './lib/app';
import { startAppProcess } from './lib/app-process';
import { pct, printTable, type Row, times, writeResults } from './lib/report';
import { describe, fmtMs, measure, type Timing } from './lib/stats';
import { loadTest } from './scenarios/load';
import { measureMemory } from './scenarios/memory';
import { bareInsertPglite, bareInsertPostgres, bareSelects } from './scenarios/references';
import { ensureWeb, measureWeb } from './scenarios/web';
import { benchWrites, prepareCreate, WRITE_SCENARIOS, type WriteResults } from './scenarios/writes';
import { runBenchmark, withScratchDatabase } from './scratch-database';
import { measureClaim } from './sweep-claim';
import { existingNumber, generateQueueDataset, queueViews, TITLE_SEARCH, type Viewer } from './ticket-queue';

const SIZES = {
  small: { tickets: 20_000, requests: 100, concurrentRequests: 200, warmup: 20, readRuns: 40, referenceRequests: 400, loadSeconds: 2, memoryRequests: 2_500, eventSeconds: 5 },
  full: { tickets: 1_000_000, requests: 500, concurrentRequests: 1_000, warmup: 50, readRuns: 200, referenceRequests: 2_000, loadSeconds: 10, memoryRequests: 50_000, eventSeconds: 20 },
};
const sizeName = (process.env.BENCH_SIZE ?? 'full') as keyof typeof SIZES;
const size = SIZES[sizeName];
if (!size) throw new Error(`BENCH_SIZE must be small or full, got ${sizeName}`);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const section = (title: string) => console.log(`\n== ${title}`);

/** Writes on PostgreSQL (ours, then the bare insert on the same server) and the PGlite create pair. */
async function writes() {
  section('writes over HTTP (PostgreSQL)');
  let ours!: WriteResults;
  let bare!: Timing;
  await withScratchDatabase(
    'fw_bench_writes',
    async (url) => {
      const app = await startBenchApp(await openDatabase({ url }));
      try {
        ours = await benchWrites(app, size);
      } finally {
        await app.close();
      }
      for (const s of WRITE_SCENARIOS) console.log(`  ${s.padEnd(11)} 1: ${describe(ours[s].one)}\n  ${''.padEnd(11)} 8: ${describe(ours[s].eight)}`);
      bare = await bareInsertPostgres(url, size.referenceRequests);
      console.log(`  bare Fastify + pg insert: ${describe(bare)}`);
    },
    DATABASE_URL,
  );

  section('ticket create over HTTP (PGlite)');
  const { database, dataDir, cleanup } = await benchDatabase();
  let pgliteCreate: Timing;
  try {
    const app = await startBenchApp(database, { dataDir });
    try {
      const { create } = await prepareCreate(app);
      pgliteCreate = await measure(() => create(), { requests: size.concurrentRequests, clients: 8, warmup: size.warmup });
    } finally {
      await app.close();
    }
  } finally {
    cleanup();
  }
  console.log(`  create: ${describe(pgliteCreate)}`);
  const bareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-bench-bare-'));
  let barePglite: Timing;
  try {
    barePglite = await bareInsertPglite(bareDir, size.referenceRequests);
  } finally {
    fs.rmSync(bareDir, { recursive: true, force: true });
  }
  console.log(`  bare Fastify + PGlite insert: ${describe(barePglite)}`);
  return { ours, bare, pgliteCreate, barePglite };
}

/** Reads, sweep claim, load, memory and the web, on the generated desk. */
async function reads() {
  const result = {} as {
    views: Array<{ label: string; timing: Timing }>;
    numberLookup: Timing;
    titleSearch: Timing;
    bare: Awaited<ReturnType<typeof bareSelects>>;
    claim: Timing;
    load: Awaited<ReturnType<typeof loadTest>>;
    memory: Awaited<ReturnType<typeof measureMemory>>;
    web: Awaited<ReturnType<typeof measureWeb>> | { error: string };
  };
  await withScratchDatabase(
    'fw_bench_reads',
    async (url) => {
      section(`reads on ${size.tickets.toLocaleString('en')} generated tickets (PostgreSQL)`);
      const database = await openDatabase({ url });
      await database.migrate();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const data = await generateQueueDataset(client, size.tickets);
      // The app numbers new tickets after the generated ones (the load test creates some).
      await client.query(`insert into ticket_counters (year, last_value) values (2026, $1) on conflict (year) do update set last_value = excluded.last_value`, [
        size.tickets,
      ]);
      const app = await startBenchApp(database);
      try {
        const viewers: Record<Viewer, Awaited<ReturnType<typeof app.login>>> = {
          dispatcher: await app.login('bench.dispatcher', 'dispatcher'),
          engineer: await app.login(data.engineer.username, 'engineer', { existing: true }),
          manager: await app.login('bench.manager', 'manager', { centerId: data.center.id }),
          bigCustomer: await app.login('bench.customer.big', 'customer_user', { customerId: data.biggestCustomerId }),
          typicalCustomer: await app.login('bench.customer.typical', 'customer_user', { customerId: data.typicalCustomerId }),
        };
        const get = (viewer: Viewer, query: Record<string, string>) => viewers[viewer].call('GET', `/api/tickets?${new URLSearchParams(query)}`);
        result.views = [];
        for (const view of queueViews(data)) {
          const timing = await measure(() => get(view.viewer, view.query), { requests: size.readRuns, warmup: 3 });
          result.views.push({ label: view.label, timing });
          console.log(`  ${view.label.padEnd(36)} ${describe(timing)}`);
        }
        result.numberLookup = await measure((i) => get('dispatcher', { q: existingNumber(size.tickets, i) }), { requests: size.readRuns, warmup: 3 });
        console.log(`  ${'number lookup (varying numbers)'.padEnd(36)} ${describe(result.numberLookup)}`);
        result.titleSearch = result.views.find((v) => v.label === 'dispatcher: text in title')!.timing;
        const numbers = Array.from({ length: 100 }, (_, i) => existingNumber(size.tickets, i));
        result.bare = await bareSelects(url, numbers, size.readRuns);
        console.log(`  bare select by number: ${describe(result.bare.byNumber)}\n  bare newest page:      ${describe(result.bare.newestPage)}`);

        section('sweep claim of 1,000 due tickets');
        result.claim = await measureClaim(client, 1_000, 20);
        console.log(`  ${describe(result.claim)}`);

        const page = await viewers.dispatcher.call<{ items: Array<{ id: string }> }>('GET', '/api/tickets?open=true');
        const ticketIds = page.items.map((t) => t.id);
        const served = await startAppProcess(url);
        try {
          const agent = await served.signIn('bench.dispatcher');
          section('load test: create + queue + ticket read, 1:8:4 (autocannon; the app in its own process)');
          result.load = await loadTest(agent, { customerId: data.biggestCustomerId, ticketIds, seconds: size.loadSeconds, maxConnections: 64 });
          const knee = result.load.knee;
          console.log(knee ? `  knee: ${knee.connections} connections, ${knee.requestsPerSecond.toFixed(0)} req/s, p99 ${knee.p99} ms` : '  no concurrency kept p99 within 100 ms');

          section(`memory: RSS of the app process (pid ${served.pid}), ${size.memoryRequests.toLocaleString('en')} requests twice`);
          result.memory = await measureMemory(agent, served.rssMb, ticketIds, size.memoryRequests);
          const m = result.memory;
          console.log(
            `  idle ${m.idleMb.toFixed(0)} MB, after ${m.requests.toLocaleString('en')} requests ${m.afterFirstMb.toFixed(0)} MB, after ${(2 * m.requests).toLocaleString('en')} ${m.afterSecondMb.toFixed(0)} MB, growth between the equal runs ${m.growthMb.toFixed(1)} MB (${m.requestsPerSecond.toFixed(0)} req/s)`,
          );
        } finally {
          await served.stop();
        }

        section('web: the queue cold in Chromium');
        try {
          await ensureWeb();
          result.web = await measureWeb(viewers.dispatcher);
          const w = result.web;
          console.log(
            `  queue usable ${w.queueUsableMs.toFixed(0)} ms, ${(w.queueJsBytes / 1024).toFixed(0)} KB JavaScript over the wire in ${w.queueJsFiles} files; ticket page: ${w.ticketPageApiRequests} API requests\n    ${w.ticketPageApiPaths.join('\n    ')}`,
          );
        } catch (error) {
          result.web = { error: String(error) };
          console.log(`  web not measured: ${error}`);
        }
      } finally {
        await client.end();
        await app.close();
      }
    },
    DATABASE_URL,
  );
  return result;
}

async function eventLag() {
  section('event-consumer lag (PostgreSQL, 50 writes/s)');
  let lag!: Awaited<ReturnType<typeof measureEventLag>>;
  await withScratchDatabase('fw_bench_events', async (url) => void (lag = await measureEventLag(url, { rate: 50, seconds: size.eventSeconds })), DATABASE_URL);
  return lag;
}

function rows(w: Awaited<ReturnType<typeof writes>>, r: Awaited<ReturnType<typeof reads>>, lag: Awaited<ReturnType<typeof eventLag>>): Row[] {
  const rate = (t: Timing) => `${t.rate.toFixed(0)}/s, median ${fmtMs(t.median)}, p99 ${fmtMs(t.p99)}`;
  const out: Row[] = [];
  for (const s of WRITE_SCENARIOS) {
    const t = w.ours[s].eight;
    const share = t.rate / w.bare.rate;
    const goal = s === 'create' ? '≥ 25 % of bare; p99 < 50 ms' : '≥ 25 % of bare';
    out.push({ scenario: `${s}, 8 clients (PostgreSQL)`, ours: rate(t), reference: `bare pg insert ${rate(w.bare)}`, ratio: pct(t.rate, w.bare.rate), goal, met: share >= 0.25 && (s !== 'create' || t.p99 < 50) });
    const one = w.ours[s].one;
    out.push({ scenario: `${s}, 1 client (PostgreSQL)`, ours: rate(one), reference: '', ratio: '', goal: '', met: null });
  }
  out.push({
    scenario: 'create, 8 clients (PGlite)',
    ours: rate(w.pgliteCreate),
    reference: `bare PGlite insert ${rate(w.barePglite)}`,
    ratio: pct(w.pgliteCreate.rate, w.barePglite.rate),
    goal: '≥ 25 % of bare',
    met: w.pgliteCreate.rate / w.barePglite.rate >= 0.25,
  });
  out.push({
    scenario: 'ticket number lookup (GET ?q=FW-…)',
    ours: `median ${fmtMs(r.numberLookup.median)}`,
    reference: `bare select by number ${fmtMs(r.bare.byNumber.median)}`,
    ratio: times(r.numberLookup.median, r.bare.byNumber.median),
    goal: 'median < 2 ms',
    met: r.numberLookup.median < 2,
  });
  for (const v of r.views) {
    if (v.label.includes('text in title') || v.label.includes('ticket number')) continue;
    out.push({
      scenario: `queue: ${v.label}`,
      ours: `p95 ${fmtMs(v.timing.p95)} (median ${fmtMs(v.timing.median)})`,
      reference: `bare newest page p95 ${fmtMs(r.bare.newestPage.p95)}`,
      ratio: times(v.timing.p95, r.bare.newestPage.p95),
      goal: 'p95 < 20 ms',
      met: v.timing.p95 < 20,
    });
  }
  out.push({ scenario: `title search ("${TITLE_SEARCH}")`, ours: `p95 ${fmtMs(r.titleSearch.p95)} (median ${fmtMs(r.titleSearch.median)})`, reference: '', ratio: '', goal: 'p95 < 100 ms', met: r.titleSearch.p95 < 100 });
  out.push({ scenario: 'sweep claim of 1,000 due', ours: `median ${fmtMs(r.claim.median)}, p95 ${fmtMs(r.claim.p95)}`, reference: '', ratio: '', goal: 'median < 50 ms (bench:sweep-claim)', met: r.claim.median < 50 });
  for (const l of lag) {
    out.push({ scenario: `event lag: ${l.consumer}`, ours: `median ${l.median.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms, p99 ${l.p99.toFixed(1)} ms (${l.events} events)`, reference: '', ratio: '', goal: '', met: null });
  }
  const knee = r.load.knee;
  out.push({
    scenario: 'load 1:8:4 create/queue/read: knee',
    ours: knee ? `${knee.connections} connections, ${knee.requestsPerSecond.toFixed(0)} req/s, p99 ${knee.p99} ms` : 'p99 > 100 ms already at 1 connection',
    reference: '',
    ratio: '',
    goal: 'highest concurrency with p99 ≤ 100 ms',
    met: null,
  });
  const m = r.memory;
  out.push({
    scenario: `memory: RSS idle → after ${m.requests.toLocaleString('en')} requests → after ${(2 * m.requests).toLocaleString('en')}`,
    ours: `${m.idleMb.toFixed(0)} → ${m.afterFirstMb.toFixed(0)} → ${m.afterSecondMb.toFixed(0)} MB (growth ${m.growthMb.toFixed(1)} MB)`,
    reference: '',
    ratio: '',
    goal: 'no growth between equal runs (< 10 MB)',
    met: m.growthMb < 10,
  });
  if ('error' in r.web) {
    out.push({ scenario: 'web', ours: `not measured: ${r.web.error.slice(0, 80)}`, reference: '', ratio: '', goal: '', met: null });
  } else {
    const w = r.web;
    out.push({ scenario: 'web: queue usable cold (Chromium)', ours: `${w.queueUsableMs.toFixed(0)} ms`, reference: '', ratio: '', goal: '< 1 s', met: w.queueUsableMs < 1000 });
    out.push({ scenario: "web: queue's first-load JavaScript (as served)", ours: `${(w.queueJsBytes / 1024).toFixed(0)} KB in ${w.queueJsFiles} files`, reference: '', ratio: '', goal: '≤ 250 KB', met: w.queueJsBytes <= 250 * 1024 });
    out.push({ scenario: 'web: API requests when the ticket page opens', ours: String(w.ticketPageApiRequests), reference: '', ratio: '', goal: 'one', met: w.ticketPageApiRequests <= 1 });
  }
  return out;
}

runBenchmark(async () => {
  const started = performance.now();
  const cpus = os.cpus();
  const header = {
    size: sizeName,
    date: new Date().toISOString(),
    machine: `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`,
    loadAverageAtStart: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
  console.log(`npm run bench, size ${sizeName} (${size.tickets.toLocaleString('en')} tickets for reads); ${header.machine}; load average ${header.loadAverageAtStart}`);
  const w = await writes();
  const r = await reads();
  const lag = await eventLag();
  const table = rows(w, r, lag);
  const full = { ...header, loadAverageAtEnd: os.loadavg().map((l) => l.toFixed(2)).join(' '), durationSeconds: Math.round((performance.now() - started) / 1000) };
  section(`results (${full.durationSeconds} s; load average at end ${full.loadAverageAtEnd})`);
  printTable(table);
  writeResults(full, table, { writes: w, reads: r, eventLag: lag, size });
  console.log('\nwritten: bench/results/latest.json, bench/results/latest.md');
});
