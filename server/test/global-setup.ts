/**
 * Runs once per test run (vitest globalSetup), before any test file: migrates one template
 * database that every test file's database starts from, instead of each file creating an empty
 * database and running every migration. On PostgreSQL (DATABASE_URL set) the template is a
 * database the harness copies with `create database … template …`; on PGlite it is a dump of a
 * migrated data directory the harness loads (PGlite's initdb alone costs ~2.6 s a file; loading the
 * dump ~0.9 s). The template is dropped when the run ends.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { dumpPglite, openDatabase } from '../db/client';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL: the migrated template database's name. */
    templateDatabase: string | null;
    /** PGlite: the file holding the migrated template's data directory dump. */
    pgliteTemplate: string | null;
  }
}

async function adminQuery(adminUrl: string, text: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject) {
  const adminUrl = process.env.DATABASE_URL;
  const suffix = `${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  if (adminUrl) {
    const name = `fw_template_${suffix}`;
    await adminQuery(adminUrl, `create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ url: url.toString(), poolSize: 1 });
    try {
      await database.migrate();
    } finally {
      await database.close();
    }
    project.provide('templateDatabase', name);
    project.provide('pgliteTemplate', null);
    return async () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
  }
  const database = await openDatabase({});
  let file: string;
  try {
    await database.migrate();
    file = path.join(os.tmpdir(), `fuwutai-template-${suffix}.tar`);
    fs.writeFileSync(file, Buffer.from(await (await dumpPglite(database)).arrayBuffer()));
  } finally {
    await database.close();
  }
  project.provide('templateDatabase', null);
  project.provide('pgliteTemplate', file);
  return async () => fs.rmSync(file, { force: true });
}
