// Writes to users: registration, email verification, operator-created users, role changes.
import { emailVerificationRequested, userCreated, userEmailVerified, userRoleAssigned, userRoleRemoved } from '@ecomify/contracts/identity';
import type { Role } from '@ecomify/kernel/auth';
import { NotFoundError, RuleViolationError, ValidationError } from '@ecomify/kernel/errors';
import { recordEvent } from '@ecomify/kernel/events';
import type { IdentityContext } from '../../context';
import { Prisma } from '../../generated-client';
import { actorOf, audit, AuditAction } from '../audit/service';
import { InvalidTokenError } from '../auth/errors';
import { revokeAccessTokensOf } from '../auth/service';
import { hashToken, newOpaqueToken } from '../crypto/tokens';
import { EmailTakenError } from './errors';
import { assertPasswordPolicy, assertValidRegistration, emailProblems, normaliseEmail, type RegistrationInput } from './rules';

export const EMAIL_VERIFICATION_TTL_SECONDS = 24 * 3600;

const isUniqueViolation = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

/** Self-service sign-up: CUSTOMER by default, MERCHANT on request; other roles are only ever granted. */
export async function register(ctx: IdentityContext, input: RegistrationInput) {
  const data = assertValidRegistration(input);
  const passwordHash = await ctx.identity.hasher.hash(data.password);
  const user = await createUserRecord(ctx, { ...data, passwordHash, roles: [data.accountType], verified: false, assignedBy: null });
  return user;
}

/**
 * Creates a user (sign-up, CLI, seed) with its roles, a verification token when unverified, its
 * events and audit entry, in one transaction. A taken email is EmailTakenError.
 */
export async function createUserRecord(
  ctx: IdentityContext,
  input: {
    email: string;
    passwordHash: string;
    firstName: string;
    lastName: string;
    roles: Role[];
    verified: boolean;
    assignedBy: string | null;
  },
) {
  const now = ctx.identity.now();
  try {
    return await ctx.db.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          email: input.email,
          passwordHash: input.passwordHash,
          firstName: input.firstName,
          lastName: input.lastName,
          emailVerifiedAt: input.verified ? now : null,
          createdAt: now,
          roles: { create: input.roles.map((role) => ({ role, assignedBy: input.assignedBy, createdAt: now })) },
        },
        include: { roles: true },
      });
      const meta = { correlationId: ctx.correlationId, actor: actorOf(ctx, user.id) };
      await recordEvent(
        tx,
        userCreated,
        {
          userId: user.id,
          email: user.email,
          firstName: user.firstName,
          lastName: user.lastName,
          roles: input.roles,
          emailVerified: input.verified,
        },
        meta,
      );
      if (!input.verified) {
        const token = newOpaqueToken();
        const expiresAt = new Date(now.getTime() + EMAIL_VERIFICATION_TTL_SECONDS * 1000);
        await tx.emailVerificationToken.create({ data: { userId: user.id, tokenHash: hashToken(token), expiresAt, createdAt: now } });
        await recordEvent(
          tx,
          emailVerificationRequested,
          { userId: user.id, email: user.email, firstName: user.firstName, token, expiresAt: expiresAt.toISOString() },
          meta,
        );
      }
      await audit(
        ctx,
        {
          action: input.assignedBy ? AuditAction.USER_CREATED : AuditAction.USER_REGISTERED,
          userId: user.id,
          metadata: { roles: input.roles },
        },
        tx,
      );
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new EmailTakenError();
    throw err;
  }
}

/** Marks the email verified for a valid, unused, unexpired verification token (single use). */
export async function verifyEmail(ctx: IdentityContext, token: string) {
  const now = ctx.identity.now();
  return ctx.db.$transaction(async (tx) => {
    const row = await tx.emailVerificationToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
    if (!row) throw new InvalidTokenError('This verification link is not valid. Request a new verification email.', 'TOKEN_INVALID');
    if (row.usedAt) throw new InvalidTokenError('This verification link was already used. Sign in; your email is verified.', 'TOKEN_USED');
    if (row.expiresAt <= now) {
      throw new InvalidTokenError('This verification link has expired. Request a new verification email.', 'TOKEN_EXPIRED');
    }
    // Conditional update: two clicks racing on the same link verify once.
    const { count } = await tx.emailVerificationToken.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: now } });
    if (count !== 1) throw new InvalidTokenError('This verification link was already used.', 'TOKEN_USED');
    const user = await tx.user.update({
      where: { id: row.userId },
      data: { emailVerifiedAt: row.user.emailVerifiedAt ?? now },
      include: { roles: true },
    });
    await recordEvent(
      tx,
      userEmailVerified,
      { userId: user.id, email: user.email },
      { correlationId: ctx.correlationId, actor: actorOf(ctx, user.id) },
    );
    await audit(ctx, { action: AuditAction.EMAIL_VERIFIED, userId: user.id, actorId: user.id }, tx);
    return user;
  });
}

