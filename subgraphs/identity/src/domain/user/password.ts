// Password hashing with argon2id. Cost comes from config: production-grade by default (and enforced
// in production), lighter only where a test suite sets it.
import { hash, verify } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum, which isolated modules cannot read: 2 is Argon2id.
const ARGON2ID = 2;

export interface Argon2Params {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when `password` matches `encoded`. Never throws on a malformed hash: that is a mismatch. */
  verify(encoded: string, password: string): Promise<boolean>;
  /**
   * Spends the same time as a real verification without a user, so an unknown email and a wrong
   * password answer in about the same time (no enumeration by timing).
   */
  verifyDummy(password: string): Promise<void>;
  /** True when `encoded` was made with other parameters than the current ones (rehash on next sign-in). */
  needsRehash(encoded: string): boolean;
}

export function createPasswordHasher(params: Argon2Params): PasswordHasher {
  const options = {
    algorithm: ARGON2ID,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
  };
  const prefix = `$argon2id$v=19$m=${params.memoryKiB},t=${params.iterations},p=${params.parallelism}$`;
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => hash(password, options),
    async verify(encoded, password) {
      try {
        return await verify(encoded, password);
      } catch {
        return false;
      }
    },
    async verifyDummy(password) {
      dummy ??= hash('dummy password that never matches anything', options);
      await verify(await dummy, password).catch(() => false);
    },
    needsRehash: (encoded) => !encoded.startsWith(prefix),
  };
}
