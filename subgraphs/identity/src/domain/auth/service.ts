// Sign-in, the MFA second step, refresh-token rotation with reuse detection, and sessions.
import { userLocked } from '@ecomify/contracts/identity';
import { permissionsForRoles } from '@ecomify/kernel/auth';
import { NotFoundError, RateLimitedError, UnauthenticatedError, ValidationError } from '@ecomify/kernel/errors';
import { recordEvent } from '@ecomify/kernel/events';
import type { IdentityContext } from '../../context';
import type { Prisma } from '../../generated-client';
import { audit, AuditAction } from '../audit/service';
import { hashToken, newOpaqueToken } from '../crypto/tokens';
import { checkSecondFactor, invalidCode } from '../mfa/service';
import { emailProblems, normaliseEmail } from '../user/rules';
import { currentUser } from './current-user';
import { AccountLockedError } from './errors';
import {
  afterFailedLogin,
  decideRefresh,
  INVALID_CREDENTIALS_MESSAGE,
  isLocked,
  liveAccessTokens,
  loginRateLimitKeys,
  MFA_CHALLENGE_MAX_ATTEMPTS,
  MFA_CHALLENGE_TTL_SECONDS,
  RATE_LIMIT_WINDOW_SECONDS,
  trackAccessToken,
} from './rules';

type Tx = Parameters<Parameters<IdentityContext['db']['$transaction']>[0]>[0];
type UserWithRoles = Prisma.UserGetPayload<{ include: { roles: true } }>;

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  sessionId: string;
  user: UserWithRoles;
}

export type LoginOutcome =
  | ({ kind: 'tokens' } & IssuedTokens)
  | { kind: 'mfa'; challenge: string; expiresAt: Date; methods: ('TOTP' | 'RECOVERY_CODE')[] };

const invalidCredentials = () => new UnauthenticatedError(INVALID_CREDENTIALS_MESSAGE, { reason: 'INVALID_CREDENTIALS' });
const nowSeconds = (ctx: IdentityContext) => Math.floor(ctx.identity.now().getTime() / 1000);

/** Counts one attempt against the per-address and per-account limits; throws RateLimitedError over either. */
async function limitAttempts(ctx: IdentityContext, keys: { ip: string; email: string }) {
  const limit = ctx.identity.config.LOGIN_RATE_LIMIT_PER_MINUTE;
  const [byIp, byEmail] = await Promise.all([
    ctx.identity.rateLimiter.hit(keys.ip, limit, RATE_LIMIT_WINDOW_SECONDS),
    ctx.identity.rateLimiter.hit(keys.email, limit, RATE_LIMIT_WINDOW_SECONDS),
  ]);
  const refused = [byIp, byEmail].filter((r) => !r.allowed);
  if (refused.length) {
    const retryAfter = Math.max(...refused.map((r) => r.retryAfterSeconds));
    throw new RateLimitedError(`Too many sign-in attempts. Wait ${retryAfter} seconds and try again.`, retryAfter, {
      reason: 'LOGIN_RATE_LIMITED',
    });
  }
}

/**
 * Counts one failed sign-in (wrong password or wrong second-factor code) toward the lockout, with its
 * audit entry, and the lock event when this failure reaches the limit.
 */
async function recordFailedAttempt(
  ctx: IdentityContext,
  tx: Tx,
  userId: string,
  action: AuditAction,
  details: { email?: string; reason: string },
) {
  const now = ctx.identity.now();
  // Read inside the transaction so concurrent failures each count.
  const current = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { failedLoginCount: true } });
  const next = afterFailedLogin(current.failedLoginCount, now);
  await tx.user.update({
    where: { id: userId },
    data: { failedLoginCount: next.failedLoginCount, lockedUntil: next.lockedUntil ?? undefined },
  });
  await audit(
    ctx,
    { action, userId, actorId: null, email: details.email, metadata: { reason: details.reason, attempts: next.attempts } },
    tx,
  );
  if (next.lockedNow) {
    await recordEvent(
      tx,
      userLocked,
      { userId, lockedUntil: next.lockedUntil!.toISOString(), failedAttempts: next.attempts },
      { correlationId: ctx.correlationId, actor: { kind: 'system', id: 'identity' } },
    );
    await audit(
      ctx,
      { action: AuditAction.ACCOUNT_LOCKED, userId, actorId: null, metadata: { until: next.lockedUntil!.toISOString() } },
      tx,
    );
  }
  return next;
}

