/**
 * Real mail servers for tests, started by the tests themselves.
 *
 * `startImapServer` runs Debian's Dovecot (`apt-get install dovecot-imapd`) with a temporary
 * configuration of its own — own base_dir and state_dir, no system config, maildirs and a
 * passwd-file in a temporary folder, plaintext login allowed on 127.0.0.1 — on two free high
 * ports: a plain one that also offers STARTTLS, and an implicit-TLS one. Both present a
 * self-signed certificate made for the server, so "certificate problem" paths are real.
 * Without Dovecot it throws, saying what to install: mail tests never skip silently.
 *
 * `startSmtpSink` is an SMTP server (smtp-server) that accepts any login and keeps every message.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { SMTPServer } from 'smtp-server';

export const DOVECOT = '/usr/sbin/dovecot';

export interface ImapTestUser {
  user: string;
  password: string;
}

export interface ImapTestServer {
  host: string;
  /** Plain IMAP; offers STARTTLS. */
  port: number;
  /** IMAP over TLS (implicit, like 993). */
  tlsPort: number;
  users: ImapTestUser[];
  /** The self-signed certificate both listeners present (PEM), for tests that trust it explicitly. */
  certificate: string;
  /** Appends a message as that user (creating the folder when missing); the UID it got. */
  append(user: string, raw: Buffer | string, folder?: string, flags?: string[]): Promise<{ uid: number; uidValidity: string }>;
  /** A logged-in client for that user on the plain port (the caller logs out). */
  connect(user: string): Promise<ImapFlow>;
  /** Dovecot's log so far (for failure messages). */
  log(): string;
  close(): Promise<void>;
}

const execFileAsync = promisify(execFile);

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Which system users Dovecot runs as. As root: the package's unprivileged users (login processes
 * refuse root, and mail access as uid 0 is refused too). Otherwise everything runs as us.
 */
function runAs(): { login: string; internal: string; mail: string; firstValidUid: number } {
  const me = os.userInfo();
  if (me.uid !== 0) return { login: me.username, internal: me.username, mail: me.username, firstValidUid: me.uid };
  return { login: 'dovenull', internal: 'dovecot', mail: 'dovecot', firstValidUid: 1 };
}

/** What a server without IDLE (or MOVE) advertises, for the polling paths. */
const CAPABILITIES_WITHOUT_IDLE = 'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS NAMESPACE CHILDREN UNSELECT';

