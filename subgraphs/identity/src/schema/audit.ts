// The audit trail, for platform administrators.
import { builder } from '../builder';

builder.prismaObject('AuditEvent', {
  description: 'A security-relevant action: who (actor) did what (action) to whom (user), from where, when.',
  fields: (t) => ({
    id: t.exposeID('id'),
    action: t.exposeString('action', { description: 'e.g. SIGN_IN_FAILED, ACCOUNT_LOCKED, ROLE_ASSIGNED, MFA_ENABLED.' }),
    actorId: t.exposeString('actorId', { nullable: true }),
    userId: t.exposeString('userId', { nullable: true }),
    email: t.exposeString('email', { nullable: true, description: 'The email an attempt named, when no account matched.' }),
    ipAddress: t.exposeString('ipAddress', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const auditWhere = (args: { userId?: string | null; action?: string | null }) => ({
  ...(args.userId ? { userId: args.userId } : {}),
  ...(args.action ? { action: args.action } : {}),
});

builder.queryField('auditLog', (t) =>
  t.prismaConnection({
    type: 'AuditEvent',
    cursor: 'id',
    description: 'Audit events, newest first (needs `audit:read`, i.e. PLATFORM_ADMIN).',
    authScopes: { permissions: ['audit:read'] },
    args: { userId: t.arg.id({ required: false }), action: t.arg.string({ required: false }) },
    totalCount: (_parent, args, ctx) =>
      ctx.db.auditEvent.count({ where: auditWhere({ userId: args.userId && String(args.userId), action: args.action }) }),
    resolve: (query, _parent, args, ctx) =>
      ctx.db.auditEvent.findMany({
        ...query,
        where: auditWhere({ userId: args.userId && String(args.userId), action: args.action }),
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      }),
  }),
);
