/**
 * The first start as a person does it: `npm start` / `npm run demo` on an empty PGlite folder
 * without FUWUTAI_ADMIN_PASSWORD. The generated password is printed on a line of its own (not in
 * a JSON log line) and logs in, with a forced change; SIGTERM to the npm process stops the server
 * (npm → sh → node: the script `exec`s node so the signal reaches it) and leaves no process behind.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from './processes';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dirs: string[] = [];
/** Processes we started, each with its data folder: a pid is killed only while it still runs on that folder (pids get reused). */
const started: Array<{ pid: number; dataDir: string }> = [];
const runsOn = (pid: number, dataDir: string) => {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`FUWUTAI_DATA_DIR=${dataDir}`);
  } catch {
    return false;
  }
};
afterAll(() => {
  for (const { pid, dataDir } of started) {
    if (runsOn(pid, dataDir)) process.kill(pid, 'SIGKILL');
  }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every descendant of `pid` (Linux /proc), so we can tell that none outlives the stop. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
      const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) children.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    return [];
  }
  children = [...new Set(children)];
  return children.flatMap((child) => [child, ...descendants(child)]);
}
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped) is not running any more.
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

async function npmRun(script: 'start' | 'demo') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-first-start-'));
  dirs.push(dataDir);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', FUWUTAI_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  for (const name of ['DATABASE_URL', 'FUWUTAI_ADMIN_PASSWORD', 'FUWUTAI_SMTP_URL']) delete env[name];
  const child = spawn('npm', ['run', script], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push({ pid: child.pid!, dataDir });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  // The first `npm start` may build the web UI (Vite) before the server starts.
  await waitFor(`npm run ${script} to answer /api/health`, async () => (await fetch(`${url}/api/health`)).ok, { timeoutMs: 280_000, intervalMs: 250 }).catch(
    (error: Error) => {
      throw new Error(`${error.message}\n--- output ---\n${output}`);
    },
  );
  return { child, url, dataDir, output: () => output, exited };
}

/** SIGTERM to the npm process only; the server must stop listening and nothing may remain. */
async function stopAndCheck(run: Awaited<ReturnType<typeof npmRun>>) {
  const tree = [run.child.pid!, ...descendants(run.child.pid!)];
  expect(tree.length).toBeGreaterThan(1); // npm and at least the server below it
  started.push(...tree.map((pid) => ({ pid, dataDir: run.dataDir }))); // killed after the tests whatever happens, so a failure leaves nothing behind
  run.child.kill('SIGTERM');
  const deadline = Date.now() + 15_000;
  await waitFor(
    'the port to stop answering and every process to end',
    async () => {
      const answering = await fetch(`${run.url}/api/health`).then(
        () => true,
        () => false,
      );
      return !answering && tree.every((pid) => !alive(pid));
    },
    { timeoutMs: 15_000, intervalMs: 200 },
  );
  expect(Date.now()).toBeLessThanOrEqual(deadline + 1_000);
  await run.exited;
}

describe('first start and stopping', () => {
  it('npm start prints the generated admin password on its own line; it logs in and must be changed; SIGTERM stops everything', async () => {
    const run = await npmRun('start');
    const lines = run.output().split('\n');
    const passwordLine = lines.find((line) => line.includes('initial password:'));
    expect(passwordLine, run.output()).toBeDefined();
    expect(passwordLine!.trimStart().startsWith('{')).toBe(false);
    const password = /initial password: (\S+)\s*$/.exec(passwordLine!)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(12);
    // The password is in no JSON log line; logs are JSON when the output is not a terminal.
    const jsonLines = lines.filter((line) => line.startsWith('{'));
    expect(jsonLines.length).toBeGreaterThan(0);
    expect(jsonLines.some((line) => line.includes(password))).toBe(false);

    const login = await fetch(`${run.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const me = await (await fetch(`${run.url}/api/me`, { headers: { cookie } })).json();
    expect(me.mustChangePassword).toBe(true);
    const tickets = await fetch(`${run.url}/api/tickets`, { headers: { cookie } });
    expect(tickets.status).toBe(403);
    expect((await tickets.json()).error.key).toBe('auth.password_change_required');

    await stopAndCheck(run);
  }, 320_000);

  it('npm run demo serves the web UI and stops on SIGTERM', async () => {
    const run = await npmRun('demo');
    const page = await fetch(`${run.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).not.toContain('not built');
    await stopAndCheck(run);
  }, 320_000);
});
