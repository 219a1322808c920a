// Lockout, rate limits, user enumeration, token attacks and signing-key rotation.
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT, base64url } from 'jose';
import { loginRateLimitKeys } from '../../src/domain/auth/rules';
import { createHarness, doc, leakedSecrets, PASSWORD, type Harness } from '../support/harness';

let h: Harness;

beforeAll(async () => {
  h = await createHarness('security');
});

afterAll(async () => {
  await h?.close();
});

const login = (email: string, password: string, ip?: string) => h.call(doc('login'), { input: { email, password } }, { ip });
const errorOf = (res: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) => res.errors?.[0];

describe('identity: lockout and rate limits', () => {
  it('locks after five wrong passwords, refuses the right one while locked, and opens again after 15 minutes', async () => {
    h.clock.now = new Date();
    const { id, email } = await h.newUser();
    for (let i = 1; i <= 4; i++) {
      expect(errorOf(await login(email, `wrong password ${i}`))?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const fifth = await login(email, 'wrong password 5');
    if (!fifth.data) throw new Error(JSON.stringify(fifth.errors));
    expect(fifth.data.login).toMatchObject({ __typename: 'AccountLockedError', code: 'FORBIDDEN' });
    const unlockAt = new Date(fifth.data.login.unlockAt);
    expect(unlockAt.getTime()).toBe(h.clock.now.getTime() + 15 * 60_000);

    const sixth = await login(email, PASSWORD);
    expect(sixth.data.login).toMatchObject({ __typename: 'AccountLockedError', unlockAt: unlockAt.toISOString() });

    const [locked] = (await h.outbox('ecomify.identity.user.locked')).filter((r) => r.envelope.data.userId === id);
    expect(locked.envelope.data).toEqual({ userId: id, lockedUntil: unlockAt.toISOString(), failedAttempts: 5 });
    const actions = (await h.db.auditEvent.findMany({ where: { userId: id }, orderBy: { createdAt: 'asc' } })).map((a) => a.action);
    expect(actions.filter((a) => a === 'SIGN_IN_FAILED')).toHaveLength(5);
    expect(actions).toContain('ACCOUNT_LOCKED');
    expect(actions).toContain('SIGN_IN_REFUSED_LOCKED');

    h.clock.advance(15 * 60 - 1);
    expect((await login(email, PASSWORD)).data.login.__typename).toBe('AccountLockedError');
    h.clock.advance(1);
    // The per-account minute window would have passed in real time too; the limiter runs on Redis' clock.
    await h.cache.rateLimiter.reset(loginRateLimitKeys(email, null).email);
    expect((await login(email, PASSWORD)).data.login.__typename).toBe('LoginSuccess');
    expect(await h.db.user.findUniqueOrThrow({ where: { id } })).toMatchObject({ failedLoginCount: 0, lockedUntil: null });
  });

  it('limits attempts to five a minute per address, across accounts', async () => {
    const ip = '192.0.2.50';
    const emails = await Promise.all([1, 2, 3].map(() => h.newUser()));
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await login(emails[i % 3].email, 'not the password', ip));
    expect(results.slice(0, 5).every((r) => errorOf(r)?.extensions?.code === 'UNAUTHENTICATED')).toBe(true);
    expect(results[5].data.login).toMatchObject({
      __typename: 'RateLimitedError',
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    expect(results[5].data.login.retryAfterSeconds).toBeGreaterThan(0);
    expect(results[5].data.login.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('limits attempts to five a minute per account, across addresses', async () => {
    const email = `nobody-${Date.now()}@example.com`;
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await login(email, 'guess', `192.0.2.${100 + i}`));
    expect(results[5].data.login.__typename).toBe('RateLimitedError');
  });
});

describe('identity: user enumeration', () => {
  it('answers an unknown email and a wrong password with the same error, and both verify a hash', async () => {
    const { email } = await h.newUser();
    const unknown = await login(`nobody-${Date.now()}@example.com`, 'wrong password');
    const wrong = await login(email, 'wrong password');
    expect(errorOf(unknown)?.message).toBe(errorOf(wrong)?.message);
    expect(errorOf(unknown)?.extensions).toEqual(errorOf(wrong)?.extensions);
    expect(unknown.data).toEqual(wrong.data);

    const spy = jest.spyOn(h.runtime.hasher, 'verifyDummy');
    await login(`ghost-${Date.now()}@example.com`, 'wrong password');
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
  });
});

describe('identity: token attacks are UNAUTHENTICATED', () => {
  let valid: string;
  beforeAll(async () => {
    const { email } = await h.newUser();
    h.clock.now = new Date();
    valid = (await h.signIn(email)).accessToken;
  });

  const me = (token: string) => h.call(doc('me'), {}, { token });
  const expectRefused = async (token: string, reason?: string) => {
    const res = await me(token);
    expect(res.data ?? null).toBeNull();
    expect(errorOf(res)?.extensions?.code).toBe('UNAUTHENTICATED');
    if (reason) expect(errorOf(res)?.extensions?.reason).toBe(reason);
  };

  it('accepts the untampered token (control)', async () => {
    expect((await me(valid)).data.me.id).toBeDefined();
  });

  it('refuses an expired token', async () => {
    const { email } = await h.newUser();
    h.clock.advance(-16 * 60);
    const old = (await h.signIn(email)).accessToken;
    h.clock.now = new Date();
    await expectRefused(old, 'TOKEN_EXPIRED');
  });

  it('refuses malformed tokens', async () => {
    await expectRefused('not-a-jwt');
    await expectRefused(valid.split('.').slice(0, 2).join('.'));
    await expectRefused(`${valid}x`);
  });

  it('refuses a token with a changed payload or another key’s signature', async () => {
    const [header, payload, signature] = valid.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    const forged = base64url.encode(JSON.stringify({ ...claims, roles: ['PLATFORM_ADMIN'] }));
    await expectRefused(`${header}.${forged}.${signature}`);

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = decodeProtectedHeader(valid).kid!;
    const wrongKey = await new SignJWT({ ...claims, roles: ['PLATFORM_ADMIN'] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })));
    await expectRefused(wrongKey);
  });

  it('refuses alg: none and HMAC tokens', async () => {
    const claims = decodeJwt(valid);
    const kid = decodeProtectedHeader(valid).kid!;
    const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid }))}.${base64url.encode(JSON.stringify(claims))}.`;
    await expectRefused(none);
    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode('guessable secret'));
    await expectRefused(hmac);
  });

  it('refuses a revoked (signed-out) token', async () => {
    const { email } = await h.newUser();
    const token = (await h.signIn(email)).accessToken;
    await h.call(doc('logout'), {}, { token });
    await expectRefused(token, 'TOKEN_REVOKED');
  });
});

describe('identity: signing-key rotation', () => {
  it('publishes the new key before it signs, keeps old tokens valid, and drops the old key once its tokens expired', async () => {
    h.clock.now = new Date();
    const { email } = await h.newUser();
    const before = (await h.signIn(email)).accessToken;
    const oldKid = decodeProtectedHeader(before).kid;

    const rotated = await h.runtime.keys.rotate();
    expect(rotated.retired).toContain(oldKid);
    const kids = async () =>
      ((await (await h.app.fetch('http://x/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    expect(await kids()).toEqual(expect.arrayContaining([oldKid, rotated.kid]));
    // Still inside the propagation delay: the old key signs.
    expect(decodeProtectedHeader((await h.signIn(email)).accessToken).kid).toBe(oldKid);

    h.clock.advance(61);
    const after = (await h.signIn(email)).accessToken;
    expect(decodeProtectedHeader(after).kid).toBe(rotated.kid);
    // Nobody is signed out by a rotation: the old-key token is accepted as long as it is unexpired.
    expect((await h.call(doc('me'), {}, { token: before })).data.me).toBeTruthy();
    expect((await h.call(doc('me'), {}, { token: after })).data.me).toBeTruthy();

    h.clock.advance(15 * 60 + 61);
    h.runtime.keys.invalidate();
    expect(await kids()).not.toContain(oldKid);
    expect(await kids()).toContain(rotated.kid);
  });

  it('wrote no password, token or secret to the logs', () => {
    expect(h.secrets.size).toBeGreaterThan(10);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
