/**
 * The IMAP side against a real Dovecot started here (server/test/mail-servers.ts): the
 * connection test answers each mistake with its own key, and fetching by UID hands every message
 * once, in order, marks nothing until asked, starts again when UIDVALIDITY changes, and wakes
 * from IDLE on new mail.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors';
import { type ImapTestServer, startImapServer } from '../../test/mail-servers';
import { type ImapSettings, type MailboxSession, openMailbox, testImapConnection } from './imap';

const USERS = ['conn', 'fetch', 'mover', 'resync', 'idle', 'big'].map((user) => ({ user, password: `pw-${user}-秘密` }));
let server: ImapTestServer;

beforeAll(async () => {
  server = await startImapServer({ users: USERS });
});
afterAll(async () => {
  await server?.close();
});

function settings(user: string, overrides: Partial<ImapSettings> = {}): ImapSettings {
  return {
    host: server.host,
    port: server.port,
    security: 'none',
    user,
    password: `pw-${user}-秘密`,
    folder: 'INBOX',
    processedAction: 'seen',
    rejectUnauthorized: true,
    ...overrides,
  };
}

let counter = 0;
function message(subject: string, body = 'Fault report.\r\n'): string {
  counter++;
  return [
    'From: 李工 <li@example.cn>',
    'To: support@fuwutai.test',
    `Subject: ${subject}`,
    `Message-ID: <m${counter}.${Date.now()}@example.cn>`,
    'Date: Mon, 07 Dec 2026 10:00:00 +0800',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
  ].join('\r\n');
}

/** The flags of every message of a folder, by UID, read by a separate client. */
async function flagsOf(user: string, folder = 'INBOX'): Promise<Map<number, Set<string>>> {
  const client = await server.connect(user);
  try {
    await client.mailboxOpen(folder);
    const all = await client.fetchAll('1:*', { uid: true, flags: true }, { uid: true });
    return new Map(all.map((m) => [m.uid, m.flags ?? new Set<string>()]));
  } finally {
    await client.logout();
  }
}

