/**
 * The store-membership projection every subgraph keeps from the stores subgraph's events, so "may
 * this principal act on this store" is answered from its own database, never by a call per request.
 *
 * Paste STORE_ACCESS_PRISMA_MODELS into the subgraph's schema.prisma, list
 * `...storeProjectionHandlers('<service>')` in src/events/handlers.ts, and set
 * `storeAccess: storeAccess(base)` (from `createStoreAccess(db)`) in the app's extendContext.
 */
import { staffMemberAdded, staffMemberRemoved, storeCreated, storeStatusChanged } from '@ecomify/contracts/stores';
import { hasRole } from '../auth/principal';
import type { EventHandlerDef } from '../events/types';
import type { BaseContext } from '../graphql/context';
import { memo } from '../graphql/context';
import { assertStatusOpen, type StoreStatus } from './context';
import { StoreUnavailableError } from './context';

/** The projection tables, verbatim for a subgraph's schema.prisma (not row-level protected: they decide access). */
export const STORE_ACCESS_PRISMA_MODELS = `
/// Store membership projected from stores events: the owner (role OWNER, every store permission)
/// and staff (role STAFF, the permissions granted). Revoked rows stay as tombstones so a late,
/// older event cannot resurrect them.
model StoreAccess {
  storeId     String   @map("store_id")
  userId      String   @map("user_id")
  /// OWNER or STAFF
  role        String
  permissions String[]
  revoked     Boolean  @default(false)
  /// occurredAt of the event that last changed the row; older events are ignored.
  changedAt   DateTime @map("changed_at") @db.Timestamptz(3)

  @@id([storeId, userId])
  @@index([userId])
  @@map("store_access")
}

/// Each store's status and owner, projected from stores events.
model StoreState {
  storeId         String   @id @map("store_id")
  /// ACTIVE, PAUSED, SUSPENDED or CLOSED
  status          String
  ownerId         String?  @map("owner_id")
  statusChangedAt DateTime @map("status_changed_at") @db.Timestamptz(3)

  @@map("store_state")
}
`;

/** The SQL `prisma migrate diff` writes for STORE_ACCESS_PRISMA_MODELS, for a subgraph's migration. */
export const STORE_ACCESS_MIGRATION_SQL = `-- Store membership projection (kernel tenancy)
CREATE TABLE "store_access" (
    "store_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "permissions" TEXT[],
    "revoked" BOOLEAN NOT NULL DEFAULT false,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "store_access_pkey" PRIMARY KEY ("store_id","user_id")
);

CREATE TABLE "store_state" (
    "store_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "owner_id" TEXT,
    "status_changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "store_state_pkey" PRIMARY KEY ("store_id")
);

CREATE INDEX "store_access_user_id_idx" ON "store_access"("user_id");
`;

