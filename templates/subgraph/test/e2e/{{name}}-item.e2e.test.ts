// The {{name}} subgraph end to end: GraphQL over the app's fetch handler, real PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { storeCreated, storeStatusChanged } from '@ecomify/contracts/stores';
import { createPrismaClient } from '@ecomify/kernel/db';
import { createEnvelope, type EventContract } from '@ecomify/kernel/events';
import { createLogger } from '@ecomify/kernel/logging';
import { createTenantClients, storeProjectionHandlers, type TenantClients } from '@ecomify/kernel/tenancy';
import { createTestIssuer, gql, prepareTestDatabase, type TestIssuer } from '@ecomify/kernel/testing';
import { createApp } from '../../src/app';
import { PrismaClient } from '../../src/generated-client';
import { schema } from '../../src/schema';

const doc = (name: string) => fs.readFileSync(path.join(__dirname, 'documents', `${name}.graphql`), 'utf8');
const root = path.join(__dirname, '..', '..');
const log = createLogger('{{name}}', { level: 'silent' });

let handle: ReturnType<typeof createPrismaClient<PrismaClient>>;
let tenants: TenantClients<PrismaClient>;
let app: ReturnType<typeof createApp>;
let issuer: TestIssuer;
let owner: Record<string, string>;

const STORE = 'store_one';
const OTHER = 'store_two';

/** Delivers a stores event to this subgraph's projection handlers, as the event runtime would. */
async function deliver<T>(contract: EventContract<T>, data: T) {
  const handler = storeProjectionHandlers('{{name}}').find((h) => h.contract.subject === contract.subject)!;
  await handle.prisma.$transaction((tx) => handler.handle(createEnvelope(contract, data, { correlationId: 'test' }), tx, log));
}

const storeEvent = (storeId: string, ownerId: string) => ({
  storeId,
  ownerId,
  name: storeId,
  slug: storeId.replace('_', '-'),
  domain: `${storeId.replace('_', '-')}.ecomify.test`,
  currency: 'USD',
  locale: 'en-US',
  timezone: 'UTC',
  status: 'ACTIVE' as const,
});

beforeAll(async () => {
  const url = await prepareTestDatabase('{{name_snake}}', path.join(root, 'prisma', 'migrations'));
  handle = createPrismaClient(PrismaClient, { url, poolSize: 4 });
  tenants = createTenantClients(PrismaClient, { url, poolSize: 2 });
  issuer = await createTestIssuer();
  app = createApp({ db: handle.prisma, logger: log, verifier: issuer.verifier, tenants });
  await deliver(storeCreated, storeEvent(STORE, 'user_owner'));
  await deliver(storeCreated, storeEvent(OTHER, 'user_other'));
  owner = { authorization: `Bearer ${await issuer.token({ sub: 'user_owner', roles: ['MERCHANT'] })}`, 'x-store-id': STORE };
});

afterAll(async () => {
  await tenants?.close();
  await handle?.close();
});

describe('{{name}} subgraph', () => {
  it('keeps schema.graphql in step with the code (run `ecomify supergraph compose` to refresh it)', () => {
    const printed = printSubgraphSchema(schema);
    expect(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8').trim()).toBe(printed.trim());
  });

  it('creates an item in the request store and records its event in the outbox, atomically', async () => {
    const res = await gql(app, doc('create-item'), { input: { name: '  First  ' } }, owner);
    expect(res.errors).toBeUndefined();
    const item = res.data.create{{Name}}Item.data;
    expect(item.name).toBe('First');
    expect((await handle.prisma.{{nameCamel}}Item.findUniqueOrThrow({ where: { id: item.id } })).storeId).toBe(STORE);
    const outbox = await handle.prisma.outboxEvent.findMany({ where: { subject: 'ecomify.{{name}}.{{name}}-item.created' } });
    expect(outbox.map((o) => (o.envelope as { data: { {{nameCamel}}ItemId: string } }).data.{{nameCamel}}ItemId)).toContain(item.id);
  });

  it('returns a typed ValidationError for a blank name and writes nothing', async () => {
    const before = await handle.prisma.{{nameCamel}}Item.count();
    const res = await gql(app, doc('create-item'), { input: { name: ' ' } }, owner);
    expect(res.data.create{{Name}}Item).toMatchObject({ __typename: 'ValidationError', code: 'INVALID_INPUT', fieldErrors: [{ path: ['input', 'name'] }] });
    expect(await handle.prisma.{{nameCamel}}Item.count()).toBe(before);
  });

  it('refuses anonymous writes with UNAUTHENTICATED and non-members with FORBIDDEN', async () => {
    const anonymous = await gql(app, doc('create-item'), { input: { name: 'x' } }, { 'x-store-id': STORE });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const stranger = { authorization: `Bearer ${await issuer.token({ sub: 'user_other', roles: ['MERCHANT'] })}`, 'x-store-id': STORE };
    expect((await gql(app, doc('create-item'), { input: { name: 'x' } }, stranger)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('needs a store context to list: a typed INVALID_INPUT naming x-store-id', async () => {
    const res = await gql(app, doc('list-items'), { first: 2 });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'INVALID_INPUT', reason: 'STORE_CONTEXT_REQUIRED' });
  });

  it("pages through the store's items with a cursor connection", async () => {
    for (const name of ['a', 'b', 'c']) await gql(app, doc('create-item'), { input: { name } }, owner);
    const first = await gql(app, doc('list-items'), { first: 2 }, { 'x-store-id': STORE });
    expect(first.data.{{nameCamel}}Items.edges).toHaveLength(2);
    expect(first.data.{{nameCamel}}Items.pageInfo.hasNextPage).toBe(true);
    const rest = await gql(app, doc('list-items'), { first: 10, after: first.data.{{nameCamel}}Items.pageInfo.endCursor }, { 'x-store-id': STORE });
    expect(first.data.{{nameCamel}}Items.totalCount).toBe(first.data.{{nameCamel}}Items.edges.length + rest.data.{{nameCamel}}Items.edges.length);
    const other = await gql(app, doc('list-items'), { first: 10 }, { 'x-store-id': OTHER });
    expect(other.data.{{nameCamel}}Items.totalCount).toBe(0);
  });

  it("row-level security: an unfiltered query without a store, or with another store's, sees none of its rows", async () => {
    expect(await tenants.forStore(null).{{nameCamel}}Item.findMany()).toEqual([]);
    expect((await tenants.forStore(OTHER).{{nameCamel}}Item.findMany()).filter((i) => i.storeId === STORE)).toEqual([]);
    expect((await tenants.forStore(STORE).{{nameCamel}}Item.findMany()).length).toBeGreaterThan(0);
  });

  it('refuses storefront reads of a suspended store with a clear FORBIDDEN', async () => {
    await deliver(storeStatusChanged, { storeId: OTHER, from: 'ACTIVE', to: 'SUSPENDED', reason: 'test', changedBy: 'admin' });
    const res = await gql(app, doc('list-items'), { first: 1 }, { 'x-store-id': OTHER });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'STORE_SUSPENDED' });
  });

  it('serves health, readiness and metrics', async () => {
    expect((await app.fetch('http://x/healthz')).status).toBe(200);
    const ready = await app.fetch('http://x/readyz');
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok' } });
    expect(await (await app.fetch('http://x/metrics')).text()).toContain('ecomify_');
  });
});
