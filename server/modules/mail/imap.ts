/**
 * The IMAP side of the email channel (issue 10), on imapflow. No database here: the caller keeps
 * the mailbox's state (UIDVALIDITY and the last UID it committed) and hands it in.
 *
 * - `testImapConnection` answers an admin's "test connection" in words: one error key per thing
 *   a person can fix (password, certificate, host/port, folder), never a stack trace.
 * - `openMailbox` fetches by UID above the stored one — never "unseen only": a person may read
 *   the mailbox in another client. A changed UIDVALIDITY means the stored UIDs name other
 *   messages now, so fetching starts again from the first message (`resynced`) and the
 *   Message-ID dedupe drops what was already taken in. Messages are fetched with BODY.PEEK, so
 *   nothing is marked until the caller calls `markProcessed` — only after its own commit.
 *   A crash in between fetches the message again (again deduped).
 * - `waitForNew` sleeps in IDLE where the server offers it and wakes on EXISTS; otherwise it just
 *   waits out the timeout and the caller polls.
 */
import net from 'node:net';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { AppError } from '../../platform/errors';

export type ImapSecurity = 'tls' | 'starttls' | 'none';

export interface ImapSettings {
  host: string;
  port: number;
  security: ImapSecurity;
  user: string;
  password: string;
  /** The folder new mail is fetched from, usually INBOX. */
  folder: string;
  /** What happens to a message once its ticket is committed: flagged \Seen, or moved to `processedFolder`. */
  processedAction: 'seen' | 'move';
  processedFolder?: string;
  /** false accepts a certificate that does not verify (self-signed servers on a LAN): an admin's explicit choice. */
  rejectUnauthorized: boolean;
}

/** The error keys a mailbox connection can fail with (common/api/errors.ts); each names what to fix. */
export type ImapFailureKey =
  | 'mail.auth_failed'
  | 'mail.tls_failed'
  | 'mail.host_unreachable'
  | 'mail.timeout'
  | 'mail.folder_missing'
  | 'mail.connection_failed';

export type ImapTestResult =
  | { ok: true; idle: boolean; folders: string[]; messages: number }
  /** `params` fill the key's text (the folder for mail.folder_missing, the detail for mail.connection_failed). */
  | { ok: false; key: ImapFailureKey; detail: string; params: Record<string, string> };

const DEFAULT_TIMEOUT_MS = 20_000;

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL', 'ECONNRESET']);
const TIMEOUT_CODES = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

interface ImapErrorLike {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  tlsFailed?: boolean;
  mailboxMissing?: boolean;
  serverResponseCode?: string;
  responseText?: string;
  _err?: unknown;
  cause?: unknown;
}

/** The errors along `_err` / `cause`: imapflow wraps socket and TLS errors. */
function chain(error: unknown): ImapErrorLike[] {
  const seen: ImapErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && seen.length < 5 && !seen.includes(current as ImapErrorLike)) {
    seen.push(current as ImapErrorLike);
    current = (current as ImapErrorLike)._err ?? (current as ImapErrorLike).cause;
  }
  return seen;
}

/** Which thing a person must fix, from an imapflow (or socket/TLS) error. */
export function classifyImapError(error: unknown): { key: ImapFailureKey; detail: string } {
  const errors = chain(error);
  const detail = errors
    .map((e) => [e.code, e.responseText ?? e.message].filter(Boolean).join(': '))
    .filter(Boolean)
    .join(' ← ')
    .slice(0, 500);
  const has = (test: (e: ImapErrorLike) => boolean) => errors.some(test);
  const code = (e: ImapErrorLike) => e.code ?? '';
  if (has((e) => e.authenticationFailed === true || e.serverResponseCode === 'AUTHENTICATIONFAILED')) return { key: 'mail.auth_failed', detail };
  if (has((e) => e.mailboxMissing === true || e.serverResponseCode === 'NONEXISTENT')) return { key: 'mail.folder_missing', detail };
  if (has((e) => e.tlsFailed === true || TLS_CODES.has(code(e)) || /^(ERR_SSL_|ERR_TLS_|CERT_)/.test(code(e)))) return { key: 'mail.tls_failed', detail };
  if (has((e) => UNREACHABLE_CODES.has(code(e)))) return { key: 'mail.host_unreachable', detail };
  if (has((e) => TIMEOUT_CODES.has(code(e)))) return { key: 'mail.timeout', detail };
  return { key: 'mail.connection_failed', detail };
}

const ENGLISH: Record<ImapFailureKey, string> = {
  'mail.auth_failed': 'The mail server refused the user name or password',
  'mail.tls_failed': 'The secure connection to the mail server failed (certificate not trusted, or wrong security mode for this port)',
  'mail.host_unreachable': 'The mail server cannot be reached (host name or port)',
  'mail.timeout': 'The mail server did not answer in time',
  'mail.folder_missing': 'The mail folder does not exist',
  'mail.connection_failed': 'The connection to the mail server failed',
};

/** An AppError for a failed mailbox connection (400: the settings need fixing). */
export function imapFailure(key: ImapFailureKey, detail: string, folder?: string): AppError {
  return new AppError(key, `${ENGLISH[key]}${folder ? `: ${folder}` : ''} (${detail})`, { detail, ...(folder !== undefined ? { folder } : {}) });
}

