// The stores subgraph end to end: GraphQL over the app's fetch handler, real PostgreSQL and Redis.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { userCreated } from '@ecomify/contracts/identity';
import { createCacheRuntime } from '@ecomify/kernel/cache';
import type { CacheRuntime } from '@ecomify/kernel/cache';
import { createPrismaClient } from '@ecomify/kernel/db';
import { createEnvelope } from '@ecomify/kernel/events';
import { createLogger } from '@ecomify/kernel/logging';
import { registry } from '@ecomify/kernel/metrics';
import { createTenantClients, type TenantClients } from '@ecomify/kernel/tenancy';
import { createTestIssuer, gql, prepareTestDatabase, type TestIssuer } from '@ecomify/kernel/testing';
import pg from 'pg';
import { createApp } from '../../src/app';
import { storeCacheKey } from '../../src/domain/store/service';
import { userDirectoryHandler } from '../../src/events/handlers';
import { PrismaClient } from '../../src/generated-client';
import { schema } from '../../src/schema';

const root = path.join(__dirname, '..', '..');
const fragment = fs.readFileSync(path.join(__dirname, 'documents', 'store-fields.graphql'), 'utf8');
const doc = (name: string) => {
  const text = fs.readFileSync(path.join(__dirname, 'documents', `${name}.graphql`), 'utf8');
  return text.includes('...StoreFields') ? `${text}\n${fragment}` : text;
};
const log = createLogger('stores', { level: 'silent' });

let handle: ReturnType<typeof createPrismaClient<PrismaClient>>;
let tenants: TenantClients<PrismaClient>;
let cacheRuntime: CacheRuntime;
let app: ReturnType<typeof createApp>;
let issuer: TestIssuer;

const users = { alice: 'user_alice', bob: 'user_bob', admin: 'user_admin', staff: 'user_staff', shopper: 'user_shopper' };
const auth: Record<keyof typeof users, Record<string, string>> = {} as never;

