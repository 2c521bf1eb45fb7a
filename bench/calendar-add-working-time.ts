/**
 * Throughput of the business-calendar hot path (`npm run bench:calendar`). SLA sweeps call
 * `addWorkingTimeMs` for every milestone of every open ticket, so it must stay well above
 * 1,000,000 calls per second on a small server. Inputs are generated up front from a fixed seed
 * so the timing covers only the calls, and runs are comparable between machines and commits.
 */
import { addWorkingTimeMs, builtInCalendars, CALENDAR_KEYS, compileCalendar, workingMinutesBetween } from '../server/domain/calendar';

const CALLS = 2_000_000;
const ROUNDS = 5;
const MAX_MINUTES = 14_400; // 240 working hours, the longest SLA target in the seeds
const FROM = Date.parse('2025-01-01T00:00+08:00');
const TO = Date.parse('2027-01-01T00:00+08:00');
const MAX_SPAN_MS = 60 * 86_400_000;

/** mulberry32: tiny, fast, and the same numbers on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const definition = builtInCalendars().find((c) => c.key === CALENDAR_KEYS.china5x8)!.definition;
const cal = compileCalendar(definition);

const random = prng(20260930);
const starts = new Float64Array(CALLS);
const minutes = new Float64Array(CALLS);
const ends = new Float64Array(CALLS);
for (let i = 0; i < CALLS; i++) {
  starts[i] = Math.floor(FROM + random() * (TO - FROM));
  minutes[i] = 1 + Math.floor(random() * MAX_MINUTES);
  ends[i] = starts[i]! + Math.floor(random() * MAX_SPAN_MS);
}

function runAdd(count: number): number {
  let checksum = 0;
  for (let i = 0; i < count; i++) checksum += addWorkingTimeMs(cal, starts[i]!, minutes[i]!);
  return checksum;
}

function runBetween(count: number): number {
  let checksum = 0;
  for (let i = 0; i < count; i++) checksum += workingMinutesBetween(cal, starts[i]!, ends[i]!);
  return checksum;
}

function measure(name: string, run: (count: number) => number): void {
  // Warm-up: lets the JIT optimise the loop and builds the 2025–2027 year tables.
  run(200_000);
  const times: number[] = [];
  let checksum = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    checksum += run(CALLS);
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  const median = times[Math.floor(ROUNDS / 2)]!;
  const best = times[0]!;
  const perSecond = (ms: number) => Math.round((CALLS / ms) * 1000).toLocaleString('en-US');
  console.log(
    `${name.padEnd(22)} ${CALLS.toLocaleString('en-US')} calls × ${ROUNDS} rounds: ` +
      `median ${perSecond(median)} calls/s (${((median * 1e6) / CALLS).toFixed(1)} ns/call), ` +
      `best ${perSecond(best)} calls/s (${((best * 1e6) / CALLS).toFixed(1)} ns/call)  [checksum ${checksum.toExponential(6)}]`,
  );
}

console.log(`5x8-china, starts across 2025–2026, durations 1–${MAX_MINUTES} working minutes, Node ${process.version}`);
measure('addWorkingTimeMs', runAdd);
measure('workingMinutesBetween', runBetween);
