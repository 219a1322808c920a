// Password reset: a one-hour, single-use token (stored hashed) sent through the email service, and
// the reset itself, which ends every session of the account.
import { passwordChanged, passwordResetRequested } from '@ecomify/contracts/identity';
import { RateLimitedError, ValidationError } from '@ecomify/kernel/errors';
import { recordEvent } from '@ecomify/kernel/events';
import type { IdentityContext } from '../../context';
import { actorOf, audit, AuditAction } from '../audit/service';
import { InvalidTokenError } from '../auth/errors';
import { RATE_LIMIT_WINDOW_SECONDS, resetRateLimitKeys } from '../auth/rules';
import { revokeSessionsIn } from '../auth/service';
import { hashToken, newOpaqueToken } from '../crypto/tokens';
import { assertPasswordPolicy, emailProblems, normaliseEmail } from '../user/rules';

export const RESET_TOKEN_TTL_SECONDS = 3600;

/** The one answer to every reset request, so it says nothing about whether the account exists. */
export const RESET_REQUESTED_MESSAGE =
  'If an account exists for this email, a password reset link is on its way. It works once, for one hour.';

/**
 * Starts a reset. Known and unknown emails get the same answer; only a known one gets a token and
 * the event the email service sends from.
 */
export async function requestPasswordReset(ctx: IdentityContext, rawEmail: string): Promise<string> {
  const email = normaliseEmail(rawEmail);
  const problems = emailProblems(email, ['email']);
  if (problems.length) throw new ValidationError(`Email ${problems[0].message}.`, problems);
  const keys = resetRateLimitKeys(email, ctx.ipAddress);
  const limit = ctx.identity.config.LOGIN_RATE_LIMIT_PER_MINUTE;
  const hits = await Promise.all([
    ctx.identity.rateLimiter.hit(keys.ip, limit, RATE_LIMIT_WINDOW_SECONDS),
    ctx.identity.rateLimiter.hit(keys.email, limit, RATE_LIMIT_WINDOW_SECONDS),
  ]);
  const refused = hits.filter((h) => !h.allowed);
  if (refused.length) {
    const retry = Math.max(...refused.map((h) => h.retryAfterSeconds));
    throw new RateLimitedError(`Too many reset requests. Wait ${retry} seconds and try again.`, retry, { reason: 'RESET_RATE_LIMITED' });
  }

  const user = await ctx.db.user.findUnique({ where: { email } });
  const now = ctx.identity.now();
  await ctx.db.$transaction(async (tx) => {
    if (!user) {
      await audit(ctx, { action: AuditAction.PASSWORD_RESET_REQUESTED, actorId: null, email, metadata: { known: false } }, tx);
      return;
    }
    const token = newOpaqueToken();
    const expiresAt = new Date(now.getTime() + RESET_TOKEN_TTL_SECONDS * 1000);
    // Only the newest link works: earlier unused ones are spent.
    await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
    await tx.passwordResetToken.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt, createdAt: now } });
    await recordEvent(
      tx,
      passwordResetRequested,
      { userId: user.id, email: user.email, firstName: user.firstName, token, expiresAt: expiresAt.toISOString() },
      { correlationId: ctx.correlationId, actor: actorOf(ctx, user.id) },
    );
    await audit(
      ctx,
      { action: AuditAction.PASSWORD_RESET_REQUESTED, userId: user.id, actorId: null, email, metadata: { known: true } },
      tx,
    );
  });
  return RESET_REQUESTED_MESSAGE;
}

/** Sets a new password with a valid reset token (once), clears any lock and ends every session. */
export async function resetPassword(ctx: IdentityContext, input: { token: string; newPassword: string }): Promise<boolean> {
  const now = ctx.identity.now();
  const row = await ctx.db.passwordResetToken.findUnique({ where: { tokenHash: hashToken(input.token) }, include: { user: true } });
  if (!row) throw new InvalidTokenError('This reset link is not valid. Request a new one.', 'TOKEN_INVALID');
  if (row.usedAt) throw new InvalidTokenError('This reset link was already used. Request a new one if you still need it.', 'TOKEN_USED');
  if (row.expiresAt <= now)
    throw new InvalidTokenError('This reset link has expired (links last one hour). Request a new one.', 'TOKEN_EXPIRED');
  assertPasswordPolicy(input.newPassword, ['newPassword'], { email: row.user.email });
  const passwordHash = await ctx.identity.hasher.hash(input.newPassword);
  await ctx.db.$transaction(async (tx) => {
    const { count } = await tx.passwordResetToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
    if (count !== 1) throw new InvalidTokenError('This reset link was already used.', 'TOKEN_USED');
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash, failedLoginCount: 0, lockedUntil: null } });
    const sessions = await revokeSessionsIn(ctx, tx, { userId: row.userId }, 'PASSWORD_RESET');
    await recordEvent(
      tx,
      passwordChanged,
      { userId: row.userId, via: 'reset' },
      { correlationId: ctx.correlationId, actor: actorOf(ctx, row.userId) },
    );
    await audit(
      ctx,
      { action: AuditAction.PASSWORD_RESET_COMPLETED, userId: row.userId, actorId: row.userId, metadata: { sessionsRevoked: sessions } },
      tx,
    );
  });
  return true;
}
