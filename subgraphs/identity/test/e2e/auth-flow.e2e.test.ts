// register → verify email → login → me → refresh → logout, refresh-token reuse, sessions, the schema
// snapshot, JWKS and federation references: through app.fetch against real PostgreSQL and Redis.
import fs from 'node:fs';
import path from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { schema } from '../../src/schema';
import { createHarness, doc, leakedSecrets, PASSWORD, root, type Harness } from '../support/harness';

let h: Harness;

beforeAll(async () => {
  h = await createHarness('flow');
});

afterAll(async () => {
  await h?.close();
});

const code = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

describe('identity: register, verify, sign in, refresh, sign out', () => {
  it('keeps schema.graphql in step with the code (run `ecomify supergraph compose` to refresh it)', () => {
    expect(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8').trim()).toBe(printSubgraphSchema(schema).trim());
  });

  it('registers a CUSTOMER by default with a normalised email, and records user.created + a hashed verification token', async () => {
    const res = await h.call(doc('register'), {
      input: { email: '  Grace.Hopper@Example.COM ', password: PASSWORD, firstName: ' Grace ', lastName: 'Hopper' },
    });
    expect(res.data.register).toMatchObject({
      __typename: 'MutationRegisterSuccess',
      data: { email: 'grace.hopper@example.com', firstName: 'Grace', roles: ['CUSTOMER'], emailVerified: false },
    });
    const userId = res.data.register.data.id;
    const row = await h.db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain(PASSWORD);

    const created = await h.outbox('ecomify.identity.user.created');
    expect(created.map((r) => r.envelope.data)).toContainEqual({
      userId,
      email: 'grace.hopper@example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      roles: ['CUSTOMER'],
      emailVerified: false,
    });
    const [verification] = (await h.outbox('ecomify.identity.email-verification.requested')).filter(
      (r) => r.envelope.data.userId === userId,
    );
    const stored = await h.db.emailVerificationToken.findFirstOrThrow({ where: { userId } });
    expect(stored.tokenHash).not.toBe(verification.envelope.data.token);
    expect(stored.tokenHash).toHaveLength(43);
  });

  it('registers a MERCHANT when asked, and never grants PLATFORM_ADMIN or STORE_STAFF at sign-up', async () => {
    const res = await h.call(doc('register'), {
      input: { email: 'shop@example.com', password: PASSWORD, firstName: 'S', lastName: 'Hop', accountType: 'MERCHANT' },
    });
    expect(res.data.register.data.roles).toEqual(['MERCHANT']);
    const bad = await h.call(doc('register'), {
      input: { email: 'x@example.com', password: PASSWORD, firstName: 'X', lastName: 'Y', accountType: 'PLATFORM_ADMIN' },
    });
    expect(bad.errors).toHaveLength(1);
    expect(await h.db.user.count({ where: { email: 'x@example.com' } })).toBe(0);
  });

  it('answers invalid input with a typed ValidationError naming each field, and a taken email with a ConflictError', async () => {
    const invalid = await h.call(doc('register'), { input: { email: 'not-an-email', password: 'short', firstName: '', lastName: 'L' } });
    expect(invalid.data.register.__typename).toBe('ValidationError');
    expect(invalid.data.register.fieldErrors.map((f: { path: string[] }) => f.path.join('.'))).toEqual([
      'input.email',
      'input.password',
      'input.firstName',
    ]);
    const common = await h.call(doc('register'), {
      input: { email: 'c@example.com', password: 'Password123', firstName: 'C', lastName: 'D' },
    });
    expect(common.data.register.fieldErrors[0]).toMatchObject({ path: ['input', 'password'], message: expect.stringMatching(/common/) });

    await h.newUser({ email: 'taken@example.com' });
    const taken = await h.call(doc('register'), {
      input: { email: 'TAKEN@example.com', password: PASSWORD, firstName: 'T', lastName: 'K' },
    });
    expect(taken.data.register).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT', field: ['input', 'email'] });
  });

  it('walks register → verify email → login → me → refresh → logout, and refuses the old access token afterwards', async () => {
    const { id, email } = await h.newUser();
    const [event] = (await h.outbox('ecomify.identity.email-verification.requested')).filter((r) => r.envelope.data.userId === id);
    const verified = await h.call(doc('verify-email'), { token: event.envelope.data.token });
    expect(verified.data.verifyEmail).toMatchObject({ __typename: 'MutationVerifyEmailSuccess', data: { id, emailVerified: true } });
    const again = await h.call(doc('verify-email'), { token: event.envelope.data.token });
    expect(again.data.verifyEmail).toMatchObject({ __typename: 'InvalidTokenError', reason: 'TOKEN_USED' });
    expect((await h.outbox('ecomify.identity.user.email-verified')).map((r) => r.envelope.data)).toContainEqual({ userId: id, email });

    const login = await h.call(
      doc('login'),
      { input: { email: email.toUpperCase(), password: PASSWORD } },
      { ip: '203.0.113.7', userAgent: 'Firefox/140' },
    );
    expect(login.data.login).toMatchObject({
      __typename: 'LoginSuccess',
      expiresIn: 900,
      tokenType: 'Bearer',
      user: { id, email, roles: ['CUSTOMER'] },
    });
    const { accessToken, refreshToken } = login.data.login;
    const claims = decodeJwt(accessToken);
    expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
    expect(claims).toMatchObject({
      sub: id,
      roles: ['CUSTOMER'],
      perms: ['order:place', 'profile:read', 'profile:write'],
      jti: expect.any(String),
      sid: expect.any(String),
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    const session = await h.db.session.findUniqueOrThrow({ where: { id: String(claims.sid) }, include: { refreshTokens: true } });
    expect(session).toMatchObject({ userId: id, ipAddress: '203.0.113.7', userAgent: 'Firefox/140' });
    expect(session.expiresAt.getTime() - h.clock.now.getTime()).toBe(7 * 86_400_000);
    expect(session.refreshTokens[0].tokenHash).not.toBe(refreshToken);

    const me = await h.call(doc('me'), {}, { token: accessToken });
    expect(me.data.me).toMatchObject({ id, email, emailVerified: true, mfaEnabled: false });
    expect(me.data.me.sessions).toEqual([
      expect.objectContaining({ id: session.id, ipAddress: '203.0.113.7', userAgent: 'Firefox/140', current: true }),
    ]);

    h.clock.advance(120);
    const refreshed = await h.call(doc('refresh'), { refreshToken });
    expect(refreshed.errors).toBeUndefined();
    expect(refreshed.data.refreshToken.refreshToken).not.toBe(refreshToken);
    expect(decodeJwt(refreshed.data.refreshToken.accessToken).sid).toBe(session.id);
    const after = await h.db.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(after.lastUsedAt.getTime()).toBe(h.clock.now.getTime());
    expect(after.expiresAt.getTime()).toBe(h.clock.now.getTime() + 7 * 86_400_000);

    const newAccess = refreshed.data.refreshToken.accessToken;
    const out = await h.call(doc('logout'), {}, { token: newAccess });
    expect(out.data.logout).toBe(true);
    const refused = await h.call(doc('me'), {}, { token: newAccess });
    expect(code(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors?.[0].extensions?.reason).toBe('TOKEN_REVOKED');
    // The access token issued before the refresh belonged to the same session: revoked with it.
    expect(code(await h.call(doc('me'), {}, { token: accessToken }))).toBe('UNAUTHENTICATED');
    expect(code(await h.call(doc('refresh'), { refreshToken: refreshed.data.refreshToken.refreshToken }))).toBe('UNAUTHENTICATED');
  });

  it('revokes the whole session when a rotated refresh token is presented again', async () => {
    const { email } = await h.newUser();
    const first = await h.signIn(email);
    const second = await h.call(doc('refresh'), { refreshToken: first.refreshToken });
    const current = second.data.refreshToken;

    const reuse = await h.call(doc('refresh'), { refreshToken: first.refreshToken });
    expect(code(reuse)).toBe('UNAUTHENTICATED');
    expect(reuse.errors?.[0].extensions?.reason).toBe('REFRESH_TOKEN_REUSED');
    // The legitimate holder's newest tokens are dead too: the thief and the owner both sign in again.
    expect(code(await h.call(doc('refresh'), { refreshToken: current.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(code(await h.call(doc('me'), {}, { token: current.accessToken }))).toBe('UNAUTHENTICATED');
    const sid = String(decodeJwt(current.accessToken).sid);
    expect(await h.db.session.findUniqueOrThrow({ where: { id: sid } })).toMatchObject({ revokedReason: 'REFRESH_TOKEN_REUSE' });
    expect(await h.db.auditEvent.count({ where: { action: 'REFRESH_TOKEN_REUSED' } })).toBeGreaterThan(0);
  });

  it('refuses an expired refresh token and a random one', async () => {
    const { email } = await h.newUser();
    const tokens = await h.signIn(email);
    expect(code(await h.call(doc('refresh'), { refreshToken: 'x'.repeat(43) }))).toBe('UNAUTHENTICATED');
    h.clock.advance(7 * 86_400 + 1);
    const expired = await h.call(doc('refresh'), { refreshToken: tokens.refreshToken });
    expect(code(expired)).toBe('UNAUTHENTICATED');
    expect(expired.errors?.[0].extensions?.reason).toBe('REFRESH_TOKEN_EXPIRED');
  });

  it('lists sessions, revokes one of them, and logoutAll ends the rest', async () => {
    h.clock.now = new Date();
    const { email } = await h.newUser();
    const phone = await h.signIn(email, PASSWORD, '198.51.100.1');
    const laptop = await h.signIn(email, PASSWORD, '198.51.100.2');
    const me = await h.call(doc('me'), {}, { token: laptop.accessToken });
    expect(me.data.me.sessions).toHaveLength(2);
    const phoneSession = me.data.me.sessions.find((s: { current: boolean }) => !s.current);
    expect(phoneSession.ipAddress).toBe('198.51.100.1');

    const revoked = await h.call(doc('revoke-session'), { id: phoneSession.id }, { token: laptop.accessToken });
    expect(revoked.data.revokeSession).toEqual({ __typename: 'MutationRevokeSessionSuccess', data: true });
    expect(code(await h.call(doc('me'), {}, { token: phoneSession && phone.accessToken }))).toBe('UNAUTHENTICATED');
    const other = await h.newUser();
    const stranger = await h.signIn(other.email);
    const notMine = await h.call(doc('revoke-session'), { id: String(decodeJwt(laptop.accessToken).sid) }, { token: stranger.accessToken });
    expect(notMine.data.revokeSession.__typename).toBe('NotFoundError');

    const third = await h.signIn(email);
    const all = await h.call(doc('logout-all'), {}, { token: third.accessToken });
    expect(all.data.logoutAll).toBe(2);
    expect(code(await h.call(doc('me'), {}, { token: laptop.accessToken }))).toBe('UNAUTHENTICATED');
    expect(code(await h.call(doc('me'), {}, { token: third.accessToken }))).toBe('UNAUTHENTICATED');
    expect(await h.db.session.count({ where: { user: { email }, revokedAt: null } })).toBe(0);
  });

  it('serves the JWKS with the public signing key only', async () => {
    const res = await h.app.fetch('http://x/.well-known/jwks.json');
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: Record<string, string>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
      expect(key.d).toBeUndefined();
    }
    const row = await h.db.signingKey.findFirstOrThrow();
    expect(row.privateKeyEncrypted).not.toContain('"d"');
  });

  it('resolves User entity references in one batch', async () => {
    const a = await h.newUser();
    const b = await h.newUser({ accountType: 'MERCHANT' });
    const res = await h.call(doc('user-reference'), {
      representations: [
        { __typename: 'User', id: a.id },
        { __typename: 'User', id: b.id },
        { __typename: 'User', id: 'missing' },
      ],
    });
    expect(res.data._entities).toEqual([
      { id: a.id, firstName: 'Ada', roles: ['CUSTOMER'] },
      { id: b.id, firstName: 'Ada', roles: ['MERCHANT'] },
      null,
    ]);
  });

  it('wrote no password, token or secret to the logs in any of the flows above', () => {
    expect(h.secrets.size).toBeGreaterThan(10);
    expect(h.logs.length).toBeGreaterThan(0);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
