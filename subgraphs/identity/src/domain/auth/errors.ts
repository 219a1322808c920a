// Sign-in failures clients branch on. Wrong credentials are not here: they are UNAUTHENTICATED.
import { DomainError, ErrorCode } from '@ecomify/kernel/errors';

/** The account is locked after too many failed sign-ins; `unlockAt` says when it opens again. */
export class AccountLockedError extends DomainError {
  readonly unlockAt: Date;
  constructor(unlockAt: Date) {
    super(
      ErrorCode.FORBIDDEN,
      `This account is locked after too many failed sign-ins. Try again after ${unlockAt.toISOString()}, or reset your password.`,
      { reason: 'ACCOUNT_LOCKED' },
    );
    this.unlockAt = unlockAt;
  }
}

/** A one-time link token (email verification, password reset) that is unknown, expired or already used. */
export class InvalidTokenError extends DomainError {
  constructor(message: string, reason: 'TOKEN_INVALID' | 'TOKEN_EXPIRED' | 'TOKEN_USED', field: string[] = ['token']) {
    super(ErrorCode.INVALID_INPUT, message, { reason, field });
  }
}