/** Anything that runs raw SQL: a Prisma client or transaction client. */
export interface RawSql {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/** Handlers that keep store_access and store_state current; `service` prefixes the durable names. */
export function storeProjectionHandlers(service: string): EventHandlerDef[] {
  const durable = (what: string) => `${service}.store-projection-${what}`;
  const created: EventHandlerDef<(typeof storeCreated)['schema']['_output']> = {
    contract: storeCreated,
    durable: durable('store-created'),
    async handle(event, tx: RawSql) {
      const { storeId, ownerId, status } = event.data;
      // A status change that overtook this event wins: only the owner is filled in then.
      await tx.$executeRawUnsafe(
        `INSERT INTO "store_state" ("store_id", "status", "owner_id", "status_changed_at") VALUES ($1, $2, $3, $4::timestamptz)
         ON CONFLICT ("store_id") DO UPDATE SET "owner_id" = EXCLUDED."owner_id"`,
        storeId,
        status,
        ownerId,
        event.occurredAt,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO "store_access" ("store_id", "user_id", "role", "permissions", "revoked", "changed_at")
         VALUES ($1, $2, 'OWNER', '{}'::text[], false, $3::timestamptz)
         ON CONFLICT ("store_id", "user_id") DO UPDATE SET "role" = 'OWNER', "permissions" = '{}'::text[], "revoked" = false, "changed_at" = EXCLUDED."changed_at"`,
        storeId,
        ownerId,
        event.occurredAt,
      );
    },
  };
  const statusChanged: EventHandlerDef<(typeof storeStatusChanged)['schema']['_output']> = {
    contract: storeStatusChanged,
    durable: durable('status-changed'),
    async handle(event, tx: RawSql) {
      const { storeId, to } = event.data;
      await tx.$executeRawUnsafe(
        `INSERT INTO "store_state" ("store_id", "status", "owner_id", "status_changed_at") VALUES ($1, $2, NULL, $3::timestamptz)
         ON CONFLICT ("store_id") DO UPDATE SET "status" = EXCLUDED."status", "status_changed_at" = EXCLUDED."status_changed_at"
         WHERE "store_state"."status_changed_at" <= EXCLUDED."status_changed_at"`,
        storeId,
        to,
        event.occurredAt,
      );
    },
  };
  const staffAdded: EventHandlerDef<(typeof staffMemberAdded)['schema']['_output']> = {
    contract: staffMemberAdded,
    durable: durable('staff-added'),
    async handle(event, tx: RawSql) {
      const { storeId, userId, permissions } = event.data;
      await tx.$executeRawUnsafe(
        `INSERT INTO "store_access" ("store_id", "user_id", "role", "permissions", "revoked", "changed_at")
         VALUES ($1, $2, 'STAFF', $3::text[], false, $4::timestamptz)
         ON CONFLICT ("store_id", "user_id") DO UPDATE SET "permissions" = EXCLUDED."permissions", "revoked" = false, "changed_at" = EXCLUDED."changed_at"
         WHERE "store_access"."role" = 'STAFF' AND "store_access"."changed_at" <= EXCLUDED."changed_at"`,
        storeId,
        userId,
        permissions,
        event.occurredAt,
      );
    },
  };
  const staffRemoved: EventHandlerDef<(typeof staffMemberRemoved)['schema']['_output']> = {
    contract: staffMemberRemoved,
    durable: durable('staff-removed'),
    async handle(event, tx: RawSql) {
      const { storeId, userId } = event.data;
      await tx.$executeRawUnsafe(
        `INSERT INTO "store_access" ("store_id", "user_id", "role", "permissions", "revoked", "changed_at")
         VALUES ($1, $2, 'STAFF', '{}'::text[], true, $3::timestamptz)
         ON CONFLICT ("store_id", "user_id") DO UPDATE SET "permissions" = '{}'::text[], "revoked" = true, "changed_at" = EXCLUDED."changed_at"
         WHERE "store_access"."role" = 'STAFF' AND "store_access"."changed_at" <= EXCLUDED."changed_at"`,
        storeId,
        userId,
        event.occurredAt,
      );
    },
  };
  return [created, statusChanged, staffAdded, staffRemoved];
}

/** What one principal holds on one store. */
export interface StoreMembership {
  status: StoreStatus | null;
  ownerId: string | null;
  role: 'OWNER' | 'STAFF' | null;
  permissions: string[];
}

/** Loads a principal's membership of a store; the default reads the projection tables. */
export type MembershipLoader = (storeId: string, userId: string) => Promise<StoreMembership>;

/** The default loader: one query over store_state and store_access. */
export function projectionMembershipLoader(db: RawSql): MembershipLoader {
  return async (storeId, userId) => {
    const rows = await db.$queryRawUnsafe<
      { status: string | null; owner_id: string | null; role: string | null; permissions: string[] | null }[]
    >(
      `SELECT s."status", s."owner_id", a."role", a."permissions"
         FROM (SELECT $1::text AS store_id) q
         LEFT JOIN "store_state" s ON s."store_id" = q.store_id
         LEFT JOIN "store_access" a ON a."store_id" = q.store_id AND a."user_id" = $2 AND NOT a."revoked"`,
      storeId,
      userId,
    );
    const r = rows[0];
    return {
      status: (r?.status as StoreStatus | null) ?? null,
      ownerId: r?.owner_id ?? null,
      role: (r?.role as 'OWNER' | 'STAFF' | null) ?? null,
      permissions: r?.permissions ?? [],
    };
  };
}

/** Permissions whose action only reads; anything else is a change a suspended store refuses. */
function isReadPermission(permission: string | null): boolean {
  return permission === null || permission.endsWith(':read');
}

/** True when `membership` grants `permission` (owners hold every store permission; staff what was granted). */
export function membershipGrants(membership: StoreMembership, permission: string | null): boolean {
  if (membership.role === 'OWNER') return true;
  if (membership.role !== 'STAFF') return false;
  if (permission === null) return true;
  const resourceWildcard = permission.split(':')[0] + ':*';
  return membership.permissions.includes(permission) || membership.permissions.includes(resourceWildcard);
}

/**
 * Builds `ctx.storeAccess` for a subgraph: `createStoreAccess(db)(base)` answers "may the principal use
 * ctx.storeId with this permission", loading the membership once per request. Members of a suspended
 * or closed store may still read; changes are refused with StoreUnavailableError (a clear FORBIDDEN).
 */
export function createStoreAccess(db: RawSql, opts: { load?: MembershipLoader } = {}) {
  const load = opts.load ?? projectionMembershipLoader(db);
  return (ctx: BaseContext) =>
    async (permission: string | null): Promise<boolean> => {
      const { principal, storeId } = ctx;
      if (!principal || !storeId) return false;
      if (hasRole(principal, 'PLATFORM_ADMIN')) return true;
      const membership = await loadMembership(ctx, storeId, principal.subject, load);
      if (!membership.status) return false;
      if (!membershipGrants(membership, permission)) return false;
      if ((membership.status === 'SUSPENDED' || membership.status === 'CLOSED') && !isReadPermission(permission)) {
        throw new StoreUnavailableError(storeId, membership.status, 'write');
      }
      return true;
    };
}

function loadMembership(ctx: BaseContext, storeId: string, userId: string, load: MembershipLoader): Promise<StoreMembership> {
  return memo(ctx, `tenancy:membership:${storeId}:${userId}`, () => load(storeId, userId));
}

/** The projected status of a store (memoised per request), or null when no event about it has arrived. */
export function storeStatus(ctx: BaseContext, db: RawSql, storeId: string): Promise<StoreStatus | null> {
  return memo(ctx, `tenancy:status:${storeId}`, async () => {
    const rows = await db.$queryRawUnsafe<{ status: string }[]>(`SELECT "status" FROM "store_state" WHERE "store_id" = $1`, storeId);
    return (rows[0]?.status as StoreStatus | undefined) ?? null;
  });
}

/**
 * Refuses storefront operations on a store that is not open: suspended and closed stores serve
 * nothing, paused ones serve reads only. Throws StoreUnavailableError (FORBIDDEN with a reason).
 */
export async function assertStoreOpen(ctx: BaseContext, db: RawSql, storeId: string, mode: 'read' | 'write'): Promise<void> {
  assertStatusOpen(storeId, await storeStatus(ctx, db, storeId), mode);
}
