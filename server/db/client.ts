/**
 * Opens the database: embedded PGlite in the data folder when no DATABASE_URL is given, a
 * node-postgres pool when it is. Both speak the same PostgreSQL dialect through the same Drizzle
 * API, so the rest of the server never asks which one it has.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
/** A database handle or an open transaction: both offer the same query API. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseKind = 'pglite' | 'postgresql';

export interface Database {
  db: Db;
  kind: DatabaseKind;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Tag of the newest applied migration, e.g. `0001_sla_clocks`. */
  schemaVersion(): Promise<string>;
  /**
   * Calls `handler` with the payload of every NOTIFY on `channel`, from this process or any other
   * on the same database. On PostgreSQL one dedicated connection listens (re-connecting after a
   * loss, then calling `handler(null)` so the caller can catch up on what it may have missed);
   * PGlite delivers its own notifications in-process. Returns a function that stops listening.
   */
  listen(channel: string, handler: (payload: string | null) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Sends a notification to every listener of `channel`; inside a transaction it is delivered on commit. */
export async function notify(db: Db, channel: string, payload = ''): Promise<void> {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// Timestamps come back as Date, bigint counts as numbers (they stay far below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; PGlite when absent. */
  url?: string;
  /** PGlite data folder; in-memory when absent (tests). */
  dataDir?: string;
  poolSize?: number;
  /**
   * PGlite only: start from this dump of a data directory (`dumpPglite`) instead of an empty one.
   * Tests start each database from one migrated template: PGlite's initdb costs ~2.6 s, loading a
   * dump ~0.9 s.
   */
  initialData?: Blob;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.dataDir, options.initialData);
}

/** Dumps an open PGlite database's data directory (uncompressed tar), for `initialData`. */
export async function dumpPglite(database: Database): Promise<Blob> {
  if (database.kind !== 'pglite') throw new Error('dumpPglite: not a PGlite database');
  return ((database.db as unknown as { $client: PGlite }).$client).dumpDataDir('none');
}

async function openPglite(dataDir: string | undefined, initialData: Blob | undefined): Promise<Database> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const options = initialData ? { loadDataDir: initialData } : {};
  const client = dataDir ? new PGlite(path.join(dataDir, 'pgdata'), options) : new PGlite(options);
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    // One connection, one process: nobody else can be migrating at the same time.
    migrate: () => migratePglite(db as never, { migrationsFolder }),
    schemaVersion: () => readSchemaVersion(db),
    async listen(channel, handler) {
      const unsubscribe = await client.listen(channel, (payload) => handler(payload));
      return async () => unsubscribe();
    },
    close: () => client.close(),
  };
}

/**
 * node-postgres sends every query unnamed, so PostgreSQL parses and plans it anew each time. The
 * app's statements are a few hundred fixed texts (Drizzle builds the same text for the same query
 * shape), so each parameterised text gets a name the first time it is seen and every connection
 * prepares it once, then only binds and executes it: a primary-key select measured 0.14 → 0.04 ms
 * of server CPU. Texts without parameters (BEGIN, COMMIT, migrations' DDL) stay unnamed, and past
 * MAX_NAMED_STATEMENTS distinct texts (IN lists of every length, say) new ones stay unnamed too, so
 * neither this map nor any connection's set of prepared statements grows without bound.
 */
const MAX_NAMED_STATEMENTS = 2000;
const statementNames = new Map<string, string>();

function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) statementNames.set(text, (name = `fw_${statementNames.size}`));
  return name;
}

class PreparingClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: node-postgres' query() is heavily overloaded; this passes every form through
  override query(config: any, values?: any, callback?: any): any {
    if (config && typeof config === 'object' && typeof config.submit !== 'function' && typeof config.text === 'string' && !config.name) {
      const params = Array.isArray(config.values) ? config.values : Array.isArray(values) ? values : null;
      const name = params?.length ? statementName(config.text) : undefined;
      if (name) config = { ...config, name };
    }
    return super.query(config, values, callback);
  }
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max, Client: PreparingClient });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: 'postgresql',
    async migrate() {
      // Two server processes starting together: the second waits, then finds nothing to do. The
      // lock lives on its own connection so that a pool of one can still run the migrations.
      const lock = new pg.Client({ connectionString: url });
      await lock.connect();
      try {
        await lock.query('select pg_advisory_lock(74210001)');
        await migratePg(db as never, { migrationsFolder });
      } finally {
        await lock.end().catch(() => {}); // ending the session releases the lock
      }
    },
    schemaVersion: () => readSchemaVersion(db),
    listen: (channel, handler) => listenPostgres(url, channel, handler),
    close: () => pool.end(),
  };
}

/** One LISTEN connection per channel, re-opened with backoff when the server drops it. */
async function listenPostgres(url: string, channel: string, handler: (payload: string | null) => void) {
  let client: pg.Client | null = null;
  let stopped = false;
  let retryMs = 250;
  let timer: NodeJS.Timeout | undefined;
  const connect = async (first: boolean) => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (message) => {
      if (message.channel === channel) handler(message.payload ?? '');
    });
    c.on('error', () => reconnect());
    c.on('end', () => reconnect());
    await c.connect();
    await c.query(`listen "${channel.replace(/"/g, '""')}"`);
    client = c;
    retryMs = 250;
    // Anything sent while we were away is lost to LISTEN: let the caller catch up.
    if (!first) handler(null);
  };
  const reconnect = () => {
    if (stopped || timer) return;
    const old = client;
    client = null;
    old?.removeAllListeners();
    void old?.end().catch(() => {});
    timer = setTimeout(() => {
      timer = undefined;
      connect(false).catch(() => {
        retryMs = Math.min(retryMs * 2, 10_000);
        reconnect();
      });
    }, retryMs);
  };
  await connect(true);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    const c = client;
    client = null;
    c?.removeAllListeners();
    await c?.end().catch(() => {});
  };
}

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

async function readSchemaVersion(db: Db): Promise<string> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  const [last] = await rows<{ created_at: number }>(
    db,
    sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
  );
  if (!last) return 'none';
  return journal.entries.find((e) => e.when === Number(last.created_at))?.tag ?? `unknown-${last.created_at}`;
}

/** Runs raw SQL and returns its rows; both drivers return `{ rows }`. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
