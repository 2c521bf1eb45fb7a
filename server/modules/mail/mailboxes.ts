/**
 * Mailboxes (issue 10): the IMAP accounts inbound mail is read from, administered by admins. The
 * password is stored encrypted under FUWUTAI_SECRET (platform/secrets.ts, the mailbox id as
 * associated data, so a value copied onto another row does not open) and never leaves the server.
 */
import crypto from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Mailbox, MailboxConnection, MailboxCreate, MailboxTestResult, MailboxUpdate } from '../../../common/api/mail';
import { MailboxConnection as MailboxConnectionSchema, MailboxCreate as MailboxCreateSchema } from '../../../common/api/mail';
import type { Db } from '../../db/client';
import { mailboxes, serviceCenters, type MailboxRow } from '../../db/schema';
import type { Actor } from '../../platform/actor';
import type { Clock } from '../../platform/clock';
import { fieldError, notFound } from '../../platform/errors';
import { decryptSecret, encryptSecret, requireSecretKey } from '../../platform/secrets';
import type { Audit } from '../audit';
import { testImapConnection } from './imap';

type ConnectionSettings = Required<MailboxConnection>;
/** Connects with the given settings and says in a key what went wrong. */
export type ConnectionTester = (settings: ConnectionSettings) => Promise<MailboxTestResult>;

/** The IMAP connection test of modules/mail/imap.ts, answered in the API's shape. */
export const imapConnectionTester =
  (options: { timeoutMs?: number } = {}): ConnectionTester =>
  async (s) => {
    const result = await testImapConnection(
      { host: s.imapHost, port: s.imapPort, security: s.imapSecurity, user: s.imapUser, password: s.password, folder: s.folder, processedAction: 'seen', rejectUnauthorized: s.tlsVerify },
      options,
    );
    return result.ok
      ? { ok: true, key: null, detail: null, idle: result.idle, folders: result.folders }
      : { ok: false, key: result.key, detail: result.detail, idle: false, folders: [] };
  };

/** What a mailbox's password is sealed with (secrets.ts): it opens only on its own row. The poller opens it with this too. */
export const mailboxPasswordContext = (id: string) => `mailbox:${id}`;

