/**
 * The ticket write path over HTTP: create, comment, transition and assignment, each timed from
 * one client and from 8 concurrent clients. Tickets written concurrently are never the same
 * ticket at the same moment (a pool of tickets is lent out one call at a time).
 */
import crypto from 'node:crypto';
import type { BenchApp } from '../lib/app';
import { measure, type Timing } from '../lib/stats';

export const WRITE_SCENARIOS = ['create', 'comment', 'transition', 'assignment'] as const;
export type WriteScenario = (typeof WRITE_SCENARIOS)[number];
export type WriteResults = Record<WriteScenario, { one: Timing; eight: Timing }>;

const POOL = 64;

/** Ticket creation only (the PGlite comparison needs no more). */
export async function prepareCreate(app: BenchApp) {
  const customer = await app.services.customers.create(null, { name: `基准客户 ${crypto.randomUUID()}` });
  const agent = await app.login(`bench.agent.${crypto.randomUUID().slice(0, 8)}`, 'dispatcher');
  const body = { title: 'ATM 无法读卡', description: '客户来电报修，网点 2 号机读卡器报错。', severity: 'P2', channel: 'phone', customerId: customer.id };
  const create = (extra: Record<string, unknown> = {}) => agent.call<{ id: string; status: string }>('POST', '/api/tickets', { ...body, ...extra }, [201]);
  return { customer, agent, create };
}

export async function benchWrites(app: BenchApp, size: { requests: number; concurrentRequests: number; warmup: number }): Promise<WriteResults> {
  const { agent, create } = await prepareCreate(app);
  const engineers = [await app.login('bench.eng.a', 'engineer'), await app.login('bench.eng.b', 'engineer')];
  const engineerIds = engineers.map((e) => e.id);

  /** A pool of tickets lent to one call at a time, each with its own state. */
  const pool = async <S>(make: () => Promise<S>) => {
    const free: S[] = [];
    for (let i = 0; i < POOL; i++) free.push(await make());
    return async (use: (item: S) => Promise<void>) => {
      const item = free.shift()!;
      try {
        await use(item);
      } finally {
        free.push(item);
      }
    };
  };
  const assigned = async () => ({ id: (await create({ assigneeId: engineerIds[0] })).id, flip: false });
  const inProgress = async () => {
    const t = await assigned();
    await agent.call('POST', `/api/tickets/${t.id}/transitions`, { to: 'in_progress' });
    return t;
  };

  const ops: Record<WriteScenario, (i: number) => Promise<unknown>> = {
    create: () => create(),
    comment: await (async () => {
      const lend = await pool(assigned);
      return (i: number) => lend((t) => agent.call('POST', `/api/tickets/${t.id}/comments`, { body: `第 ${i} 次更新：已远程检查`, public: i % 2 === 0 }, [201]).then(() => {}));
    })(),
    transition: await (async () => {
      const lend = await pool(inProgress);
      return () =>
        lend(async (t) => {
          await agent.call('POST', `/api/tickets/${t.id}/transitions`, { to: t.flip ? 'in_progress' : 'pending_customer' });
          t.flip = !t.flip;
        });
    })(),
    assignment: await (async () => {
      const lend = await pool(assigned);
      return () =>
        lend(async (t) => {
          await agent.call('PATCH', `/api/tickets/${t.id}`, { assigneeId: engineerIds[t.flip ? 0 : 1] });
          t.flip = !t.flip;
        });
    })(),
  };

  const results = {} as WriteResults;
  for (const scenario of WRITE_SCENARIOS) {
    const one = await measure(ops[scenario], { requests: size.requests, warmup: size.warmup });
    const eight = await measure(ops[scenario], { requests: size.concurrentRequests, clients: 8 });
    results[scenario] = { one, eight };
  }
  return results;
}