/**
 * The password step shared by `login` and `mfaLogin`. Unknown email and wrong password fail with the
 * same error after the same work (a dummy hash is verified when there is no user).
 */
async function verifyPassword(ctx: IdentityContext, input: { email: string; password: string }): Promise<UserWithRoles> {
  const email = normaliseEmail(input.email);
  const problems = [...emailProblems(email, ['input', 'email'])];
  if (!input.password) problems.push({ path: ['input', 'password'], message: 'is required' });
  if (problems.length)
    throw new ValidationError(`Invalid input. ${problems.map((p) => `${p.path[1]} ${p.message}`).join('; ')}.`, problems);

  const now = ctx.identity.now();
  const keys = loginRateLimitKeys(email, ctx.ipAddress);
  const user = await ctx.db.user.findUnique({ where: { email }, include: { roles: true } });
  // A locked account is refused before the limiter: no password is checked, so there is nothing to guess.
  if (user && isLocked(user.lockedUntil, now)) {
    await audit(ctx, { action: AuditAction.SIGN_IN_REFUSED_LOCKED, userId: user.id, actorId: null, email });
    throw new AccountLockedError(user.lockedUntil!);
  }
  await limitAttempts(ctx, keys);

  if (!user) {
    await ctx.identity.hasher.verifyDummy(input.password);
    await audit(ctx, { action: AuditAction.SIGN_IN_FAILED, actorId: null, email, metadata: { reason: 'UNKNOWN_EMAIL' } });
    throw invalidCredentials();
  }
  if (!(await ctx.identity.hasher.verify(user.passwordHash, input.password))) {
    const next = await ctx.db.$transaction((tx) =>
      recordFailedAttempt(ctx, tx, user.id, AuditAction.SIGN_IN_FAILED, { email, reason: 'WRONG_PASSWORD' }),
    );
    if (next.lockedNow) throw new AccountLockedError(next.lockedUntil!);
    throw invalidCredentials();
  }

  await ctx.identity.rateLimiter.reset(keys.email);
  const data: Prisma.UserUpdateInput = {};
  // With MFA on, the count resets only after the code step too: a known password alone must not
  // keep refilling the attempts at the code.
  if (!user.mfaEnabled && (user.failedLoginCount || user.lockedUntil)) Object.assign(data, { failedLoginCount: 0, lockedUntil: null });
  // Parameters were raised since this hash was made: upgrade it while the password is at hand.
  if (ctx.identity.hasher.needsRehash(user.passwordHash)) data.passwordHash = await ctx.identity.hasher.hash(input.password);
  if (Object.keys(data).length) await ctx.db.user.update({ where: { id: user.id }, data });
  return user;
}

/** Opens a session: a refresh token (hashed) and an access token bound to the session. */
async function openSession(ctx: IdentityContext, user: UserWithRoles, method: string): Promise<IssuedTokens> {
  const now = ctx.identity.now();
  const ttl = ctx.identity.config.REFRESH_TOKEN_TTL_SECONDS;
  const refreshToken = newOpaqueToken();
  const expiresAt = new Date(now.getTime() + ttl * 1000);
  return ctx.db.$transaction(async (tx) => {
    const session = await tx.session.create({
      data: {
        userId: user.id,
        ipAddress: ctx.ipAddress,
        userAgent: ctx.userAgent,
        expiresAt,
        createdAt: now,
        lastUsedAt: now,
        refreshTokens: { create: { tokenHash: hashToken(refreshToken), expiresAt, createdAt: now } },
      },
    });
    const access = await issueAccessToken(ctx, tx, user, session.id, []);
    await audit(
      ctx,
      { action: AuditAction.SIGN_IN_SUCCEEDED, userId: user.id, actorId: user.id, metadata: { sessionId: session.id, method } },
      tx,
    );
    return { accessToken: access.token, refreshToken, expiresIn: access.expiresIn, sessionId: session.id, user };
  });
}

