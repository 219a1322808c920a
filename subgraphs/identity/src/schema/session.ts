// Sessions: the signed-in user's list (User.sessions), signing out, and ending one session.
import { NotFoundError } from '@ecomify/kernel/errors';
import { builder } from '../builder';
import { logout, logoutAll, revokeSession } from '../domain/auth/service';
import { UserRef } from './user';

export const SessionRef = builder.prismaObject('Session', {
  description: 'A signed-in device or browser. Ending it signs that device out.',
  fields: (t) => ({
    id: t.exposeID('id'),
    ipAddress: t.exposeString('ipAddress', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    current: t.boolean({
      description: 'True for the session the request’s access token belongs to.',
      resolve: (session, _args, ctx) => session.id === ctx.principal?.sessionId,
    }),
  }),
});

builder.prismaObjectField(UserRef, 'sessions', (t) =>
  t.relation('sessions', {
    description: 'Open sessions, most recently used first (only the user sees their own).',
    authScopes: (user, _args, ctx) => ctx.principal?.subject === user.id,
    query: (_args, ctx) => ({
      where: { revokedAt: null, expiresAt: { gt: ctx.identity.now() } },
      orderBy: [{ lastUsedAt: 'desc' }, { id: 'desc' }],
    }),
  }),
);

builder.mutationField('logout', (t) =>
  t.boolean({
    description: 'Ends this session; the access token used stops working at once.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => logout(ctx),
  }),
);

builder.mutationField('logoutAll', (t) =>
  t.int({
    description: 'Ends every session of the signed-in user, this one included. Returns how many were open.',
    authScopes: { authenticated: true },
    resolve: (_root, _args, ctx) => logoutAll(ctx),
  }),
);

builder.mutationField('revokeSession', (t) =>
  t.boolean({
    description: 'Ends one of your sessions (e.g. a lost phone).',
    authScopes: { authenticated: true },
    errors: { types: [NotFoundError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => revokeSession(ctx, String(id)),
  }),
);
