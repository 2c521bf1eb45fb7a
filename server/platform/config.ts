/**
 * Process configuration, read once from the environment. Nothing else in the server reads
 * `process.env`, so tests build a config object directly.
 */
import net from 'node:net';
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; when unset the embedded PGlite database in `dataDir` is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Password for the `admin` user created on first start; random (printed once) when unset. */
  adminPassword: string | undefined;
  sweepIntervalMs: number;
  /** How often the outbox worker looks for messages to deliver. */
  deliveryIntervalMs: number;
  /** How often each process looks for due scheduled jobs. */
  jobPollMs: number;
  /** How long a claimed job stays leased without renewal: a crashed process's slot runs again after it. */
  jobLeaseMs: number;
  /** Registers the test-only job `test.tick` (process tests): FUWUTAI_TEST_JOBS=1. */
  testJobs: boolean;
  /** How often event consumers look for new events when no NOTIFY woke them (a safety net). */
  eventPollMs: number;
  /** Largest accepted attachment, in bytes. */
  maxUploadBytes: number;
  /** Secure cookies (HTTPS only). Defaults to on when NODE_ENV=production. */
  secureCookies: boolean;
  sessionTtlHours: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Public URL of the web UI, used in links inside emails. */
  publicUrl: string;
  /** Acknowledgements mailed to one sender address per hour at most (FUWUTAI_MAIL_ACKS_PER_HOUR); the rest are recorded as skipped. */
  mailAcksPerHour: number;
  logLevel: string;
  /** The service desk's home time zone: ticket-number years, calendar defaults. */
  timeZone: string;
  /** Requests per minute one client (session, token or address) may make to /api; 0 turns the limit off. */
  apiRateLimitPerMinute: number;
  /**
   * Which proxies in front of us to believe about the client's address (X-Forwarded-For): false
   * (none: the socket's address is the client), a hop count (1 = one proxy; the right-most
   * forwarded address is the client), or the proxies' addresses/CIDRs. Never "everyone": the
   * left-most forwarded address is whatever the client wrote.
   */
  trustProxy: false | number | string[];
  /**
   * FUWUTAI_SECRET: the key material for secrets stored in the database (mailbox and SMTP
   * passwords, platform/secrets.ts). Unset or shorter than 32 characters: storing a secret is
   * refused. Never log it.
   */
  secret: string | undefined;
}

/**
 * Fastify's `trustProxy` for the setting. Fastify honours a hop count at run time but its types
 * do not list one, so hops become proxy-addr's own rule: trust the first `n` hops from the socket.
 */
export function trustProxyOption(value: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return value;
}

/** Names proxy-addr (Fastify's trustProxy) knows for address ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** FUWUTAI_TRUST_PROXY: unset/0 → none, a hop count, or a comma list of proxy addresses, CIDRs or range names (loopback, linklocal, uniquelocal). */
export function parseTrustProxy(raw: string | undefined): false | number | string[] {
  const value = raw?.trim() ?? '';
  if (value === '' || value === '0' || value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (PROXY_RANGE_NAMES.has(entry)) continue;
    const [address, bits, ...rest] = entry.split('/');
    const family = net.isIP(address ?? '');
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!family || !bitsOk || rest.length) {
      throw new Error(
        `FUWUTAI_TRUST_PROXY must be a hop count (1 = one proxy) or a comma list of proxy addresses/CIDRs, got "${raw}"`,
      );
    }
  }
  return entries;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = intFromEnv(env, 'PORT', 3000);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.FUWUTAI_DATA_DIR || './data'),
    adminPassword: env.FUWUTAI_ADMIN_PASSWORD || undefined,
    sweepIntervalMs: intFromEnv(env, 'FUWUTAI_SWEEP_INTERVAL_MS', 15_000),
    deliveryIntervalMs: intFromEnv(env, 'FUWUTAI_DELIVERY_INTERVAL_MS', 2_000),
    jobPollMs: Math.max(50, intFromEnv(env, 'FUWUTAI_JOB_POLL_MS', 1_000)),
    jobLeaseMs: Math.max(1_000, intFromEnv(env, 'FUWUTAI_JOB_LEASE_MS', 15_000)),
    testJobs: env.FUWUTAI_TEST_JOBS === '1',
    eventPollMs: intFromEnv(env, 'FUWUTAI_EVENT_POLL_MS', 1_000),
    maxUploadBytes: intFromEnv(env, 'FUWUTAI_MAX_UPLOAD_MB', 20) * 1024 * 1024,
    secureCookies: env.FUWUTAI_SECURE_COOKIES
      ? env.FUWUTAI_SECURE_COOKIES === '1' || env.FUWUTAI_SECURE_COOKIES === 'true'
      : env.NODE_ENV === 'production',
    sessionTtlHours: intFromEnv(env, 'FUWUTAI_SESSION_TTL_HOURS', 12),
    smtpUrl: env.FUWUTAI_SMTP_URL || undefined,
    mailFrom: env.FUWUTAI_MAIL_FROM || 'Fuwutai 服务台 <noreply@fuwutai.local>',
    publicUrl: env.FUWUTAI_PUBLIC_URL || `http://localhost:${port}`,
    mailAcksPerHour: intFromEnv(env, 'FUWUTAI_MAIL_ACKS_PER_HOUR', 5),
    logLevel: env.LOG_LEVEL || 'info',
    timeZone: env.FUWUTAI_TIME_ZONE || 'Asia/Shanghai',
    apiRateLimitPerMinute: intFromEnv(env, 'FUWUTAI_API_RATE_LIMIT', 1200),
    trustProxy: parseTrustProxy(env.FUWUTAI_TRUST_PROXY),
    secret: env.FUWUTAI_SECRET || undefined,
  };
}
