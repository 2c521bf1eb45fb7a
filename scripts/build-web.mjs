#!/usr/bin/env node
/**
 * Builds the web UI into web/dist with Vite, but only when it is missing or older than any
 * source under web/ or common/, so `npm start` stays fast after the first run. Browser tests
 * call `ensureWebBuilt()` too; a lock directory makes concurrent callers wait for one build.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webDir = path.join(repoRoot, 'web');
const distDir = path.join(webDir, 'dist');
const indexFile = path.join(distDir, 'index.html');
// Outside the repository, one per checkout: concurrent test files wait for one build.
const lockDir = path.join(os.tmpdir(), `fuwutai-web-build-${crypto.createHash('sha1').update(repoRoot).digest('hex').slice(0, 12)}.lock`);
const SKIP = new Set(['dist', 'node_modules']);
const STALE_LOCK_MS = 5 * 60_000;

/** The newest modification time (ms) of any file below `dir`, and that file. */
function newestFile(dir, newest = { mtime: 0, file: '' }) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.') || entry.name.endsWith('.md')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newestFile(full, newest);
    else if (entry.isFile()) {
      const mtime = fs.statSync(full).mtimeMs;
      if (mtime > newest.mtime) Object.assign(newest, { mtime, file: full });
    }
  }
  return newest;
}

/** Why a build is needed, or null when web/dist is up to date. */
export function staleReason() {
  if (!fs.existsSync(indexFile)) return 'web/dist/index.html is missing';
  const built = fs.statSync(indexFile).mtimeMs;
  const newest = newestFile(path.join(repoRoot, 'common'), newestFile(webDir));
  return newest.mtime > built ? `${path.relative(repoRoot, newest.file)} changed after the last build` : null;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A lock left by a process that died (killed mid-build) or that is very old does not count. */
function lockIsStale() {
  const stat = fs.statSync(lockDir, { throwIfNoEntry: false });
  if (!stat) return false;
  if (Date.now() - stat.mtimeMs > STALE_LOCK_MS) return true;
  let owner = 0;
  try {
    owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    // Not written yet, or the lock was released meanwhile.
  }
  if (!owner) return Date.now() - stat.mtimeMs > 5_000; // just created, pid not written yet
  try {
    process.kill(owner, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}

async function acquireLock() {
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (lockIsStale()) fs.rmSync(lockDir, { recursive: true, force: true });
      else await sleep(200);
    }
  }
}

/**
 * Builds when needed. Returns what happened; `log` receives one line of progress.
 * @param {{ log?: (line: string) => void, force?: boolean }} [options]
 */
export async function ensureWebBuilt(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  if (!options.force && !staleReason()) {
    log('web: web/dist is up to date');
    return { built: false, distDir };
  }
  await acquireLock();
  try {
    // Another process may have built while we waited for the lock.
    const reason = options.force ? 'forced' : staleReason();
    if (!reason) {
      log('web: web/dist was just built by another process');
      return { built: false, distDir };
    }
    log(`web: building (${reason}) …`);
    const started = Date.now();
    const { build } = await import('vite');
    // Vite takes NODE_ENV from the environment when set; under vitest it is "test", which would
    // bundle React's development build. The shipped bundle is always a production build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: path.join(webDir, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    log(`web: built web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { built: true, distDir };
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  ensureWebBuilt({ force: process.argv.includes('--force') }).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
