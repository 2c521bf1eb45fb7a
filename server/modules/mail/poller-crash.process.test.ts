/**
 * kill -9 mid-fetch (issue 10): a child process polls a mailbox of N messages and is killed with
 * SIGKILL in the middle of the batch — after a commit before the IMAP flag, after the flag before
 * the stored UID, and at a random moment — then a fresh process polls to the end. Exactly N
 * messages recorded, one ticket each: nothing missing, nothing twice. On PGlite, and on a scratch
 * PostgreSQL database when DATABASE_URL is set.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../db/client';
import { mailboxes } from '../../db/schema';
import { type ImapTestServer, startImapServer } from '../../test/mail-servers';
import { createScratchPostgres, type ScratchDatabase } from '../../test/processes';
import { customerMail, mailboxForImapUser } from './poller-fixtures';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SECRET = 'crash-test-secret-0123456789abcdefghij';
const N = 12;
const USER = { user: 'crash', password: 'pw-crash-秘密' };
let server: ImapTestServer;
let scratch: ScratchDatabase | null = null;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-mail-crash-'));

beforeAll(async () => {
  server = await startImapServer({ users: [USER] });
  if (process.env.DATABASE_URL) scratch = await createScratchPostgres(process.env.DATABASE_URL, 'fw_mailcrash');
}, 60_000);
afterAll(async () => {
  await server?.close();
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const target = () => (scratch ? { url: scratch.url, dataDir: dir } : { dataDir: dir });
async function withDb<T>(use: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>): Promise<T> {
  const database = await openDatabase(target());
  try {
    await database.migrate();
    return await use(database.db);
  } finally {
    await database.close();
  }
}

/** Runs the child poller; resolves with how it ended and what it printed. */
function child(mailboxId: string, crash?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, FUWUTAI_DATA_DIR: dir, FUWUTAI_SECRET: SECRET, FW_MAILBOX_ID: mailboxId, FUWUTAI_LOG_LEVEL: 'error' };
  delete env.DATABASE_URL;
  delete env.FW_CRASH;
  if (scratch) env.DATABASE_URL = scratch.url;
  if (crash) env.FW_CRASH = crash;
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'server/modules/mail/poller-crash.child.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => (stdout += d));
    proc.stderr.on('data', (d) => (stderr += d));
    proc.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const state = (mailboxId: string) =>
  withDb(async (db) => {
    const [box] = await db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId));
    const received = await rows<{ message_id: string; ticket_id: string | null }>(db, sql`select message_id, ticket_id from mail_messages where mailbox_id = ${mailboxId} and direction = 'in'`);
    const [tickets] = await rows<{ n: number }>(db, sql`select count(*)::int as n from tickets`);
    return { lastUid: box!.lastUid, received, tickets: Number(tickets!.n) };
  });

async function seenUids(): Promise<number[]> {
  const client = await server.connect(USER.user);
  try {
    await client.mailboxOpen('INBOX');
    const all = await client.fetchAll('1:*', { uid: true, flags: true }, { uid: true });
    return all.filter((m) => m.flags?.has('\\Seen')).map((m) => m.uid);
  } finally {
    await client.logout();
  }
}

describe(`a poller killed mid-batch (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`, () => {
  it('loses nothing and duplicates nothing: exactly one ticket per Message-ID after a fresh poll', { timeout: 180_000 }, async () => {
    const sent: string[] = [];
    for (let i = 1; i <= N; i++) {
      const m = customerMail({ from: `reporter${i}@plant.example`, subject: `第 ${i} 号故障`, body: `第 ${i} 台设备停机。` });
      sent.push(m.messageId);
      await server.append(USER.user, m.raw);
    }
    const box = await withDb((db) => mailboxForImapUser(db, SECRET, server, USER));

    // Committed the 3rd, killed before flagging it.
    const first = await child(box.id, 'before-mark:3');
    expect(first.signal, first.stderr).toBe('SIGKILL');
    let now = await state(box.id);
    expect(now.received).toHaveLength(3);
    expect(now.lastUid).toBe(2);
    expect(await seenUids()).toEqual([1, 2]);

    // The 3rd comes again (a duplicate), then 4 to 7: killed after flagging the 7th (its 5th flag), before storing its UID.
    const second = await child(box.id, 'after-mark:5');
    expect(second.signal, second.stderr).toBe('SIGKILL');
    now = await state(box.id);
    expect(now.received).toHaveLength(7);
    expect(now.lastUid).toBe(6);
    expect(await seenUids()).toEqual([1, 2, 3, 4, 5, 6, 7]);

    // Killed at a random moment (or not at all, when it finishes first).
    const third = await child(box.id, 'random:300');
    expect(third.signal === 'SIGKILL' || third.code === 0, third.stderr).toBe(true);

    const last = await child(box.id);
    expect(last.code, last.stderr).toBe(0);
    const result = JSON.parse(last.stdout.trim().split('\n').at(-1)!);
    expect(result.error).toBeNull();

    now = await state(box.id);
    expect(now.received.map((r) => r.message_id).sort()).toEqual([...sent].sort());
    expect(new Set(now.received.map((r) => r.ticket_id)).size).toBe(N);
    expect(now.received.every((r) => r.ticket_id)).toBe(true);
    expect(now.tickets).toBe(N);
    expect(now.lastUid).toBe(N);
    expect(await seenUids()).toEqual(Array.from({ length: N }, (_, i) => i + 1));
  });
});