beforeAll(async () => {
  const url = await prepareTestDatabase('stores', path.join(root, 'prisma', 'migrations'));
  handle = createPrismaClient(PrismaClient, { url, poolSize: 4 });
  tenants = createTenantClients(PrismaClient, { url, poolSize: 2 });
  cacheRuntime = await createCacheRuntime({
    config: { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', env: 'test' },
    service: 'stores',
    logger: log,
    namespace: `test-${randomUUID().slice(0, 8)}`,
  });
  issuer = await createTestIssuer();
  app = createApp({
    db: handle.prisma,
    logger: log,
    verifier: issuer.verifier,
    cache: cacheRuntime,
    tenants,
    platformDomain: 'ecomify.test',
  });
  const roles = {
    alice: ['MERCHANT'],
    bob: ['MERCHANT'],
    admin: ['PLATFORM_ADMIN'],
    staff: ['STORE_STAFF'],
    shopper: ['CUSTOMER'],
  } as const;
  for (const [name, sub] of Object.entries(users) as [keyof typeof users, string][]) {
    auth[name] = { authorization: `Bearer ${await issuer.token({ sub, roles: [...roles[name]] })}` };
  }
});

afterAll(async () => {
  await tenants?.close();
  await cacheRuntime?.close();
  await handle?.close();
});

const outbox = async (subject: string, storeId: string) =>
  (await handle.prisma.outboxEvent.findMany({ where: { subject }, orderBy: { createdAt: 'asc' } }))
    .map((o) => o.envelope as { storeId?: string; actor?: { id: string }; data: Record<string, unknown> })
    .filter((e) => e.storeId === storeId);

async function create(as: keyof typeof users, name = 'Blue Shop', extra: Record<string, unknown> = {}) {
  const res = await gql(app, doc('create-store'), { input: { name, email: 'Owner@Example.com', ...extra } }, auth[as]);
  expect(res.errors).toBeUndefined();
  return res.data.createStore;
}

const theme = {
  colors: { primary: '#112233', secondary: '#445566', accent: '#ff0000', background: '#ffffff', text: '#000000' },
  typography: { fontFamily: 'Roboto', headingFont: 'Playfair Display' },
  layout: { headerStyle: 'STATIC', sidebarPosition: 'RIGHT' },
  customCSS: '.hero { margin: 0 }',
};

describe('stores subgraph', () => {
  let first: any;
  let second: any;

  beforeAll(async () => {
    first = (await create('alice', 'Blue Shop', { currency: 'eur', locale: 'fr-fr', timezone: 'Europe/Paris' })).data;
    second = (await create('alice', 'Blue Shop')).data;
  });

  it('keeps schema.graphql in step with the code (run `ecomify supergraph compose` to refresh it)', () => {
    const printed = printSubgraphSchema(schema);
    expect(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8').trim()).toBe(printed.trim());
  });

  describe('createStore', () => {
    it('gives two stores with the same name distinct slugs and subdomains, owned by the caller, with defaults', () => {
      expect(first).toMatchObject({
        slug: 'blue-shop',
        domain: 'blue-shop.ecomify.test',
        ownerId: users.alice,
        email: 'owner@example.com',
        currency: 'EUR',
        locale: 'fr-FR',
        timezone: 'Europe/Paris',
        status: 'ACTIVE',
        settings: { orderNumberPrefix: '#', guestCheckout: true, weightUnit: 'kg', lowStockThreshold: 5 },
        theme: { colors: { primary: '#1f2937' }, layout: { headerStyle: 'FIXED' } },
      });
      expect(second).toMatchObject({
        slug: 'blue-shop-2',
        domain: 'blue-shop-2.ecomify.test',
        currency: 'USD',
        locale: 'en-US',
        timezone: 'UTC',
      });
    });

    it('records ecomify.stores.store.created in the outbox', async () => {
      const [event] = await outbox('ecomify.stores.store.created', first.id);
      expect(event).toMatchObject({
        actor: { id: users.alice },
        data: { storeId: first.id, ownerId: users.alice, slug: 'blue-shop', status: 'ACTIVE' },
      });
    });

    it('returns a typed validation error with field paths for bad currency, locale and timezone, and writes nothing', async () => {
      const before = await handle.prisma.store.count();
      const res = await gql(
        app,
        doc('create-store'),
        { input: { name: 'Ok Name', email: 'a@b.co', currency: 'EURO', locale: 'en_US', timezone: 'Mars/Base' } },
        auth.alice,
      );
      expect(res.data.createStore.__typename).toBe('ValidationError');
      expect(res.data.createStore.fieldErrors.map((f: { path: string[] }) => f.path.join('.'))).toEqual([
        'input.currency',
        'input.locale',
        'input.timezone',
      ]);
      expect(await handle.prisma.store.count()).toBe(before);
    });

    it('refuses reserved words as the slug', async () => {
      const res = await gql(app, doc('create-store'), { input: { name: 'Admin', email: 'a@b.co' } }, auth.alice);
      expect(res.data.createStore).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'name'] }] });
    });

    it('is for merchants and admins: customers get FORBIDDEN, anonymous callers UNAUTHENTICATED', async () => {
      const input = { input: { name: 'Nope', email: 'a@b.co' } };
      expect((await gql(app, doc('create-store'), input, auth.shopper)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect((await gql(app, doc('create-store'), input)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('reads', () => {
    it('reads by id and by slug; a missing store is a typed not-found', async () => {
      const byId = await gql(app, doc('store'), { id: first.id }, auth.alice);
      expect(byId.data.store.data).toMatchObject({ id: first.id, slug: 'blue-shop' });
      const bySlug = await gql(app, doc('store-by-slug'), { slug: 'blue-shop-2' }, auth.alice);
      expect(bySlug.data.storeBySlug.data.id).toBe(second.id);
      expect((await gql(app, doc('store'), { id: 'missing' }, auth.alice)).data.store).toMatchObject({
        __typename: 'NotFoundError',
        code: 'NOT_FOUND',
        field: ['id'],
      });
      expect((await gql(app, doc('store-by-slug'), { slug: 'nope' }, auth.alice)).data.storeBySlug.__typename).toBe('NotFoundError');
    });

    it('lists the caller’s own stores; admins see every store and may filter by owner', async () => {
      const bobs = (await create('bob', 'Bob Goods')).data;
      const mine = await gql(app, doc('stores'), { first: 1 }, auth.alice);
      expect(mine.data.stores.totalCount).toBe(2);
      expect(mine.data.stores.pageInfo.hasNextPage).toBe(true);
      const rest = await gql(app, doc('stores'), { first: 10, after: mine.data.stores.pageInfo.endCursor }, auth.alice);
      expect([...mine.data.stores.edges, ...rest.data.stores.edges].map((e: any) => e.node.id).sort()).toEqual(
        [first.id, second.id].sort(),
      );
      const all = await gql(app, doc('stores'), { first: 50 }, auth.admin);
      expect(all.data.stores.edges.map((e: any) => e.node.id)).toEqual(expect.arrayContaining([first.id, second.id, bobs.id]));
      const filtered = await gql(app, doc('stores'), { first: 50, ownerId: users.bob }, auth.admin);
      expect(filtered.data.stores.edges.map((e: any) => e.node.ownerId)).toEqual([users.bob]);
      const bobSeesAlice = await gql(app, doc('stores'), { first: 50, ownerId: users.alice }, auth.bob);
      expect(bobSeesAlice.data.stores.totalCount).toBe(0);
    });

    it('caches store reads for an hour: the second read is a cache hit with no database read', async () => {
      await cacheRuntime.cache.del(storeCacheKey(first.id));
      const metric = async (name: string, labels: Record<string, string>) => {
        const m = (await registry.getSingleMetric(name)!.get()).values.find((v) =>
          Object.entries(labels).every(([k, l]) => v.labels[k] === l),
        );
        return m?.value ?? 0;
      };
      const dbBefore = await metric('ecomify_db_reads_total', { entity: 'store' });
      const hitsBefore = await metric('ecomify_cache_requests_total', { cache: 'store', result: 'hit' });
      await gql(app, doc('store'), { id: first.id }, auth.alice);
      expect(await metric('ecomify_db_reads_total', { entity: 'store' })).toBe(dbBefore + 1);
      expect(await cacheRuntime.cache.get(storeCacheKey(first.id))).toMatchObject({ id: first.id });
      await gql(app, doc('store'), { id: first.id }, auth.alice);
      expect(await metric('ecomify_db_reads_total', { entity: 'store' })).toBe(dbBefore + 1);
      expect(await metric('ecomify_cache_requests_total', { cache: 'store', result: 'hit' })).toBe(hitsBefore + 1);
    });
  });

  describe('updateStore', () => {
    it('updates only the given fields, invalidates the cache and lists the changed fields in the event', async () => {
      await gql(app, doc('store'), { id: second.id }, auth.alice);
      expect(await cacheRuntime.cache.get(storeCacheKey(second.id))).toBeDefined();
      const res = await gql(
        app,
        doc('update-store'),
        { id: second.id, input: { name: 'Blue Shop Two', phone: '+33 1 23 45 67 89', settings: { weightUnit: 'lb' } } },
        auth.alice,
      );
      expect(res.data.updateStore.data).toMatchObject({
        name: 'Blue Shop Two',
        slug: 'blue-shop-2',
        phone: '+33 1 23 45 67 89',
        email: 'owner@example.com',
        currency: 'USD',
        settings: { weightUnit: 'lb', orderNumberPrefix: '#', guestCheckout: true },
      });
      expect(await cacheRuntime.cache.get(storeCacheKey(second.id))).toBeUndefined();
      const reread = await gql(app, doc('store'), { id: second.id }, auth.alice);
      expect(reread.data.store.data.name).toBe('Blue Shop Two');
      const [event] = await outbox('ecomify.stores.store.updated', second.id);
      expect(event.data).toEqual({
        storeId: second.id,
        changedFields: ['name', 'phone', 'settings'],
        changes: { name: 'Blue Shop Two', phone: '+33 1 23 45 67 89' },
      });
    });

    it('validates settings and fields with paths', async () => {
      const res = await gql(
        app,
        doc('update-store'),
        { id: second.id, input: { locale: '??', settings: { weightUnit: 'stone' } } },
        auth.alice,
      );
      expect(res.data.updateStore.__typename).toBe('ValidationError');
      expect(res.data.updateStore.fieldErrors.map((f: any) => f.path.join('.'))).toEqual(['input.locale']);
      const settings = await gql(app, doc('update-store'), { id: second.id, input: { settings: { weightUnit: 'stone' } } }, auth.alice);
      expect(settings.data.updateStore.fieldErrors.map((f: any) => f.path.join('.'))).toEqual(['input.settings.weightUnit']);
    });

    it('keeps custom domains valid and unique', async () => {
      const ok = await gql(app, doc('update-store'), { id: first.id, input: { customDomain: 'Shop.Example.com' } }, auth.alice);
      expect(ok.data.updateStore.data.customDomain).toBe('shop.example.com');
      const taken = await gql(app, doc('update-store'), { id: second.id, input: { customDomain: 'shop.example.com' } }, auth.alice);
      expect(taken.data.updateStore).toMatchObject({ __typename: 'ConflictError', field: ['input', 'customDomain'] });
      const bad = await gql(app, doc('update-store'), { id: second.id, input: { customDomain: 'https://x.com/a' } }, auth.alice);
      expect(bad.data.updateStore.__typename).toBe('ValidationError');
      const platform = await gql(app, doc('update-store'), { id: second.id, input: { customDomain: 'evil.ecomify.test' } }, auth.alice);
      expect(platform.data.updateStore.__typename).toBe('ValidationError');
    });
  });

  describe('updateStoreTheme', () => {
    it('stores a valid theme and records ecomify.stores.theme.updated', async () => {
      const res = await gql(app, doc('update-theme'), { id: first.id, theme }, auth.alice);
      expect(res.data.updateStoreTheme.data.theme).toEqual({
        colors: { primary: '#112233', accent: '#ff0000' },
        typography: { fontFamily: 'Roboto' },
        layout: { headerStyle: 'STATIC', sidebarPosition: 'RIGHT' },
        customCSS: '.hero { margin: 0 }',
      });
      expect(await outbox('ecomify.stores.theme.updated', first.id)).toHaveLength(1);
    });

    it('returns a typed validation error for an invalid theme', async () => {
      const bad = { ...theme, colors: { ...theme.colors, primary: 'blue' }, customCSS: '</style><script>x</script>' };
      const res = await gql(app, doc('update-theme'), { id: first.id, theme: bad }, auth.alice);
      expect(res.data.updateStoreTheme.__typename).toBe('ValidationError');
      expect(res.data.updateStoreTheme.fieldErrors.map((f: any) => f.path.join('.'))).toEqual(['theme.colors.primary', 'theme.customCSS']);
    });
  });

  describe('status workflow', () => {
    const status = (as: keyof typeof users, id: string, s: string, reason?: string) =>
      gql(app, doc('change-status'), { id, status: s, reason }, auth[as]).then((r) => r.data?.changeStoreStatus ?? r);

    it('lets the owner pause and resume', async () => {
      expect((await status('alice', first.id, 'PAUSED', 'stocktake')).data.status).toBe('PAUSED');
      expect((await status('alice', first.id, 'ACTIVE')).data.status).toBe('ACTIVE');
    });

    it('lets only an admin suspend and reinstate; the owner cannot unsuspend', async () => {
      expect(await status('alice', first.id, 'SUSPENDED', 'x')).toMatchObject({
        __typename: 'RuleViolationError',
        reason: 'PLATFORM_ADMIN_REQUIRED',
      });
      expect(await status('admin', first.id, 'SUSPENDED')).toMatchObject({ __typename: 'ValidationError', field: ['reason'] });
      expect((await status('admin', first.id, 'SUSPENDED', 'chargebacks under review')).data.status).toBe('SUSPENDED');
      expect(await status('alice', first.id, 'ACTIVE')).toMatchObject({
        __typename: 'RuleViolationError',
        reason: 'PLATFORM_ADMIN_REQUIRED',
      });
      expect(await status('alice', first.id, 'CLOSED')).toMatchObject({
        __typename: 'RuleViolationError',
        reason: 'PLATFORM_ADMIN_REQUIRED',
      });
      const update = await gql(app, doc('update-store'), { id: first.id, input: { name: 'Escape' } }, auth.alice);
      expect(update.data.updateStore).toMatchObject({ __typename: 'RuleViolationError', reason: 'STORE_SUSPENDED' });
      expect((await status('admin', first.id, 'ACTIVE', 'review passed')).data.status).toBe('ACTIVE');
    });

    it('keeps the history (who, when, why), newest first, and records each change as an event', async () => {
      const res = await gql(app, doc('store'), { id: first.id }, auth.alice);
      const history = res.data.store.data.statusHistory;
      expect(history.totalCount).toBe(4);
      expect(history.edges.map((e: any) => [e.node.from, e.node.to, e.node.changedBy, e.node.reason])).toEqual([
        ['SUSPENDED', 'ACTIVE', users.admin, 'review passed'],
        ['ACTIVE', 'SUSPENDED', users.admin, 'chargebacks under review'],
        ['PAUSED', 'ACTIVE', users.alice, null],
        ['ACTIVE', 'PAUSED', users.alice, 'stocktake'],
      ]);
      const events = await outbox('ecomify.stores.store.status-changed', first.id);
      expect(events.map((e) => `${e.data.from}->${e.data.to}`)).toEqual([
        'ACTIVE->PAUSED',
        'PAUSED->ACTIVE',
        'ACTIVE->SUSPENDED',
        'SUSPENDED->ACTIVE',
      ]);
    });

    it('makes closing final', async () => {
      const doomed = (await create('alice', 'Short Lived')).data;
      expect((await status('alice', doomed.id, 'CLOSED', 'retiring')).data.status).toBe('CLOSED');
      expect(await status('admin', doomed.id, 'ACTIVE')).toMatchObject({ __typename: 'RuleViolationError', reason: 'INVALID_TRANSITION' });
    });
  });

  describe('a second merchant', () => {
    it('gets FORBIDDEN on every read and change of another merchant’s store', async () => {
      const codes = await Promise.all([
        gql(app, doc('store'), { id: first.id }, auth.bob),
        gql(app, doc('store-by-slug'), { slug: 'blue-shop' }, auth.bob),
        gql(app, doc('update-store'), { id: first.id, input: { name: 'Mine now' } }, auth.bob),
        gql(app, doc('update-theme'), { id: first.id, theme }, auth.bob),
        gql(app, doc('change-status'), { id: first.id, status: 'PAUSED' }, auth.bob),
        gql(app, doc('add-staff'), { input: { storeId: first.id, userId: users.bob, permissions: ['order:read'] } }, auth.bob),
        gql(app, doc('remove-staff'), { storeId: first.id, userId: users.staff }, auth.bob),
      ]);
      expect(codes.map((r) => r.errors?.[0].extensions?.code)).toEqual(Array(7).fill('FORBIDDEN'));
      const unchanged = await handle.prisma.store.findUniqueOrThrow({ where: { id: first.id } });
      expect(unchanged).toMatchObject({ name: 'Blue Shop', status: 'ACTIVE' });
    });
  });

  describe('staff', () => {
    it('lets the owner add staff by user id or email, who may then read but not change the store', async () => {
      await userDirectoryHandler.handle(
        createEnvelope(
          userCreated,
          { userId: 'user_dir', email: 'Dana@Example.com', firstName: 'Dana', lastName: 'D', roles: ['STORE_STAFF'], emailVerified: true },
          { correlationId: 'c' },
        ),
        handle.prisma,
        log,
      );
      const byId = await gql(
        app,
        doc('add-staff'),
        { input: { storeId: first.id, userId: users.staff, permissions: ['product:write', 'order:read'] } },
        auth.alice,
      );
      expect(byId.data.addStaffMember.data).toEqual({
        storeId: first.id,
        userId: users.staff,
        permissions: ['order:read', 'product:write'],
      });
      const byEmail = await gql(
        app,
        doc('add-staff'),
        { input: { storeId: first.id, email: 'dana@example.com', permissions: ['order:read'] } },
        auth.alice,
      );
      expect(byEmail.data.addStaffMember.data.userId).toBe('user_dir');
      const unknown = await gql(
        app,
        doc('add-staff'),
        { input: { storeId: first.id, email: 'ghost@example.com', permissions: ['order:read'] } },
        auth.alice,
      );
      expect(unknown.data.addStaffMember).toMatchObject({ __typename: 'NotFoundError', field: ['input', 'email'] });
      const badPerm = await gql(
        app,
        doc('add-staff'),
        { input: { storeId: first.id, userId: 'u', permissions: ['staff:manage'] } },
        auth.alice,
      );
      expect(badPerm.data.addStaffMember.__typename).toBe('ValidationError');

      const read = await gql(app, doc('store'), { id: first.id }, auth.staff);
      expect(read.data.store.data.staff.map((s: any) => s.userId).sort()).toEqual(['user_dir', users.staff].sort());
      const list = await gql(app, doc('stores'), { first: 10 }, auth.staff);
      expect(list.data.stores.edges.map((e: any) => e.node.id)).toEqual([first.id]);
      const change = await gql(app, doc('update-store'), { id: first.id, input: { name: 'Staff was here' } }, auth.staff);
      expect(change.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const [added] = await outbox('ecomify.stores.staff-member.added', first.id);
      expect(added.data).toEqual({
        storeId: first.id,
        userId: users.staff,
        permissions: ['order:read', 'product:write'],
        addedBy: users.alice,
      });
    });

    it('lets the owner remove staff, who then lose access', async () => {
      const res = await gql(app, doc('remove-staff'), { storeId: first.id, userId: users.staff }, auth.alice);
      expect(res.data.removeStaffMember.data.userId).toBe(users.staff);
      expect((await gql(app, doc('store'), { id: first.id }, auth.staff)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
      const again = await gql(app, doc('remove-staff'), { storeId: first.id, userId: users.staff }, auth.alice);
      expect(again.data.removeStaffMember.__typename).toBe('NotFoundError');
      expect((await outbox('ecomify.stores.staff-member.removed', first.id))[0].data).toEqual({
        storeId: first.id,
        userId: users.staff,
        removedBy: users.alice,
      });
    });
  });

  describe('federation entity', () => {
    it('resolves Store references in one batch and hides private fields from strangers', async () => {
      const representations = [first.id, second.id].map((id) => ({ __typename: 'Store', id }));
      await cacheRuntime.cache.del(storeCacheKey(first.id), storeCacheKey(second.id));
      const reads = async () =>
        (await registry.getSingleMetric('ecomify_db_reads_total')!.get()).values.find((v) => v.labels.entity === 'store')!.value;
      const before = await reads();
      const res = await gql(app, doc('entities'), { representations });
      expect(res.data._entities.map((s: any) => s.slug)).toEqual(['blue-shop', 'blue-shop-2']);
      expect(await reads()).toBe(before + 1);
      const hidden = await gql(app, doc('entity-private'), { representations });
      expect(hidden.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('row-level security', () => {
    it('shows no status history of one store without a store context or with another store’s', async () => {
      const unfiltered = (db: PrismaClient) => db.storeStatusChange.findMany();
      const own = await unfiltered(tenants.forStore(first.id));
      expect(own.length).toBeGreaterThan(0);
      expect(own.every((r) => r.storeId === first.id)).toBe(true);
      expect(await unfiltered(tenants.forStore(null))).toEqual([]);
      expect((await unfiltered(tenants.forStore(second.id))).filter((r) => r.storeId === first.id)).toEqual([]);
      // The connection's own (superuser) role bypasses RLS: the rows are there.
      expect((await unfiltered(handle.prisma)).some((r) => r.storeId === first.id)).toBe(true);
    });

    it('refuses to write history into another store from a scoped client', async () => {
      await expect(
        tenants.forStore(second.id).storeStatusChange.create({ data: { storeId: first.id, from: 'ACTIVE', to: 'PAUSED', changedBy: 'x' } }),
      ).rejects.toThrow(/row-level security/);
    });

    it('costs one extra round trip per query', async () => {
      const original = pg.Client.prototype.query;
      let calls = 0;
      pg.Client.prototype.query = function counted(this: pg.Client, ...args: unknown[]) {
        calls++;
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof original;
      try {
        const count = async (fn: () => Promise<unknown>) => {
          await fn(); // warm the connection and the query plan
          calls = 0;
          await fn();
          return calls;
        };
        const plain = await count(() => handle.prisma.storeStatusChange.findMany({ where: { storeId: first.id } }));
        const scoped = await count(() => tenants.forStore(first.id).storeStatusChange.findMany({ where: { storeId: first.id } }));
        expect(plain).toBe(1);
        expect(scoped - plain).toBe(1);
      } finally {
        pg.Client.prototype.query = original;
      }
    });
  });

  it('serves health, readiness and metrics', async () => {
    expect((await app.fetch('http://x/healthz')).status).toBe(200);
    expect(await (await app.fetch('http://x/readyz')).json()).toMatchObject({ status: 'ready' });
    expect(await (await app.fetch('http://x/metrics')).text()).toContain('ecomify_cache_requests_total');
  });
});
