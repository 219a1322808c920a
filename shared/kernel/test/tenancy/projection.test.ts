// The membership projection on the real PostgreSQL: stores events in, ctx.storeAccess answers out.
import { staffMemberAdded, staffMemberRemoved, storeCreated, storeStatusChanged } from '@ecomify/contracts/stores';
import pg from 'pg';
import type { Principal } from '../../src/auth/principal';
import { dropDatabase, ensureDatabase } from '../../src/db';
import { createEnvelope, type EventContract } from '../../src/events/envelope';
import type { BaseContext } from '../../src/graphql/context';
import { createLogger } from '../../src/logging';
import {
  assertStoreOpen,
  createStoreAccess,
  projectionMembershipLoader,
  STORE_ACCESS_MIGRATION_SQL,
  storeProjectionHandlers,
  type RawSql,
} from '../../src/tenancy/projection';
import { StoreUnavailableError } from '../../src/tenancy/context';
import { testDatabaseUrl } from '../../src/testing';

let url: string;
let pool: pg.Pool;
let db: RawSql;
const log = createLogger('tenancy-test', { level: 'silent' });
const handlers = storeProjectionHandlers('catalog');

async function deliver<T>(contract: EventContract<T>, data: T, occurredAt?: string) {
  const handler = handlers.find((h) => h.contract.subject === contract.subject)!;
  const envelope = { ...createEnvelope(contract, data, { correlationId: 'c1' }), ...(occurredAt ? { occurredAt } : {}) };
  await handler.handle(envelope, db, log);
}

function ctx(subject: string | null, storeId: string | null, roles: Principal['roles'] = ['MERCHANT']): BaseContext {
  return {
    requestId: 'r',
    correlationId: 'c',
    logger: log,
    storeId,
    memo: new Map(),
    principal: subject
      ? { kind: 'user', subject, roles, permissions: [], scopes: [], tokenId: 't', expiresAt: Date.now() / 1000 + 60 }
      : null,
  };
}

beforeAll(async () => {
  url = testDatabaseUrl('kernel_projection');
  await dropDatabase(url);
  await ensureDatabase(url);
  pool = new pg.Pool({ connectionString: url, max: 2 });
  await pool.query(STORE_ACCESS_MIGRATION_SQL);
  db = {
    $executeRawUnsafe: async (q, ...v) => (await pool.query(q, v)).rowCount ?? 0,
    $queryRawUnsafe: async <T>(q: string, ...v: unknown[]) => (await pool.query(q, v)).rows as T,
  };
  const store = {
    name: 'S',
    slug: 's',
    domain: 's.ecomify.test',
    currency: 'USD',
    locale: 'en-US',
    timezone: 'UTC',
    status: 'ACTIVE' as const,
  };
  await deliver(storeCreated, { ...store, storeId: 'st1', ownerId: 'owner1' });
  await deliver(staffMemberAdded, { storeId: 'st1', userId: 'staff1', permissions: ['product:write', 'order:read'], addedBy: 'owner1' });
});

afterAll(async () => {
  await pool?.end();
  await dropDatabase(url);
});

