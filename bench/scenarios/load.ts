/**
 * Load test with autocannon: each connection repeats 1 ticket create, 8 queue views and 4 ticket
 * reads (the mix of a busy desk), at 1, 2, 4, … connections until p99 exceeds 100 ms. The knee is
 * the highest concurrency whose p99 stayed within 100 ms, with its throughput.
 */
import autocannon from 'autocannon';
import type { Client } from '../lib/app';

export interface LoadStep {
  connections: number;
  requestsPerSecond: number;
  median: number;
  p99: number;
  errors: number;
}
export interface LoadResult {
  steps: LoadStep[];
  knee: LoadStep | null;
}

const P99_LIMIT_MS = 100;

export async function loadTest(agent: Client, options: { customerId: string; ticketIds: string[]; seconds: number; maxConnections: number }): Promise<LoadResult> {
  const create = {
    method: 'POST' as const,
    path: '/api/tickets',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title: '网络中断', description: '负载测试', severity: 'P3', channel: 'phone', customerId: options.customerId }),
  };
  const queues = ['/api/tickets', '/api/tickets?open=true&sort=due', '/api/tickets?open=true&assigneeId=none', '/api/tickets?open=true&severity=P1&sort=severity'];
  const requests = [
    create,
    ...Array.from({ length: 8 }, (_, i) => ({ method: 'GET' as const, path: queues[i % queues.length]! })),
    ...Array.from({ length: 4 }, (_, i) => ({ method: 'GET' as const, path: `/api/tickets/${options.ticketIds[i % options.ticketIds.length]}` })),
  ];
  const steps: LoadStep[] = [];
  for (let connections = 1; connections <= options.maxConnections; connections *= 2) {
    const result = await autocannon({ url: agent.base, connections, duration: options.seconds, headers: { cookie: agent.cookie }, requests });
    const step = {
      connections,
      requestsPerSecond: result.requests.average,
      median: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
    };
    steps.push(step);
    console.log(`  load ${String(connections).padStart(2)} connections: ${step.requestsPerSecond.toFixed(0)} req/s, median ${step.median} ms, p99 ${step.p99} ms, errors ${step.errors}`);
    if (step.errors > 0 || step.p99 > P99_LIMIT_MS) break;
  }
  const within = steps.filter((s) => s.p99 <= P99_LIMIT_MS && s.errors === 0);
  return { steps, knee: within.at(-1) ?? null };
}