async function issueAccessToken(ctx: IdentityContext, tx: Tx, user: UserWithRoles, sessionId: string, recent: unknown) {
  const roles = user.roles.map((r) => r.role);
  const access = await ctx.identity.keys.signAccessToken({ userId: user.id, roles, permissions: permissionsForRoles(roles), sessionId });
  await tx.session.update({
    where: { id: sessionId },
    data: {
      recentAccessTokens: trackAccessToken(
        recent,
        { jti: access.jti, exp: access.exp },
        nowSeconds(ctx),
      ) as unknown as Prisma.InputJsonValue,
    },
  });
  return access;
}

/** Password sign-in: tokens, or an MFA challenge when two-step verification is on. */
export async function login(ctx: IdentityContext, input: { email: string; password: string }): Promise<LoginOutcome> {
  const user = await verifyPassword(ctx, input);
  if (!user.mfaEnabled) return { kind: 'tokens', ...(await openSession(ctx, user, 'password')) };
  const challenge = newOpaqueToken();
  const now = ctx.identity.now();
  const expiresAt = new Date(now.getTime() + MFA_CHALLENGE_TTL_SECONDS * 1000);
  await ctx.db.$transaction(async (tx) => {
    await tx.mfaChallenge.create({ data: { userId: user.id, tokenHash: hashToken(challenge), expiresAt, createdAt: now } });
    await audit(ctx, { action: AuditAction.MFA_CHALLENGE_ISSUED, userId: user.id, actorId: null }, tx);
  });
  return { kind: 'mfa', challenge, expiresAt, methods: ['TOTP', 'RECOVERY_CODE'] };
}

/** The code step of a sign-in, after a correct password. A wrong code is a ValidationError on `code`. */
async function secondFactor(ctx: IdentityContext, user: UserWithRoles, code: string, onFailure?: (tx: Tx) => Promise<void>) {
  const fresh = await ctx.db.user.findUniqueOrThrow({ where: { id: user.id } });
  let method: 'totp' | 'recovery' | null = null;
  await ctx.db.$transaction(async (tx) => {
    method = await checkSecondFactor(ctx, tx, fresh, code);
    if (method && (fresh.failedLoginCount || fresh.lockedUntil)) {
      await tx.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil: null } });
    }
    if (method === 'recovery') {
      const left = await tx.mfaRecoveryCode.count({ where: { userId: user.id, usedAt: null } });
      await audit(
        ctx,
        { action: AuditAction.MFA_RECOVERY_CODE_USED, userId: user.id, actorId: user.id, metadata: { remaining: left } },
        tx,
      );
    }
  });
  if (!method) {
    // Wrong codes count toward the same lockout as wrong passwords: a stolen password does not buy
    // unlimited guesses at the code through fresh challenges.
    const next = await ctx.db.$transaction(async (tx) => {
      await onFailure?.(tx);
      return recordFailedAttempt(ctx, tx, user.id, AuditAction.MFA_CODE_FAILED, { reason: 'WRONG_CODE' });
    });
    if (next.lockedNow) throw new AccountLockedError(next.lockedUntil!);
    throw invalidCode();
  }
  return method as 'totp' | 'recovery';
}

