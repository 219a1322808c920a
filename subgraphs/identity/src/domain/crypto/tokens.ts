// Opaque tokens (refresh, verification, reset, MFA challenge): 256 random bits, stored only as a
// SHA-256 hash. A fast hash is enough because the input has full entropy: nothing to brute-force.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new random token for the client (base64url, 43 characters). */
export function newOpaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** What the database stores for a token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Constant-time comparison of two hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
