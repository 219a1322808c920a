// The audit trail: security-relevant actions with actor, subject, address and time. Written in the
// caller's transaction when there is one, so an action and its record commit together.
import type { IdentityContext } from '../../context';
import type { Prisma } from '../../generated-client';

export const AuditAction = {
  USER_REGISTERED: 'USER_REGISTERED',
  USER_CREATED: 'USER_CREATED',
  EMAIL_VERIFIED: 'EMAIL_VERIFIED',
  SIGN_IN_SUCCEEDED: 'SIGN_IN_SUCCEEDED',
  SIGN_IN_FAILED: 'SIGN_IN_FAILED',
  SIGN_IN_REFUSED_LOCKED: 'SIGN_IN_REFUSED_LOCKED',
  ACCOUNT_LOCKED: 'ACCOUNT_LOCKED',
  MFA_CHALLENGE_ISSUED: 'MFA_CHALLENGE_ISSUED',
  MFA_CODE_FAILED: 'MFA_CODE_FAILED',
  MFA_RECOVERY_CODE_USED: 'MFA_RECOVERY_CODE_USED',
  MFA_ENABLED: 'MFA_ENABLED',
  MFA_DISABLED: 'MFA_DISABLED',
  REFRESH_TOKEN_REUSED: 'REFRESH_TOKEN_REUSED',
  SIGNED_OUT: 'SIGNED_OUT',
  SIGNED_OUT_EVERYWHERE: 'SIGNED_OUT_EVERYWHERE',
  SESSION_REVOKED: 'SESSION_REVOKED',
  ROLE_ASSIGNED: 'ROLE_ASSIGNED',
  ROLE_REMOVED: 'ROLE_REMOVED',
  PASSWORD_RESET_REQUESTED: 'PASSWORD_RESET_REQUESTED',
  PASSWORD_RESET_COMPLETED: 'PASSWORD_RESET_COMPLETED',
  SIGNING_KEY_ROTATED: 'SIGNING_KEY_ROTATED',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

export interface AuditEntry {
  action: AuditAction;
  /** The user the action concerns. */
  userId?: string | null;
  /** Defaults to the signed-in caller. */
  actorId?: string | null;
  email?: string | null;
  /** Facts only, never a secret (no password, token or code). */
  metadata?: Record<string, unknown>;
}

type AuditWriter = { auditEvent: { create(args: { data: Prisma.AuditEventUncheckedCreateInput }): Promise<unknown> } };

/** Records one audit entry with the request's address, user agent and the context's clock. */
export async function audit(ctx: IdentityContext, entry: AuditEntry, tx: AuditWriter = ctx.db): Promise<void> {
  await tx.auditEvent.create({
    data: {
      action: entry.action,
      userId: entry.userId ?? null,
      actorId: entry.actorId !== undefined ? entry.actorId : (ctx.principal?.subject ?? null),
      email: entry.email ?? null,
      ipAddress: ctx.ipAddress,
      userAgent: ctx.userAgent,
      metadata: (entry.metadata ?? {}) as Prisma.InputJsonValue,
      createdAt: ctx.identity.now(),
    },
  });
  // Operators watch sign-ins, refusals and lockouts in the logs too; ids and the IP only (the audit
  // table keeps the email), never anything from the request body.
  ctx.logger.info({ audit: entry.action, userId: entry.userId ?? null, ip: ctx.ipAddress }, 'security event');
}

/** The event actor for the caller, or the system when no one is signed in. */
export function actorOf(ctx: IdentityContext, fallbackUserId?: string) {
  if (ctx.principal) return { kind: ctx.principal.kind, id: ctx.principal.subject };
  return fallbackUserId ? { kind: 'user' as const, id: fallbackUserId } : { kind: 'system' as const, id: 'identity' };
}
