/** Timing for benchmarks: percentiles, and a driver that runs an operation from N concurrent clients. */

/** The p-th percentile (nearest rank) of ascending `sorted` latencies. */
export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

export interface Timing {
  n: number;
  clients: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
  /** Completed operations per second over the whole run (wall clock). */
  rate: number;
}

/** Percentiles of `times` (ms, any order) and the rate over `elapsedMs` of wall clock. */
export function summarize(times: number[], elapsedMs: number, clients = 1): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    n: sorted.length,
    clients,
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
    rate: sorted.length / (elapsedMs / 1000),
  };
}

/**
 * Runs `op` `requests` times in total from `clients` concurrent clients (each waits for its
 * previous call), after `warmup` untimed calls; `op` gets the call's index. Returns the timing.
 */
export async function measure(op: (i: number) => Promise<unknown>, options: { requests: number; clients?: number; warmup?: number }): Promise<Timing> {
  const clients = options.clients ?? 1;
  let next = 0;
  for (let i = 0; i < (options.warmup ?? 0); i++) await op(next++);
  const times: number[] = [];
  let remaining = options.requests;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (remaining-- > 0) {
        const t0 = performance.now();
        await op(next++);
        times.push(performance.now() - t0);
      }
    }),
  );
  return summarize(times, performance.now() - started, clients);
}

export const fmtMs = (ms: number) => `${ms.toFixed(2)} ms`;

/** One line: "median 3.10 ms, p95 …, p99 …, 812/s (8 clients)". */
export const describe = (t: Timing) =>
  `median ${fmtMs(t.median)}, p95 ${fmtMs(t.p95)}, p99 ${fmtMs(t.p99)}, ${t.rate.toFixed(0)}/s (${t.clients} client${t.clients === 1 ? '' : 's'}, n=${t.n})`;
