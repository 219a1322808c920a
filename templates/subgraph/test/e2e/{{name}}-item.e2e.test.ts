// The {{name}} subgraph end to end: GraphQL over the app's fetch handler, real PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { createPrismaClient } from '@ecomify/kernel/db';
import { createLogger } from '@ecomify/kernel/logging';
import { createTestIssuer, gql, prepareTestDatabase, type TestIssuer } from '@ecomify/kernel/testing';
import { createApp } from '../../src/app';
import { PrismaClient } from '../../src/generated-client';
import { schema } from '../../src/schema';

const doc = (name: string) => fs.readFileSync(path.join(__dirname, 'documents', `${name}.graphql`), 'utf8');
const root = path.join(__dirname, '..', '..');

let handle: ReturnType<typeof createPrismaClient<PrismaClient>>;
let app: ReturnType<typeof createApp>;
let issuer: TestIssuer;

beforeAll(async () => {
  const url = await prepareTestDatabase('{{name_snake}}', path.join(root, 'prisma', 'migrations'));
  handle = createPrismaClient(PrismaClient, { url, poolSize: 4 });
  issuer = await createTestIssuer();
  app = createApp({ db: handle.prisma, logger: createLogger('{{name}}', { level: 'silent' }), verifier: issuer.verifier });
});

afterAll(async () => {
  await handle?.close();
});

describe('{{name}} subgraph', () => {
  it('keeps schema.graphql in step with the code (run `ecomify supergraph compose` to refresh it)', () => {
    const printed = printSubgraphSchema(schema);
    expect(fs.readFileSync(path.join(root, 'schema.graphql'), 'utf8').trim()).toBe(printed.trim());
  });

  it('creates an item and records its event in the outbox, atomically', async () => {
    const token = await issuer.token({ roles: ['MERCHANT'] });
    const res = await gql(app, doc('create-item'), { input: { name: '  First  ' } }, { authorization: `Bearer ${token}` });
    expect(res.errors).toBeUndefined();
    const item = res.data.create{{Name}}Item.data;
    expect(item.name).toBe('First');
    const outbox = await handle.prisma.outboxEvent.findMany({ where: { subject: 'ecomify.{{name}}.{{name}}-item.created' } });
    expect(outbox.map((o) => (o.envelope as { data: { {{nameCamel}}ItemId: string } }).data.{{nameCamel}}ItemId)).toContain(item.id);
  });

  it('returns a typed ValidationError for a blank name and writes nothing', async () => {
    const token = await issuer.token({ roles: ['MERCHANT'] });
    const before = await handle.prisma.{{nameCamel}}Item.count();
    const res = await gql(app, doc('create-item'), { input: { name: ' ' } }, { authorization: `Bearer ${token}` });
    expect(res.data.create{{Name}}Item).toMatchObject({ __typename: 'ValidationError', code: 'INVALID_INPUT', fieldErrors: [{ path: ['input', 'name'] }] });
    expect(await handle.prisma.{{nameCamel}}Item.count()).toBe(before);
  });

  it('refuses anonymous writes with UNAUTHENTICATED', async () => {
    const res = await gql(app, doc('create-item'), { input: { name: 'x' } });
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('pages through items with a cursor connection', async () => {
    const token = await issuer.token({ roles: ['MERCHANT'] });
    for (const name of ['a', 'b', 'c']) await gql(app, doc('create-item'), { input: { name } }, { authorization: `Bearer ${token}` });
    const first = await gql(app, doc('list-items'), { first: 2 });
    expect(first.data.{{nameCamel}}Items.edges).toHaveLength(2);
    expect(first.data.{{nameCamel}}Items.pageInfo.hasNextPage).toBe(true);
    const rest = await gql(app, doc('list-items'), { first: 10, after: first.data.{{nameCamel}}Items.pageInfo.endCursor });
    expect(first.data.{{nameCamel}}Items.totalCount).toBe(first.data.{{nameCamel}}Items.edges.length + rest.data.{{nameCamel}}Items.edges.length);
  });

  it('serves health, readiness and metrics', async () => {
    expect((await app.fetch('http://x/healthz')).status).toBe(200);
    const ready = await app.fetch('http://x/readyz');
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: 'ok' } });
    expect(await (await app.fetch('http://x/metrics')).text()).toContain('ecomify_');
  });
});
