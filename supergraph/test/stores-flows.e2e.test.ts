// The stores subgraph through the real gateway, beside identity, with real tokens from identity's
// login: merchants create, read, update, theme, pause and resume; a second merchant is FORBIDDEN;
// a platform admin suspends and the owner cannot unsuspend; Store.owner is resolved by identity.
// Both subgraphs run their event runtimes on JetStream (a random namespace): stores' events arrive
// on their documented subjects, and identity's user.created reaches stores' user directory so an
// owner adds staff by email.
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { printSubgraphSchema } from '@apollo/subgraph';
import { createTokenVerifier } from '@ecomify/kernel/auth';
import { createCacheRuntime, type CacheRuntime } from '@ecomify/kernel/cache';
import { createPrismaClient } from '@ecomify/kernel/db';
import {
  createEventTransport,
  startEventRuntime,
  type EventEnvelope,
  type EventRuntime,
  type EventTransport,
  type Subscription,
} from '@ecomify/kernel/events';
import { createLogger } from '@ecomify/kernel/logging';
import { createTenantClients, type TenantClients } from '@ecomify/kernel/tenancy';
import { prepareTestDatabase } from '@ecomify/kernel/testing';
import { connect } from 'nats';
import { schema as identitySchema } from '../../subgraphs/identity/src/schema';
import type { IdentityContext } from '../../subgraphs/identity/src/context';
import { createUserByOperator } from '../../subgraphs/identity/src/domain/user/service';
import { handlers as identityHandlers } from '../../subgraphs/identity/src/events/handlers';
import { createHarness, leakedSecrets, PASSWORD, type Harness } from '../../subgraphs/identity/test/support/harness';
import { createApp as createStoresApp } from '../../subgraphs/stores/src/app';
import { handlers as storesHandlers } from '../../subgraphs/stores/src/events/handlers';
import { PrismaClient as StoresPrismaClient } from '../../subgraphs/stores/src/generated-client';
import { schema as storesSchema } from '../../subgraphs/stores/src/schema';
import { post, startTestGateway, TEST_REDIS_URL, type TestGateway } from './helpers';

// Event waits are bounded generously: under a loaded CI machine a first delivery can fail on a
// transaction timeout and arrive on the 5 s or 30 s redelivery, which is the behaviour under test too.
jest.setTimeout(180_000);

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const NAMESPACE = `gw${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const log = createLogger('stores-gateway-test', { level: (process.env.TEST_LOG_LEVEL as never) ?? 'silent' });

const identityDocs = path.join(__dirname, '..', '..', 'subgraphs', 'identity', 'test', 'e2e', 'documents');
const storesDocs = path.join(__dirname, '..', '..', 'subgraphs', 'stores', 'test', 'e2e', 'documents');
const storeFields = fs.readFileSync(path.join(storesDocs, 'store-fields.graphql'), 'utf8');
const doc = (name: string) => {
  const file = path.join(storesDocs, `${name}.graphql`);
  const text = fs.readFileSync(fs.existsSync(file) ? file : path.join(identityDocs, `${name}.graphql`), 'utf8');
  return text.includes('...StoreFields') ? `${text}\n${storeFields}` : text;
};

const STORE_OWNER = /* GraphQL */ `
  query StoreOwner($id: ID!) {
    store(id: $id) {
      __typename
      ... on QueryStoreSuccess {
        data {
          id
          ownerId
          owner {
            id
            email
            firstName
            lastName
            roles
          }
        }
      }
    }
  }
