/**
 * Integration-test harness: a real app on a real database built from the real migrations.
 * PGlite in memory by default; when DATABASE_URL is set, a fresh PostgreSQL database is created
 * on that server for each test file and dropped afterwards.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import type { Role } from '../../common/domain';
import { buildApp, createServices, type AppDeps, type Services } from '../app';
import { openDatabase, type Database } from '../db/client';
import { createPasswordHasher } from '../modules/auth/password';
import { ensureTimeRuleDefaults } from '../modules/time-rules/seed';
import type { Actor } from '../platform/actor';
import { FakeClock, systemClock, type Clock } from '../platform/clock';
import { loadConfig, type Config } from '../platform/config';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  database: Database;
  config: Config;
  clock: Clock;
  /** An HTTP client logged in as a fresh user of that role (customer roles get a fresh customer). */
  as(role: Role, options?: { customerId?: string; centerId?: string }): Promise<Client>;
  /** An HTTP client with no session. */
  anonymous(): Client;
  factory: Factory;
  close(): Promise<void>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface Client {
  user: { id: string; username: string; password: string; role: Role; customerId: string | null };
  cookie: string | null;
  get<T = any>(url: string): Promise<ApiResponse<T>>;
  post<T = any>(url: string, body?: unknown): Promise<ApiResponse<T>>;
  patch<T = any>(url: string, body?: unknown): Promise<ApiResponse<T>>;
  put<T = any>(url: string, body?: unknown): Promise<ApiResponse<T>>;
  delete<T = any>(url: string): Promise<ApiResponse<T>>;
  upload<T = any>(url: string, file: { name: string; content: Buffer | string; type?: string }, fields?: Record<string, string>): Promise<ApiResponse<T>>;
}

export const PASSWORD = 'correct-horse-battery';

/** What server/test/global-setup.ts migrated once for this run, if it ran. */
function template(key: 'templateDatabase' | 'pgliteTemplate'): string | null {
  try {
    return inject(key) ?? null;
  } catch {
    return null; // outside a vitest run with the global setup
  }
}

let pgliteTemplate: Blob | null | undefined;
function pgliteInitialData(): Blob | undefined {
  if (pgliteTemplate === undefined) {
    const file = template('pgliteTemplate');
    pgliteTemplate = file && fs.existsSync(file) ? new Blob([fs.readFileSync(file)]) : null;
  }
  return pgliteTemplate ?? undefined;
}