function dovecotConfig(dir: string, ports: { port: number; tlsPort: number }, options: ImapServerOptions): string {
  const users = runAs();
  return `# Temporary Dovecot for Fuwutai's tests (server/test/mail-servers.ts). No system config is read.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
# STARTTLS on the plain port, implicit TLS on the other; the certificate is self-signed.
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
# Tests log in with plain passwords over the unencrypted port too.
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password answers at once (the default waits 2 s).
auth_failure_delay = 0
default_login_user = ${users.login}
default_internal_user = ${users.internal}
first_valid_uid = ${users.firstValidUid}
mail_location = maildir:${dir}/mail/%u
mail_fsync = never
${options.withoutIdle ? `# Advertise no IDLE (and no MOVE): the polling fallback.\nimap_capability = ${CAPABILITIES_WITHOUT_IDLE}\n` : ''}passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${users.mail} gid=${users.mail} home=${dir}/mail/%u
}
# Nobody may open anvil's auth-penalty socket, so the auth process runs without the penalty:
# otherwise every login from 127.0.0.1 after a failed one waits 2-15 s.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    port = ${ports.port}
  }
  inet_listener imaps {
    port = ${ports.tlsPort}
    ssl = yes
  }
}
`;
}

const running = new Set<ChildProcess>();
// A test run that ends without close() must not leave Dovecot behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface ImapServerOptions {
  users: ImapTestUser[];
  /** Advertise neither IDLE nor MOVE, like some older servers. */
  withoutIdle?: boolean;
}

export async function startImapServer(options: ImapServerOptions): Promise<ImapTestServer> {
  if (!fs.existsSync(DOVECOT)) {
    throw new Error(
      `The mail tests need a real IMAP server: ${DOVECOT} is missing. Install it with "apt-get install dovecot-imapd" (CI installs it; nothing needs to run, the tests start their own).`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fuwutai-imap-'));
  // Dovecot's own processes run as unprivileged users: they must read the passwd file and write the maildirs.
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'mail'));
  if (os.userInfo().uid === 0) await execFileAsync('chown', [`${runAs().mail}:${runAs().mail}`, path.join(dir, 'mail')]);
  fs.writeFileSync(path.join(dir, 'passwd'), options.users.map((u) => `${u.user}:{PLAIN}${u.password}::::::\n`).join(''), { mode: 0o644 });
  await execFileAsync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
  ]);
  const logFile = path.join(dir, 'dovecot.log');
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');

  // Free ports can be taken between looking and binding (other test files run in parallel): try again.
  let child: ChildProcess | null = null;
  let ports = { port: 0, tlsPort: 0 };
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    ports = { port: await freePort(), tlsPort: await freePort() };
    if (ports.port === ports.tlsPort) continue;
    const conf = path.join(dir, 'dovecot.conf');
    fs.writeFileSync(conf, dovecotConfig(dir, ports, options));
    const started = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    started.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    running.add(started);
    const exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    let up = false;
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    const deadline = Date.now() + 15_000;
    while (!gone && Date.now() < deadline) {
      if ((await portOpen(ports.port)) && (await portOpen(ports.tlsPort))) {
        up = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (up) {
      child = started;
      break;
    }
    started.kill('SIGKILL');
    await exited;
    running.delete(started);
    if (!/in use/i.test(log() + stderr) || attempt === 2) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`Dovecot did not start (${DOVECOT} -F -c ${conf}):\n${stderr}\n${log()}`);
    }
  }
  if (!child) throw new Error('Dovecot did not start: no two free ports');
  const dovecot = child;

  const credentials = (user: string) => {
    const found = options.users.find((u) => u.user === user);
    if (!found) throw new Error(`no IMAP test user ${user}`);
    return found;
  };
  const connect = async (user: string) => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: ports.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user, pass: credentials(user).password },
      logger: false,
      disableAutoIdle: true,
    });
    await client.connect();
    return client;
  };

  return {
    host: '127.0.0.1',
    port: ports.port,
    tlsPort: ports.tlsPort,
    users: options.users,
    certificate: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    connect,
    log,
    async append(user, raw, folder = 'INBOX', flags = []) {
      const client = await connect(user);
      try {
        if (folder !== 'INBOX' && !(await client.list()).some((box) => box.path === folder)) await client.mailboxCreate(folder);
        const result = await client.append(folder, typeof raw === 'string' ? Buffer.from(raw) : raw, flags);
        if (!result || result.uid === undefined || result.uidValidity === undefined) throw new Error('the IMAP server did not say which UID it gave');
        return { uid: result.uid, uidValidity: String(result.uidValidity) };
      } finally {
        await client.logout().catch(() => {});
      }
    },
    async close() {
      if (dovecot.exitCode === null && dovecot.signalCode === null) {
        const exited = new Promise<void>((resolve) => dovecot.once('exit', () => resolve()));
        dovecot.kill('SIGTERM');
        const timer = setTimeout(() => dovecot.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(dovecot);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SinkMessage {
  from: string | null;
  to: string[];
  /** The user name it logged in with, when it did. */
  user: string | null;
  raw: Buffer;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages: SinkMessage[];
  /** Resolves with the messages once at least `n` have arrived; rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs?: number): Promise<SinkMessage[]>;
  close(): Promise<void>;
}

/** An SMTP server on a free port of 127.0.0.1 that accepts any login (or none) and keeps everything it is sent. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          user: typeof session.user === 'string' ? session.user : null,
          raw: Buffer.concat(chunks),
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as net.AddressInfo).port));
  });
  return {
    host: '127.0.0.1',
    port,
    messages,
    async waitFor(n, timeoutMs = 10_000) {
      if (messages.length >= n) return messages;
      return await new Promise<SinkMessage[]>((resolve, reject) => {
        const wake = () => {
          if (messages.length < n) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(messages);
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`the SMTP sink got ${messages.length} of ${n} messages within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
