/**
 * Benchmarks run on a throwaway PostgreSQL database: created on the server DATABASE_URL points
 * at, handed to `run`, and dropped afterwards whatever happens.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

export async function withScratchDatabase(prefix: string, run: (url: string) => Promise<void>, adminUrl = process.env.DATABASE_URL) {
  if (!adminUrl) {
    console.error('Set DATABASE_URL to a PostgreSQL server where a scratch database may be created.');
    process.exit(2);
  }
  const name = `${prefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    await run(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** Runs a benchmark's main function, printing a failure and exiting non-zero. */
export function runBenchmark(main: () => Promise<void>) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

/** Whether the module at `moduleUrl` is the one node was started with (not imported by bench/run.ts). */
export function isMain(moduleUrl: string) {
  return Boolean(process.argv[1]) && moduleUrl === pathToFileURL(path.resolve(process.argv[1]!)).href;
}
