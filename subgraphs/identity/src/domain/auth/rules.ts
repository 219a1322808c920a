// Pure sign-in rules: lockout arithmetic, rate-limit keys, client address, refresh-token decisions.
import { createHash } from 'node:crypto';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_SECONDS = 15 * 60;
export const RATE_LIMIT_WINDOW_SECONDS = 60;
export const MFA_CHALLENGE_TTL_SECONDS = 5 * 60;
export const MFA_CHALLENGE_MAX_ATTEMPTS = 5;

/** The message for every credential failure, whether or not the email exists. */
export const INVALID_CREDENTIALS_MESSAGE = 'Email or password is incorrect. Check both and try again, or reset your password.';

/** True while a lock is in force. */
export function isLocked(lockedUntil: Date | null | undefined, now: Date): boolean {
  return !!lockedUntil && lockedUntil.getTime() > now.getTime();
}

/**
 * The account state after one more failed sign-in. Reaching the limit locks the account and starts
 * the count again, so after the lock ends the user has the full number of attempts back.
 */
export function afterFailedLogin(
  failedLoginCount: number,
  now: Date,
): { failedLoginCount: number; lockedUntil: Date | null; lockedNow: boolean; attempts: number } {
  const attempts = failedLoginCount + 1;
  if (attempts >= MAX_FAILED_LOGINS) {
    return { failedLoginCount: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_SECONDS * 1000), lockedNow: true, attempts };
  }
  return { failedLoginCount: attempts, lockedUntil: null, lockedNow: false, attempts };
}

/**
 * Rate-limit keys for a sign-in attempt: one per client address, one per account. The email is hashed
 * so the shared store never holds addresses.
 */
export function loginRateLimitKeys(email: string, ip: string | null): { ip: string; email: string } {
  const emailHash = createHash('sha256').update(email).digest('base64url').slice(0, 32);
  return { ip: `identity:login:ip:${ip ?? 'unknown'}`, email: `identity:login:email:${emailHash}` };
}

/** Same shape for password-reset requests, which are limited separately from sign-ins. */
export function resetRateLimitKeys(email: string, ip: string | null): { ip: string; email: string } {
  const keys = loginRateLimitKeys(email, ip);
  return { ip: keys.ip.replace(':login:', ':reset:'), email: keys.email.replace(':login:', ':reset:') };
}

const IP = /^[0-9A-Fa-f:.]{2,45}$/;

/**
 * The caller's address. Behind the gateway the first `x-forwarded-for` hop is the client; anything
 * that does not look like an address is ignored rather than stored.
 */
export function clientAddress(headers: Headers, trustProxy: boolean): string | null {
  if (!trustProxy) return null;
  const first = headers.get('x-forwarded-for')?.split(',')[0]?.trim() ?? headers.get('x-real-ip')?.trim();
  return first && IP.test(first) ? first : null;
}

/** Bounds a user agent before it is stored. */
export function cleanUserAgent(raw: string | null): string | null {
  if (!raw) return null;
  const trimmed = raw.trim();
  return trimmed ? trimmed.slice(0, 512) : null;
}

export interface IssuedAccessToken {
  jti: string;
  /** Expiry, seconds since epoch. */
  exp: number;
}

/** Keeps the access tokens of a session that have not expired yet, plus the new one. */
export function trackAccessToken(recent: unknown, issued: IssuedAccessToken, nowSeconds: number): IssuedAccessToken[] {
  return [...liveAccessTokens(recent, nowSeconds), issued];
}

/** The unexpired access tokens recorded on a session (what revoking it must blacklist). */
export function liveAccessTokens(recent: unknown, nowSeconds: number): IssuedAccessToken[] {
  if (!Array.isArray(recent)) return [];
  return recent.filter(
    (t): t is IssuedAccessToken =>
      !!t && typeof t === 'object' && typeof (t as IssuedAccessToken).jti === 'string' && (t as IssuedAccessToken).exp > nowSeconds,
  );
}

export type RefreshDecision = 'rotate' | 'reuse' | 'expired' | 'revoked';

/**
 * What to do with a presented refresh token. A rotated token presented again means two parties hold
 * it (theft): the whole session goes, even if it had otherwise ended.
 */
export function decideRefresh(
  token: { rotatedAt: Date | null; expiresAt: Date },
  session: { revokedAt: Date | null; expiresAt: Date },
  now: Date,
): RefreshDecision {
  if (token.rotatedAt) return 'reuse';
  if (session.revokedAt) return 'revoked';
  if (token.expiresAt.getTime() <= now.getTime() || session.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'rotate';
}
