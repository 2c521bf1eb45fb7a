/**
 * The app in a process of its own (for the load test and the memory readings: the load comes
 * from another process, and the RSS is the app's alone). The parent forks this file with the
 * database URL; the child starts the app (startBenchApp) and answers `rss` with its resident
 * set size after a full collection. People sign in over HTTP with users the parent created.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../server/db/client';
import { isMain } from '../scratch-database';
import { signIn, startBenchApp } from './app';

type Message = { type: 'ready'; base: string } | { type: 'rss'; bytes: number };

/** Starts the app on `url` in a child process; `rssMb()` reads its RSS, `stop()` ends it. */
export async function startAppProcess(url: string) {
  const child = fork(fileURLToPath(import.meta.url), [url], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: 'inherit' });
  const next = <T extends Message['type']>(type: T) =>
    new Promise<Extract<Message, { type: T }>>((resolve, reject) => {
      const onMessage = (message: Message) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message as Extract<Message, { type: T }>);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`app process exited (${code})`)));
    });
  const { base } = await next('ready');
  return {
    base,
    pid: child.pid!,
    signIn: (username: string) => signIn(base, username),
    async rssMb() {
      const reply = next('rss');
      child.send('rss');
      return (await reply).bytes / 2 ** 20;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send('stop');
      await exited;
    },
  };
}

async function serve(url: string) {
  const app = await startBenchApp(await openDatabase({ url }));
  process.on('message', async (message) => {
    if (message === 'rss') {
      (globalThis as { gc?: () => void }).gc?.();
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.send!({ type: 'rss', bytes: process.memoryUsage().rss });
    } else if (message === 'stop') {
      await app.close();
      process.exit(0);
    }
  });
  process.send!({ type: 'ready', base: app.base });
}

if (isMain(import.meta.url)) void serve(process.argv[2]!);
