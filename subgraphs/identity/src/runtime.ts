// Builds identity's process-wide pieces once, for the server, the tests and the task scripts alike.
import type { RateLimiter, RevocationList } from '@ecomify/kernel/cache';
import type { IdentityConfig } from './config';
import type { IdentityRuntime } from './context';
import { parseKeyRing } from './domain/crypto/keyring';
import { createKeyStore } from './domain/keys/service';
import { createPasswordHasher } from './domain/user/password';
import type { PrismaClient } from './generated-client';

export function createIdentityRuntime(deps: {
  db: PrismaClient;
  config: IdentityConfig;
  rateLimiter: RateLimiter;
  revocations: RevocationList;
  now?: () => Date;
}): IdentityRuntime {
  const now = deps.now ?? (() => new Date());
  const { config } = deps;
  return {
    config,
    now,
    rateLimiter: deps.rateLimiter,
    revocations: deps.revocations,
    hasher: createPasswordHasher({
      memoryKiB: config.ARGON2_MEMORY_KIB,
      iterations: config.ARGON2_ITERATIONS,
      parallelism: config.ARGON2_PARALLELISM,
    }),
    mfaKeys: parseKeyRing(config.MFA_ENCRYPTION_KEYS),
    keys: createKeyStore({
      db: deps.db,
      ring: parseKeyRing(config.SIGNING_KEY_ENCRYPTION_KEYS),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      propagationSeconds: config.SIGNING_KEY_PROPAGATION_SECONDS,
      now,
    }),
  };
}
