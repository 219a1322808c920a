// Staff membership: owners (or admins) grant STORE_STAFF users a set of store permissions.
import { isPermission, ROLE_PERMISSIONS } from '@ecomify/kernel/auth';
import { ConflictError, NotFoundError, ValidationError } from '@ecomify/kernel/errors';
import { recordEvent } from '@ecomify/kernel/events';
import { staffMemberAdded, staffMemberRemoved } from '@ecomify/contracts/stores';
import type { StoresContext } from '../../context';
import type { StoreStaff } from '../../generated-client';
import { assertCanManage } from './access';
import { assertOpenForOwner, invalidate, lockStore, meta } from './service';

/** Store-scoped permissions an owner may grant: a merchant's, minus account- and ownership-level ones. */
export const GRANTABLE_PERMISSIONS: readonly string[] = ROLE_PERMISSIONS.MERCHANT.filter(
  (p) => !['store:create', 'store:status', 'staff:manage', 'profile:read', 'profile:write'].includes(p),
);

/** Validates and de-duplicates a permission list (sorted). */
export function parseStaffPermissions(perms: readonly string[]): string[] {
  const errors = perms
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !isPermission(p) || !GRANTABLE_PERMISSIONS.includes(p))
    .map(({ p, i }) => ({
      path: ['input', 'permissions', String(i)],
      message: isPermission(p) ? `"${p}" cannot be granted to staff` : `"${p}" is not a permission`,
    }));
  if (!perms.length) errors.push({ path: ['input', 'permissions'], message: 'must list at least one permission' });
  if (errors.length) throw new ValidationError(`Invalid staff permissions. ${errors.map((e) => e.message).join('; ')}`, errors);
  return [...new Set(perms)].sort();
}

export interface AddStaffInput {
  storeId: string;
  userId?: string | null;
  email?: string | null;
  permissions: string[];
}

/** Adds a staff member (by user id, or by email from the user directory) or replaces their permissions. */
export async function addStaffMember(ctx: StoresContext, input: AddStaffInput): Promise<StoreStaff> {
  const permissions = parseStaffPermissions(input.permissions);
  if (!input.userId === !input.email) {
    throw new ValidationError('Give either the user id or the email of the staff member, not both.', [
      { path: ['input', 'userId'], message: 'exactly one of userId and email is required' },
    ]);
  }
  const member = await ctx.db.$transaction(async (tx) => {
    const store = await lockStore(tx, input.storeId);
    assertOpenForOwner(store, assertCanManage(ctx, store));
    let userId = input.userId?.trim();
    if (!userId) {
      const email = input.email!.trim().toLowerCase();
      const user = await tx.directoryUser.findUnique({ where: { email }, select: { id: true } });
      if (!user)
        throw new NotFoundError(`No user with the email ${email} is known; ask them to sign up first.`, { field: ['input', 'email'] });
      userId = user.id;
    }
    if (userId === store.ownerId) {
      throw new ConflictError('The owner already has every permission on this store.', {
        field: ['input', 'userId'],
        reason: 'ALREADY_OWNER',
      });
    }
    const saved = await tx.storeStaff.upsert({
      where: { storeId_userId: { storeId: store.id, userId } },
      create: { storeId: store.id, userId, permissions, addedBy: ctx.principal!.subject },
      update: { permissions, addedBy: ctx.principal!.subject },
    });
    await recordEvent(
      tx,
      staffMemberAdded,
      { storeId: store.id, userId, permissions, addedBy: ctx.principal!.subject },
      meta(ctx, store.id),
    );
    return { saved, store };
  });
  await invalidate(ctx, member.store);
  return member.saved;
}

/** Removes a staff member; typed not-found when they are not one. */
export async function removeStaffMember(ctx: StoresContext, storeId: string, userId: string): Promise<StoreStaff> {
  const removed = await ctx.db.$transaction(async (tx) => {
    const store = await lockStore(tx, storeId);
    assertOpenForOwner(store, assertCanManage(ctx, store));
    const existing = await tx.storeStaff.findUnique({ where: { storeId_userId: { storeId, userId } } });
    if (!existing) throw new NotFoundError(`User ${userId} is not a staff member of this store.`, { field: ['userId'] });
    await tx.storeStaff.delete({ where: { storeId_userId: { storeId, userId } } });
    await recordEvent(tx, staffMemberRemoved, { storeId, userId, removedBy: ctx.principal!.subject }, meta(ctx, storeId));
    return { existing, store };
  });
  await invalidate(ctx, removed.store);
  return removed.existing;
}
