/**
 * Helpers for process-level tests: real server processes (`node --import tsx server/main.ts`) on
 * a free port, each on a scratch PostgreSQL database or a PGlite data folder, and a way to wait
 * for a condition with a deadline instead of sleeping. Every process started here is killed when
 * the test process exits, so a failed test leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Severity } from '../../common/domain';
import { createServices } from '../app';
import { rows, type Database, type Db } from '../db/client';
import { createPasswordHasher } from '../modules/auth/password';
import { ensureTimeRuleDefaults } from '../modules/time-rules/seed';
import type { Actor } from '../platform/actor';
import { systemClock } from '../platform/clock';
import { loadConfig } from '../platform/config';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Polls `check` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}${lastError ? `; last error: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/** A port nobody listens on right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty PostgreSQL database on the server of `adminUrl`; `drop()` removes it. */
export async function createScratchPostgres(adminUrl: string, prefix = 'fw_proc'): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface ServerOptions {
  /** PostgreSQL connection string; when absent the process uses PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  adminPassword?: string;
  sweepIntervalMs?: number;
  deliveryIntervalMs?: number;
  logLevel?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** How long start-up (migrations, seed, listen) may take. */
  readyTimeoutMs?: number;
}

export interface ServerProcess {
  pid: number;
  port: number;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Its JSON log lines (pino), parsed; other lines are skipped. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** SIGKILL: no shutdown hook runs, open transactions die with the connection. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the graceful shutdown (SIGKILL if it takes longer than `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The `admin` password of every server started here (FUWUTAI_ADMIN_PASSWORD). */
export const ADMIN_PASSWORD = 'process-test-root-pw'; // must pass the password policy: not containing "admin"
/** Password of every user the seeder creates. */
export const PASSWORD = 'process-test-password';

/** Starts `server/main.ts` in a child process and resolves once /api/health answers. */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  if (!options.databaseUrl && !options.dataDir) throw new Error('startServer needs a databaseUrl or a dataDir');
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Never inherit the test run's DATABASE_URL (the admin database of the CI run): the caller decides.
  delete env.DATABASE_URL;
  delete env.FUWUTAI_SMTP_URL;
  delete env.FUWUTAI_DATA_DIR;
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? 'warn',
    FUWUTAI_ADMIN_PASSWORD: options.adminPassword ?? ADMIN_PASSWORD,
    FUWUTAI_SWEEP_INTERVAL_MS: String(options.sweepIntervalMs ?? 200),
    FUWUTAI_DELIVERY_INTERVAL_MS: String(options.deliveryIntervalMs ?? 500),
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : { FUWUTAI_DATA_DIR: options.dataDir }),
    ...options.env,
  });
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      exitedFlag = true;
      running.delete(child);
      resolve({ code, signal });
    });
  });
  const url = `http://127.0.0.1:${port}`;

  const server: ServerProcess = {
    pid: child.pid!,
    port,
    url,
    output: () => output,
    logs: () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    exited,
    hasExited: () => exitedFlag,
    async kill() {
      if (!exitedFlag) child.kill('SIGKILL');
      await exited;
    },
    async stop(timeoutMs = 15_000) {
      if (exitedFlag) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };

  try {
    const state = await waitFor(
      `server on port ${port} to answer /api/health`,
      async () => (exitedFlag ? 'exited' : (await fetch(`${url}/api/health`)).ok && 'ready'),
      { timeoutMs: options.readyTimeoutMs ?? 60_000, intervalMs: 100 },
    );
    if (state === 'exited') throw new Error(`server on port ${port} exited during start-up`);
  } catch (error) {
    await server.kill();
    throw new Error(`${(error as Error).message}\n--- server output ---\n${output}`);
  }
  return server;
}

/** A minimal cookie-keeping HTTP client for a server process. */
export interface HttpClient {
  get<T = any>(url: string): Promise<{ status: number; body: T }>;
  post<T = any>(url: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export async function login(baseUrl: string, username: string, password: string): Promise<HttpClient> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const call = async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
  };
  return { get: (url) => call('GET', url), post: (url, body) => call('POST', url, body ?? {}) };
}

export interface SeededTicket {
  id: string;
  number: string;
  severity: Severity;
  reportedAt: Date;
}

/**
 * Writes test data straight into a database no server process is using at that moment (PGlite
 * data folders allow one process at a time) or shares with them (PostgreSQL), through the real
 * services: the time-rule defaults, a manager, an executive, a dispatcher (SLA warnings of
 * unassigned tickets), a customer, and tickets reported in the past.
 */
export async function createSeeder(database: Database) {
  const config = { ...loadConfig({}), logLevel: 'silent' };
  const services = createServices({ config, database, clock: systemClock, hasher: createPasswordHasher('test'), logger: false });
  await ensureTimeRuleDefaults(services.db, systemClock.now());
  const tag = crypto.randomBytes(3).toString('hex');
  const person = async (role: 'admin' | 'manager' | 'executive' | 'dispatcher') => {
    const user = await services.users.create(null, { username: `${role}.${tag}`, password: PASSWORD, name: `${role} ${tag}`, role, email: `${role}.${tag}@example.test` });
    return user;
  };
  const admin = await person('admin');
  const actor: Actor = { id: admin.id, username: admin.username, name: admin.name, role: 'admin', customerId: null, centerId: null, centerPath: null };
  const staff = { manager: await person('manager'), executive: await person('executive'), dispatcher: await person('dispatcher') };
  const customer = await services.customers.create(null, { name: `进程测试客户 ${tag}` });
  let bulkCount = 0;
  return {
    services,
    staff,
    customerId: customer.id,
    /** Creates tickets reported at the given instants, `parallel` at a time (PostgreSQL only gains from more than 1). */
    async tickets(specs: ReadonlyArray<{ severity: Severity; reportedAt: Date }>, parallel = 1): Promise<SeededTicket[]> {
      const created: SeededTicket[] = new Array(specs.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next < specs.length) {
            const i = next++;
            const spec = specs[i]!;
            const t = await services.tickets.create(actor, {
              title: `定时器测试 ${i}`,
              severity: spec.severity,
              channel: 'phone',
              customerId: customer.id,
              reportedAt: spec.reportedAt.toISOString(),
            });
            created[i] = { id: t.id, number: t.number, severity: spec.severity, reportedAt: spec.reportedAt };
          }
        }),
      );
      return created;
    },
    /**
     * Many open, unassigned tickets in one statement (what a data import writes): ticket `i` was
     * reported `agoMs(i)` before now and is due for evaluation at once (`next_due_at` = reported_at,
     * as after a rule change), so the sweep derives everything else from these facts.
     */
    async bulkTickets(count: number, severityOf: (i: number) => Severity, agoMs: (i: number) => number): Promise<void> {
      const now = Date.now();
      const values = Array.from({ length: count }, (_, i) => ({ severity: severityOf(i), reported_at: new Date(now - agoMs(i)).toISOString() }));
      await services.db.execute(sql`
        insert into tickets (number, title, description, type, channel, severity, category, status, customer_id, reported_at, created_at, updated_at, next_due_at)
        select 'FW-1999-' || lpad((${bulkCount}::int + v.ordinality)::text, 6, '0'), '批量工单 ' || v.ordinality, '', 'fault', 'phone', v.severity, 'other', 'new',
               ${customer.id}::uuid, v.reported_at, v.reported_at, v.reported_at, v.reported_at
        from rows from (jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as (severity text, reported_at timestamptz)) with ordinality as v(severity, reported_at, ordinality)`);
      bulkCount += count;
    },
  };
}

