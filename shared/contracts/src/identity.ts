// Events the identity subgraph publishes. Additive changes keep the version; breaking ones add a new version beside the old.
import { defineEvent } from './define';
import { z } from 'zod';

const role = z.enum(['PLATFORM_ADMIN', 'MERCHANT', 'STORE_STAFF', 'CUSTOMER']);

export const userCreated = defineEvent({
  subject: 'ecomify.identity.user.created',
  version: 1,
  description: 'A user registered (or was created by an operator). Consumers keep a user directory projection.',
  schema: z.object({
    userId: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    roles: z.array(role),
    /** The email-verification token is never in the event; the email service asks identity to send it. */
    emailVerified: z.boolean(),
  }),
});

export const userEmailVerified = defineEvent({
  subject: 'ecomify.identity.user.email-verified',
  version: 1,
  description: 'A user proved they own their email address.',
  schema: z.object({ userId: z.string(), email: z.string() }),
});

export const emailVerificationRequested = defineEvent({
  subject: 'ecomify.identity.email-verification.requested',
  version: 1,
  description:
    'A verification email must be sent. Carries the one-time link token (the email service is its only consumer; the token is stored hashed in identity).',
  schema: z.object({ userId: z.string(), email: z.string(), firstName: z.string(), token: z.string(), expiresAt: z.string() }),
});

export const userLocked = defineEvent({
  subject: 'ecomify.identity.user.locked',
  version: 1,
  description: 'Too many failed sign-ins: the account is locked until `lockedUntil`.',
  schema: z.object({ userId: z.string(), lockedUntil: z.string(), failedAttempts: z.number().int() }),
});

export const passwordResetRequested = defineEvent({
  subject: 'ecomify.identity.password-reset.requested',
  version: 1,
  description:
    'A password reset was requested for an existing account. Carries the one-time token for the email service (stored hashed in identity, valid 1 hour).',
  schema: z.object({ userId: z.string(), email: z.string(), firstName: z.string(), token: z.string(), expiresAt: z.string() }),
});

export const passwordChanged = defineEvent({
  subject: 'ecomify.identity.password.changed',
  version: 1,
  description: 'A password was changed or reset; every session of the user was revoked.',
  schema: z.object({ userId: z.string(), via: z.enum(['reset', 'change']) }),
});

export const userRoleAssigned = defineEvent({
  subject: 'ecomify.identity.user-role.assigned',
  version: 1,
  description: 'A role was granted to a user.',
  schema: z.object({ userId: z.string(), role, assignedBy: z.string() }),
});

export const userRoleRemoved = defineEvent({
  subject: 'ecomify.identity.user-role.removed',
  version: 1,
  description: 'A role was taken from a user.',
  schema: z.object({ userId: z.string(), role, removedBy: z.string() }),
});

export const mfaEnabled = defineEvent({
  subject: 'ecomify.identity.mfa.enabled',
  version: 1,
  description: 'A user turned on two-step verification.',
  schema: z.object({ userId: z.string() }),
});

export const mfaDisabled = defineEvent({
  subject: 'ecomify.identity.mfa.disabled',
  version: 1,
  description: 'A user turned off two-step verification.',
  schema: z.object({ userId: z.string() }),
});
