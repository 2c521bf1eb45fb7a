/**
 * 0007 makes customer codes unique: a database that already holds duplicates (any case) must
 * still migrate, keeping the first customer's code and renaming the later ones -2, -3 …
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFolder } from '../../db/client';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-migrations-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The migrations folder as it was before 0007. */
function foldersBefore0007() {
  const dir = path.join(tmp, 'before-0007');
  fs.mkdirSync(path.join(dir, 'meta'), { recursive: true });
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ idx: number; tag: string }> };
  journal.entries = journal.entries.filter((e) => e.idx < 7);
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(path.join(migrationsFolder, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

describe('0007: unique customer codes', () => {
  it('renames older duplicate codes before creating the unique index', async () => {
    const client = new PGlite();
    const db = drizzle({ client });
    try {
      await migrate(db, { migrationsFolder: foldersBefore0007() });
      await client.exec(`
        insert into customers (name, code, created_at) values
          ('工商银行北京分行', 'ICBC-BJ', '2025-01-01T00:00:00Z'),
          ('工商银行北京分行（旧）', 'icbc-bj', '2025-02-01T00:00:00Z'),
          ('工商银行北京分行（重复）', 'ICBC-BJ', '2025-03-01T00:00:00Z'),
          ('已占用后缀', 'ICBC-BJ-2', '2024-12-01T00:00:00Z'),
          ('无编码一', null, '2025-01-01T00:00:00Z'),
          ('无编码二', null, '2025-01-01T00:00:00Z'),
          ('建设银行', 'CCB', '2025-01-01T00:00:00Z');
      `);
      await migrate(db, { migrationsFolder });
      const { rows } = await client.query<{ name: string; code: string | null }>('select name, code from customers order by name');
      const codes = Object.fromEntries(rows.map((r) => [r.name, r.code]));
      expect(codes).toEqual({
        工商银行北京分行: 'ICBC-BJ',
        '工商银行北京分行（旧）': 'icbc-bj-2-2', // its "-2" was taken by 已占用后缀: renamed again
        '工商银行北京分行（重复）': 'ICBC-BJ-3',
        已占用后缀: 'ICBC-BJ-2',
        无编码一: null,
        无编码二: null,
        建设银行: 'CCB',
      });
      await expect(client.query(`insert into customers (name, code) values ('x', 'ccb')`)).rejects.toThrow(/customers_code_key/);
    } finally {
      await client.close();
    }
  });
});
