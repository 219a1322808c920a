import { createTokenVerifier } from '@ecomify/kernel/auth';
import { createTestIssuer, TEST_AUDIENCE, TEST_ISSUER, type TestIssuer } from '@ecomify/kernel/testing';
import { GraphQLError } from 'graphql';
import { post, startTestGateway, startTestSubgraph, type TestGateway, type TestSubgraph } from './helpers';

const STORES_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Store @key(fields: "id") { id: ID! name: String! }
  type Seen { requestId: String correlationId: String storeId: String authorization: String traceparent: String forwardedFor: String userAgent: String }
  type Query {
    stores: [Store!]
    seen: Seen
    boom: String
    missing: String
  }`;

const CATALOG_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Product @key(fields: "id") { id: ID! name: String! store: Store variants(first: Int): [Variant!]! }
  type Variant { sku: String! }
  type Store @key(fields: "id") { id: ID! products(first: Int): [Product!]! }
  type Query { products(first: Int): [Product!] }`;

const STORES = [
  { id: 's1', name: 'First Store' },
  { id: 's2', name: 'Second Store' },
];
const PRODUCTS = [
  { id: 'p1', name: 'Mug', storeId: 's1' },
  { id: 'p2', name: 'Hat', storeId: 's2' },
];

/** The stores fixture: lists, echoes what the gateway forwarded, and fails in the two ways masking must handle. */
function storesResolvers() {
  return {
    Query: {
      stores: () => STORES,
      seen: (_: unknown, __: unknown, ctx: { request: Request }) => ({
        requestId: ctx.request.headers.get('x-request-id'),
        correlationId: ctx.request.headers.get('x-correlation-id'),
        storeId: ctx.request.headers.get('x-store-id'),
        authorization: ctx.request.headers.get('authorization'),
        traceparent: ctx.request.headers.get('traceparent'),
        forwardedFor: ctx.request.headers.get('x-forwarded-for'),
        userAgent: ctx.request.headers.get('user-agent'),
      }),
      boom: () => {
        throw new Error('connect to postgres://admin:hunter2@10.0.0.5 failed');
      },
      missing: () => {
        throw new GraphQLError('Store s9 does not exist.', {
          extensions: { code: 'NOT_FOUND', exception: { stacktrace: ['at secret.ts:1'] } },
        });
      },
    },
    Store: { __resolveReference: (ref: { id: string }) => STORES.find((s) => s.id === ref.id) },
  };
}

/** The catalog fixture; `storeProducts` answers Store.products (the entity extension). */
function catalogResolvers(storeProducts: (s: { id: string }) => unknown[]) {
  return {
    Query: { products: (_: unknown, args: { first?: number }) => PRODUCTS.slice(0, args.first ?? PRODUCTS.length) },
    Product: {
      store: (p: { storeId: string }) => ({ id: p.storeId }),
      variants: () => [{ sku: 'A' }, { sku: 'B' }],
    },
    Store: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }), products: storeProducts },
  };
}

