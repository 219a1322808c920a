// Sign-in: login (tokens or an MFA challenge), the MFA step, the one-call mfaLogin, token refresh.
import { RateLimitedError, ValidationError } from '@ecomify/kernel/errors';
import { builder } from '../builder';
import { AccountLockedError } from '../domain/auth/errors';
import { completeMfaLogin, login, mfaLogin, refresh, type IssuedTokens } from '../domain/auth/service';
import { AccountLockedErrorRef } from './errors';
import { asResult } from './helpers';
import { markOwn, UserRef } from './user';

interface MfaChallengeShape {
  challenge: string;
  expiresAt: Date;
  methods: ('TOTP' | 'RECOVERY_CODE')[];
}

const MfaMethodEnum = builder.enumType('MfaMethod', { values: ['TOTP', 'RECOVERY_CODE'] as const });

export const LoginSuccessRef = builder.objectRef<IssuedTokens>('LoginSuccess').implement({
  description: 'Signed in: a 15-minute access token, a 7-day refresh token (single use, rotated), and the user.',
  isTypeOf: (v) => !!v && typeof v === 'object' && 'accessToken' in v,
  fields: (t) => ({
    accessToken: t.exposeString('accessToken', { description: 'Send as `Authorization: Bearer <accessToken>`.' }),
    refreshToken: t.exposeString('refreshToken', { description: 'Exchange with `refreshToken` for a new pair; each works once.' }),
    expiresIn: t.exposeInt('expiresIn', { description: 'Seconds until the access token expires.' }),
    tokenType: t.string({ resolve: () => 'Bearer' }),
    user: t.field({ type: UserRef, resolve: (r, _args, ctx) => markOwn(ctx, r.user) }),
  }),
});

const MfaChallengeRef = builder.objectRef<MfaChallengeShape>('MfaChallenge').implement({
  description: 'The password was right and two-step verification is on: finish with `completeMfaLogin(challenge, code)`.',
  isTypeOf: (v) => !!v && typeof v === 'object' && 'challenge' in v,
  fields: (t) => ({
    challenge: t.exposeString('challenge', { description: 'Single use, valid five minutes.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    methods: t.field({ type: [MfaMethodEnum], resolve: (c) => c.methods }),
  }),
});

const LoginResult = builder.unionType('LoginResult', {
  description: 'What `login` returns. Wrong email or password is not a member: it is an UNAUTHENTICATED error.',
  types: [LoginSuccessRef, MfaChallengeRef, ValidationError as never, RateLimitedError as never, AccountLockedErrorRef],
});

const SignInResult = builder.unionType('SignInResult', {
  description: 'What the MFA sign-in steps return. A wrong code is a ValidationError on `code`.',
  types: [LoginSuccessRef, ValidationError as never, RateLimitedError as never, AccountLockedErrorRef],
});

const SIGN_IN_ERRORS = [ValidationError, RateLimitedError, AccountLockedError];

const LoginInput = builder.inputType('LoginInput', {
  fields: (t) => ({ email: t.string({ required: true }), password: t.string({ required: true }) }),
});

const MfaLoginInput = builder.inputType('MfaLoginInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    code: t.string({ required: true, description: 'A 6-digit authenticator code or a recovery code.' }),
  }),
});

builder.mutationField('login', (t) =>
  t.field({
    type: LoginResult,
    description: 'Signs in with email and password. Limited to 5 attempts a minute per address and per account.',
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asResult(async () => {
        const outcome = await login(ctx, input);
        if (outcome.kind === 'mfa') return { challenge: outcome.challenge, expiresAt: outcome.expiresAt, methods: outcome.methods };
        return outcome;
      }, SIGN_IN_ERRORS) as never,
  }),
);

builder.mutationField('completeMfaLogin', (t) =>
  t.field({
    type: SignInResult,
    description: 'The second sign-in step: the challenge from `login` and a current code (or a recovery code, once).',
    args: { challenge: t.arg.string({ required: true }), code: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => asResult(() => completeMfaLogin(ctx, args), SIGN_IN_ERRORS) as never,
  }),
);

builder.mutationField('mfaLogin', (t) =>
  t.field({
    type: SignInResult,
    description: 'Signs in with email, password and code in one call.',
    args: { input: t.arg({ type: MfaLoginInput, required: true }) },
    resolve: (_root, { input }, ctx) => asResult(() => mfaLogin(ctx, input), SIGN_IN_ERRORS) as never,
  }),
);

builder.mutationField('refreshToken', (t) =>
  t.field({
    type: LoginSuccessRef,
    description:
      'Exchanges a refresh token for a new pair. Each refresh token works once: presenting a used one ends the session (UNAUTHENTICATED).',
    args: { refreshToken: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => refresh(ctx, args.refreshToken),
  }),
);