/** Finishes a sign-in that returned an MFA challenge. An unknown, used or expired challenge means: sign in again. */
export async function completeMfaLogin(ctx: IdentityContext, input: { challenge: string; code: string }): Promise<IssuedTokens> {
  const now = ctx.identity.now();
  const row = await ctx.db.mfaChallenge.findUnique({
    where: { tokenHash: hashToken(input.challenge) },
    include: { user: { include: { roles: true } } },
  });
  if (!row || row.usedAt || row.expiresAt <= now || row.attempts >= MFA_CHALLENGE_MAX_ATTEMPTS) {
    throw new UnauthenticatedError('This sign-in step has expired or was already used. Sign in again with your password.', {
      reason: 'MFA_CHALLENGE_INVALID',
    });
  }
  if (isLocked(row.user.lockedUntil, now)) throw new AccountLockedError(row.user.lockedUntil!);
  const method = await secondFactor(ctx, row.user, input.code, async (tx) => {
    await tx.mfaChallenge.update({ where: { id: row.id }, data: { attempts: { increment: 1 } } });
  });
  // Single use: a second completion racing with this one loses here.
  const { count } = await ctx.db.mfaChallenge.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
  if (count !== 1)
    throw new UnauthenticatedError('This sign-in step was already used. Sign in again.', { reason: 'MFA_CHALLENGE_INVALID' });
  return openSession(ctx, row.user, method === 'recovery' ? 'password+recovery-code' : 'password+totp');
}

/** Sign-in in one call with email, password and code (the sprint plan's mfa/login). */
export async function mfaLogin(ctx: IdentityContext, input: { email: string; password: string; code: string }): Promise<IssuedTokens> {
  const user = await verifyPassword(ctx, input);
  if (!user.mfaEnabled) return openSession(ctx, user, 'password');
  const method = await secondFactor(ctx, user, input.code);
  return openSession(ctx, user, method === 'recovery' ? 'password+recovery-code' : 'password+totp');
}

/**
 * Rotates a refresh token: the presented one is spent and a new pair returned. A spent token shown
 * again revokes the whole session (someone else has a copy) and is UNAUTHENTICATED.
 */
export async function refresh(ctx: IdentityContext, refreshToken: string): Promise<IssuedTokens> {
  const now = ctx.identity.now();
  const row = await ctx.db.refreshToken.findUnique({
    where: { tokenHash: hashToken(refreshToken) },
    include: { session: { include: { user: { include: { roles: true } } } } },
  });
  if (!row) throw new UnauthenticatedError('Refresh token is not valid. Sign in again.', { reason: 'REFRESH_TOKEN_INVALID' });
  const decision = decideRefresh(row, row.session, now);
  if (decision === 'reuse') {
    if (!row.session.revokedAt) {
      await ctx.db.$transaction(async (tx) => {
        await revokeSessionsIn(ctx, tx, { id: row.sessionId }, 'REFRESH_TOKEN_REUSE');
        await audit(
          ctx,
          { action: AuditAction.REFRESH_TOKEN_REUSED, userId: row.session.userId, actorId: null, metadata: { sessionId: row.sessionId } },
          tx,
        );
      });
    }
    throw new UnauthenticatedError('This refresh token was already used, so the session was ended to protect the account. Sign in again.', {
      reason: 'REFRESH_TOKEN_REUSED',
    });
  }
  if (decision === 'revoked') throw new UnauthenticatedError('This session has ended. Sign in again.', { reason: 'SESSION_REVOKED' });
  if (decision === 'expired')
    throw new UnauthenticatedError('This session has expired. Sign in again.', { reason: 'REFRESH_TOKEN_EXPIRED' });

  const next = newOpaqueToken();
  const expiresAt = new Date(now.getTime() + ctx.identity.config.REFRESH_TOKEN_TTL_SECONDS * 1000);
  return ctx.db.$transaction(async (tx) => {
    // Conditional: of two requests presenting the same token, one rotates and the other is reuse.
    const { count } = await tx.refreshToken.updateMany({ where: { id: row.id, rotatedAt: null }, data: { rotatedAt: now } });
    if (count !== 1)
      throw new UnauthenticatedError('This refresh token was already used. Sign in again.', { reason: 'REFRESH_TOKEN_REUSED' });
    await tx.refreshToken.create({ data: { sessionId: row.sessionId, tokenHash: hashToken(next), expiresAt, createdAt: now } });
    const session = await tx.session.update({ where: { id: row.sessionId }, data: { expiresAt, lastUsedAt: now } });
    const user = row.session.user;
    const access = await issueAccessToken(ctx, tx, user, session.id, session.recentAccessTokens);
    return { accessToken: access.token, refreshToken: next, expiresIn: access.expiresIn, sessionId: session.id, user };
  });
}