/** Operator path (CLI, seed): a verified user with the given roles and a password that meets the policy. */
export async function createUserByOperator(
  ctx: IdentityContext,
  input: { email: string; password: string; firstName?: string; lastName?: string; roles: Role[] },
) {
  const email = normaliseEmail(input.email);
  const problems = emailProblems(email, ['email']);
  if (problems.length) throw new ValidationError(`Email ${problems[0].message}.`, problems);
  if (!input.roles.length) throw new ValidationError('At least one role is required.', [{ path: ['role'], message: 'is required' }]);
  assertPasswordPolicy(input.password, ['password'], { email });
  return createUserRecord(ctx, {
    email,
    passwordHash: await ctx.identity.hasher.hash(input.password),
    firstName: input.firstName?.trim() || email.split('@')[0],
    lastName: input.lastName?.trim() || '',
    roles: input.roles,
    verified: true,
    assignedBy: ctx.principal?.subject ?? 'operator',
  });
}

/** Grants a role (PLATFORM_ADMIN only, enforced on the schema). Granting a held role changes nothing. */
export async function assignRole(ctx: IdentityContext, input: { userId: string; role: Role }) {
  const actor = ctx.principal!.subject;
  return ctx.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId }, include: { roles: true } });
    if (!user) throw new NotFoundError('No user has this id.', { field: ['userId'] });
    if (user.roles.some((r) => r.role === input.role)) return user;
    await tx.userRole.create({ data: { userId: user.id, role: input.role, assignedBy: actor, createdAt: ctx.identity.now() } });
    await recordEvent(
      tx,
      userRoleAssigned,
      { userId: user.id, role: input.role, assignedBy: actor },
      { correlationId: ctx.correlationId, actor: actorOf(ctx) },
    );
    await audit(ctx, { action: AuditAction.ROLE_ASSIGNED, userId: user.id, metadata: { role: input.role } }, tx);
    // New roles reach tokens at the next refresh (at most one access-token lifetime away).
    return tx.user.findUniqueOrThrow({ where: { id: user.id }, include: { roles: true } });
  });
}

/** Takes a role away. An admin cannot remove their own PLATFORM_ADMIN role (no lock-out of the last admin by accident). */
export async function removeRole(ctx: IdentityContext, input: { userId: string; role: Role }) {
  const actor = ctx.principal!.subject;
  if (input.role === 'PLATFORM_ADMIN' && input.userId === actor) {
    throw new RuleViolationError('You cannot remove your own PLATFORM_ADMIN role; ask another administrator.', {
      reason: 'SELF_DEMOTION',
      field: ['userId'],
    });
  }
  const updated = await ctx.db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId }, include: { roles: true } });
    if (!user) throw new NotFoundError('No user has this id.', { field: ['userId'] });
    if (!user.roles.some((r) => r.role === input.role)) return null;
    await tx.userRole.delete({ where: { userId_role: { userId: user.id, role: input.role } } });
    await recordEvent(
      tx,
      userRoleRemoved,
      { userId: user.id, role: input.role, removedBy: actor },
      { correlationId: ctx.correlationId, actor: actorOf(ctx) },
    );
    await audit(ctx, { action: AuditAction.ROLE_REMOVED, userId: user.id, metadata: { role: input.role } }, tx);
    return tx.user.findUniqueOrThrow({ where: { id: user.id }, include: { roles: true } });
  });
  if (!updated) return ctx.db.user.findUniqueOrThrow({ where: { id: input.userId }, include: { roles: true } });
  // Tokens still carrying the role stop working now; the next refresh issues tokens without it.
  await revokeAccessTokensOf(ctx, updated.id);
  return updated;
}