`;

const STORE_SUBJECTS = [
  'ecomify.stores.store.created',
  'ecomify.stores.store.updated',
  'ecomify.stores.theme.updated',
  'ecomify.stores.store.status-changed',
  'ecomify.stores.staff-member.added',
];

let identity: Harness;
let identityServer: http.Server;
let storesServer: http.Server;
let storesHandle: ReturnType<typeof createPrismaClient<StoresPrismaClient>>;
let storesUrl: string;
let tenants: TenantClients<StoresPrismaClient>;
let storesCache: CacheRuntime;
let gateway: TestGateway;
const transports: EventTransport[] = [];
const runtimes: EventRuntime[] = [];
const observers: Subscription[] = [];
/** Every stores event the test's own durable consumer received from JetStream, in arrival order. */
const received: EventEnvelope<Record<string, unknown>>[] = [];

async function transport(service: string): Promise<EventTransport> {
  const t = await createEventTransport({
    config: { NATS_URL, env: 'test', EVENTS_MAX_DELIVER: 5 } as never,
    service,
    logger: log,
    namespace: NAMESPACE,
  });
  transports.push(t);
  return t;
}

async function listen(app: { listen(port: number): Promise<http.Server> }): Promise<{ server: http.Server; base: string }> {
  const server = await app.listen(0);
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  // identity: its app over a real database and Redis, its outbox relayed to JetStream.
  identity = await createHarness('gateway_stores');
  const identityListening = await listen(identity.app);
  identityServer = identityListening.server;
  const jwksUrl = `${identityListening.base}/.well-known/jwks.json`;
  const verifier = () =>
    createTokenVerifier({
      jwksUrl,
      issuer: identity.runtime.config.JWT_ISSUER,
      audience: identity.runtime.config.JWT_AUDIENCE,
      isRevoked: (jti) => identity.cache.revocations.isRevoked(jti),
    });
  runtimes.push(
    await startEventRuntime({
      service: 'identity',
      transport: await transport('identity'),
      db: identity.db as never,
      databaseUrl: identity.url,
      logger: log,
      handlers: identityHandlers,
    }),
  );

  // stores: its own database, Redis namespace and token verification against identity's JWKS.
  storesUrl = await prepareTestDatabase('stores_gateway', path.join(__dirname, '..', '..', 'subgraphs', 'stores', 'prisma', 'migrations'));
  storesHandle = createPrismaClient(StoresPrismaClient, { url: storesUrl, poolSize: 4 });
  tenants = createTenantClients(StoresPrismaClient, { url: storesUrl, poolSize: 2 });
  storesCache = await createCacheRuntime({
    config: { REDIS_URL: TEST_REDIS_URL, env: 'test' },
    service: 'stores',
    logger: log,
    namespace: `test-${randomUUID().slice(0, 8)}`,
  });
  const storesApp = createStoresApp({
    db: storesHandle.prisma,
    logger: log,
    verifier: verifier(),
    cache: storesCache,
    tenants,
    platformDomain: 'ecomify.test',
  });
  const storesListening = await listen(storesApp);
  storesServer = storesListening.server;
  runtimes.push(
    await startEventRuntime({
      service: 'stores',
      transport: await transport('stores'),
      db: storesHandle.prisma as never,
      databaseUrl: storesUrl,
      logger: log,
      handlers: storesHandlers,
    }),
  );

  // The test's own durable consumers on the stores subjects, as any other subgraph would have: one
  // per subject, like every EventHandlerDef (several subjects on one consumer need NATS ≥ 2.10).
  const observing = await transport('gateway-test');
  for (const subject of STORE_SUBJECTS) {
    observers.push(
      await observing.subscribe({
        durable: `gateway-test.observe-${subject.split('.').slice(2).join('-')}`,
        subjects: [subject],
        handler: async (envelope) => void received.push(envelope as EventEnvelope<Record<string, unknown>>),
      }),
    );
  }

  gateway = await startTestGateway({
    subgraphs: [
      { name: 'identity', url: `${identityListening.base}/graphql`, sdl: printSubgraphSchema(identitySchema) },
      { name: 'stores', url: `${storesListening.base}/graphql`, sdl: printSubgraphSchema(storesSchema) },
    ],
    withCache: () => ({ verifier: verifier() }),
  });
});

afterAll(async () => {
  await gateway?.stop();
  for (const o of observers) await o.stop().catch(() => undefined);
  for (const r of runtimes) await r.stop().catch(() => undefined);
  for (const t of transports) await t.close().catch(() => undefined);
  for (const server of [storesServer, identityServer]) {
    if (!server) continue;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
  await tenants?.close();
  await storesCache?.close();
  await storesHandle?.close();
  await identity?.close();
  // Streams are all this run leaves on the shared NATS; remove this namespace's.
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  for await (const name of jsm.streams.names()) if (name.startsWith(`${NAMESPACE.toUpperCase()}_`)) await jsm.streams.delete(name);
  await nc.close();
});

const call = (name: string, variables: Record<string, unknown> = {}, token?: string) =>
  post(gateway.url, doc(name), { variables, headers: token ? { authorization: `Bearer ${token}` } : {} });

/** Polls until `check` returns a truthy value; fails naming `what` after `timeoutMs`. */
async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const eventsFor = (subject: string, storeId: string) => received.filter((e) => e.type === subject && e.storeId === storeId);

function systemContext(): IdentityContext {
  return {
    requestId: 'gateway-test',
    correlationId: 'gateway-test',
    logger: log,
    principal: null,
    storeId: null,
    memo: new Map(),
    db: identity.db,
    identity: identity.runtime,
    ipAddress: null,
    userAgent: 'gateway-test',
  };
}

interface Account {
  id: string;
  email: string;
  token: string;
}

/** Registers through the gateway (a MERCHANT by default) and signs in through it: a real identity token. */
async function signUp(first: string, accountType: 'MERCHANT' | 'CUSTOMER' = 'MERCHANT'): Promise<Account> {
  const email = `${first.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
  const registered = await call('register', { input: { email, password: PASSWORD, firstName: first, lastName: 'Test', accountType } });
  expect(registered.data?.register).toMatchObject({ __typename: 'MutationRegisterSuccess', data: { roles: [accountType] } });
  return { id: registered.data.register.data.id, email, token: await signIn(email) };
}

