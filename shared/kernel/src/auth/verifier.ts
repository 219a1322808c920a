/**
 * Access-token verification against identity's JWKS (keys cached and refreshed on unknown `kid`).
 * Only asymmetric algorithms are accepted: `alg: none` and HMAC tokens are refused.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { UnauthenticatedError } from '../errors';
import type { Principal } from './principal';
import { isRole, type Role } from './roles';

export const ACCEPTED_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'];

export interface TokenVerifierOptions {
  /** identity's JWKS endpoint. */
  jwksUrl?: string;
  /** A fixed key set (tests, or a gateway that already fetched it). */
  jwks?: JSONWebKeySet;
  issuer: string;
  audience: string;
  /** Asks the revocation list whether a token id was revoked (logout). */
  isRevoked?: (tokenId: string) => Promise<boolean>;
  /** Seconds of clock skew tolerated. */
  clockToleranceSeconds?: number;
  /** Verified tokens kept (by token string, until they expire) so a hot token skips the signature check; 0 disables. */
  cacheSize?: number;
}

export interface TokenVerifier {
  /** Verifies a raw JWT; throws UnauthenticatedError with a reason on any failure. */
  verify(token: string): Promise<Principal>;
}

/** Custom claims identity puts in access tokens. */
export interface AccessTokenClaims extends JWTPayload {
  roles?: string[];
  perms?: string[];
  scopes?: string[];
  sid?: string;
  store?: string;
  kind?: Principal['kind'];
}

export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  if (!opts.jwksUrl && !opts.jwks) throw new Error('createTokenVerifier needs jwksUrl or jwks');
  const keySet = opts.jwks
    ? createLocalJWKSet(opts.jwks)
    : createRemoteJWKSet(new URL(opts.jwksUrl!), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 });
  // A client sends the same token for up to 15 minutes: verifying its ES256 signature once is enough.
  // Revocation is still asked on every request, and an entry never outlives the token's expiry.
  const verified = new Map<string, Principal>();
  const cacheSize = opts.cacheSize ?? 10_000;
  const checkRevoked = async (p: Principal) => {
    if (opts.isRevoked && (await opts.isRevoked(p.tokenId))) {
      throw new UnauthenticatedError('This access token was revoked (signed out). Sign in again.', { reason: 'TOKEN_REVOKED' });
    }
    return p;
  };
  return {
    async verify(token: string): Promise<Principal> {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt * 1000 > Date.now()) return checkRevoked(known);
        verified.delete(token);
      }
      let payload: AccessTokenClaims;
      try {
        ({ payload } = await jwtVerify<AccessTokenClaims>(token, keySet, {
          issuer: opts.issuer,
          audience: opts.audience,
          algorithms: ACCEPTED_ALGORITHMS,
          clockTolerance: opts.clockToleranceSeconds ?? 5,
          requiredClaims: ['sub', 'jti', 'exp', 'iat'],
        }));
      } catch (err) {
        throw new UnauthenticatedError(describeJoseFailure(err), { reason: reasonOf(err) });
      }
      const roles = (payload.roles ?? []).filter(isRole) as Role[];
      const principal: Principal = {
        kind: payload.kind ?? 'user',
        subject: payload.sub!,
        roles,
        permissions: payload.perms ?? [],
        scopes: payload.scopes ?? [],
        tokenId: payload.jti!,
        sessionId: payload.sid,
        storeId: payload.store,
        expiresAt: payload.exp!,
      };
      await checkRevoked(principal);
      if (cacheSize > 0) {
        // Map keeps insertion order: dropping the first key evicts the oldest entry.
        if (verified.size >= cacheSize) verified.delete(verified.keys().next().value!);
        verified.set(token, principal);
      }
      return principal;
    },
  };
}

function reasonOf(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'TOKEN_EXPIRED';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'TOKEN_BAD_SIGNATURE';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'TOKEN_UNKNOWN_KEY';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'TOKEN_ALG_NOT_ALLOWED';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return 'TOKEN_CLAIMS_INVALID';
  if (err instanceof joseErrors.JWKSTimeout) return 'JWKS_UNAVAILABLE';
  return 'TOKEN_INVALID';
}

function describeJoseFailure(err: unknown): string {
  switch (reasonOf(err)) {
    case 'TOKEN_EXPIRED':
      return 'Access token expired: refresh it with `refreshToken` or sign in again.';
    case 'JWKS_UNAVAILABLE':
      return 'Could not verify the access token: the identity key set is unreachable. Retry shortly.';
    default:
      return 'Access token is invalid: sign in again to get a new one.';
  }
}

/** Extracts the bearer token from an Authorization header value, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m ? m[1] : null;
}
