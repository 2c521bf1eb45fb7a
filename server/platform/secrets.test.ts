/**
 * Secrets at rest: what is stored opens again only under the same FUWUTAI_SECRET (and context),
 * any change to the stored text is detected, and without a key nothing is stored.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { AppError } from './errors';
import { decryptSecret, encryptSecret, isEncryptedSecret, requireSecretKey } from './secrets';

const KEY = 'k'.repeat(16) + 'a-test-secret-of-40-characters!!';
const OTHER = 'another-secret-that-is-long-enough-123456';

function appErrorKey(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error.key;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('secrets at rest', () => {
  it('round-trips, with a fresh IV each time and no plaintext in the stored value', () => {
    const password = '邮箱密码 pässword:with:colons';
    const a = encryptSecret(KEY, password);
    const b = encryptSecret(KEY, password);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('pässword');
    expect(isEncryptedSecret(a)).toBe(true);
    expect(isEncryptedSecret(password)).toBe(false);
    expect(decryptSecret(KEY, a)).toBe(password);
    expect(decryptSecret(KEY, b)).toBe(password);
    expect(decryptSecret(KEY, encryptSecret(KEY, ''))).toBe('');
  });

  it('detects any change to the stored value', () => {
    const stored = encryptSecret(KEY, 'hunter2-hunter2');
    const [version, iv, tag, ct] = stored.split(':') as [string, string, string, string];
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    for (const tampered of [
      [version, iv, tag, flip(ct)].join(':'),
      [version, flip(iv), tag, ct].join(':'),
      [version, iv, flip(tag), ct].join(':'),
      [version, iv, tag].join(':'),
      ['v9', iv, tag, ct].join(':'),
      'hunter2-hunter2',
    ]) {
      expect(appErrorKey(() => decryptSecret(KEY, tampered))).toBe('secrets.undecryptable');
    }
  });

  it('does not open under another key or another context', () => {
    const stored = encryptSecret(KEY, 'hunter2-hunter2', 'mailbox:1:imap');
    expect(decryptSecret(KEY, stored, 'mailbox:1:imap')).toBe('hunter2-hunter2');
    expect(appErrorKey(() => decryptSecret(OTHER, stored, 'mailbox:1:imap'))).toBe('secrets.undecryptable');
    expect(appErrorKey(() => decryptSecret(KEY, stored, 'mailbox:2:imap'))).toBe('secrets.undecryptable');
  });

  it('refuses to store (or read) anything without a FUWUTAI_SECRET of 32+ characters, saying what to set', () => {
    const stored = encryptSecret(KEY, 'x');
    for (const missing of [undefined, '', 'short-secret']) {
      expect(appErrorKey(() => encryptSecret(missing, 'hunter2'))).toBe('secrets.key_missing');
      expect(appErrorKey(() => decryptSecret(missing, stored))).toBe('secrets.key_missing');
    }
    let refusal: unknown;
    try {
      requireSecretKey(undefined);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).message).toMatch(/set FUWUTAI_SECRET/);
    expect((refusal as AppError).code).toBe('conflict');
    expect((refusal as AppError).params).toEqual({ minLength: 32 });
    expect(requireSecretKey('x'.repeat(32))).toBe('x'.repeat(32));
  });

  it('takes the key from FUWUTAI_SECRET', () => {
    expect(loadConfig({ FUWUTAI_SECRET: KEY }).secret).toBe(KEY);
    expect(loadConfig({}).secret).toBeUndefined();
  });
});
