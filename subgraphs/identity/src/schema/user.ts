// The User entity with its queries (me, user, users) and mutations (register, verifyEmail, role changes).
import { Roles, type Role } from '@ecomify/kernel/auth';
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from '@ecomify/kernel/errors';
import { memo } from '@ecomify/kernel/graphql';
import DataLoader from 'dataloader';
import { builder } from '../builder';
import type { IdentityContext } from '../context';
import { assertOpenSession } from '../domain/auth/current-user';
import { assignRole, register, removeRole, verifyEmail } from '../domain/user/service';
import { InvalidTokenError } from '../domain/auth/errors';
import './errors';

export const RoleEnum = builder.enumType('Role', {
  description: 'Platform roles. PLATFORM_ADMIN and STORE_STAFF are only ever granted; sign-up gives CUSTOMER or MERCHANT.',
  values: Roles,
});

export const AccountTypeEnum = builder.enumType('AccountType', {
  description: 'What a self-service sign-up creates: a shopper (default) or a merchant who may create stores.',
  values: ['CUSTOMER', 'MERCHANT'] as const,
});

/**
 * Private fields (email, MFA state) are for the user and holders of `user:read`. Anonymous mutations
 * that return the caller's own record (register, verifyEmail) mark it as theirs for this request.
 */
const OWN_RECORD = (userId: string) => `identity:own-record:${userId}`;
const isSelf = (ctx: IdentityContext, userId: string) => ctx.principal?.subject === userId || ctx.memo.has(OWN_RECORD(userId));
export const markOwn = <T extends { id: string }>(ctx: IdentityContext, user: T): T => {
  ctx.memo.set(OWN_RECORD(user.id), true);
  return user;
};

export const UserRef = builder.prismaObject('User', {
  description: 'A person who signs in to Ecomify.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email', {
      description: 'Visible to the user and to holders of `user:read`.',
      authScopes: (user, _args, ctx) => isSelf(ctx, user.id) || { permissions: ['user:read'] },
    }),
    firstName: t.exposeString('firstName'),
    lastName: t.exposeString('lastName'),
    roles: t.field({
      type: [RoleEnum],
      select: { roles: { select: { role: true } } },
      resolve: (user) => user.roles.map((r) => r.role as Role),
    }),
    emailVerified: t.boolean({ select: { emailVerifiedAt: true }, resolve: (user) => !!user.emailVerifiedAt }),
    mfaEnabled: t.exposeBoolean('mfaEnabled', {
      authScopes: (user, _args, ctx) => isSelf(ctx, user.id) || { permissions: ['user:read'] },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// Entity references arrive one per representation: batch them into one query per request.
const userLoader = (ctx: IdentityContext) =>
  memo(
    ctx,
    'identityUserLoader',
    () =>
      new DataLoader(async (ids: readonly string[]) => {
        const rows = await ctx.db.user.findMany({ where: { id: { in: [...ids] } }, include: { roles: true } });
        const byId = new Map(rows.map((r) => [r.id, r]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
  );

builder.asEntity(UserRef, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: (ref, ctx) => userLoader(ctx).load(ref.id),
});

builder.queryField('me', (t) =>
  t.prismaField({
    type: 'User',
    description: 'The signed-in user.',
    authScopes: { authenticated: true },
    resolve: async (query, _root, _args, ctx) => {
      const userId = await assertOpenSession(ctx);
      return ctx.db.user.findUniqueOrThrow({ ...query, where: { id: userId } });
    },
  }),
);

builder.queryField('user', (t) =>
  t.prismaField({
    type: 'User',
    nullable: true,
    description: 'A user by id (needs `user:read`).',
    authScopes: { permissions: ['user:read'] },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) => ctx.db.user.findUnique({ ...query, where: { id: String(id) } }),
  }),
);

builder.queryField('users', (t) =>
  t.prismaConnection({
    type: 'User',
    cursor: 'id',
    description: 'Users, newest first (needs `user:read`). `search` matches the start of the email.',
    authScopes: { permissions: ['user:read'] },
    args: { search: t.arg.string({ required: false }), role: t.arg({ type: RoleEnum, required: false }) },
    totalCount: (_parent, args, ctx) => ctx.db.user.count({ where: usersWhere(args) }),
    resolve: (query, _parent, args, ctx) =>
      ctx.db.user.findMany({ ...query, where: usersWhere(args), orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
  }),
);

function usersWhere(args: { search?: string | null; role?: Role | null }) {
  return {
    ...(args.search ? { email: { startsWith: args.search.trim().toLowerCase() } } : {}),
    ...(args.role ? { roles: { some: { role: args.role } } } : {}),
  };
}

const RegisterInput = builder.inputType('RegisterInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true, description: 'At least 10 characters and not a common password. No other rules.' }),
    firstName: t.string({ required: true }),
    lastName: t.string({ required: true }),
    accountType: t.field({ type: AccountTypeEnum, required: false, description: 'CUSTOMER when omitted.' }),
  }),
});

builder.mutationField('register', (t) =>
  t.field({
    type: UserRef,
    description: 'Creates an account and sends a verification email. A taken email is a ConflictError.',
    errors: { types: [ValidationError, ConflictError] },
    args: { input: t.arg({ type: RegisterInput, required: true }) },
    resolve: async (_root, { input }, ctx) => markOwn(ctx, await register(ctx, input)),
  }),
);

builder.mutationField('verifyEmail', (t) =>
  t.field({
    type: UserRef,
    description: 'Confirms the email address with the token from the verification email (single use).',
    errors: { types: [InvalidTokenError] },
    args: { token: t.arg.string({ required: true }) },
    resolve: async (_root, { token }, ctx) => markOwn(ctx, await verifyEmail(ctx, token)),
  }),
);

builder.mutationField('assignRole', (t) =>
  t.field({
    type: UserRef,
    description: 'Grants a role (PLATFORM_ADMIN only). It reaches the user’s tokens at their next refresh.',
    authScopes: { roles: ['PLATFORM_ADMIN'] },
    errors: { types: [NotFoundError] },
    args: { userId: t.arg.id({ required: true }), role: t.arg({ type: RoleEnum, required: true }) },
    resolve: (_root, args, ctx) => assignRole(ctx, { userId: String(args.userId), role: args.role }),
  }),
);

builder.mutationField('removeRole', (t) =>
  t.field({
    type: UserRef,
    description: 'Takes a role away (PLATFORM_ADMIN only); the user’s current access tokens are revoked so it applies at once.',
    authScopes: { roles: ['PLATFORM_ADMIN'] },
    errors: { types: [NotFoundError, RuleViolationError] },
    args: { userId: t.arg.id({ required: true }), role: t.arg({ type: RoleEnum, required: true }) },
    resolve: (_root, args, ctx) => removeRole(ctx, { userId: String(args.userId), role: args.role }),
  }),
);