async function createScratchDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `fw_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const from = template('templateDatabase');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(from ? `create database ${name} template ${from}` : `create database ${name}`);
        break;
      } catch (error) {
        // 55006: the template is being accessed by other users (a copy of it starting) — wait and retry.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export interface TestAppOptions {
  clock?: Clock;
  config?: Partial<Config>;
  deps?: Partial<AppDeps>;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-test-'));
  const adminUrl = process.env.DATABASE_URL;
  const scratch = adminUrl ? await createScratchDatabase(adminUrl) : null;
  let database: Database;
  try {
    database = await openDatabase({ url: scratch?.url, poolSize: 5, initialData: scratch ? undefined : pgliteInitialData() });
    await database.migrate();
  } catch (error) {
    await scratch?.drop();
    throw error;
  }
  const config: Config = {
    ...loadConfig({}),
    dataDir,
    databaseUrl: scratch?.url,
    logLevel: 'silent',
    secret: 'test-secret-for-stored-passwords-0123456789', // a fixed FUWUTAI_SECRET (platform/secrets.ts)
    ...options.config,
  };
  const clock = options.clock ?? systemClock;
  const deps: AppDeps = {
    config,
    database,
    clock,
    hasher: createPasswordHasher('test'),
    logger: false,
    webDir: path.join(dataDir, 'no-web'),
    ...options.deps,
  };
  const services = createServices(deps);
  await ensureTimeRuleDefaults(services.db, clock.now());
  // Consumers are not running in tests (they drain them when they need to); their cursors start now.
  await services.consumers.init();
  const app = await buildApp(deps, services);
  await app.ready();
  const factory = createFactory(services);

  const client = (cookie: string | null, user: Client['user']): Client => {
    const call = async (method: string, url: string, body?: unknown): Promise<ApiResponse> => {
      const res = await app.inject({
        method: method as 'GET',
        url,
        headers: cookie ? { cookie } : {},
        ...(body !== undefined ? { payload: body as object } : {}),
      });
      const text = res.body;
      let parsed: unknown = text;
      if ((res.headers['content-type'] ?? '').toString().includes('json') && text) parsed = JSON.parse(text);
      return { status: res.statusCode, body: parsed, headers: res.headers };
    };
    return {
      user,
      cookie,
      get: (url) => call('GET', url),
      post: (url, body) => call('POST', url, body ?? {}),
      patch: (url, body) => call('PATCH', url, body ?? {}),
      put: (url, body) => call('PUT', url, body),
      delete: (url) => call('DELETE', url),
      async upload(url, file, fields = {}) {
        const form = new FormData();
        for (const [k, v] of Object.entries(fields)) form.append(k, v);
        form.append('file', new Blob([file.content as BlobPart], { type: file.type ?? 'application/octet-stream' }), file.name);
        const request = new Request('http://localhost/', { method: 'POST', body: form });
        const payload = Buffer.from(await request.arrayBuffer());
        const res = await app.inject({
          method: 'POST',
          url,
          headers: { ...(cookie ? { cookie } : {}), 'content-type': request.headers.get('content-type')! },
          payload,
        });
        const parsed = (res.headers['content-type'] ?? '').toString().includes('json') ? JSON.parse(res.body) : res.body;
        return { status: res.statusCode, body: parsed, headers: res.headers };
      },
    };
  };

  return {
    app,
    services,
    database,
    config,
    clock,
    factory,
    anonymous: () => client(null, { id: '', username: '', password: '', role: 'customer_user', customerId: null }),
    async as(role, opts = {}) {
      const user = await factory.user({ role, ...opts });
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      const setCookie = res.cookies.find((c) => c.name === 'fw_session');
      return client(`fw_session=${setCookie!.value}`, { ...user, password: PASSWORD });
    },
    async close() {
      await app.close();
      await database.close();
      await scratch?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
const unique = (prefix: string) => `${prefix}${process.pid}x${++counter}x${crypto.randomBytes(2).toString('hex')}`;

export type Factory = ReturnType<typeof createFactory>;

/** Test factories: each creates the parents it needs when none are given. */
export function createFactory(services: Services) {
  let adminActor: Promise<Actor> | undefined;
  /** A real organisation-wide admin the factories act as (audit rows need a real user). */
  const actor = () =>
    (adminActor ??= services.users
      .create(null, { username: unique('factoryadmin'), password: PASSWORD, name: 'Factory admin', role: 'admin' })
      .then((u) => ({ id: u.id, username: u.username, name: u.name, role: 'admin' as const, customerId: null, centerId: null, centerPath: null })));
  const factory = {
    actor,
    async customer(fields: { name?: string; centerId?: string } = {}) {
      return services.customers.create(null, { name: fields.name ?? unique('客户'), centerId: fields.centerId });
    },
    async contact(customerId?: string, fields: { name?: string; phones?: string[] } = {}) {
      const cid = customerId ?? (await factory.customer()).id;
      return services.customers.addContact(await actor(), cid, { name: fields.name ?? unique('联系人'), phones: fields.phones ?? [] });
    },
    async center(fields: { parentId?: string; level?: 'hq' | 'regional' | 'provincial' } = {}) {
      return services.centers.create(null, { code: unique('C'), name: unique('中心'), level: fields.level ?? 'regional', parentId: fields.parentId });
    },
    async user(fields: { role: Role; customerId?: string; centerId?: string; name?: string }) {
      const customerRole = fields.role === 'customer_user' || fields.role === 'customer_leader';
      const customerId = customerRole ? (fields.customerId ?? (await factory.customer()).id) : undefined;
      const username = unique(fields.role.replace('_', ''));
      const user = await services.users.create(null, {
        username,
        password: PASSWORD,
        name: fields.name ?? username,
        role: fields.role,
        customerId,
        centerId: fields.centerId,
      });
      return { id: user.id, username, password: PASSWORD, role: fields.role, customerId: customerId ?? null };
    },
    async ticket(fields: { customerId?: string; severity?: 'P1' | 'P2' | 'P3' | 'P4'; reportedAt?: string; title?: string; assigneeId?: string; centerId?: string } = {}) {
      const customerId = fields.customerId ?? (await factory.customer()).id;
      return services.tickets.create(await actor(), {
        title: fields.title ?? unique('故障'),
        description: 'ATM 无法读卡',
        severity: fields.severity ?? 'P3',
        channel: 'phone',
        customerId,
        reportedAt: fields.reportedAt,
        assigneeId: fields.assigneeId,
        centerId: fields.centerId,
      });
    },
  };
  return factory;
}

export { FakeClock };