describe('gateway', () => {
  let stores: TestSubgraph;
  let catalog: TestSubgraph;
  let gw: TestGateway;
  let issuer: TestIssuer;

  beforeAll(async () => {
    stores = await startTestSubgraph('stores', STORES_SDL, storesResolvers());
    catalog = await startTestSubgraph(
      'catalog',
      CATALOG_SDL,
      catalogResolvers((st) => PRODUCTS.filter((p) => p.storeId === st.id)),
    );
    issuer = await createTestIssuer();
    gw = await startTestGateway({
      subgraphs: [stores, catalog],
      env: { CORS_ORIGINS: 'https://shop.example.com', MAX_QUERY_DEPTH: '4', MAX_QUERY_COST: '200', RATE_LIMIT_PER_MINUTE: '1000' },
      withCache: (cache) => ({
        verifier: createTokenVerifier({
          jwks: issuer.jwks,
          issuer: TEST_ISSUER,
          audience: TEST_AUDIENCE,
          isRevoked: (jti) => cache.revocations.isRevoked(jti),
        }),
      }),
    });
  });

  afterAll(async () => {
    await gw?.stop();
    await stores?.stop();
    await catalog?.stop();
  });

  it('resolves entities across subgraphs in both directions', async () => {
    const res = await post(gw.url, '{ products { name store { name } } stores { id products { name } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      products: [
        { name: 'Mug', store: { name: 'First Store' } },
        { name: 'Hat', store: { name: 'Second Store' } },
      ],
      stores: [
        { id: 's1', products: [{ name: 'Mug' }] },
        { id: 's2', products: [{ name: 'Hat' }] },
      ],
    });
  });

  it('forwards identity, store, trace, request-id and user-agent headers, and the client IP', async () => {
    const token = await issuer.token({ sub: 'user_1' });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const res = await post(gw.url, '{ seen { requestId correlationId storeId authorization traceparent forwardedFor userAgent } }', {
      headers: {
        authorization: `Bearer ${token}`,
        'user-agent': 'Storefront/2.1 (gateway test)',
        'x-request-id': 'req-123',
        'x-correlation-id': 'corr-9',
        'x-store-id': 's1',
        traceparent,
      },
    });
    expect(res.errors).toBeUndefined();
    expect(res.headers.get('x-request-id')).toBe('req-123');
    expect(res.data.seen).toEqual({
      requestId: 'req-123',
      correlationId: 'corr-9',
      storeId: 's1',
      authorization: `Bearer ${token}`,
      traceparent,
      forwardedFor: expect.stringMatching(/127\.0\.0\.1$/),
      userAgent: 'Storefront/2.1 (gateway test)',
    });
  });

  it('generates a request id when the client sends none and uses it as the correlation id', async () => {
    const res = await post(gw.url, '{ seen { requestId correlationId } }');
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.data.seen).toEqual({ requestId: id, correlationId: id });
  });

  it('lets anonymous requests through', async () => {
    const res = await post(gw.url, '{ stores { id } }');
    expect(res.status).toBe(200);
    expect(res.data.stores).toHaveLength(2);
  });

  describe('refuses tokens it cannot trust, before any subgraph sees them', () => {
    const expectRefused = async (authorization: string, reason?: string) => {
      const before = stores.requests.length;
      const res = await post(gw.url, '{ stores { id } }', { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.data).toBeUndefined();
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', ...(reason ? { reason } : {}) });
      expect(stores.requests.length).toBe(before);
      return res;
    };

    it('a bad signature', async () => {
      const other = await createTestIssuer();
      await expectRefused(`Bearer ${await other.token({})}`);
      const token = await issuer.token({});
      const [h, p, s] = token.split('.');
      await expectRefused(`Bearer ${h}.${p}.${s.slice(0, -4)}AAAA`);
    });

    it('an expired token', async () => {
      const res = await expectRefused(`Bearer ${await issuer.token({ expiresIn: '-1m' })}`, 'TOKEN_EXPIRED');
      expect(res.errors?.[0].message).toMatch(/expired/);
    });

    it('alg: none', async () => {
      const valid = await issuer.token({});
      const payload = valid.split('.')[1];
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      await expectRefused(`Bearer ${header}.${payload}.`);
    });

    it('a revoked token id, while the same token was accepted before revocation', async () => {
      const jti = `jti-${Date.now()}`;
      const token = await issuer.token({ jti });
      expect((await post(gw.url, '{ stores { id } }', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      await gw.cache.revocations.revoke(jti, 60);
      await expectRefused(`Bearer ${token}`, 'TOKEN_REVOKED');
    });

    it('an Authorization header that is not a bearer token', async () => {
      await expectRefused('Basic dXNlcjpwYXNz');
    });
  });

  it('answers CORS preflights for configured origins only', async () => {
    const preflight = (origin: string) =>
      fetch(gw.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const ok = await preflight('https://shop.example.com');
    expect(ok.status).toBeLessThan(300);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const other = await preflight('https://evil.example.com');
    expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.com');
  });

  it('refuses queries deeper than MAX_QUERY_DEPTH, naming the limit', async () => {
    const res = await post(gw.url, '{ stores { products { store { products { name } } } } }');
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0].message).toMatch(/MAX_QUERY_DEPTH/);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'INVALID_INPUT', reason: 'QUERY_TOO_DEEP', actual: 5, max: 4 });
  });

  it('refuses queries whose first/last multiply beyond MAX_QUERY_COST, variables included', async () => {
    const query = 'query ($n: Int) { products(first: $n) { name variants(first: 10) { sku } } }';
    const small = await post(gw.url, query, { variables: { n: 2 } });
    expect(small.errors).toBeUndefined();
    const big = await post(gw.url, query, { variables: { n: 50 } });
    expect(big.errors?.[0].message).toMatch(/MAX_QUERY_COST/);
    expect(big.errors?.[0].extensions).toMatchObject({ code: 'INVALID_INPUT', reason: 'QUERY_TOO_COSTLY', max: 200 });
  });

  it('masks unexpected subgraph errors and passes typed codes through without internals', async () => {
    const res = await post(gw.url, '{ boom missing stores { id } }');
    const text = JSON.stringify(res);
    expect(text).not.toMatch(/hunter2|postgres:|10\.0\.0\.5|stacktrace|secret\.ts/);
    const boom = res.errors?.find((e) => e.path?.[0] === 'boom');
    expect(boom?.extensions).toMatchObject({ code: 'INTERNAL', serviceName: 'stores', requestId: res.headers.get('x-request-id') });
    expect(boom?.message).toMatch(/request /);
    const missing = res.errors?.find((e) => e.path?.[0] === 'missing');
    expect(missing).toMatchObject({ message: 'Store s9 does not exist.', extensions: { code: 'NOT_FOUND', serviceName: 'stores' } });
    expect(res.data.stores).toHaveLength(2);
  });

  it('reports client document errors as such', async () => {
    const res = await post(gw.url, '{ nope }');
    expect(res.errors?.[0].message).toMatch(/Cannot query field "nope"/);
  });

  it('serves health, readiness and metrics', async () => {
    const base = gw.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { supergraph: 'ok', cache: 'ok' } });
    const metricsText = await (await fetch(`${base}/metrics`)).text();
    expect(metricsText).toContain('ecomify_graphql_errors_total');
  });
});

