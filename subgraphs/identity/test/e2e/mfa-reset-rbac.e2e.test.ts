// MFA (setup, confirm, two-step sign-in, replay, recovery codes, disable), password reset, RBAC and the audit log.
import { decodeJwt } from 'jose';
import { authenticator } from 'otplib';
import { loginRateLimitKeys } from '../../src/domain/auth/rules';
import { decrypt } from '../../src/domain/crypto/keyring';
import { createUserByOperator } from '../../src/domain/user/service';
import type { IdentityContext } from '../../src/context';
import { RESET_REQUESTED_MESSAGE } from '../../src/domain/password-reset/service';
import { createHarness, doc, leakedSecrets, PASSWORD, type Harness } from '../support/harness';

let h: Harness;

beforeAll(async () => {
  h = await createHarness('mfa_reset_rbac');
});

afterAll(async () => {
  await h?.close();
});

const errorOf = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions?.code;

/** A context for calling services directly, as the CLI task does. */
function systemContext(): IdentityContext {
  return {
    requestId: 'test',
    correlationId: 'test',
    logger: h.logger,
    principal: null,
    storeId: null,
    memo: new Map(),
    db: h.db,
    identity: h.runtime,
    ipAddress: null,
    userAgent: 'test',
  };
}

describe('identity: MFA', () => {
  it('sets up, confirms with a code from the secret, demands the second step, refuses replays, and spends recovery codes once', async () => {
    h.clock.now = new Date();
    const { id, email } = await h.newUser();
    const first = await h.signIn(email);

    const setup = await h.call(doc('setup-mfa'), {}, { token: first.accessToken });
    const { secret, otpauthUri, qrCodeDataUrl } = setup.data.setupMfa.data;
    expect(otpauthUri).toBe(
      `otpauth://totp/Ecomify:${encodeURIComponent(email)}?secret=${secret}&period=30&digits=6&algorithm=SHA1&issuer=Ecomify`,
    );
    expect(qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    const stored = await h.db.user.findUniqueOrThrow({ where: { id } });
    expect(stored.mfaEnabled).toBe(false);
    expect(stored.mfaSecret).not.toContain(secret);
    expect(decrypt(h.runtime.mfaKeys, stored.mfaSecret!, `mfa:${id}`)).toBe(secret);

    const wrong = await h.call(
      doc('confirm-mfa'),
      { code: '000000' === h.totp(secret) ? '111111' : '000000' },
      { token: first.accessToken },
    );
    expect(wrong.data.confirmMfa).toMatchObject({ __typename: 'ValidationError', field: ['code'] });
    const confirmed = await h.call(doc('confirm-mfa'), { code: h.totp(secret) }, { token: first.accessToken });
    const codes: string[] = confirmed.data.confirmMfa.data.recoveryCodes;
    expect(codes).toHaveLength(10);
    const hashes = await h.db.mfaRecoveryCode.findMany({ where: { userId: id } });
    expect(hashes.map((c) => c.codeHash)).not.toEqual(expect.arrayContaining([codes[0]]));
    expect((await h.outbox('ecomify.identity.mfa.enabled')).map((r) => r.envelope.data)).toContainEqual({ userId: id });

    // Password alone now gives a challenge, not tokens.
    const step1 = await h.call(doc('login'), { input: { email, password: PASSWORD } });
    expect(step1.data.login).toMatchObject({ __typename: 'MfaChallenge', methods: ['TOTP', 'RECOVERY_CODE'] });
    expect(step1.data.login.accessToken).toBeUndefined();

    // The confirmation code's time step is spent: the same code again is a replay.
    h.clock.advance(0);
    const replay = await h.call(doc('complete-mfa-login'), { challenge: step1.data.login.challenge, code: h.totp(secret) });
    expect(replay.data.completeMfaLogin).toMatchObject({ __typename: 'ValidationError', field: ['code'] });

    h.clock.advance(30);
    const code = h.totp(secret);
    const step2 = await h.call(doc('complete-mfa-login'), { challenge: step1.data.login.challenge, code });
    expect(step2.data.completeMfaLogin).toMatchObject({ __typename: 'LoginSuccess', user: { id } });
    // The challenge is single use.
    expect(errorOf(await h.call(doc('complete-mfa-login'), { challenge: step1.data.login.challenge, code }))).toBe('UNAUTHENTICATED');
    // The one-call variant with the same (spent) code is refused too.
    const replayOneCall = await h.call(doc('mfa-login'), { input: { email, password: PASSWORD, code } });
    expect(replayOneCall.data.mfaLogin).toMatchObject({ __typename: 'ValidationError', field: ['code'] });

    h.clock.advance(30);
    const oneCall = await h.call(doc('mfa-login'), { input: { email, password: PASSWORD, code: h.totp(secret) } });
    expect(oneCall.data.mfaLogin.__typename).toBe('LoginSuccess');

    const recovery = await h.call(doc('mfa-login'), { input: { email, password: PASSWORD, code: codes[0].toLowerCase() } });
    expect(recovery.data.mfaLogin.__typename).toBe('LoginSuccess');
    const again = await h.call(doc('mfa-login'), { input: { email, password: PASSWORD, code: codes[0] } });
    expect(again.data.mfaLogin.__typename).toBe('ValidationError');

    const token = recovery.data.mfaLogin.accessToken;
    const refusedDisable = await h.call(doc('disable-mfa'), { code: codes[1] }, { token });
    expect(refusedDisable.data.disableMfa.__typename).toBe('ValidationError');
    h.clock.advance(30);
    const disabled = await h.call(doc('disable-mfa'), { code: h.totp(secret) }, { token });
    expect(disabled.data.disableMfa).toMatchObject({ __typename: 'MutationDisableMfaSuccess', data: { mfaEnabled: false } });
    expect((await h.call(doc('login'), { input: { email, password: PASSWORD } })).data.login.__typename).toBe('LoginSuccess');
    const actions = (await h.db.auditEvent.findMany({ where: { userId: id } })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['MFA_ENABLED', 'MFA_DISABLED', 'MFA_RECOVERY_CODE_USED', 'MFA_CODE_FAILED']));
    expect((await h.outbox('ecomify.identity.mfa.disabled')).map((r) => r.envelope.data)).toContainEqual({ userId: id });
  });

  it('counts wrong codes toward the lockout, even across fresh challenges', async () => {
    const { email } = await h.newUser();
    const { accessToken } = await h.signIn(email);
    const secret = (await h.call(doc('setup-mfa'), {}, { token: accessToken })).data.setupMfa.data.secret;
    await h.call(doc('confirm-mfa'), { code: h.totp(secret) }, { token: accessToken });
    h.clock.advance(30);
    const { challenge } = (await h.call(doc('login'), { input: { email, password: PASSWORD } })).data.login;
    const bad = authenticator.clone({ epoch: h.clock.now.getTime() + 10 * 60_000 }).generate(secret);
    const results = [];
    for (let i = 0; i < 4; i++)
      results.push((await h.call(doc('complete-mfa-login'), { challenge, code: bad })).data.completeMfaLogin.__typename);
    // A new challenge (the password is known) does not refill the attempts.
    const fresh = (await h.call(doc('login'), { input: { email, password: PASSWORD } })).data.login.challenge;
    results.push((await h.call(doc('complete-mfa-login'), { challenge: fresh, code: bad })).data.completeMfaLogin.__typename);
    expect(results).toEqual(['ValidationError', 'ValidationError', 'ValidationError', 'ValidationError', 'AccountLockedError']);
    expect((await h.call(doc('login'), { input: { email, password: PASSWORD } })).data.login.__typename).toBe('AccountLockedError');
    // While locked, even the right code on an open challenge is refused.
    expect((await h.call(doc('complete-mfa-login'), { challenge: fresh, code: h.totp(secret) })).data.completeMfaLogin.__typename).toBe(
      'AccountLockedError',
    );
    h.clock.advance(15 * 60);
    await h.cache.rateLimiter.reset(loginRateLimitKeys(email, null).email);
    // Challenges live five minutes: after the lock both are gone and the user signs in again.
    expect(errorOf(await h.call(doc('complete-mfa-login'), { challenge, code: h.totp(secret) }))).toBe('UNAUTHENTICATED');
    const again = (await h.call(doc('login'), { input: { email, password: PASSWORD } })).data.login;
    h.clock.advance(30);
    const done = await h.call(doc('complete-mfa-login'), { challenge: again.challenge, code: h.totp(secret) });
    expect(done.data.completeMfaLogin.__typename).toBe('LoginSuccess');
  });
});

