// Two-step verification with TOTP (otplib): setup, confirmation with recovery codes, the second
// step of sign-in, and turning it off. The secret is encrypted at rest, bound to its user.
import { mfaDisabled, mfaEnabled } from '@ecomify/contracts/identity';
import { RuleViolationError, ValidationError } from '@ecomify/kernel/errors';
import { recordEvent } from '@ecomify/kernel/events';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import type { IdentityContext } from '../../context';
import { actorOf, audit, AuditAction } from '../audit/service';
import { currentUser } from '../auth/current-user';
import { decrypt, encrypt } from '../crypto/keyring';
import { hashToken } from '../crypto/tokens';
import { acceptTotpStep, generateRecoveryCodes, isTotpCode, normaliseRecoveryCode, TOTP_WINDOW, totpStep } from './rules';

type Tx = Parameters<Parameters<IdentityContext['db']['$transaction']>[0]>[0];

const secretAad = (userId: string) => `mfa:${userId}`;
const recoveryHash = (userId: string, code: string) => hashToken(`${userId}:${normaliseRecoveryCode(code)}`);

const invalidCode = () =>
  new ValidationError('The code is not valid. Enter the current 6-digit code from your authenticator app.', [
    { path: ['code'], message: 'is not valid or was already used' },
  ]);

/** Starts setup: a new secret (stored encrypted, not yet enabled), its otpauth URI and a QR code. */
export async function setupMfa(ctx: IdentityContext) {
  const user = await currentUser(ctx);
  if (user.mfaEnabled) {
    throw new RuleViolationError('Two-step verification is already on. Turn it off first to set up a new authenticator.', {
      reason: 'MFA_ALREADY_ENABLED',
    });
  }
  const secret = authenticator.generateSecret(20);
  await ctx.db.user.update({
    where: { id: user.id },
    data: { mfaSecret: encrypt(ctx.identity.mfaKeys, secret, secretAad(user.id)), mfaLastUsedStep: null },
  });
  const otpauthUri = authenticator.keyuri(user.email, ctx.identity.config.MFA_ISSUER, secret);
  return { secret, otpauthUri, qrCodeDataUrl: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M', margin: 1 }) };
}

/**
 * Checks a TOTP code for the user and consumes its time step (so it cannot be used twice).
 * Returns false for a wrong or replayed code.
 */
async function consumeTotp(
  ctx: IdentityContext,
  tx: Tx,
  user: { id: string; mfaSecret: string | null; mfaLastUsedStep: number | null },
  code: string,
) {
  if (!user.mfaSecret) return false;
  const now = ctx.identity.now().getTime();
  const secret = decrypt(ctx.identity.mfaKeys, user.mfaSecret, secretAad(user.id));
  const delta = authenticator.clone({ epoch: now, window: TOTP_WINDOW }).checkDelta(code.replace(/\s/g, ''), secret);
  const step = acceptTotpStep(delta, totpStep(now), user.mfaLastUsedStep);
  if (step === null) return false;
  // Conditional write: two requests racing with one code cannot both pass.
  const { count } = await tx.user.updateMany({
    where: { id: user.id, OR: [{ mfaLastUsedStep: null }, { mfaLastUsedStep: { lt: step } }] },
    data: { mfaLastUsedStep: step },
  });
  return count === 1;
}

/** Enables MFA when the code matches the pending secret; returns recovery codes (shown once, stored hashed). */
export async function confirmMfa(ctx: IdentityContext, code: string) {
  const user = await currentUser(ctx);
  if (user.mfaEnabled) throw new RuleViolationError('Two-step verification is already on.', { reason: 'MFA_ALREADY_ENABLED' });
  if (!user.mfaSecret) {
    throw new RuleViolationError('Start with setupMfa to get a secret, then confirm it with a code.', { reason: 'MFA_NOT_SET_UP' });
  }
  const codes = generateRecoveryCodes();
  await ctx.db.$transaction(async (tx) => {
    if (!(await consumeTotp(ctx, tx, user, code))) throw invalidCode();
    await tx.user.update({ where: { id: user.id }, data: { mfaEnabled: true } });
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: user.id } });
    await tx.mfaRecoveryCode.createMany({ data: codes.map((c) => ({ userId: user.id, codeHash: recoveryHash(user.id, c) })) });
    await recordEvent(tx, mfaEnabled, { userId: user.id }, { correlationId: ctx.correlationId, actor: actorOf(ctx) });
    await audit(ctx, { action: AuditAction.MFA_ENABLED, userId: user.id }, tx);
  });
  return { recoveryCodes: codes };
}

/** Turns MFA off; needs a current authenticator code (a stolen access token alone is not enough). */
export async function disableMfa(ctx: IdentityContext, code: string) {
  const user = await currentUser(ctx);
  if (!user.mfaEnabled) throw new RuleViolationError('Two-step verification is not on.', { reason: 'MFA_NOT_ENABLED' });
  await ctx.db.$transaction(async (tx) => {
    if (!isTotpCode(code) || !(await consumeTotp(ctx, tx, user, code))) throw invalidCode();
    await tx.user.update({ where: { id: user.id }, data: { mfaEnabled: false, mfaSecret: null, mfaLastUsedStep: null } });
    await tx.mfaRecoveryCode.deleteMany({ where: { userId: user.id } });
    await recordEvent(tx, mfaDisabled, { userId: user.id }, { correlationId: ctx.correlationId, actor: actorOf(ctx) });
    await audit(ctx, { action: AuditAction.MFA_DISABLED, userId: user.id }, tx);
  });
  return ctx.db.user.findUniqueOrThrow({ where: { id: user.id }, include: { roles: true } });
}

/**
 * The second sign-in step: a 6-digit TOTP code or an unused recovery code (then spent).
 * Returns which one matched, or null.
 */
export async function checkSecondFactor(
  ctx: IdentityContext,
  tx: Tx,
  user: { id: string; mfaSecret: string | null; mfaLastUsedStep: number | null },
  code: string,
): Promise<'totp' | 'recovery' | null> {
  if (isTotpCode(code)) return (await consumeTotp(ctx, tx, user, code)) ? 'totp' : null;
  const { count } = await tx.mfaRecoveryCode.updateMany({
    where: { userId: user.id, codeHash: recoveryHash(user.id, code), usedAt: null },
    data: { usedAt: ctx.identity.now() },
  });
  return count === 1 ? 'recovery' : null;
}

export { invalidCode };