async function closedPort(): Promise<number> {
  return await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('testImapConnection', () => {
  it('logs in, lists the folders, counts the messages and says whether IDLE is there', async () => {
    await server.append('conn', message('one'));
    await server.append('conn', message('two'));
    await server.append('conn', message('archived'), 'Archive');
    const result = await testImapConnection(settings('conn'), { timeoutMs: 10_000 });
    expect(result).toEqual({ ok: true, idle: true, folders: expect.arrayContaining(['INBOX', 'Archive']), messages: 2 });
    const archive = await testImapConnection(settings('conn', { folder: 'Archive' }), { timeoutMs: 10_000 });
    expect(archive).toMatchObject({ ok: true, messages: 1 });
  });

  it('a wrong password is mail.auth_failed', async () => {
    const result = await testImapConnection(settings('conn', { password: 'wrong' }), { timeoutMs: 10_000 });
    expect(result).toMatchObject({ ok: false, key: 'mail.auth_failed' });
  });

  it('a port nobody listens on is mail.host_unreachable, an unknown host too', async () => {
    const refused = await testImapConnection(settings('conn', { port: await closedPort() }), { timeoutMs: 10_000 });
    expect(refused).toMatchObject({ ok: false, key: 'mail.host_unreachable', detail: expect.stringContaining('ECONNREFUSED') });
    const unknown = await testImapConnection(settings('conn', { host: 'no-such-host.invalid' }), { timeoutMs: 10_000 });
    expect(unknown).toMatchObject({ ok: false, key: 'mail.host_unreachable' });
  });

  it('a self-signed certificate is mail.tls_failed unless the admin chose not to verify it (TLS and STARTTLS)', async () => {
    const tls = settings('conn', { security: 'tls', port: server.tlsPort });
    const starttls = settings('conn', { security: 'starttls' });
    for (const s of [tls, starttls]) {
      const refused = await testImapConnection(s, { timeoutMs: 10_000 });
      expect(refused).toMatchObject({ ok: false, key: 'mail.tls_failed', detail: expect.stringMatching(/self-signed/) });
      const accepted = await testImapConnection({ ...s, rejectUnauthorized: false }, { timeoutMs: 10_000 });
      expect(accepted).toMatchObject({ ok: true, messages: 2 });
    }
    // TLS spoken to the plain port is a handshake failure, not a hang.
    const wrongMode = await testImapConnection(settings('conn', { security: 'tls', rejectUnauthorized: false }), { timeoutMs: 10_000 });
    expect(wrongMode).toMatchObject({ ok: false, key: 'mail.tls_failed' });
  });

  it('a folder that does not exist is mail.folder_missing, naming it', async () => {
    const result = await testImapConnection(settings('conn', { folder: 'Tickets' }), { timeoutMs: 10_000 });
    expect(result).toMatchObject({ ok: false, key: 'mail.folder_missing', params: { folder: 'Tickets' } });
  });

  it('a server that never greets (plain IMAP spoken to the TLS port) is mail.timeout', async () => {
    const result = await testImapConnection(settings('conn', { port: server.tlsPort }), { timeoutMs: 1_000 });
    expect(result).toMatchObject({ ok: false, key: 'mail.timeout' });
  });
});

describe('openMailbox', () => {
  const sessions: MailboxSession[] = [];
  const open = async (s: ImapSettings) => {
    const session = await openMailbox(s, { timeoutMs: 10_000 });
    sessions.push(session);
    return session;
  };
  afterAll(async () => {
    for (const session of sessions) await session.close();
  });

  it('refuses with the key of what to fix', async () => {
    expect((await appErrorOf(openMailbox(settings('fetch', { password: 'nope' })))).key).toBe('mail.auth_failed');
    const missing = await appErrorOf(openMailbox(settings('fetch', { folder: 'Nowhere' })));
    expect(missing.key).toBe('mail.folder_missing');
    expect(missing.params).toMatchObject({ folder: 'Nowhere' });
  });

  it('fetches by UID in order without marking anything, marks \\Seen only when asked, then only what is new', async () => {
    const appended = [];
    for (const subject of ['first', 'second', 'third']) appended.push(await server.append('fetch', message(subject)));
    const session = await open(settings('fetch'));
    const limits = { batch: 10, maxBytes: 1024 * 1024 };

    const batch = await session.fetchNew({ uidValidity: null, lastUid: 0 }, limits);
    expect(batch.resynced).toBe(false);
    expect(batch.more).toBe(false);
    expect(batch.uidValidity).toBe(appended[0]?.uidValidity);
    expect(batch.messages.map((m) => m.uid)).toEqual(appended.map((a) => a.uid));
    expect(batch.messages.map((m) => /Subject: (\w+)/.exec(m.raw?.toString() ?? '')?.[1])).toEqual(['first', 'second', 'third']);
    for (const m of batch.messages) {
      expect(m.uidValidity).toBe(batch.uidValidity);
      expect(m.size).toBe(m.raw?.length);
      expect(m.headers).toBeNull();
    }
    // Fetching is not processing: a crash now must leave every message as it was.
    for (const flags of (await flagsOf('fetch')).values()) expect(flags.has('\\Seen')).toBe(false);

    const [first, second, third] = batch.messages.map((m) => m.uid) as [number, number, number];
    expect(await session.markProcessed(first, batch.uidValidity)).toBe(true);
    let flags = await flagsOf('fetch');
    expect(flags.get(first)?.has('\\Seen')).toBe(true);
    expect(flags.get(second)?.has('\\Seen')).toBe(false);
    // A UID of another UIDVALIDITY names another message: nothing is marked.
    expect(await session.markProcessed(second, '1')).toBe(false);
    expect((await flagsOf('fetch')).get(second)?.has('\\Seen')).toBe(false);

    // Batches: at most `batch`, and `more` says to come back.
    const firstTwo = await session.fetchNew({ uidValidity: batch.uidValidity, lastUid: 0 }, { ...limits, batch: 2 });
    expect(firstTwo.messages.map((m) => m.uid)).toEqual([first, second]);
    expect(firstTwo.more).toBe(true);

    const state = { uidValidity: batch.uidValidity, lastUid: third };
    expect((await session.fetchNew(state, limits)).messages).toEqual([]);
    // Reading the mailbox in another client does not hide anything: UIDs, not \Seen, decide.
    const fourth = await server.append('fetch', message('fourth'), 'INBOX', ['\\Seen']);
    const next = await session.fetchNew(state, limits);
    expect(next.messages.map((m) => m.uid)).toEqual([fourth.uid]);
    expect(next.messages[0]?.raw?.toString()).toContain('Subject: fourth');
    await session.markProcessed(second);
    flags = await flagsOf('fetch');
    expect([...flags.entries()].filter(([, f]) => f.has('\\Seen')).map(([uid]) => uid)).toEqual([first, second, fourth.uid]);
  });

  it('moves processed mail to the processed folder, creating it', async () => {
    await server.append('mover', message('stays'));
    await server.append('mover', message('goes'));
    const session = await open(settings('mover', { processedAction: 'move', processedFolder: 'Processed' }));
    const batch = await session.fetchNew({ uidValidity: null, lastUid: 0 }, { batch: 10, maxBytes: 1_000_000 });
    expect(batch.messages).toHaveLength(2);
    const [stays, goes] = batch.messages as [(typeof batch.messages)[0], (typeof batch.messages)[0]];
    expect(await session.markProcessed(goes.uid)).toBe(true);

    const inbox = await flagsOf('mover');
    expect([...inbox.keys()]).toEqual([stays.uid]);
    const processed = await flagsOf('mover', 'Processed');
    expect(processed.size).toBe(1);
    const check = await server.connect('mover');
    try {
      await check.mailboxOpen('Processed');
      const moved = await check.fetchAll('1:*', { source: true });
      expect(moved[0]?.source?.toString()).toContain('Subject: goes');
    } finally {
      await check.logout();
    }
    // The move leaves the rest alone and brings nothing back.
    expect((await session.fetchNew({ uidValidity: batch.uidValidity, lastUid: goes.uid }, { batch: 10, maxBytes: 1_000_000 })).messages).toEqual([]);
  });

  it('starts again from the first message when UIDVALIDITY changed (the folder was recreated)', async () => {
    await server.append('resync', message('old-1'), 'Support');
    await server.append('resync', message('old-2'), 'Support');
    const before = await open(settings('resync', { folder: 'Support' }));
    const first = await before.fetchNew({ uidValidity: null, lastUid: 0 }, { batch: 10, maxBytes: 1_000_000 });
    expect(first.messages).toHaveLength(2);
    const stored = { uidValidity: first.uidValidity, lastUid: first.messages[1]?.uid ?? 0 };
    await before.close();

    const admin = await server.connect('resync');
    try {
      await admin.mailboxDelete('Support');
      await admin.mailboxCreate('Support');
    } finally {
      await admin.logout();
    }
    await server.append('resync', message('new-1'), 'Support');

    const after = await open(settings('resync', { folder: 'Support' }));
    const again = await after.fetchNew(stored, { batch: 10, maxBytes: 1_000_000 });
    expect(again.resynced).toBe(true);
    expect(again.uidValidity).not.toBe(stored.uidValidity);
    // UID 1 is at or below the stored lastUid: without the resync it would be skipped for ever.
    expect(again.messages.map((m) => m.uid)).toEqual([1]);
    expect(again.messages[0]?.uidValidity).toBe(again.uidValidity);
    expect(again.messages[0]?.raw?.toString()).toContain('Subject: new-1');
    const steady = await after.fetchNew({ uidValidity: again.uidValidity, lastUid: 1 }, { batch: 10, maxBytes: 1_000_000 });
    expect(steady).toMatchObject({ resynced: false, messages: [] });
  });

  it('waits in IDLE and wakes on new mail; otherwise times out, or stops when aborted', async () => {
    const session = await open(settings('idle'));
    expect(session.idle).toBe(true);
    const state = { uidValidity: null, lastUid: 0 };
    expect((await session.fetchNew(state, { batch: 10, maxBytes: 1_000_000 })).messages).toEqual([]);

    expect(await session.waitForNew({ timeoutMs: 300 })).toBe('timeout');
    const controller = new AbortController();
    const aborted = session.waitForNew({ signal: controller.signal, timeoutMs: 60_000 });
    controller.abort();
    expect(await aborted).toBe('aborted');

    const woke = session.waitForNew({ timeoutMs: 30_000 });
    // Let the IDLE command reach the server before the mail arrives.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const appended = await server.append('idle', message('wake up'));
    expect(await woke).toBe('exists');
    const fetched = await session.fetchNew(state, { batch: 10, maxBytes: 1_000_000 });
    expect(fetched.messages.map((m) => m.uid)).toEqual([appended.uid]);

    // Mail that arrives between a fetch and the next wait wakes that wait at once.
    const between = await server.append('idle', message('between'));
    expect(await session.waitForNew({ timeoutMs: 30_000 })).toBe('exists');
    const last = await session.fetchNew({ uidValidity: fetched.uidValidity, lastUid: appended.uid }, { batch: 10, maxBytes: 1_000_000 });
    expect(last.messages.map((m) => m.uid)).toEqual([between.uid]);
  });

  it('without IDLE on the server, waiting just times out (the caller polls), and moving still works', async () => {
    const plain = await startImapServer({ users: [{ user: 'poll', password: 'pw-poll' }], withoutIdle: true });
    try {
      const session = await openMailbox(
        { ...settings('poll', { port: plain.port, password: 'pw-poll' }), processedAction: 'move', processedFolder: 'Done' },
        { timeoutMs: 10_000 },
      );
      try {
        expect(session.idle).toBe(false);
        const probe = await testImapConnection(settings('poll', { port: plain.port, password: 'pw-poll' }), { timeoutMs: 10_000 });
        expect(probe).toMatchObject({ ok: true, idle: false });
        const appended = await plain.append('poll', message('polled'));
        expect(await session.waitForNew({ timeoutMs: 300 })).toBe('timeout');
        const batch = await session.fetchNew({ uidValidity: null, lastUid: 0 }, { batch: 10, maxBytes: 1_000_000 });
        expect(batch.messages.map((m) => m.uid)).toEqual([appended.uid]);
        expect(await session.markProcessed(appended.uid)).toBe(true);
        const check = await plain.connect('poll');
        try {
          expect(await check.status('INBOX', { messages: true })).toMatchObject({ messages: 0 });
          expect(await check.status('Done', { messages: true })).toMatchObject({ messages: 1 });
        } finally {
          await check.logout();
        }
      } finally {
        await session.close();
      }
    } finally {
      await plain.close();
    }
  });

  it('hands a message over maxBytes without its body, with its headers', async () => {
    const body = `${'大'.repeat(2_000)}\r\n`;
    const small = await server.append('big', message('small'));
    const large = await server.append('big', message('large one', body));
    const session = await open(settings('big'));
    const batch = await session.fetchNew({ uidValidity: null, lastUid: 0 }, { batch: 10, maxBytes: 2_000 });
    expect(batch.messages.map((m) => m.uid)).toEqual([small.uid, large.uid]);
    const [smallOne, largeOne] = batch.messages as [(typeof batch.messages)[0], (typeof batch.messages)[0]];
    expect(smallOne.raw?.toString()).toContain('Subject: small');
    expect(largeOne.raw).toBeNull();
    expect(largeOne.size).toBeGreaterThan(6_000);
    const headers = largeOne.headers?.toString() ?? '';
    expect(headers).toContain('Subject: large one');
    expect(headers).toContain('Message-ID: <');
    expect(headers).not.toContain('大');
  });
});
