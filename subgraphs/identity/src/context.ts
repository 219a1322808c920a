import type { RateLimiter, RevocationList } from '@ecomify/kernel/cache';
import type { BaseContext } from '@ecomify/kernel/graphql';
import type { IdentityConfig } from './config';
import type { KeyRing } from './domain/crypto/keyring';
import type { KeyStore } from './domain/keys/service';
import type { PasswordHasher } from './domain/user/password';
import type { PrismaClient } from './generated-client';

/** Process-wide pieces every identity request and task shares. */
export interface IdentityRuntime {
  config: IdentityConfig;
  hasher: PasswordHasher;
  keys: KeyStore;
  mfaKeys: KeyRing;
  rateLimiter: RateLimiter;
  revocations: RevocationList;
  /** The clock: injected so lock expiry and token expiry are testable without sleeping. */
  now(): Date;
}

/** What every identity resolver and service receives first. */
export interface IdentityContext extends BaseContext {
  /** The identity database. Writes go through services, which open transactions on it. */
  db: PrismaClient;
  identity: IdentityRuntime;
  /** The caller's address (first x-forwarded-for hop set by the gateway), or null. */
  ipAddress: string | null;
  userAgent: string | null;
}