describe('gateway single-subgraph pass-through', () => {
  let stores: TestSubgraph;
  let catalog: TestSubgraph;
  let gw: TestGateway;
  const counts = () => ({ ...gw.app.passthrough!.counts });
  const delta = (before: Record<string, number>, key: string) => (gw.app.passthrough!.counts[key] ?? 0) - (before[key] ?? 0);

  beforeAll(async () => {
    stores = await startTestSubgraph('stores', STORES_SDL, storesResolvers());
    catalog = await startTestSubgraph(
      'catalog',
      CATALOG_SDL,
      catalogResolvers(() => []),
    );
    gw = await startTestGateway({ subgraphs: [stores, catalog] });
  });
  afterAll(async () => {
    await gw?.stop();
    await stores?.stop();
    await catalog?.stop();
  });

  it('forwards a query planned as one fetch to one subgraph and returns its answer as is, calling it once', async () => {
    const before = counts();
    const calls = catalog.requests.length;
    const query = 'query Listing($n: Int) { products(first: $n) { id name variants { sku } } }';
    const res = await post(gw.url, query, { variables: { n: 1 }, headers: { 'user-agent': 'pass-through-test' } });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ products: [{ id: 'p1', name: 'Mug', variants: [{ sku: 'A' }, { sku: 'B' }] }] });
    expect(res.headers.get('x-gateway-passthrough')).toBe('catalog');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(res.headers.get('ratelimit-limit')).toBe('100');
    expect(delta(before, 'catalog:raw')).toBe(1);
    expect(catalog.requests.length - calls).toBe(1);
    const sent = catalog.requests[catalog.requests.length - 1];
    expect(sent.get('user-agent')).toBe('pass-through-test');
    expect(sent.get('x-request-id')).toBe(res.headers.get('x-request-id'));
  });

  it('answers in the media type the client asked for', async () => {
    const res = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ products { id } }' }),
    });
    expect(res.headers.get('x-gateway-passthrough')).toBe('catalog');
    expect(res.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    expect(await res.json()).toEqual({ data: { products: [{ id: 'p1' }, { id: 'p2' }] } });
  });

  it('takes the planned path for a query that needs an entity fetch or two subgraphs', async () => {
    const before = counts();
    const entity = await post(gw.url, '{ products { name store { name } } }');
    expect(entity.headers.get('x-gateway-passthrough')).toBeNull();
    expect(entity.data.products).toEqual([
      { name: 'Mug', store: { name: 'First Store' } },
      { name: 'Hat', store: { name: 'Second Store' } },
    ]);
    const two = await post(gw.url, '{ stores { id } products { id } }');
    expect(two.headers.get('x-gateway-passthrough')).toBeNull();
    expect(two.data).toEqual({ stores: [{ id: 's1' }, { id: 's2' }], products: [{ id: 'p1' }, { id: 'p2' }] });
    const introspection = await post(gw.url, '{ __typename products { id } }');
    expect(introspection.headers.get('x-gateway-passthrough')).toBeNull();
    expect(introspection.data).toEqual({ __typename: 'Query', products: [{ id: 'p1' }, { id: 'p2' }] });
    expect(Object.values(counts()).reduce((a, b) => a + b, 0)).toBe(Object.values(before).reduce((a, b) => a + b, 0));
  });

  it('never forwards a subgraph answer with errors: they are masked as on the planned path', async () => {
    const before = counts();
    const res = await post(gw.url, '{ boom missing stores { id } }');
    expect(res.headers.get('x-gateway-passthrough')).toBeNull();
    expect(delta(before, 'stores:errors')).toBe(1);
    const text = JSON.stringify(res);
    expect(text).not.toMatch(/hunter2|postgres:|10\.0\.0\.5|stacktrace|secret\.ts/);
    const boom = res.errors?.find((e) => e.path?.[0] === 'boom');
    expect(boom?.extensions).toMatchObject({ code: 'INTERNAL', serviceName: 'stores', requestId: res.headers.get('x-request-id') });
    const missing = res.errors?.find((e) => e.path?.[0] === 'missing');
    expect(missing).toMatchObject({ message: 'Store s9 does not exist.', extensions: { code: 'NOT_FOUND', serviceName: 'stores' } });
    expect(res.data).toEqual({ boom: null, missing: null, stores: [{ id: 's1' }, { id: 's2' }] });
  });

  it('leaves variables the API schema refuses to the planned path, without calling the subgraph', async () => {
    const before = counts();
    const calls = catalog.requests.length;
    const res = await post(gw.url, 'query ($n: Int) { products(first: $n) { id } }', { variables: { n: 'many' } });
    expect(res.headers.get('x-gateway-passthrough')).toBeNull();
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('Variable "$n"'), extensions: { code: 'INVALID_INPUT' } }),
    ]);
    expect(catalog.requests.length).toBe(calls);
    expect(counts()).toEqual(before);
  });

  it('remembers a document the subgraph rejects and plans it from then on', async () => {
    // Valid against the supergraph; the catalog subgraph alone rejects the document (it has no `stores`).
    const query = 'query Mine { products { id } } query Theirs { stores { id } }';
    const send = () =>
      fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, operationName: 'Mine' }),
      }).then(async (r) => ({ headers: r.headers, body: await r.json() }));
    const before = counts();
    const calls = catalog.requests.length;
    const first = await send();
    expect(first.body).toEqual({ data: { products: [{ id: 'p1' }, { id: 'p2' }] } });
    expect(first.headers.get('x-gateway-passthrough')).toBeNull();
    expect(delta(before, 'catalog:rejected')).toBe(1);
    expect(catalog.requests.length - calls).toBe(2);
    const second = await send();
    expect(second.body).toEqual(first.body);
    expect(delta(before, 'catalog:rejected')).toBe(1);
    expect(catalog.requests.length - calls).toBe(3);
  });

  it('lists its outcomes on /metrics', async () => {
    const text = await (await fetch(gw.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(text).toMatch(/ecomify_gateway_passthrough_total\{service="catalog",outcome="raw"\} \d+/);
  });
});

