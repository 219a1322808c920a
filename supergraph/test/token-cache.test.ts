import type { Principal, TokenVerifier } from '@ecomify/kernel/auth';
import { UnauthenticatedError } from '@ecomify/kernel/errors';
import { createCachingVerifier } from '../src/token-cache';

const principal = (token: string, expiresAt: number): Principal => ({
  kind: 'user',
  subject: `sub-${token}`,
  roles: [],
  permissions: [],
  scopes: [],
  tokenId: `jti-${token}`,
  expiresAt,
});

describe('caching token verifier', () => {
  let now: number;
  let calls: string[];
  let revoked: Set<string>;
  let inner: TokenVerifier;

  beforeEach(() => {
    now = 1_000_000_000_000;
    calls = [];
    revoked = new Set();
    inner = {
      async verify(token) {
        calls.push(token);
        if (token === 'bad') throw new UnauthenticatedError('Access token is invalid.', { reason: 'TOKEN_BAD_SIGNATURE' });
        const exp = now / 1000 + 60;
        return principal(token, token === 'expired' ? now / 1000 - 1 : exp);
      },
    };
  });
  const make = (max?: number) => createCachingVerifier(inner, { isRevoked: async (jti) => revoked.has(jti), now: () => now, max });

  it('verifies a token once and answers from the cache until it expires', async () => {
    const v = make();
    expect((await v.verify('a')).subject).toBe('sub-a');
    expect((await v.verify('a')).subject).toBe('sub-a');
    expect(calls).toEqual(['a']);
    now += 61_000;
    await v.verify('a');
    expect(calls).toEqual(['a', 'a']);
  });

  it('asks for revocation on every request, cached or not', async () => {
    const v = make();
    await v.verify('a');
    revoked.add('jti-a');
    await expect(v.verify('a')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
    expect(calls).toEqual(['a']);
  });

  it('never caches failures or expired tokens', async () => {
    const v = make();
    await expect(v.verify('bad')).rejects.toMatchObject({ reason: 'TOKEN_BAD_SIGNATURE' });
    await expect(v.verify('bad')).rejects.toMatchObject({ reason: 'TOKEN_BAD_SIGNATURE' });
    await v.verify('expired');
    await v.verify('expired');
    expect(calls).toEqual(['bad', 'bad', 'expired', 'expired']);
    expect(v.size()).toBe(0);
  });

  it('keeps at most `max` tokens, evicting the least recently used', async () => {
    const v = make(2);
    await v.verify('a');
    await v.verify('b');
    await v.verify('a');
    await v.verify('c');
    expect(v.size()).toBe(2);
    calls.length = 0;
    await v.verify('a');
    await v.verify('b');
    expect(calls).toEqual(['b']);
  });
});
