/**
 * The password policy, checked wherever a password is set (account creation, "change my
 * password", an administrator's reset):
 * - at least PASSWORD_MIN_LENGTH (10) characters — the zod schemas in common/api say so first;
 * - not one of the ~49,000 most common passwords (zxcvbn-ts's `passwords-common` list, compared
 *   without case), nor one character repeated;
 * - not containing the account's username or (a name of 3+ characters) its display name.
 * Refusals are field errors on the password field, keyed for translation.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import { fieldError } from '../../platform/errors';

let common: Set<string> | undefined;
const commonPasswords = () => (common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase())));

export function isCommonPassword(password: string): boolean {
  const lower = password.toLowerCase();
  return commonPasswords().has(lower) || /^(.)\1*$/su.test(password);
}

/** Throws a 400 naming `path` when the password breaks the policy. */
export function assertPasswordPolicy(password: string, person: { username: string; name?: string | null }, path: string) {
  if (isCommonPassword(password)) throw fieldError(path, 'field.password_common', 'this password is one of the most common ones');
  const lower = password.toLowerCase();
  const personal = [person.username, person.name ?? '']
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length >= 3);
  if (personal.some((s) => lower.includes(s))) throw fieldError(path, 'field.password_personal', 'the password contains the username or name');
}