describe('gateway with the pass-through off', () => {
  let catalog: TestSubgraph;
  let gw: TestGateway;
  beforeAll(async () => {
    catalog = await startTestSubgraph('catalog', CATALOG_SDL, {
      Query: { products: () => PRODUCTS },
      Product: { variants: () => [] },
    });
    gw = await startTestGateway({ subgraphs: [catalog], env: { GATEWAY_PASSTHROUGH: 'false' } });
  });
  afterAll(async () => {
    await gw?.stop();
    await catalog?.stop();
  });

  it('plans every operation', async () => {
    const res = await post(gw.url, '{ products { id } }');
    expect(res.data.products).toHaveLength(2);
    expect(res.headers.get('x-gateway-passthrough')).toBeNull();
    expect(gw.app.passthrough).toBeUndefined();
  });
});

describe('gateway pass-through in production', () => {
  let catalog: TestSubgraph;
  let gw: TestGateway;
  beforeAll(async () => {
    catalog = await startTestSubgraph('catalog', CATALOG_SDL, { Query: { products: () => PRODUCTS }, Product: { variants: () => [] } });
    gw = await startTestGateway({
      subgraphs: [catalog],
      env: { ECOMIFY_ENV: 'production', JWKS_URL: 'http://127.0.0.1:9/.well-known/jwks.json' },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await catalog?.stop();
  });

  it('forwards without the debug header', async () => {
    const res = await post(gw.url, '{ products { id } }');
    expect(res.data.products).toHaveLength(2);
    expect(res.headers.get('x-gateway-passthrough')).toBeNull();
    expect(gw.app.passthrough!.counts['catalog:raw']).toBe(1);
  });
});

describe('gateway rate limiting', () => {
  let stores: TestSubgraph;
  let gw: TestGateway;
  let issuer: TestIssuer;

  beforeAll(async () => {
    stores = await startTestSubgraph('stores', STORES_SDL, { Query: { stores: () => STORES } });
    issuer = await createTestIssuer();
    gw = await startTestGateway({ subgraphs: [stores], env: { RATE_LIMIT_PER_MINUTE: '3' }, verifier: issuer.verifier });
  });
  afterAll(async () => {
    await gw?.stop();
    await stores?.stop();
  });

  it('refuses the request over the limit with RATE_LIMITED, retryAfter and Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(gw.url, '{ stores { id } }')).status);
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await post(gw.url, '{ stores { id } }');
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = refused.errors?.[0].extensions?.retryAfter;
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('retry-after')).toBe(String(retryAfter));
    expect(refused.errors?.[0].message).toMatch(/RATE_LIMIT_PER_MINUTE/);
  });

  it('counts a signed-in client by subject, apart from its IP', async () => {
    const token = await issuer.token({ sub: 'user_rl' });
    const res = await post(gw.url, '{ stores { id } }', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-remaining')).toBe('2');
  });
});

describe('gateway with a subgraph down', () => {
  let stores: TestSubgraph;
  let catalog: TestSubgraph;
  let gw: TestGateway;

  beforeAll(async () => {
    stores = await startTestSubgraph('stores', STORES_SDL, {
      Query: { stores: () => STORES },
      Store: { __resolveReference: (ref: { id: string }) => STORES.find((s) => s.id === ref.id) },
    });
    catalog = await startTestSubgraph('catalog', CATALOG_SDL, {
      Query: { products: () => PRODUCTS },
      Product: { store: (p: { storeId: string }) => ({ id: p.storeId }), variants: () => [] },
      Store: { __resolveReference: (ref: { id: string }) => ({ id: ref.id }), products: () => [] },
    });
    gw = await startTestGateway({ subgraphs: [stores, catalog] });
    // A first query opens keep-alive connections to both, so the test covers a subgraph dying under a live pool.
    expect((await post(gw.url, '{ stores { id } products { id } }')).errors).toBeUndefined();
    await stores.stop();
  });
  afterAll(async () => {
    await gw?.stop();
    await catalog?.stop();
  });

  it("answers the other subgraphs' fields and names the missing service", async () => {
    const res = await post(gw.url, '{ stores { id } products { id name } }');
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      stores: null,
      products: [
        { id: 'p1', name: 'Mug' },
        { id: 'p2', name: 'Hat' },
      ],
    });
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0].message).toMatch(/^The stores service is unavailable/);
    expect(res.errors?.[0].extensions).toEqual({ code: 'UNAVAILABLE', serviceName: 'stores' });
  });

  it('answers a single-subgraph query to the missing service with its partial result, calling it once', async () => {
    const before = gw.app.passthrough!.counts['stores:unavailable'] ?? 0;
    const res = await post(gw.url, '{ stores { id } }');
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ stores: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0].message).toMatch(/^The stores service is unavailable/);
    expect(res.errors?.[0].extensions).toEqual({ code: 'UNAVAILABLE', serviceName: 'stores' });
    expect(gw.app.passthrough!.counts['stores:unavailable']).toBe(before + 1);
  });

  it('errors the entity fields of the missing service and keeps the rest', async () => {
    const res = await post(gw.url, '{ products { id store { id name } } }');
    expect(res.data?.products?.map((p: { id: string }) => p.id)).toEqual(['p1', 'p2']);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'UNAVAILABLE', serviceName: 'stores' });
  });
});
