/**
 * Memory of the app's own process (bench/lib/app-process.ts): RSS idle, after N requests (ticket
 * reads and the newest queue page from autocannon, 8 connections), and after N more (2N in all);
 * the growth between the two equal runs should be about zero. A full collection runs before each
 * reading.
 */
import autocannon from 'autocannon';
import type { Client } from '../lib/app';

export interface MemoryResult {
  requests: number;
  idleMb: number;
  afterFirstMb: number;
  afterSecondMb: number;
  growthMb: number;
  /** Throughput of the two runs. */
  requestsPerSecond: number;
}

export async function measureMemory(agent: Client, rssMb: () => Promise<number>, ticketIds: string[], requests: number): Promise<MemoryResult> {
  const paths = ['/api/tickets', ...ticketIds.slice(0, 4).map((id) => `/api/tickets/${id}`)];
  const rates: number[] = [];
  const run = async () => {
    const result = await autocannon({ url: agent.base, connections: 8, amount: requests, headers: { cookie: agent.cookie }, requests: paths.map((path) => ({ method: 'GET', path })) });
    if (result.errors + result.non2xx > 0) throw new Error(`memory run: ${result.errors} errors, ${result.non2xx} non-2xx`);
    rates.push(result.requests.average);
  };
  const idleMb = await rssMb();
  await run();
  const afterFirstMb = await rssMb();
  await run();
  const afterSecondMb = await rssMb();
  return { requests, idleMb, afterFirstMb, afterSecondMb, growthMb: afterSecondMb - afterFirstMb, requestsPerSecond: (rates[0]! + rates[1]!) / 2 };
}