describe('identity: password reset', () => {
  it('answers an unknown email exactly like a known one, but only the known one gets a token and an event', async () => {
    const { id, email } = await h.newUser();
    const before = (await h.outbox('ecomify.identity.password-reset.requested')).length;
    const known = await h.call(doc('request-password-reset'), { email });
    const unknown = await h.call(doc('request-password-reset'), { email: `nobody-${Date.now()}@example.com` });
    expect(known).toEqual(unknown);
    expect(known.data.requestPasswordReset).toEqual({ __typename: 'MutationRequestPasswordResetSuccess', data: RESET_REQUESTED_MESSAGE });
    const events = await h.outbox('ecomify.identity.password-reset.requested');
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)!.envelope.data).toMatchObject({
      userId: id,
      email,
      firstName: 'Ada',
      token: expect.any(String),
      expiresAt: expect.any(String),
    });
  });

  it('resets once with the token, applies the policy, ends every session, and publishes password.changed', async () => {
    h.clock.now = new Date();
    const { id, email } = await h.newUser();
    const s1 = await h.signIn(email);
    const s2 = await h.signIn(email);
    await h.call(doc('request-password-reset'), { email });
    const token = (await h.outbox('ecomify.identity.password-reset.requested')).filter((r) => r.envelope.data.userId === id).at(-1)!
      .envelope.data.token;
    const row = await h.db.passwordResetToken.findFirstOrThrow({ where: { userId: id } });
    expect(row.tokenHash).not.toBe(token);
    expect(row.expiresAt.getTime() - h.clock.now.getTime()).toBe(3_600_000);

    const weak = await h.call(doc('reset-password'), { token, newPassword: 'qwertyuiop' });
    expect(weak.data.resetPassword).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['newPassword'] }] });
    const newPassword = 'a brand new passphrase';
    const ok = await h.call(doc('reset-password'), { token, newPassword });
    expect(ok.data.resetPassword).toEqual({ __typename: 'MutationResetPasswordSuccess', data: true });
    const used = await h.call(doc('reset-password'), { token, newPassword: 'another new passphrase' });
    expect(used.data.resetPassword).toMatchObject({ __typename: 'InvalidTokenError', code: 'INVALID_INPUT', reason: 'TOKEN_USED' });

    for (const s of [s1, s2]) {
      expect(errorOf(await h.call(doc('me'), {}, { token: s.accessToken }))).toBe('UNAUTHENTICATED');
      expect(errorOf(await h.call(doc('refresh'), { refreshToken: s.refreshToken }))).toBe('UNAUTHENTICATED');
    }
    expect(await h.db.session.count({ where: { userId: id, revokedAt: null } })).toBe(0);
    expect(errorOf(await h.call(doc('login'), { input: { email, password: PASSWORD } }))).toBe('UNAUTHENTICATED');
    expect((await h.call(doc('login'), { input: { email, password: newPassword } })).data.login.__typename).toBe('LoginSuccess');
    expect((await h.outbox('ecomify.identity.password.changed')).map((r) => r.envelope.data)).toContainEqual({ userId: id, via: 'reset' });
  });

  it('refuses an expired reset token with a typed error', async () => {
    const { id, email } = await h.newUser();
    await h.call(doc('request-password-reset'), { email });
    const token = (await h.outbox('ecomify.identity.password-reset.requested')).filter((r) => r.envelope.data.userId === id).at(-1)!
      .envelope.data.token;
    h.clock.advance(3600);
    const res = await h.call(doc('reset-password'), { token, newPassword: 'a brand new passphrase' });
    expect(res.data.resetPassword).toMatchObject({ __typename: 'InvalidTokenError', reason: 'TOKEN_EXPIRED' });
    h.clock.now = new Date();
  });
});