describe('store projection handlers', () => {
  it('declare one durable consumer per stores contract, prefixed with the service', () => {
    expect(handlers.map((h) => [h.contract.subject, h.durable])).toEqual([
      ['ecomify.stores.store.created', 'catalog.store-projection-store-created'],
      ['ecomify.stores.store.status-changed', 'catalog.store-projection-status-changed'],
      ['ecomify.stores.staff-member.added', 'catalog.store-projection-staff-added'],
      ['ecomify.stores.staff-member.removed', 'catalog.store-projection-staff-removed'],
    ]);
  });

  it('project the owner and staff with their permissions', async () => {
    const load = projectionMembershipLoader(db);
    expect(await load('st1', 'owner1')).toEqual({ status: 'ACTIVE', ownerId: 'owner1', role: 'OWNER', permissions: [] });
    expect(await load('st1', 'staff1')).toMatchObject({ role: 'STAFF', permissions: ['product:write', 'order:read'] });
    expect(await load('st1', 'stranger')).toMatchObject({ status: 'ACTIVE', role: null });
    expect(await load('nope', 'owner1')).toMatchObject({ status: null, role: null });
  });

  it('ignore an older event that arrives after a newer one', async () => {
    await deliver(
      staffMemberAdded,
      { storeId: 'st1', userId: 'late', permissions: ['order:read'], addedBy: 'owner1' },
      '2030-01-02T00:00:00.000Z',
    );
    await deliver(staffMemberRemoved, { storeId: 'st1', userId: 'late', removedBy: 'owner1' }, '2030-01-01T00:00:00.000Z');
    expect((await projectionMembershipLoader(db)('st1', 'late')).role).toBe('STAFF');
    await deliver(staffMemberRemoved, { storeId: 'st1', userId: 'late', removedBy: 'owner1' }, '2030-01-03T00:00:00.000Z');
    expect((await projectionMembershipLoader(db)('st1', 'late')).role).toBeNull();
  });

  it('never demote the owner through a staff event', async () => {
    await deliver(staffMemberRemoved, { storeId: 'st1', userId: 'owner1', removedBy: 'x' });
    expect((await projectionMembershipLoader(db)('st1', 'owner1')).role).toBe('OWNER');
  });

  it('are idempotent: a redelivered event changes nothing', async () => {
    const before = (await pool.query('SELECT * FROM store_access ORDER BY store_id, user_id')).rows;
    await deliver(
      staffMemberAdded,
      { storeId: 'st1', userId: 'staff1', permissions: ['product:write', 'order:read'], addedBy: 'owner1' },
      '2000-01-01T00:00:00.000Z',
    );
    expect((await pool.query('SELECT * FROM store_access ORDER BY store_id, user_id')).rows).toEqual(before);
  });
});

describe('ctx.storeAccess from the projection', () => {
  const check = (c: BaseContext, perm: string | null) => createStoreAccess(db)(c)(perm);

  it('gives the owner every store permission', async () => {
    expect(await check(ctx('owner1', 'st1'), 'product:write')).toBe(true);
    expect(await check(ctx('owner1', 'st1'), 'webhook:manage')).toBe(true);
  });

  it('gives staff exactly their granted permissions', async () => {
    expect(await check(ctx('staff1', 'st1'), 'product:write')).toBe(true);
    expect(await check(ctx('staff1', 'st1'), 'order:read')).toBe(true);
    expect(await check(ctx('staff1', 'st1'), 'order:write')).toBe(false);
    expect(await check(ctx('staff1', 'st1'), null)).toBe(true);
  });

  it('refuses strangers, anonymous callers, requests without a store and unknown stores', async () => {
    expect(await check(ctx('stranger', 'st1'), null)).toBe(false);
    expect(await check(ctx(null, 'st1'), null)).toBe(false);
    expect(await check(ctx('owner1', null), null)).toBe(false);
    expect(await check(ctx('owner1', 'unknown'), null)).toBe(false);
  });

  it('lets a platform admin act on any store', async () => {
    expect(await check(ctx('admin', 'unknown', ['PLATFORM_ADMIN']), 'product:write')).toBe(true);
  });

  it('loads the membership once per request', async () => {
    let calls = 0;
    const load = projectionMembershipLoader(db);
    const counting = createStoreAccess(db, { load: (s, u) => (calls++, load(s, u)) });
    const c = ctx('staff1', 'st1');
    const fn = counting(c);
    await Promise.all([fn('product:write'), fn('order:read'), fn(null)]);
    expect(calls).toBe(1);
  });

  it('lets members of a suspended store read but refuses changes with a clear error', async () => {
    await deliver(storeStatusChanged, { storeId: 'st1', from: 'ACTIVE', to: 'SUSPENDED', reason: 'fraud review', changedBy: 'admin' });
    expect(await check(ctx('owner1', 'st1'), 'order:read')).toBe(true);
    await expect(check(ctx('owner1', 'st1'), 'product:write')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(check(ctx('owner1', 'st1'), 'product:write')).rejects.toMatchObject({ code: 'FORBIDDEN', reason: 'STORE_SUSPENDED' });
  });

  it('refuses storefront reads of a suspended store and writes of a paused one', async () => {
    await expect(assertStoreOpen(ctx(null, 'st1'), db, 'st1', 'read')).rejects.toThrow(/suspended/);
    await deliver(storeStatusChanged, { storeId: 'st1', from: 'SUSPENDED', to: 'PAUSED', reason: null, changedBy: 'admin' });
    await expect(assertStoreOpen(ctx(null, 'st1'), db, 'st1', 'read')).resolves.toBeUndefined();
    await expect(assertStoreOpen(ctx(null, 'st1'), db, 'st1', 'write')).rejects.toMatchObject({ reason: 'STORE_PAUSED' });
  });
});
