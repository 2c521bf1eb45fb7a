/**
 * The real app for benchmarks: migrated, the shipped time rules in force, listening on a loopback
 * port, the API rate limit off (a benchmark is one very busy client). Requests go over real HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { buildApp, createServices } from '../../server/app';
import { openDatabase, type Database } from '../../server/db/client';
import { users } from '../../server/db/schema';
import { createPasswordHasher } from '../../server/modules/auth/password';
import { ensureTimeRuleDefaults } from '../../server/modules/time-rules';
import { systemClock } from '../../server/platform/clock';
import { loadConfig } from '../../server/platform/config';

export type BenchApp = Awaited<ReturnType<typeof startBenchApp>>;
export type Role = 'admin' | 'dispatcher' | 'engineer' | 'manager' | 'customer_user';

/** Starts the app on `database` (migrating it); `close()` stops it and closes the database. `webDir`: another build of the web to serve than web/dist. */
export async function startBenchApp(database: Database, options: { dataDir?: string; webDir?: string } = {}) {
  await database.migrate();
  const ownDir = options.dataDir ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-bench-'));
  const dataDir = options.dataDir ?? ownDir!;
  const config = { ...loadConfig({}), dataDir, logLevel: 'silent', apiRateLimitPerMinute: 0 };
  const deps = { config, database, clock: systemClock, hasher: createPasswordHasher('test'), logger: false as const, webDir: options.webDir };
  const services = createServices(deps);
  // As in production: the shipped calendars, SLA policies and escalation matrix are in force.
  await ensureTimeRuleDefaults(services.db, new Date());
  const app = await buildApp(deps, services);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  /** A logged-in client for `username`: a new user with this role (and scope), or with `existing` a generated user given a password. */
  const login = async (username: string, role: Role, scope: { centerId?: string; customerId?: string; existing?: boolean } = {}) => {
    const { existing, ...where } = scope;
    const user = existing
      ? (
          await database.db
            .update(users)
            .set({ passwordHash: await services.hasher.hash('bench-password') })
            .where(eq(users.username, username))
            .returning({ id: users.id })
        )[0]!
      : await services.users.create(null, { username, password: 'bench-password', name: username, role, ...where });
    return { ...(await signIn(base, username)), id: user.id };
  };

  return {
    base,
    services,
    database,
    login,
    async close() {
      await app.close();
      await database.close();
      if (ownDir) fs.rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

export type Client = ReturnType<typeof client>;

/** Signs `username` (password bench-password) in over HTTP and returns the client. */
export async function signIn(base: string, username: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'bench-password' }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return client(base, res.headers.get('set-cookie')!.split(';')[0]!);
}

/** A logged-in HTTP client: JSON in, JSON out, any status but `expect` is an error. */
export function client(base: string, cookie: string) {
  const call = async <T = unknown>(method: string, url: string, body?: unknown, expect = method === 'POST' ? [200, 201] : [200]): Promise<T> => {
    const res = await fetch(`${base}${url}`, {
      method,
      headers: body === undefined ? { cookie } : { cookie, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${url}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  return { base, cookie, call };
}

/** A database for the app: PGlite in a fresh temporary folder, or PostgreSQL at `url`. */
export async function benchDatabase(url?: string) {
  if (url) return { database: await openDatabase({ url }), cleanup: () => {} };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-bench-pglite-'));
  return { database: await openDatabase({ dataDir: dir }), dataDir: dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
