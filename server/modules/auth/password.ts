/** Password hashing with argon2id (OWASP's first choice). */
import { hash, verify } from '@node-rs/argon2';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

const ARGON2ID = 2; // Algorithm.Argon2id; the const enum cannot be imported under isolatedModules

/**
 * `strength: 'test'` trades cost for speed so a test suite can create hundreds of users; it still
 * produces genuine argon2id hashes that `verify` checks the same way.
 */
export function createPasswordHasher(strength: 'production' | 'test' = 'production'): PasswordHasher {
  const options =
    strength === 'production'
      ? { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 }
      : { algorithm: ARGON2ID, memoryCost: 1_024, timeCost: 1, parallelism: 1 };
  return {
    hash: (password) => hash(password, options),
    async verify(hashed, password) {
      try {
        return await verify(hashed, password);
      } catch {
        return false; // a malformed stored hash never authenticates
      }
    },
  };
}