async function signIn(email: string): Promise<string> {
  const login = await call('login', { input: { email, password: PASSWORD } });
  expect(login.data?.login.__typename).toBe('LoginSuccess');
  identity.secrets.add(login.data.login.accessToken).add(login.data.login.refreshToken);
  return login.data.login.accessToken;
}

const theme = {
  colors: { primary: '#0a0b0c', secondary: '#445566', accent: '#ff8800', background: '#ffffff', text: '#111111' },
  typography: { fontFamily: 'Inter', headingFont: 'Merriweather' },
  layout: { headerStyle: 'STATIC', sidebarPosition: 'LEFT' },
  customCSS: '.banner { padding: 0 }',
};

describe('stores through the gateway', () => {
  let merchant: Account;
  let rival: Account;
  let admin: Account;
  let first: any;
  let second: any;
  const name = `Gateway Goods ${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    merchant = await signUp('Mira');
    rival = await signUp('Rafe');
    const operator = await createUserByOperator(systemContext(), {
      email: `admin-${randomUUID().slice(0, 8)}@example.com`,
      password: PASSWORD,
      roles: ['PLATFORM_ADMIN'],
    });
    admin = { id: operator.id, email: operator.email, token: await signIn(operator.email) };
  });

  it('lets a merchant create two stores with the same name: distinct slugs and subdomains, owned by them', async () => {
    const a = await call('create-store', { input: { name, email: 'Owner@Example.com', currency: 'eur' } }, merchant.token);
    const b = await call('create-store', { input: { name, email: 'owner@example.com' } }, merchant.token);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    first = a.data.createStore.data;
    second = b.data.createStore.data;
    const slug = name.toLowerCase().replace(/ /g, '-');
    expect(first).toMatchObject({ slug, domain: `${slug}.ecomify.test`, ownerId: merchant.id, currency: 'EUR', status: 'ACTIVE' });
    expect(second).toMatchObject({ slug: `${slug}-2`, domain: `${slug}-2.ecomify.test`, ownerId: merchant.id, status: 'ACTIVE' });
  });

  it('reads by id, by slug and as a connection', async () => {
    const byId = await call('store', { id: first.id }, merchant.token);
    expect(byId.errors).toBeUndefined();
    expect(byId.data.store).toMatchObject({
      __typename: 'QueryStoreSuccess',
      data: { id: first.id, name, settings: { weightUnit: 'kg' } },
    });
    const bySlug = await call('store-by-slug', { slug: second.slug }, merchant.token);
    expect(bySlug.data.storeBySlug).toMatchObject({ __typename: 'QueryStoreBySlugSuccess', data: { id: second.id } });
    const missing = await call('store', { id: 'no-such-store' }, merchant.token);
    expect(missing.data.store).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });

    const page = await call('stores', { first: 1 }, merchant.token);
    expect(page.data.stores).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const rest = await call('stores', { first: 5, after: page.data.stores.pageInfo.endCursor }, merchant.token);
    expect([...page.data.stores.edges, ...rest.data.stores.edges].map((e: any) => e.node.id).sort()).toEqual([first.id, second.id].sort());
  });

  it("resolves Store.owner from identity's User (a cross-subgraph read)", async () => {
    const res = await post(gateway.url, STORE_OWNER, {
      variables: { id: first.id },
      headers: { authorization: `Bearer ${merchant.token}` },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.store.data).toEqual({
      id: first.id,
      ownerId: merchant.id,
      owner: { id: merchant.id, email: merchant.email, firstName: 'Mira', lastName: 'Test', roles: ['MERCHANT'] },
    });
  });

  it('updates only the given fields', async () => {
    const res = await call(
      'update-store',
      { id: first.id, input: { phone: '+44 20 7946 0000', settings: { weightUnit: 'lb' } } },
      merchant.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.updateStore.data).toMatchObject({
      id: first.id,
      name,
      email: 'owner@example.com',
      currency: 'EUR',
      phone: '+44 20 7946 0000',
      settings: { weightUnit: 'lb', orderNumberPrefix: '#', guestCheckout: true },
    });
    const reread = await call('store', { id: first.id }, merchant.token);
    expect(reread.data.store.data).toMatchObject({ phone: '+44 20 7946 0000', settings: { weightUnit: 'lb' } });
  });

  it('changes the theme', async () => {
    const res = await call('update-theme', { id: first.id, theme }, merchant.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.updateStoreTheme.data.theme).toEqual({
      colors: { primary: '#0a0b0c', accent: '#ff8800' },
      typography: { fontFamily: 'Inter' },
      layout: { headerStyle: 'STATIC', sidebarPosition: 'LEFT' },
      customCSS: '.banner { padding: 0 }',
    });
  });

  it('pauses and resumes', async () => {
    const paused = await call('change-status', { id: first.id, status: 'PAUSED', reason: 'stocktake' }, merchant.token);
    expect(paused.data.changeStoreStatus).toMatchObject({ __typename: 'MutationChangeStoreStatusSuccess', data: { status: 'PAUSED' } });
    const resumed = await call('change-status', { id: first.id, status: 'ACTIVE' }, merchant.token);
    expect(resumed.data.changeStoreStatus).toMatchObject({ data: { status: 'ACTIVE' } });
  });

  it('answers a second merchant FORBIDDEN on every read and change of those stores, and changes nothing', async () => {
    const attempts = await Promise.all([
      call('store', { id: first.id }, rival.token),
      call('store-by-slug', { slug: second.slug }, rival.token),
      call('update-store', { id: first.id, input: { name: 'Taken over' } }, rival.token),
      call('update-theme', { id: first.id, theme: { ...theme, customCSS: null } }, rival.token),
      call('change-status', { id: first.id, status: 'PAUSED' }, rival.token),
      call('change-status', { id: second.id, status: 'CLOSED' }, rival.token),
      call('add-staff', { input: { storeId: first.id, userId: rival.id, permissions: ['order:read'] } }, rival.token),
      post(gateway.url, STORE_OWNER, { variables: { id: first.id }, headers: { authorization: `Bearer ${rival.token}` } }),
    ]);
    expect(attempts.map((r) => r.errors?.[0]?.extensions?.code)).toEqual(Array(attempts.length).fill('FORBIDDEN'));
    // Their connection does not list the other merchant's stores, even when asked by owner.
    const list = await call('stores', { first: 10, ownerId: merchant.id }, rival.token);
    expect(list.data.stores).toMatchObject({ totalCount: 0, edges: [] });
    const unchanged = await call('store', { id: first.id }, merchant.token);
    expect(unchanged.data.store.data).toMatchObject({ name, status: 'ACTIVE', theme: { colors: { primary: '#0a0b0c' } } });
    expect((await call('store', { id: second.id }, merchant.token)).data.store.data.status).toBe('ACTIVE');
  });

  it('lets a platform admin suspend; the owner cannot unsuspend (typed error) nor change the store', async () => {
    const suspended = await call('change-status', { id: first.id, status: 'SUSPENDED', reason: 'chargebacks under review' }, admin.token);
    expect(suspended.data.changeStoreStatus).toMatchObject({ data: { status: 'SUSPENDED' } });
    const unsuspend = await call('change-status', { id: first.id, status: 'ACTIVE' }, merchant.token);
    expect(unsuspend.errors).toBeUndefined();
    expect(unsuspend.data.changeStoreStatus).toMatchObject({
      __typename: 'RuleViolationError',
      code: 'CONFLICT',
      reason: 'PLATFORM_ADMIN_REQUIRED',
    });
    const update = await call('update-store', { id: first.id, input: { name: 'Escape hatch' } }, merchant.token);
    expect(update.data.updateStore).toMatchObject({ __typename: 'RuleViolationError', reason: 'STORE_SUSPENDED' });
    const history = (await call('store', { id: first.id }, admin.token)).data.store.data;
    expect(history.status).toBe('SUSPENDED');
    expect(history.statusHistory.edges.map((e: any) => [e.node.from, e.node.to, e.node.changedBy])).toEqual([
      ['ACTIVE', 'SUSPENDED', admin.id],
      ['PAUSED', 'ACTIVE', merchant.id],
      ['ACTIVE', 'PAUSED', merchant.id],
    ]);
  });

  it("adds staff by email once identity's user.created has reached stores' user directory over JetStream", async () => {
    const staffer = await signUp('Stella', 'CUSTOMER');
    // Nothing but the event carries identity's users into stores' database.
    await waitFor('the user directory row from ecomify.identity.user.created', () =>
      storesHandle.prisma.directoryUser.findUnique({ where: { id: staffer.id } }),
    );
    const added = await call(
      'add-staff',
      { input: { storeId: second.id, email: staffer.email, permissions: ['order:read'] } },
      merchant.token,
    );
    expect(added.errors).toBeUndefined();
    expect(added.data.addStaffMember).toMatchObject({ data: { storeId: second.id, userId: staffer.id, permissions: ['order:read'] } });
    // The new staff member reads the store with their own token, and still may not change it.
    const read = await call('store', { id: second.id }, staffer.token);
    expect(read.data.store.data.staff).toEqual([{ userId: staffer.id, permissions: ['order:read'] }]);
    const change = await call('update-store', { id: second.id, input: { name: 'Staff rename' } }, staffer.token);
    expect(change.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('publishes every change on JetStream under the documented subjects with the store id', async () => {
    const expectations: [string, string, number][] = [
      ['ecomify.stores.store.created', first.id, 1],
      ['ecomify.stores.store.created', second.id, 1],
      ['ecomify.stores.store.updated', first.id, 1],
      ['ecomify.stores.theme.updated', first.id, 1],
      ['ecomify.stores.store.status-changed', first.id, 3],
      ['ecomify.stores.staff-member.added', second.id, 1],
    ];
    for (const [subject, storeId, count] of expectations) {
      await waitFor(`${count} × ${subject} for ${storeId}`, () => eventsFor(subject, storeId).length >= count);
    }
    expect(eventsFor('ecomify.stores.store.created', first.id)[0].data).toMatchObject({
      storeId: first.id,
      ownerId: merchant.id,
      slug: first.slug,
    });
    expect(eventsFor('ecomify.stores.store.updated', first.id)[0].data).toMatchObject({
      storeId: first.id,
      changedFields: ['phone', 'settings'],
    });
    expect(eventsFor('ecomify.stores.theme.updated', first.id)[0].data).toMatchObject({ storeId: first.id });
    expect(eventsFor('ecomify.stores.store.status-changed', first.id).map((e) => `${e.data.from}->${e.data.to}`)).toEqual([
      'ACTIVE->PAUSED',
      'PAUSED->ACTIVE',
      'ACTIVE->SUSPENDED',
    ]);
    expect(eventsFor('ecomify.stores.store.status-changed', first.id).map((e) => e.actor?.id)).toEqual([
      merchant.id,
      merchant.id,
      admin.id,
    ]);
    expect(eventsFor('ecomify.stores.staff-member.added', second.id)[0].data).toMatchObject({
      storeId: second.id,
      permissions: ['order:read'],
      addedBy: merchant.id,
    });
    // The second merchant's refused attempts published nothing.
    expect(received.filter((e) => e.actor?.id === rival.id)).toEqual([]);
  });

  it('logged no secret on identity', () => {
    identity.secrets.add(PASSWORD);
    expect(leakedSecrets(identity)).toEqual([]);
  });

  // Last: it stops the stores subgraph. Root Query fields are nullable (kernel preset), so the
  // fields identity answered survive; the error names the missing service.
  it('answers identity fields and names the stores service when stores is down (partial results)', async () => {
    const query = '{ me { id email } stores(first: 5) { totalCount } }';
    const up = await post(gateway.url, query, { headers: { authorization: `Bearer ${merchant.token}` } });
    expect(up.errors).toBeUndefined();
    const closed = new Promise<void>((resolve) => storesServer.close(() => resolve()));
    storesServer.closeAllConnections();
    await closed;
    const down = await post(gateway.url, query, { headers: { authorization: `Bearer ${merchant.token}` } });
    expect(down.data).toEqual({ me: { id: merchant.id, email: expect.any(String) }, stores: null });
    expect(down.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('The stores service is unavailable'),
        extensions: expect.objectContaining({ code: 'UNAVAILABLE', serviceName: 'stores' }),
      }),
    ]);
  });
});
