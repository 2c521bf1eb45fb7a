/**
 * The mailbox jobs in a real server process (server/main.ts on a PGlite folder, a real Dovecot):
 * an IDLE mailbox is polled as the server starts, a new message wakes its watcher into a poll, and
 * SIGTERM ends the watcher at once — the process exits cleanly long before the watcher's 10-minute
 * slot is over, and the run is recorded as finished.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Db } from '../db/client';
import { customerMail, mailboxForImapUser } from '../modules/mail/poller-fixtures';
import { type ImapTestServer, startImapServer } from '../test/mail-servers';
import { ADMIN_PASSWORD, login, startServer, waitFor, type ServerProcess } from '../test/processes';
import { mailPollJobName } from './mail-poll';

const SECRET = 'idle-process-test-secret-0123456789abcd';
const USER = { user: 'watched', password: 'pw-watched' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-mail-idle-'));
let imap: ImapTestServer;
let server: ServerProcess | undefined;

beforeAll(async () => {
  imap = await startImapServer({ users: [USER] });
}, 60_000);
afterAll(async () => {
  await server?.kill();
  await imap?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function withFolder<T>(use: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase({ dataDir: dir });
  try {
    await database.migrate();
    return await use(database.db);
  } finally {
    await database.close();
  }
}

describe('mailbox jobs in a server process', () => {
  it('polls an IDLE mailbox on EXISTS and stops its watcher on SIGTERM', { timeout: 120_000 }, async () => {
    const box = await withFolder((db) => mailboxForImapUser(db, SECRET, imap, USER, { useIdle: true, pollIntervalSeconds: 600 }));
    server = await startServer({ dataDir: dir, env: { FUWUTAI_SECRET: SECRET, FUWUTAI_JOB_POLL_MS: '200' } });
    const admin = await login(server.url, 'admin', ADMIN_PASSWORD);
    const mailbox = async () => (await admin.get<{ lastUid: number; lastPolledAt: string | null; lastError: unknown }>(`/api/mailboxes/${box.id}`)).body;
    // Polled once at start (an empty folder), then watching.
    await waitFor('the first poll', async () => (await mailbox()).lastPolledAt !== null, { timeoutMs: 60_000, intervalMs: 200 });
    expect((await mailbox()).lastError).toBeNull();

    const m = customerMail({ from: 'watcher@plant.example', subject: 'IDLE 进程' });
    await imap.append(USER.user, m.raw);
    await waitFor('the new mail taken in', async () => (await mailbox()).lastUid === 1, { timeoutMs: 60_000, intervalMs: 200 });

    const stopping = Date.now();
    await server.stop(30_000);
    const { code, signal } = await server.exited;
    expect({ code, signal }, server.output()).toEqual({ code: 0, signal: null });
    // The watcher's slot lasts 10 minutes; shutdown did not wait for it (SIGKILL comes after 30 s).
    expect(Date.now() - stopping).toBeLessThan(30_000);

    await withFolder(async (db) => {
      const received = await rows<{ message_id: string; outcome: string }>(db, sql`select message_id, outcome from mail_messages where mailbox_id = ${box.id}`);
      expect(received).toEqual([{ message_id: m.messageId, outcome: 'ticket_created' }]);
      const runs = await rows<{ status: string }>(db, sql`select status from job_runs where job_name = ${mailPollJobName(box.id)}`);
      expect(runs.length).toBeGreaterThan(0);
      expect(runs.every((r) => r.status === 'ok')).toBe(true);
    });
  });
});
