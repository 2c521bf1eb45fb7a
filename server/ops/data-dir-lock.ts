/**
 * Who is using an embedded data folder. PGlite's files belong to one process: a second one
 * opening them (a second server, a backup or restore run) would corrupt the database. The process
 * that opens the folder writes `server.lock` (its pid and port); others read it to refuse, or, for
 * `npm run backup`, to ask the running server instead. A lock left by a crash names a dead pid and
 * counts as free.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface DataDirLock {
  pid: number;
  /** The HTTP port of a server process; absent for a command-line tool. */
  port?: number;
  startedAt: string;
}

export const lockPath = (dataDir: string) => path.join(dataDir, 'server.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock of a live process other than this one, or null. */
export function readLiveLock(dataDir: string): DataDirLock | null {
  let lock: DataDirLock;
  try {
    lock = JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')) as DataDirLock;
  } catch {
    return null;
  }
  if (!Number.isInteger(lock.pid) || lock.pid === process.pid || !alive(lock.pid)) return null;
  return lock;
}

/** Takes the folder for this process (refusing if another live one has it); returns the release. */
export function claimDataDir(dataDir: string, info: { port?: number } = {}): () => void {
  const other = readLiveLock(dataDir);
  if (other) {
    throw new Error(
      `${dataDir} is in use by process ${other.pid}${other.port ? ` (port ${other.port})` : ''}. ` +
        `If no such Fuwutai process is running, delete ${lockPath(dataDir)}.`,
    );
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const lock: DataDirLock = { pid: process.pid, ...info, startedAt: new Date().toISOString() };
  fs.writeFileSync(lockPath(dataDir), `${JSON.stringify(lock)}\n`);
  return () => {
    try {
      const current = JSON.parse(fs.readFileSync(lockPath(dataDir), 'utf8')) as DataDirLock;
      if (current.pid === process.pid) fs.rmSync(lockPath(dataDir), { force: true });
    } catch {
      // already gone
    }
  };
}