/**
 * Revokes matching open sessions and blacklists every access token they issued that has not expired,
 * so the tokens stop working everywhere now, not in up to 15 minutes. Returns how many were revoked.
 */
export async function revokeSessionsIn(ctx: IdentityContext, tx: Tx, where: Prisma.SessionWhereInput, reason: string): Promise<number> {
  const now = ctx.identity.now();
  const sessions = await tx.session.findMany({ where: { ...where, revokedAt: null }, select: { id: true, recentAccessTokens: true } });
  if (!sessions.length) return 0;
  await tx.session.updateMany({ where: { id: { in: sessions.map((s) => s.id) } }, data: { revokedAt: now, revokedReason: reason } });
  const nowSec = nowSeconds(ctx);
  await Promise.all(
    sessions.flatMap((s) =>
      liveAccessTokens(s.recentAccessTokens, nowSec).map((t) => ctx.identity.revocations.revoke(t.jti, t.exp - nowSec)),
    ),
  );
  return sessions.length;
}

/** Ends the caller's session and blacklists the presented access token until it expires. */
export async function logout(ctx: IdentityContext): Promise<boolean> {
  const user = await currentUser(ctx);
  const p = ctx.principal!;
  await ctx.db.$transaction(async (tx) => {
    if (p.sessionId) await revokeSessionsIn(ctx, tx, { id: p.sessionId, userId: user.id }, 'SIGNED_OUT');
    await audit(ctx, { action: AuditAction.SIGNED_OUT, userId: user.id, metadata: { sessionId: p.sessionId ?? null } }, tx);
  });
  await ctx.identity.revocations.revoke(p.tokenId, Math.max(1, p.expiresAt - nowSeconds(ctx)));
  return true;
}

/** Ends every session of the caller (this one included). Returns how many were open. */
export async function logoutAll(ctx: IdentityContext): Promise<number> {
  const user = await currentUser(ctx);
  const p = ctx.principal!;
  const count = await ctx.db.$transaction(async (tx) => {
    const n = await revokeSessionsIn(ctx, tx, { userId: user.id }, 'SIGNED_OUT_EVERYWHERE');
    await audit(ctx, { action: AuditAction.SIGNED_OUT_EVERYWHERE, userId: user.id, metadata: { sessions: n } }, tx);
    return n;
  });
  await ctx.identity.revocations.revoke(p.tokenId, Math.max(1, p.expiresAt - nowSeconds(ctx)));
  return count;
}

/** Ends one of the caller's own sessions (e.g. a lost phone). Someone else's session id is NOT_FOUND. */
export async function revokeSession(ctx: IdentityContext, sessionId: string): Promise<boolean> {
  const user = await currentUser(ctx);
  await ctx.db.$transaction(async (tx) => {
    const session = await tx.session.findFirst({ where: { id: sessionId, userId: user.id, revokedAt: null } });
    if (!session) throw new NotFoundError('You have no open session with this id.', { field: ['id'] });
    await revokeSessionsIn(ctx, tx, { id: session.id }, 'REVOKED_BY_USER');
    await audit(ctx, { action: AuditAction.SESSION_REVOKED, userId: user.id, metadata: { sessionId } }, tx);
  });
  return true;
}

/**
 * Blacklists the unexpired access tokens of every open session of a user without ending the
 * sessions: the next refresh issues tokens with the user's current roles.
 */
export async function revokeAccessTokensOf(ctx: IdentityContext, userId: string): Promise<void> {
  const nowSec = nowSeconds(ctx);
  const sessions = await ctx.db.session.findMany({ where: { userId, revokedAt: null }, select: { recentAccessTokens: true } });
  await Promise.all(
    sessions.flatMap((s) =>
      liveAccessTokens(s.recentAccessTokens, nowSec).map((t) => ctx.identity.revocations.revoke(t.jti, t.exp - nowSec)),
    ),
  );
}
