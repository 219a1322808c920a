// Two-step verification: setup, confirmation (with recovery codes) and turning it off.
import { RuleViolationError, ValidationError } from '@ecomify/kernel/errors';
import { builder } from '../builder';
import { confirmMfa, disableMfa, setupMfa } from '../domain/mfa/service';
import { UserRef } from './user';

const MfaSetupRef = builder.objectRef<{ secret: string; otpauthUri: string; qrCodeDataUrl: string }>('MfaSetup').implement({
  description: 'Add this to an authenticator app (scan the QR code or type the secret), then call `confirmMfa` with a code.',
  fields: (t) => ({
    secret: t.exposeString('secret', { description: 'Base32 secret, for typing in by hand.' }),
    otpauthUri: t.exposeString('otpauthUri'),
    qrCodeDataUrl: t.exposeString('qrCodeDataUrl', { description: 'PNG image of the otpauth URI as a data: URL.' }),
  }),
});

const MfaRecoveryCodesRef = builder.objectRef<{ recoveryCodes: string[] }>('MfaRecoveryCodes').implement({
  description:
    'Two-step verification is on. Keep these codes somewhere safe: each signs in once without the app. They are not shown again.',
  fields: (t) => ({ recoveryCodes: t.exposeStringList('recoveryCodes') }),
});

builder.mutationField('setupMfa', (t) =>
  t.field({
    type: MfaSetupRef,
    description: 'Starts two-step verification setup. Nothing changes until `confirmMfa`.',
    authScopes: { authenticated: true },
    errors: { types: [RuleViolationError] },
    resolve: (_root, _args, ctx) => setupMfa(ctx),
  }),
);

builder.mutationField('confirmMfa', (t) =>
  t.field({
    type: MfaRecoveryCodesRef,
    description: 'Turns two-step verification on with a code from the app; returns one-time recovery codes.',
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, RuleViolationError] },
    args: { code: t.arg.string({ required: true }) },
    resolve: (_root, { code }, ctx) => confirmMfa(ctx, code),
  }),
);

builder.mutationField('disableMfa', (t) =>
  t.field({
    type: UserRef,
    description: 'Turns two-step verification off; needs a current code from the app.',
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, RuleViolationError] },
    args: { code: t.arg.string({ required: true }) },
    resolve: (_root, { code }, ctx) => disableMfa(ctx, code),
  }),
);
