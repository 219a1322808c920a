// Failures of user writes that clients branch on.
import { ConflictError } from '@ecomify/kernel/errors';

/** The email already belongs to an account. */
export class EmailTakenError extends ConflictError {
  constructor() {
    super('An account with this email already exists. Sign in, or reset your password if you forgot it.', {
      field: ['input', 'email'],
      reason: 'EMAIL_TAKEN',
    });
  }
}
