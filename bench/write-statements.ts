/**
 * Statements per ticket write over HTTP on PostgreSQL: the real app (bench/lib/app.ts), the
 * node-postgres client instrumented to count every statement a request causes — authentication,
 * the transaction, the response's reads — for create, comment, transition and assignment.
 * `--verbose` lists them. Round trips are what a write costs here (each one a socket write in Node
 * and a statement in PostgreSQL), so this is the number to watch when the write path changes.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:statements [-- --verbose]
 */
import pg from 'pg';
import { openDatabase } from '../server/db/client';
import { startBenchApp } from './lib/app';
import { prepareCreate } from './scenarios/writes';
import { isMain, runBenchmark, withScratchDatabase } from './scratch-database';

type Query = (this: pg.Client, ...args: unknown[]) => unknown;

/** Runs `op` and returns the statements sent meanwhile (the app is otherwise idle). */
async function countStatements(op: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const original = pg.Client.prototype.query as unknown as Query;
  (pg.Client.prototype as unknown as { query: Query }).query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    seen.push((typeof config === 'string' ? config : (config?.text ?? '?')).replace(/\s+/g, ' '));
    return original.apply(this, args);
  };
  try {
    await op();
  } finally {
    (pg.Client.prototype as unknown as { query: Query }).query = original;
  }
  return seen;
}

export async function main() {
  const verbose = process.argv.includes('--verbose');
  await withScratchDatabase('bench_statements', async (url) => {
    const app = await startBenchApp(await openDatabase({ url }));
    try {
      const { agent, create } = await prepareCreate(app);
      const engineers = [await app.login('bench.eng.a', 'engineer'), await app.login('bench.eng.b', 'engineer')];
      // Warm: caches filled, statements prepared, as on a desk that has been running.
      for (let i = 0; i < 5; i++) await create({ assigneeId: engineers[0]!.id });
      const commented = await create({ assigneeId: engineers[0]!.id });
      const moved = await create({ assigneeId: engineers[0]!.id });
      const reassigned = await create({ assigneeId: engineers[0]!.id });
      const ops: Record<string, () => Promise<unknown>> = {
        create: () => create(),
        comment: () => agent.call('POST', `/api/tickets/${commented.id}/comments`, { body: '已远程检查', public: true }, [201]),
        transition: () => agent.call('POST', `/api/tickets/${moved.id}/transitions`, { to: 'in_progress' }),
        assignment: () => agent.call('PATCH', `/api/tickets/${reassigned.id}`, { assigneeId: engineers[1]!.id }),
      };
      console.log('| write | statements per request |\n|---|---|');
      for (const [name, op] of Object.entries(ops)) {
        const statements = await countStatements(op);
        console.log(`| ${name} | ${statements.length} |`);
        if (verbose) for (const s of statements) console.log(`    ${s.slice(0, 160)}`);
      }
    } finally {
      await app.close();
    }
  });
}

if (isMain(import.meta.url)) runBenchmark(main);
