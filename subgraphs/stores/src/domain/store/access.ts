// Who may see and manage a store. Stores answers from its own tables (it is the authority).
import { hasRole } from '@ecomify/kernel/auth';
import { ForbiddenError, UnauthenticatedError } from '@ecomify/kernel/errors';
import { memo } from '@ecomify/kernel/graphql';
import type { Principal } from '@ecomify/kernel/auth';
import type { StoresContext } from '../../context';

export function requireUser(ctx: StoresContext): Principal {
  if (!ctx.principal) throw new UnauthenticatedError();
  return ctx.principal;
}

export function isAdmin(ctx: StoresContext): boolean {
  return hasRole(ctx.principal, 'PLATFORM_ADMIN');
}

/** The caller's staff membership of a store (memoised per request), or null. */
export function staffMembership(ctx: StoresContext, storeId: string) {
  const userId = ctx.principal?.subject;
  if (!userId) return Promise.resolve(null);
  return memo(ctx, `stores:staff:${storeId}:${userId}`, () =>
    ctx.db.storeStaff.findUnique({ where: { storeId_userId: { storeId, userId } }, select: { permissions: true } }),
  );
}

/** Admins, the owner and the store's staff may see a store's private fields. */
export async function canViewStore(ctx: StoresContext, store: { id: string; ownerId: string }): Promise<boolean> {
  if (!ctx.principal) return false;
  if (isAdmin(ctx) || store.ownerId === ctx.principal.subject) return true;
  return !!(await staffMembership(ctx, store.id));
}

export async function assertCanView(ctx: StoresContext, store: { id: string; ownerId: string }): Promise<void> {
  requireUser(ctx);
  if (!(await canViewStore(ctx, store))) throw new ForbiddenError('You are not the owner or a staff member of this store.');
}

/** Owner or platform admin; returns which, for the status state machine. */
export function assertCanManage(ctx: StoresContext, store: { ownerId: string }): 'OWNER' | 'PLATFORM_ADMIN' {
  const user = requireUser(ctx);
  if (isAdmin(ctx)) return 'PLATFORM_ADMIN';
  if (store.ownerId === user.subject) return 'OWNER';
  throw new ForbiddenError("Only the store's owner or a platform administrator may change it.");
}
