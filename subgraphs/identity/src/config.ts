// identity's settings on top of the shared ones. Every limit here has a safe default; only the
// encryption keys and argon2 cost are checked harder in production.
import { ConfigError, loadConfig, z } from '@ecomify/kernel/config';
import { parseKeyRing } from './domain/crypto/keyring';

/**
 * Fixed development keys, so a local database survives restarts without configuration. They are
 * public (they are in the repo), so production refuses to start with them.
 */
export const DEVELOPMENT_MFA_KEYS = 'dev-mfa-1:3q2+7wXlJ7P0m2cVYk8tO9Xr6n1q5b4Z0dE2fG7hJ1k=';
export const DEVELOPMENT_SIGNING_KEYS = 'dev-sig-1:Vh0pQ3Zr8Lx2kN5tB9wY1cF4jM7sA6eD0gH3iK2lO5U=';

/** OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane); production refuses anything cheaper. */
export const ARGON2_PRODUCTION_MINIMUM = { memoryKiB: 19_456, iterations: 2 };

export const identityConfigShape = {
  /** `kid:base64key,...` (32-byte keys). The first encrypts; all decrypt, so old keys keep working after rotation. */
  MFA_ENCRYPTION_KEYS: z.string().optional(),
  /** Same format; encrypts the private signing keys stored in the identity database. */
  SIGNING_KEY_ENCRYPTION_KEYS: z.string().optional(),
  ARGON2_MEMORY_KIB: z.coerce.number().int().min(1024).max(1_048_576).default(19_456),
  ARGON2_ITERATIONS: z.coerce.number().int().min(1).max(20).default(2),
  ARGON2_PARALLELISM: z.coerce.number().int().min(1).max(16).default(1),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(3600)
    .max(90 * 86_400)
    .default(7 * 86_400),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Seconds a new signing key is published in the JWKS before it signs (longer than verifiers' refetch cooldown). */
  SIGNING_KEY_PROPAGATION_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Issuer name shown in authenticator apps. */
  MFA_ISSUER: z.string().min(1).default('Ecomify'),
  /** Trust the first x-forwarded-for hop as the client IP (identity sits behind the gateway). */
  TRUST_PROXY: z.enum(['true', 'false']).default('true'),
};

export type IdentityConfig = ReturnType<typeof loadIdentityConfig>;

/** Loads and validates identity's configuration; production refuses development keys and weak hashing. */
export function loadIdentityConfig(source: Record<string, string | undefined> = process.env) {
  const config = loadConfig(identityConfigShape, source);
  const problems: { variable: string; problem: string }[] = [];
  const production = config.env === 'production';
  const rings = {
    MFA_ENCRYPTION_KEYS: config.MFA_ENCRYPTION_KEYS ?? (production ? undefined : DEVELOPMENT_MFA_KEYS),
    SIGNING_KEY_ENCRYPTION_KEYS: config.SIGNING_KEY_ENCRYPTION_KEYS ?? (production ? undefined : DEVELOPMENT_SIGNING_KEYS),
  };
  for (const [variable, value] of Object.entries(rings)) {
    if (!value) {
      problems.push({ variable, problem: 'is required in production (format `keyId:base64-32-byte-key,...`)' });
      continue;
    }
    try {
      const ring = parseKeyRing(value);
      if (production && (value.includes(DEVELOPMENT_MFA_KEYS) || value.includes(DEVELOPMENT_SIGNING_KEYS))) {
        problems.push({ variable, problem: 'must not contain the public development key in production' });
      }
      void ring;
    } catch (err) {
      problems.push({ variable, problem: (err as Error).message });
    }
  }
  if (
    production &&
    (config.ARGON2_MEMORY_KIB < ARGON2_PRODUCTION_MINIMUM.memoryKiB || config.ARGON2_ITERATIONS < ARGON2_PRODUCTION_MINIMUM.iterations)
  ) {
    problems.push({
      variable: 'ARGON2_MEMORY_KIB / ARGON2_ITERATIONS',
      problem: `must be at least ${ARGON2_PRODUCTION_MINIMUM.memoryKiB} KiB and ${ARGON2_PRODUCTION_MINIMUM.iterations} passes in production`,
    });
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    ...config,
    MFA_ENCRYPTION_KEYS: rings.MFA_ENCRYPTION_KEYS!,
    SIGNING_KEY_ENCRYPTION_KEYS: rings.SIGNING_KEY_ENCRYPTION_KEYS!,
    trustProxy: config.TRUST_PROXY === 'true',
  };
}