describe('identity: RBAC and the audit log', () => {
  let admin: { accessToken: string; user: { id: string } };
  beforeAll(async () => {
    h.clock.now = new Date();
    await createUserByOperator(systemContext(), { email: 'root@example.com', password: PASSWORD, roles: ['PLATFORM_ADMIN'] });
    admin = await h.signIn('root@example.com');
  });

  it('lets only PLATFORM_ADMIN assign and remove roles: UNAUTHENTICATED anonymous, FORBIDDEN otherwise', async () => {
    const target = await h.newUser();
    const merchant = await h.signIn((await h.newUser({ accountType: 'MERCHANT' })).email);
    expect(errorOf(await h.call(doc('assign-role'), { userId: target.id, role: 'STORE_STAFF' }))).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.call(doc('assign-role'), { userId: target.id, role: 'STORE_STAFF' }, { token: merchant.accessToken }))).toBe(
      'FORBIDDEN',
    );

    const targetTokens = await h.signIn(target.email);
    const assigned = await h.call(doc('assign-role'), { userId: target.id, role: 'STORE_STAFF' }, { token: admin.accessToken });
    expect(assigned.data.assignRole.data.roles.sort()).toEqual(['CUSTOMER', 'STORE_STAFF']);
    const refreshed = await h.call(doc('refresh'), { refreshToken: targetTokens.refreshToken });
    expect(decodeJwt(refreshed.data.refreshToken.accessToken).roles).toEqual(expect.arrayContaining(['STORE_STAFF']));

    const removed = await h.call(doc('remove-role'), { userId: target.id, role: 'STORE_STAFF' }, { token: admin.accessToken });
    expect(removed.data.removeRole.data.roles).toEqual(['CUSTOMER']);
    // Tokens carrying the removed role stop working at once; a refresh issues tokens without it.
    expect(errorOf(await h.call(doc('me'), {}, { token: refreshed.data.refreshToken.accessToken }))).toBe('UNAUTHENTICATED');
    const again = await h.call(doc('refresh'), { refreshToken: refreshed.data.refreshToken.refreshToken });
    expect(decodeJwt(again.data.refreshToken.accessToken).roles).toEqual(['CUSTOMER']);

    const self = await h.call(doc('remove-role'), { userId: admin.user.id, role: 'PLATFORM_ADMIN' }, { token: admin.accessToken });
    expect(self.data.removeRole).toMatchObject({ __typename: 'RuleViolationError', reason: 'SELF_DEMOTION' });
    const missing = await h.call(doc('assign-role'), { userId: 'nope', role: 'MERCHANT' }, { token: admin.accessToken });
    expect(missing.data.assignRole.__typename).toBe('NotFoundError');

    const events = (await h.outbox('ecomify.identity.user-role.assigned')).map((r) => r.envelope.data);
    expect(events).toContainEqual({ userId: target.id, role: 'STORE_STAFF', assignedBy: admin.user.id });
    expect((await h.outbox('ecomify.identity.user-role.removed')).map((r) => r.envelope.data)).toContainEqual({
      userId: target.id,
      role: 'STORE_STAFF',
      removedBy: admin.user.id,
    });
  });

  it('records sign-ins, failures and role changes with actor, address and time, readable by PLATFORM_ADMIN only', async () => {
    const { id, email } = await h.newUser();
    await h.call(doc('login'), { input: { email, password: 'wrong password' } }, { ip: '203.0.113.9' });
    await h.signIn(email, PASSWORD, '203.0.113.9');
    await h.call(doc('assign-role'), { userId: id, role: 'MERCHANT' }, { token: admin.accessToken, ip: '203.0.113.1' });

    const log = await h.call(doc('audit-log'), { userId: id, first: 50 }, { token: admin.accessToken });
    const nodes = log.data.auditLog.edges.map((e: { node: Record<string, unknown> }) => e.node);
    expect(log.data.auditLog.totalCount).toBe(nodes.length);
    expect(nodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'SIGN_IN_FAILED', actorId: null, ipAddress: '203.0.113.9', email }),
        expect.objectContaining({ action: 'SIGN_IN_SUCCEEDED', actorId: id, ipAddress: '203.0.113.9' }),
        expect.objectContaining({
          action: 'ROLE_ASSIGNED',
          actorId: admin.user.id,
          ipAddress: '203.0.113.1',
          metadata: { role: 'MERCHANT' },
        }),
      ]),
    );
    expect(JSON.stringify(nodes)).not.toContain(PASSWORD);

    const page = await h.call(doc('audit-log'), { first: 2 }, { token: admin.accessToken });
    expect(page.data.auditLog.pageInfo.hasNextPage).toBe(true);
    const next = await h.call(doc('audit-log'), { first: 2, after: page.data.auditLog.pageInfo.endCursor }, { token: admin.accessToken });
    expect(next.data.auditLog.edges[0].node.id).not.toBe(page.data.auditLog.edges[1].node.id);

    const customer = await h.signIn(email);
    expect(errorOf(await h.call(doc('audit-log'), { first: 5 }, { token: customer.accessToken }))).toBe('FORBIDDEN');
    expect(errorOf(await h.call(doc('audit-log'), { first: 5 }))).toBe('UNAUTHENTICATED');
  });

  it('wrote no password, token, secret or code to the logs across MFA, reset and RBAC flows', () => {
    expect(h.secrets.size).toBeGreaterThan(20);
    expect(leakedSecrets(h)).toEqual([]);
  });
});