export const toMailbox = (row: MailboxRow): Mailbox => ({
  id: row.id,
  name: row.name,
  address: row.address,
  imapHost: row.imapHost,
  imapPort: row.imapPort,
  imapSecurity: row.imapSecurity,
  imapUser: row.imapUser,
  tlsVerify: row.tlsVerify,
  passwordSet: row.passwordEnc !== null,
  folder: row.folder,
  processedAction: row.processedAction,
  processedFolder: row.processedFolder,
  pollIntervalSeconds: row.pollIntervalSeconds,
  useIdle: row.useIdle,
  centerId: row.centerId,
  defaultSeverity: row.defaultSeverity,
  defaultType: row.defaultType,
  defaultCategory: row.defaultCategory,
  unknownSenderRule: row.unknownSenderRule,
  enabled: row.enabled,
  lastUid: row.lastUid,
  lastPolledAt: row.lastPolledAt?.toISOString() ?? null,
  lastError: row.lastErrorKey ? { key: row.lastErrorKey, detail: row.lastErrorDetail } : null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** The row without its secret, for the audit log. */
const audited = (row: MailboxRow) => {
  const { passwordEnc, ...rest } = row;
  return { ...rest, passwordSet: passwordEnc !== null };
};

export function createMailboxService(deps: { db: Db; clock: Clock; audit: Audit; secret: string | undefined; tester: ConnectionTester }) {
  const { db, clock, audit } = deps;
  const ctx = (actor: Actor) => ({ actorId: actor.id, ip: actor.ip });

  async function load(tx: Db, id: string) {
    const [row] = await tx.select().from(mailboxes).where(eq(mailboxes.id, id));
    if (!row) throw notFound('mail.mailbox_not_found', 'Mailbox');
    return row;
  }

  async function checkCenter(tx: Db, centerId: string | null | undefined) {
    if (!centerId) return;
    const [c] = await tx.select({ id: serviceCenters.id }).from(serviceCenters).where(eq(serviceCenters.id, centerId));
    if (!c) throw fieldError('centerId', 'field.no_such_center', 'no such service center');
  }

  function checkMove(action: string, folder: string | null | undefined) {
    if (action === 'move' && !folder) throw fieldError('processedFolder', 'field.required', 'is required when processed mail is moved');
  }

  async function test(settings: ConnectionSettings): Promise<MailboxTestResult> {
    return deps.tester(settings);
  }

  return {
    async list(): Promise<Mailbox[]> {
      return (await db.select().from(mailboxes).orderBy(asc(mailboxes.name), asc(mailboxes.id))).map(toMailbox);
    },

    async get(id: string): Promise<Mailbox> {
      return toMailbox(await load(db, id));
    },

    async create(actor: Actor, raw: MailboxCreate): Promise<Mailbox> {
      const input = MailboxCreateSchema.parse(raw);
      const id = crypto.randomUUID();
      // Refused before anything is written: no key, no stored password.
      const passwordEnc = input.password ? encryptSecret(deps.secret, input.password, mailboxPasswordContext(id)) : null;
      checkMove(input.processedAction, input.processedFolder);
      const now = clock.now();
      return db.transaction(async (tx) => {
        await checkCenter(tx, input.centerId);
        const { password: _password, ...fields } = input;
        const [row] = await tx
          .insert(mailboxes)
          .values({ ...fields, id, processedFolder: fields.processedFolder ?? null, centerId: fields.centerId ?? null, passwordEnc, createdAt: now, updatedAt: now })
          .returning();
        await audit.record(tx, ctx(actor), 'mailbox', id, 'created', null, audited(row!));
        return toMailbox(row!);
      });
    },

    async update(actor: Actor, id: string, patch: MailboxUpdate): Promise<Mailbox> {
      const { password, ...fields } = patch;
      const passwordEnc = password === undefined ? undefined : password === null ? null : encryptSecret(deps.secret, password, mailboxPasswordContext(id));
      return db.transaction(async (tx) => {
        const before = await load(tx, id);
        await checkCenter(tx, fields.centerId);
        checkMove(fields.processedAction ?? before.processedAction, fields.processedFolder === undefined ? before.processedFolder : fields.processedFolder);
        const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
        // Another server or account: the remembered UIDs belong to the old one.
        const moved = ['imapHost', 'imapUser', 'folder'].some((k) => k in set && set[k] !== before[k as keyof MailboxRow]);
        const [row] = await tx
          .update(mailboxes)
          .set({ ...set, ...(passwordEnc !== undefined ? { passwordEnc } : {}), ...(moved ? { uidValidity: null, lastUid: 0 } : {}), updatedAt: clock.now() })
          .where(eq(mailboxes.id, id))
          .returning();
        await audit.record(tx, ctx(actor), 'mailbox', id, 'updated', audited(before), audited(row!));
        return toMailbox(row!);
      });
    },

    async remove(actor: Actor, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const before = await load(tx, id);
        await tx.delete(mailboxes).where(eq(mailboxes.id, id));
        await audit.record(tx, ctx(actor), 'mailbox', id, 'deleted', audited(before), null);
      });
    },

    /** Tests a saved mailbox with its stored password. */
    async testSaved(id: string): Promise<MailboxTestResult> {
      const row = await load(db, id);
      if (!row.passwordEnc) throw fieldError('password', 'field.required', 'no password is stored for this mailbox');
      requireSecretKey(deps.secret);
      const password = decryptSecret(deps.secret, row.passwordEnc, mailboxPasswordContext(id));
      return test({ imapHost: row.imapHost, imapPort: row.imapPort, imapSecurity: row.imapSecurity, imapUser: row.imapUser, tlsVerify: row.tlsVerify, password, folder: row.folder });
    },

    /** Tests settings not saved yet (the form's button before the first save). */
    async testUnsaved(raw: MailboxConnection): Promise<MailboxTestResult> {
      const input = MailboxConnectionSchema.parse(raw);
      return test(input);
    },

    /** The stored password in clear, for the poller only. */
    password(row: MailboxRow): string | null {
      return row.passwordEnc ? decryptSecret(deps.secret, row.passwordEnc, mailboxPasswordContext(row.id)) : null;
    },
  };
}

export type MailboxService = ReturnType<typeof createMailboxService>;
