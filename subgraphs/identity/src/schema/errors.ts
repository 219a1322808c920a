// identity's own error results. Each implements the kernel's `Error` interface like the shared ones.
import { builder } from '../builder';
import { AccountLockedError, InvalidTokenError } from '../domain/auth/errors';

// The kernel preset registers the `Error` interface by name; refs resolve by name at build time.
const ErrorInterface = 'Error' as never;

export const AccountLockedErrorRef = builder.objectType(AccountLockedError, {
  name: 'AccountLockedError',
  description: 'Too many failed sign-ins: the account is locked until `unlockAt`. Wait, or reset the password.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof AccountLockedError,
  fields: (t) => ({
    unlockAt: t.field({ type: 'DateTime', resolve: (e) => e.unlockAt }),
    reason: t.string({ nullable: true, resolve: (e) => e.reason ?? null }),
  }),
});

export const InvalidTokenErrorRef = builder.objectType(InvalidTokenError, {
  name: 'InvalidTokenError',
  description: 'A one-time link token that is unknown, expired or already used (`reason` says which). Request a new link.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof InvalidTokenError,
  fields: (t) => ({
    reason: t.string({ nullable: true, resolve: (e) => e.reason ?? null }),
  }),
});