function clientOptions(settings: ImapSettings, timeoutMs: number): ImapFlowOptions {
  return {
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    doSTARTTLS: settings.security === 'starttls' ? true : settings.security === 'none' ? false : undefined,
    // SNI and the certificate check need the host name (an IP address is checked against the certificate's IP entries).
    ...(net.isIP(settings.host) ? {} : { servername: settings.host }),
    tls: { rejectUnauthorized: settings.rejectUnauthorized },
    auth: { user: settings.user, pass: settings.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: Math.max(timeoutMs, 5 * 60_000),
    // Servers drop an IDLE after ~30 min; imapflow re-issues it well before that, and before the socket timeout.
    maxIdleTime: 4 * 60_000,
    clientInfo: { name: 'Fuwutai' },
  };
}

/** Connects and logs in, or throws an AppError keyed by what to fix. Gives up after `timeoutMs`. */
async function connect(settings: ImapSettings, timeoutMs: number): Promise<ImapFlow> {
  const client = new ImapFlow(clientOptions(settings, timeoutMs));
  // imapflow also emits connection errors as events; without a listener they would crash the process.
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEOUT' })), timeoutMs);
  });
  try {
    await Promise.race([client.connect(), timedOut]);
    return client;
  } catch (error) {
    client.close();
    const { key, detail } = classifyImapError(error);
    throw imapFailure(key, detail);
  } finally {
    clearTimeout(timer);
  }
}

const sameFolder = (a: string, b: string) => a === b || (a.toUpperCase() === 'INBOX' && b.toUpperCase() === 'INBOX');

/** Logs in, lists the folders and counts the chosen folder's messages; answers in words on failure. */
export async function testImapConnection(settings: ImapSettings, options: { timeoutMs?: number } = {}): Promise<ImapTestResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let client: ImapFlow | null = null;
  try {
    client = await connect(settings, timeoutMs);
    const folders = (await client.list()).map((box) => box.path);
    if (!folders.some((path) => sameFolder(path, settings.folder))) {
      const detail = `"${settings.folder}" is not among: ${folders.join(', ')}`.slice(0, 500);
      return { ok: false, key: 'mail.folder_missing', detail, params: { folder: settings.folder, detail } };
    }
    const status = await client.status(settings.folder, { messages: true });
    return { ok: true, idle: client.capabilities.has('IDLE'), folders, messages: status ? (status.messages ?? 0) : 0 };
  } catch (error) {
    const { key, detail } =
      error instanceof AppError && error.key.startsWith('mail.')
        ? { key: error.key as ImapFailureKey, detail: String(error.details?.detail ?? error.message) }
        : classifyImapError(error);
    return { ok: false, key, detail, params: { folder: settings.folder, detail } };
  } finally {
    if (client) await logout(client);
  }
}

async function logout(client: ImapFlow): Promise<void> {
  const timer = setTimeout(() => client.close(), 5_000);
  try {
    await client.logout();
  } catch {
    client.close();
  } finally {
    clearTimeout(timer);
  }
}

/** What the caller remembers per mailbox: the folder's UIDVALIDITY and the last UID it committed. */
export interface MailboxState {
  uidValidity: string | null;
  lastUid: number;
}

export interface FetchedMessage {
  uid: number;
  uidValidity: string;
  /** RFC822.SIZE in bytes. */
  size: number;
  /** The whole message, or null when it is larger than `maxBytes`. */
  raw: Buffer | null;
  /** The raw header block, given only when `raw` is null (enough to quarantine it with its Message-ID). */
  headers: Buffer | null;
  internalDate: Date | null;
}

export interface FetchResult {
  uidValidity: string;
  /** The stored UIDVALIDITY was another one: fetching started again from the first message. */
  resynced: boolean;
  /** In UID order, at most `batch`. */
  messages: FetchedMessage[];
  /** More messages wait after this batch: call again with the last UID. */
  more: boolean;
}

export type WakeReason = 'exists' | 'timeout' | 'aborted' | 'closed';

export interface MailboxSession {
  readonly idle: boolean;
  readonly closed: boolean;
  fetchNew(state: MailboxState, options: { batch: number; maxBytes: number }): Promise<FetchResult>;
  /** Flags \Seen or moves the message; only after the caller committed it. false when `uidValidity` no longer matches. */
  markProcessed(uid: number, uidValidity?: string): Promise<boolean>;
  waitForNew(options: { signal?: AbortSignal; timeoutMs: number }): Promise<WakeReason>;
  close(): Promise<void>;
}

