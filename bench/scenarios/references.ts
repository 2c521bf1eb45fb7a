/**
 * The bare stack, measured in the same run as our figures: a Fastify server with no plugins
 * whose routes run one SQL statement each — insert a ticket-shaped row, select tickets by their
 * number (the unique index) or the newest page (the reported_at index) — on node-postgres (a pool
 * as large as the app's) or on PGlite. Clients call it over HTTP exactly as they call the app.
 */
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import pg from 'pg';
import { measure, type Timing } from '../lib/stats';

/** A pool for the bare server; pool.end() does not wait for its sockets, so the scratch database's forced drop may still reach one. */
function barePool(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => {});
  return pool;
}

type Exec = (sql: string, params: unknown[]) => Promise<unknown[]>;

const BARE_TABLE = `create table if not exists bare_tickets (
  id uuid primary key default gen_random_uuid(), number text not null unique, title text not null, description text not null,
  severity text not null, channel text not null, status text not null default 'new', customer_id uuid not null,
  created_at timestamptz not null default now(), updated_at timestamptz not null default now())`;

/** What a queue row shows. */
const LIST_COLUMNS = 'id, number, title, status, severity, channel, customer_id, assignee_id, center_id, reported_at, updated_at, sla_due_at, sla_state';

async function startBareServer(exec: Exec) {
  await exec(BARE_TABLE, []);
  await exec('create sequence if not exists bare_numbers', []);
  const app = Fastify({ logger: false });
  app.post('/bare/tickets', async (request, reply) => {
    const b = request.body as { title: string; description: string; severity: string; channel: string; customerId: string };
    const [row] = await exec(
      `insert into bare_tickets (number, title, description, severity, channel, customer_id)
       values ('FW-B-' || nextval('bare_numbers'), $1, $2, $3, $4, $5) returning *`,
      [b.title, b.description, b.severity, b.channel, b.customerId],
    );
    return reply.status(201).send(row);
  });
  app.get('/bare/tickets', async (request) => {
    const { number } = request.query as { number?: string };
    if (number) return { items: await exec(`select ${LIST_COLUMNS} from tickets where number = $1`, [number]) };
    return { items: await exec(`select ${LIST_COLUMNS} from tickets order by reported_at desc, id desc limit 50`, []) };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  return { base, close: () => app.close() };
}

const body = JSON.stringify({ title: 'ATM 无法读卡', description: '客户来电报修，网点 2 号机读卡器报错。', severity: 'P2', channel: 'phone', customerId: '00000000-0000-4000-8000-0000000000c1' });

async function call(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
}

const insert = (base: string, requests: number) =>
  measure(() => call(`${base}/bare/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), { requests, clients: 8, warmup: 50 });

/** Bare Fastify + node-postgres: insert rate at 8 clients. */
export async function bareInsertPostgres(url: string, requests: number): Promise<Timing> {
  const pool = barePool(url);
  const server = await startBareServer(async (sql, params) => (await pool.query(sql, params)).rows);
  try {
    return await insert(server.base, requests);
  } finally {
    await server.close();
    await pool.query('drop table bare_tickets; drop sequence bare_numbers');
    await pool.end();
  }
}

/** Bare Fastify + PGlite (in a temporary folder, as the app runs it): insert rate at 8 clients. */
export async function bareInsertPglite(dataDir: string, requests: number): Promise<Timing> {
  const db = await PGlite.create(dataDir);
  const server = await startBareServer(async (sql, params) => (await db.query(sql, params)).rows);
  try {
    return await insert(server.base, requests);
  } finally {
    await server.close();
    await db.close();
  }
}

/** Bare Fastify + node-postgres on the generated tickets: select by number, and the newest page. */
export async function bareSelects(url: string, numbers: string[], requests: number): Promise<{ byNumber: Timing; newestPage: Timing }> {
  const pool = barePool(url);
  const server = await startBareServer(async (sql, params) => (await pool.query(sql, params)).rows);
  try {
    const byNumber = await measure((i) => call(`${server.base}/bare/tickets?number=${numbers[i % numbers.length]}`), { requests, warmup: 20 });
    const newestPage = await measure(() => call(`${server.base}/bare/tickets`), { requests, warmup: 20 });
    return { byNumber, newestPage };
  } finally {
    await server.close();
    await pool.query('drop table bare_tickets; drop sequence bare_numbers');
    await pool.end();
  }
}
