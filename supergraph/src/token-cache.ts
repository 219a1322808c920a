/**
 * A small LRU of verified access tokens in front of the kernel's verifier. Signature and claim checks
 * (ES256 verify, the costliest part) run once per token; revocation is still asked on every request, so
 * a signed-out token is refused at once. An entry lives until the token's `exp` at most (then the full
 * check runs and refuses it), so a token signed with a key later removed from the JWKS stays accepted
 * until it expires: access tokens are short-lived.
 */
import type { Principal, TokenVerifier } from '@ecomify/kernel/auth';
import { UnauthenticatedError } from '@ecomify/kernel/errors';

export interface CachingVerifierOptions {
  /** Asked on every request, cached or not. */
  isRevoked?: (tokenId: string) => Promise<boolean>;
  /** Most tokens kept (least recently used evicted first). */
  max?: number;
  now?: () => number;
}

/** Wraps a verifier built WITHOUT `isRevoked`: the wrapper checks revocation itself, every time. */
export function createCachingVerifier(inner: TokenVerifier, opts: CachingVerifierOptions = {}): TokenVerifier & { size(): number } {
  const max = opts.max ?? 10_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Principal>();

  return {
    size: () => entries.size,
    async verify(token: string): Promise<Principal> {
      let principal = entries.get(token);
      if (principal && principal.expiresAt * 1000 <= now()) {
        entries.delete(token);
        principal = undefined;
      }
      if (principal) {
        // Most recently used last.
        entries.delete(token);
        entries.set(token, principal);
      } else {
        principal = await inner.verify(token);
        if (principal.expiresAt * 1000 > now()) {
          entries.set(token, principal);
          if (entries.size > max) entries.delete(entries.keys().next().value!);
        }
      }
      if (opts.isRevoked && (await opts.isRevoked(principal.tokenId))) {
        throw new UnauthenticatedError('This access token was revoked (signed out). Sign in again.', { reason: 'TOKEN_REVOKED' });
      }
      return principal;
    },
  };
}
