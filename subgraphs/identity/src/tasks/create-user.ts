// `ecomify user create`: an operator-created, verified user with one or more roles.
// Input (stdin JSON or argv): email, role (or roles: [...]), password (stdin only), firstName?, lastName?.
// Without a password a strong one is generated and printed once in the result.
import { randomBytes } from 'node:crypto';
import { isRole, type Role } from '@ecomify/kernel/auth';
import { ValidationError } from '@ecomify/kernel/errors';
import { createUserByOperator } from '../domain/user/service';
import { runTask } from './support';

void runTask('create-user', async (ctx, input) => {
  const raw = Array.isArray(input.roles)
    ? input.roles.map(String)
    : String(input.role ?? '')
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean);
  const bad = raw.filter((r) => !isRole(r));
  if (!raw.length || bad.length) {
    throw new ValidationError(
      `Give --role as one of PLATFORM_ADMIN, MERCHANT, STORE_STAFF, CUSTOMER${bad.length ? ` (not ${bad.join(', ')})` : ''}.`,
      [{ path: ['role'], message: 'must be a role' }],
    );
  }
  const generated = typeof input.password === 'string' && input.password ? undefined : randomBytes(18).toString('base64url');
  const user = await createUserByOperator(ctx, {
    email: String(input.email ?? ''),
    password: generated ?? String(input.password),
    firstName: typeof input.firstName === 'string' ? input.firstName : undefined,
    lastName: typeof input.lastName === 'string' ? input.lastName : undefined,
    roles: raw as Role[],
  });
  return {
    id: user.id,
    email: user.email,
    roles: user.roles.map((r) => r.role),
    ...(generated ? { generatedPassword: generated } : {}),
  };
});
