// `ecomify user list`: users newest first. Input: search? (email prefix), role?, limit? (default 50, max 500).
import { isRole } from '@ecomify/kernel/auth';
import { ValidationError } from '@ecomify/kernel/errors';
import { runTask } from './support';

void runTask('list-users', async (ctx, input) => {
  const limit = input.limit === undefined ? 50 : Number(input.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    throw new ValidationError('--limit must be a whole number from 1 to 500.', [{ path: ['limit'], message: 'out of range' }]);
  }
  const role = input.role === undefined ? undefined : String(input.role);
  if (role !== undefined && !isRole(role))
    throw new ValidationError(`Unknown role ${role}.`, [{ path: ['role'], message: 'must be a role' }]);
  const where = {
    ...(typeof input.search === 'string' && input.search ? { email: { startsWith: input.search.trim().toLowerCase() } } : {}),
    ...(role ? { roles: { some: { role: role as never } } } : {}),
  };
  const now = ctx.identity.now();
  const [total, users] = await Promise.all([
    ctx.db.user.count({ where }),
    ctx.db.user.findMany({ where, include: { roles: true }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit }),
  ]);
  return {
    total,
    users: users.map((u) => ({
      id: u.id,
      email: u.email,
      name: `${u.firstName} ${u.lastName}`.trim(),
      roles: u.roles.map((r) => r.role),
      emailVerified: !!u.emailVerifiedAt,
      mfaEnabled: u.mfaEnabled,
      locked: !!u.lockedUntil && u.lockedUntil > now,
      createdAt: u.createdAt.toISOString(),
    })),
  };
});