export async function openMailbox(settings: ImapSettings, options: { timeoutMs?: number } = {}): Promise<MailboxSession> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = await connect(settings, timeoutMs);
  try {
    await client.mailboxOpen(settings.folder);
  } catch (error) {
    await logout(client);
    const { key, detail } = classifyImapError(error);
    throw imapFailure(key === 'mail.connection_failed' ? 'mail.folder_missing' : key, detail, settings.folder);
  }
  let closed = false;
  // Set by any EXISTS that grew the folder; fetchNew clears it before it looks, so nothing that
  // arrives while no one is waiting is missed (a wake-up too many only costs an empty fetch).
  let grew = false;
  const wakers = new Set<(reason: WakeReason) => void>();
  client.on('exists', (event) => {
    if (event.count > event.prevCount) {
      grew = true;
      for (const wake of wakers) wake('exists');
    }
  });
  client.on('close', () => {
    closed = true;
    for (const wake of wakers) wake('closed');
  });
  let processedFolderReady = false;

  /** Errors of a running session keep their key too (a dropped connection, a folder deleted meanwhile). */
  const keyed = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      const { key, detail } = classifyImapError(error);
      throw imapFailure(key, detail, key === 'mail.folder_missing' ? settings.folder : undefined);
    }
  };

  const currentUidValidity = () => {
    const mailbox = client.mailbox;
    if (!mailbox) throw imapFailure('mail.folder_missing', 'the folder is no longer selected', settings.folder);
    return String(mailbox.uidValidity);
  };

  return {
    idle: client.capabilities.has('IDLE'),
    get closed() {
      return closed;
    },

    fetchNew: (state, { batch, maxBytes }) =>
      keyed(async () => {
        grew = false;
        // The server shows a session mail that arrived since its last command only after a command
        // that syncs the view; a SEARCH alone still answers from the old view.
        await client.noop();
        const uidValidity = currentUidValidity();
        const resynced = state.uidValidity !== null && state.uidValidity !== uidValidity;
        const after = resynced ? 0 : state.lastUid;
        // `N:*` always includes the highest UID even when it is below N (RFC 3501), hence the filter.
        const found = (await client.search({ uid: `${after + 1}:*` }, { uid: true })) || [];
        const uids = [...new Set(found)].filter((uid) => uid > after).sort((a, b) => a - b);
        const chosen = uids.slice(0, Math.max(1, batch));
        const messages: FetchedMessage[] = [];
        if (chosen.length) {
          const meta = await client.fetchAll(chosen.join(','), { uid: true, size: true, internalDate: true }, { uid: true });
          const byUid = new Map(meta.map((m) => [m.uid, m]));
          const small = chosen.filter((uid) => (byUid.get(uid)?.size ?? 0) <= maxBytes);
          const large = chosen.filter((uid) => (byUid.get(uid)?.size ?? 0) > maxBytes);
          // BODY.PEEK: fetching marks nothing as read.
          const sources = small.length ? await client.fetchAll(small.join(','), { uid: true, source: true }, { uid: true }) : [];
          const headers = large.length ? await client.fetchAll(large.join(','), { uid: true, headers: true }, { uid: true }) : [];
          const sourceOf = new Map(sources.map((m) => [m.uid, m.source ?? null]));
          const headersOf = new Map(headers.map((m) => [m.uid, m.headers ?? null]));
          for (const uid of chosen) {
            const info = byUid.get(uid);
            // Expunged by someone else between search and fetch: it is gone, nothing to take in.
            if (!info) continue;
            const internalDate = info.internalDate ? new Date(info.internalDate) : null;
            const isLarge = large.includes(uid);
            messages.push({
              uid,
              uidValidity,
              size: info.size ?? 0,
              raw: isLarge ? null : (sourceOf.get(uid) ?? null),
              headers: isLarge ? (headersOf.get(uid) ?? Buffer.alloc(0)) : null,
              internalDate,
            });
          }
        }
        return { uidValidity, resynced, messages, more: uids.length > chosen.length };
      }),

    markProcessed: (uid, uidValidity) =>
      keyed(async () => {
        if (uidValidity !== undefined && uidValidity !== currentUidValidity()) return false;
        if (settings.processedAction === 'seen') {
          return await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        }
        const target = settings.processedFolder;
        if (!target) throw imapFailure('mail.folder_missing', 'no folder to move processed mail to', '');
        if (!processedFolderReady) {
          const folders = await client.list();
          if (!folders.some((box) => sameFolder(box.path, target))) await client.mailboxCreate(target);
          processedFolderReady = true;
        }
        return !!(await client.messageMove(String(uid), target, { uid: true }));
      }),

    async waitForNew({ signal, timeoutMs: waitMs }) {
      if (closed) return 'closed';
      if (signal?.aborted) return 'aborted';
      if (grew) return 'exists';
      return await new Promise<WakeReason>((resolve) => {
        const finish = (reason: WakeReason) => {
          clearTimeout(timer);
          wakers.delete(finish);
          signal?.removeEventListener('abort', onAbort);
          resolve(reason);
        };
        const onAbort = () => finish('aborted');
        const timer = setTimeout(() => finish('timeout'), waitMs);
        wakers.add(finish);
        signal?.addEventListener('abort', onAbort, { once: true });
        // IDLE runs until the next command breaks it (imapflow sends DONE first).
        if (client.capabilities.has('IDLE') && !client.idling) void client.idle().catch(() => {});
      });
    },

    async close() {
      if (closed) return;
      for (const wake of wakers) wake('closed');
      await logout(client);
      closed = true;
    },
  };
}
