// Password reset by email link.
import { RateLimitedError, ValidationError } from '@ecomify/kernel/errors';
import { builder } from '../builder';
import { requestPasswordReset, resetPassword } from '../domain/password-reset/service';
import { InvalidTokenError } from '../domain/auth/errors';
import './errors';

builder.mutationField('requestPasswordReset', (t) =>
  t.string({
    description: 'Sends a reset link if the account exists. The answer is the same either way.',
    errors: { types: [ValidationError, RateLimitedError] },
    args: { email: t.arg.string({ required: true }) },
    resolve: (_root, { email }, ctx) => requestPasswordReset(ctx, email),
  }),
);

builder.mutationField('resetPassword', (t) =>
  t.boolean({
    description: 'Sets a new password with the emailed token (once, within an hour) and signs out every session.',
    errors: { types: [InvalidTokenError, ValidationError] },
    args: { token: t.arg.string({ required: true }), newPassword: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => resetPassword(ctx, args),
  }),
);
