/**
 * Small secrets at rest (mailbox and SMTP passwords): AES-256-GCM under a key derived from
 * FUWUTAI_SECRET (`config.secret`). A stored value describes itself —
 * `v1:<iv b64>:<tag b64>:<ciphertext b64>` — so a later format or key scheme can sit next to it.
 *
 * Without a usable FUWUTAI_SECRET nothing is stored: `encryptSecret` throws `secrets.key_missing`
 * rather than writing the password in clear. A value that does not open (another FUWUTAI_SECRET,
 * a damaged or edited value) throws `secrets.undecryptable`; GCM's tag makes any change to the
 * stored text detectable. An optional `context` (e.g. `mailbox:<id>:imap`) is bound in as
 * associated data, so a value copied onto another row does not open there.
 */
import crypto from 'node:crypto';
import { AppError } from './errors';

export const SECRET_MIN_LENGTH = 32;
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The AES key for a FUWUTAI_SECRET; HKDF because the secret is already high-entropy text, not a password. */
const keyCache = new Map<string, Buffer>();
function keyFor(secret: string): Buffer {
  let key = keyCache.get(secret);
  if (!key) {
    key = Buffer.from(crypto.hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'fuwutai-secrets', 'v1 aes-256-gcm', 32));
    keyCache.set(secret, key);
  }
  return key;
}

/** Throws `secrets.key_missing` unless `secret` can protect stored secrets. */
export function requireSecretKey(secret: string | undefined): string {
  if (!secret || secret.length < SECRET_MIN_LENGTH) {
    throw new AppError(
      'secrets.key_missing',
      `Passwords cannot be stored: set FUWUTAI_SECRET to ${SECRET_MIN_LENGTH} or more random characters (e.g. the output of "openssl rand -base64 33") and restart the server`,
      { minLength: SECRET_MIN_LENGTH },
    );
  }
  return secret;
}

/** Whether `secret` can protect stored secrets (for a setup screen's warning). */
export const secretKeyConfigured = (secret: string | undefined): boolean => !!secret && secret.length >= SECRET_MIN_LENGTH;

/** Whether a stored value looks like one of ours (any version), without opening it. */
export const isEncryptedSecret = (value: string): boolean => /^v\d+:/.test(value);

export function encryptSecret(secret: string | undefined, plaintext: string, context = ''): string {
  const key = keyFor(requireSecretKey(secret));
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

export function decryptSecret(secret: string | undefined, stored: string, context = ''): string {
  const key = keyFor(requireSecretKey(secret));
  const parts = stored.split(':');
  const [version, ivText, tagText, ciphertextText] = parts;
  const b64 = /^[A-Za-z0-9+/]*={0,2}$/;
  if (parts.length !== 4 || version !== VERSION || ![ivText, tagText, ciphertextText].every((p) => p !== undefined && b64.test(p))) {
    throw undecryptable('it is not a value this version of Fuwutai stored');
  }
  const iv = Buffer.from(ivText as string, 'base64');
  const tag = Buffer.from(tagText as string, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw undecryptable('it is damaged');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText as string, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw undecryptable('it was stored under another FUWUTAI_SECRET, or it was changed');
  }
}

const undecryptable = (why: string) =>
  new AppError('secrets.undecryptable', `A stored password cannot be read: ${why}. Enter the password again to store it under the current FUWUTAI_SECRET`);
