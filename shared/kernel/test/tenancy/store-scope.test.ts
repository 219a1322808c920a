// The `storePermission` scope through the kernel builder and app: no store context is the typed
// STORE_CONTEXT_REQUIRED (INVALID_INPUT on headers.x-store-id), not a bare FORBIDDEN.
import { ValidationError } from '../../src/errors';
import { createSubgraphApp, createSubgraphBuilder, FEDERATION_LINK } from '../../src/graphql';
import type { BaseContext } from '../../src/graphql/context';
import { createLogger } from '../../src/logging';
import { createTestIssuer, gql, type TestIssuer } from '../../src/testing';

const builder = createSubgraphBuilder<object, BaseContext>({ prismaClient: null, dmmf: { datamodel: { models: {} } } });
builder.queryField('storeThing', (t) =>
  t.string({ authScopes: { storePermission: 'thing:read' }, resolve: (_r, _a, ctx) => `thing of ${ctx.storeId}` }),
);
builder.queryField('storeOrAdmin', (t) =>
  t.string({ authScopes: { storePermission: null, roles: ['PLATFORM_ADMIN'] }, resolve: () => 'ok' }),
);
builder.queryField('adminThing', (t) => t.string({ authScopes: { roles: ['PLATFORM_ADMIN'] }, resolve: () => 'ok' }));
// A mutation that also lists ValidationError as a typed result.
builder.mutationField('writeThing', (t) =>
  t.string({ authScopes: { storePermission: 'thing:read' }, errors: { types: [ValidationError] }, resolve: () => 'written' }),
);
const schema = builder.toSubGraphSchema({ linkUrl: FEDERATION_LINK });

let issuer: TestIssuer;
let app: ReturnType<typeof createSubgraphApp>;
let member: Record<string, string>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  // Membership: user_member holds thing:read on store_1 only.
  app = createSubgraphApp<BaseContext>({
    name: 'scope-test',
    schema,
    logger: createLogger('scope-test', { level: 'silent' }),
    verifier: issuer.verifier,
    extendContext: (base) => ({
      ...base,
      storeAccess: async (perm: string | null) =>
        base.principal?.subject === 'user_member' && base.storeId === 'store_1' && (perm === null || perm === 'thing:read'),
    }),
  });
  member = { authorization: `Bearer ${await issuer.token({ sub: 'user_member', roles: ['MERCHANT'] })}` };
});

describe('storePermission without a store context', () => {
  it('is STORE_CONTEXT_REQUIRED (INVALID_INPUT naming headers.x-store-id) for a signed-in caller', async () => {
    const res = await gql(app, '{ storeThing }', {}, member);
    expect(res.data?.storeThing ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({
      code: 'INVALID_INPUT',
      reason: 'STORE_CONTEXT_REQUIRED',
      field: ['headers', 'x-store-id'],
      fieldErrors: [{ path: ['headers', 'x-store-id'], message: expect.any(String) }],
    });
    expect(res.errors![0].message).toMatch(/x-store-id/);
  });

  it('is STORE_CONTEXT_REQUIRED too when the store scope is one of several that all failed', async () => {
    const res = await gql(app, '{ storeOrAdmin }', {}, member);
    expect(res.errors![0].extensions).toMatchObject({ code: 'INVALID_INPUT', reason: 'STORE_CONTEXT_REQUIRED' });
  });

  it('is the same top-level error on a field whose result union includes ValidationError', async () => {
    const res = await gql(app, 'mutation { writeThing { __typename ... on MutationWriteThingSuccess { data } } }', {}, member);
    expect(res.data ?? null).toBeNull();
    expect(res.errors![0]).toMatchObject({
      path: ['writeThing'],
      extensions: { code: 'INVALID_INPUT', reason: 'STORE_CONTEXT_REQUIRED', field: ['headers', 'x-store-id'] },
    });
  });

  it('stays UNAUTHENTICATED for anonymous callers', async () => {
    const res = await gql(app, '{ storeThing }');
    expect(res.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('answers with the store when one is given, and FORBIDDEN for another store or a non-store scope', async () => {
    expect((await gql(app, '{ storeThing }', {}, { ...member, 'x-store-id': 'store_1' })).data).toEqual({ storeThing: 'thing of store_1' });
    const other = await gql(app, '{ storeThing }', {}, { ...member, 'x-store-id': 'store_2' });
    expect(other.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(other.errors![0].extensions?.reason).toBeUndefined();
    const admin = await gql(app, '{ adminThing }', {}, member);
    expect(admin.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('takes the store from a store-bound token when no header is sent', async () => {
    const bound = { authorization: `Bearer ${await issuer.token({ sub: 'user_member', roles: ['MERCHANT'], store: 'store_1' })}` };
    expect((await gql(app, '{ storeThing }', {}, bound)).data).toEqual({ storeThing: 'thing of store_1' });
  });
});