/** One row per (ticket, escalation step) fired, with the step's hours, and counts that must stay at one. */
export async function timerReport(db: Db) {
  const steps = await rows<{ ticket_id: string; severity: Severity; hours: number[] }>(
    db,
    sql`select t.id as ticket_id, t.severity,
               coalesce(array_agg(r.after_minutes / 60 order by r.after_minutes) filter (where r.id is not null), '{}') as hours
        from tickets t
        left join ticket_firings f on f.ticket_id = t.id and f.kind = 'escalation'
        left join escalation_rules r on f.key = 'esc:' || r.id::text
        group by t.id, t.severity`,
  );
  const [counts] = await rows<{ firings: number; escalations: number; escalated_events: number; late_mismatch: number; late: number }>(
    db,
    sql`select (select count(*)::int from ticket_firings) as firings,
               (select count(*)::int from ticket_firings where kind = 'escalation') as escalations,
               (select count(*)::int from ticket_events where kind = 'escalated') as escalated_events,
               (select count(*)::int from ticket_firings where late) as late,
               -- A firing is late when it fired more than a minute after it fell due (sweeps every 200 ms here).
               (select count(*)::int from ticket_firings where late <> (fired_at - due_at > interval '60 seconds')) as late_mismatch`,
  );
  // The same message twice to the same person over the same channel would be a double firing's trace.
  const duplicates = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from outbox
        group by ticket_id, kind, subject, channel, coalesce(user_id::text, email)
        having count(*) > 1`,
  );
  const [due] = await rows<{ n: number }>(db, sql`select count(*)::int as n from tickets where next_due_at <= now()`);
  return {
    steps,
    firings: counts!.firings,
    escalations: counts!.escalations,
    escalatedEvents: counts!.escalated_events,
    late: counts!.late,
    lateMismatch: counts!.late_mismatch,
    duplicateMessages: duplicates.length,
    stillDue: due!.n,
  };
}
