/**
 * node-postgres prepares each parameterised statement once per connection (PreparingClient in
 * client.ts): a second run of the same text is bound to the prepared statement, parameterless
 * texts (BEGIN, DDL) are not prepared.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchPostgres } from '../test/processes';
import { openDatabase, rows, type Database } from './client';

const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) console.warn('client.postgres.test.ts: skipped, set DATABASE_URL to a PostgreSQL server');

describe.skipIf(!adminUrl)('the PostgreSQL pool', () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const scratch = await createScratchPostgres(adminUrl!, 'fw_pool');
    drop = () => scratch.drop();
    database = await openDatabase({ url: scratch.url, poolSize: 1 });
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('prepares a parameterised statement once and reuses it; a parameterless one is not prepared', async () => {
    const prepared = () => rows<{ statement: string }>(database.db, sql`select statement from pg_prepared_statements where statement like ${'%fw_probe%'}`);
    const probe = () => rows<{ n: number }>(database.db, sql`select ${41}::int + 1 as n /* fw_probe */`);
    expect((await probe())[0]!.n).toBe(42);
    expect((await probe())[0]!.n).toBe(42);
    await rows(database.db, sql.raw('select 1 /* fw_probe plain */'));
    const statements = (await prepared()).map((r) => r.statement);
    expect(statements.filter((s) => s.includes('$1::int + 1'))).toHaveLength(1);
    expect(statements.some((s) => s.includes('fw_probe plain'))).toBe(false);
  });
});
