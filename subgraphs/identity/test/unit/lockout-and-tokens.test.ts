import {
  afterFailedLogin,
  clientAddress,
  decideRefresh,
  isLocked,
  liveAccessTokens,
  LOCKOUT_SECONDS,
  loginRateLimitKeys,
  MAX_FAILED_LOGINS,
  trackAccessToken,
} from '../../src/domain/auth/rules';
import { hashToken, newOpaqueToken, sameHash } from '../../src/domain/crypto/tokens';
import { publishedKeys, signingKeyAt } from '../../src/domain/keys/rules';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('lockout arithmetic', () => {
  it('counts failures and locks on the fifth for 15 minutes, resetting the count', () => {
    let count = 0;
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) {
      const next = afterFailedLogin(count, t0);
      expect(next).toMatchObject({ lockedNow: false, lockedUntil: null, failedLoginCount: i, attempts: i });
      count = next.failedLoginCount;
    }
    const locked = afterFailedLogin(count, t0);
    expect(locked).toMatchObject({ lockedNow: true, failedLoginCount: 0, attempts: 5 });
    expect(locked.lockedUntil).toEqual(at(LOCKOUT_SECONDS));
  });

  it('is locked strictly before the unlock time and open from it', () => {
    const until = at(LOCKOUT_SECONDS);
    expect(isLocked(until, at(LOCKOUT_SECONDS - 1))).toBe(true);
    expect(isLocked(until, until)).toBe(false);
    expect(isLocked(null, t0)).toBe(false);
  });
});

describe('rate-limit keys and client address', () => {
  it('keys per address and per account without storing the email', () => {
    const keys = loginRateLimitKeys('ada@example.com', '203.0.113.1');
    expect(keys.ip).toBe('identity:login:ip:203.0.113.1');
    expect(keys.email).not.toContain('ada');
    expect(loginRateLimitKeys('ada@example.com', null).email).toBe(keys.email);
  });

  it('takes the first x-forwarded-for hop and ignores junk', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '203.0.113.5, 10.0.0.1' }), true)).toBe('203.0.113.5');
    expect(clientAddress(new Headers({ 'x-forwarded-for': '<script>' }), true)).toBeNull();
    expect(clientAddress(new Headers({ 'x-forwarded-for': '203.0.113.5' }), false)).toBeNull();
  });
});

describe('opaque tokens', () => {
  it('are 256-bit random and stored only as a SHA-256 hash', () => {
    const a = newOpaqueToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newOpaqueToken()).not.toBe(a);
    expect(hashToken(a)).not.toBe(a);
    expect(hashToken(a)).toBe(hashToken(a));
    expect(sameHash(hashToken(a), hashToken(a))).toBe(true);
    expect(sameHash(hashToken(a), hashToken(`${a}x`))).toBe(false);
  });
});

describe('refresh decisions', () => {
  const live = { rotatedAt: null, expiresAt: at(100) };
  const open = { revokedAt: null, expiresAt: at(100) };
  it('rotates a live token, calls a rotated one reuse (even on a revoked session), and expires on time', () => {
    expect(decideRefresh(live, open, t0)).toBe('rotate');
    expect(decideRefresh({ ...live, rotatedAt: t0 }, { ...open, revokedAt: t0 }, t0)).toBe('reuse');
    expect(decideRefresh(live, { ...open, revokedAt: t0 }, t0)).toBe('revoked');
    expect(decideRefresh(live, open, at(100))).toBe('expired');
  });

  it('tracks only the unexpired access tokens of a session', () => {
    const now = t0.getTime() / 1000;
    const list = trackAccessToken(
      [{ jti: 'old', exp: now - 1 }, { jti: 'live', exp: now + 10 }, 'junk'],
      { jti: 'new', exp: now + 900 },
      now,
    );
    expect(list.map((t) => t.jti)).toEqual(['live', 'new']);
    expect(liveAccessTokens(null, now)).toEqual([]);
  });
});

describe('signing-key selection', () => {
  const k1 = { kid: 'k1', createdAt: t0, activatesAt: t0, retiredAt: at(60) };
  const k2 = { kid: 'k2', createdAt: t0, activatesAt: at(60), retiredAt: null };
  it('signs with the old key until the new one activates, then with the new one', () => {
    expect(signingKeyAt([k1, k2], at(59))?.kid).toBe('k1');
    expect(signingKeyAt([k1, k2], at(60))?.kid).toBe('k2');
  });

  it('publishes a retired key until its last token expired plus skew', () => {
    expect(publishedKeys([k1, k2], at(60 + 900 + 59), 900).map((k) => k.kid)).toEqual(['k1', 'k2']);
    expect(publishedKeys([k1, k2], at(60 + 900 + 60), 900).map((k) => k.kid)).toEqual(['k2']);
  });
});
