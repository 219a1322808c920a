/**
 * Reusable gateway test helpers: small federated subgraphs on ephemeral ports, and a gateway over any
 * set of subgraph URLs (composed in-process), each with its own cache namespace on the test Redis.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import type { TokenVerifier } from '@ecomify/kernel/auth';
import { createCacheRuntime } from '@ecomify/kernel/cache';
import type { CacheRuntime } from '@ecomify/kernel/cache';
import { createLogger } from '@ecomify/kernel/logging';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { createGatewayApp, type GatewayApp } from '../src/app';
import { composeSdl } from '../src/compose';
import { loadGatewayConfig } from '../src/config';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface SubgraphRef {
  name: string;
  url: string;
  sdl: string;
}

export interface TestSubgraph extends SubgraphRef {
  /** Headers of every request the subgraph received, oldest first. */
  requests: Headers[];
  stop(): Promise<void>;
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as AddressInfo).port };
}

async function close(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/**
 * Serves a federated subgraph (buildSubgraphSchema + graphql-yoga) on an ephemeral port. Error masking
 * is off by default, like a careless subgraph, so tests can prove the gateway masks on its own.
 */
export async function startTestSubgraph(
  name: string,
  typeDefs: string,
  resolvers: Record<string, any>,
  opts: { maskedErrors?: boolean } = {},
): Promise<TestSubgraph> {
  const schema = buildSubgraphSchema([{ typeDefs: parse(typeDefs), resolvers: resolvers as never }]);
  const requests: Headers[] = [];
  const yoga = createYoga({
    schema,
    maskedErrors: opts.maskedErrors ?? false,
    logging: false,
    graphiql: false,
    landingPage: false,
    plugins: [{ onRequest: ({ request }) => void requests.push(request.headers) }],
  });
  const { server, port } = await listen(yoga);
  return { name, url: `http://127.0.0.1:${port}/graphql`, sdl: printSubgraphSchema(schema), requests, stop: () => close(server) };
}

export interface TestGateway {
  url: string;
  app: GatewayApp;
  cache: CacheRuntime;
  /** The cache namespace, unique to this gateway. */
  namespace: string;
  stop(): Promise<void>;
}

/** Composes the subgraphs and serves a gateway over them on an ephemeral port. Throws on composition errors. */
export async function startTestGateway(opts: {
  subgraphs: SubgraphRef[];
  env?: Record<string, string>;
  verifier?: TokenVerifier;
  /** Defaults to the test Redis; pass a verifier built with `cache.revocations` via `withCache`. */
  withCache?: (cache: CacheRuntime) => { verifier?: TokenVerifier };
}): Promise<TestGateway> {
  const composed = composeSdl(opts.subgraphs.map((s) => ({ name: s.name, url: s.url, sdl: s.sdl })));
  if (!composed.ok) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  const config = loadGatewayConfig({ REDIS_URL: TEST_REDIS_URL, ECOMIFY_ENV: 'test', LOG_LEVEL: 'silent', ...opts.env });
  const logger = createLogger('gateway-test', { level: config.LOG_LEVEL });
  const namespace = `test_${randomUUID().slice(0, 12)}`;
  const cache = await createCacheRuntime({ config, service: 'gateway', logger, namespace });
  const verifier = opts.withCache?.(cache).verifier ?? opts.verifier;
  const app = await createGatewayApp({ supergraphSdl: composed.supergraphSdl!, config, logger, cache, verifier });
  const server = await app.listen(0);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    app,
    cache,
    namespace,
    async stop() {
      await app.stop();
      await cache.close();
    },
  };
}

/** POSTs a GraphQL operation to a URL; returns the parsed body, status and headers. */
export async function post<T = any>(
  url: string,
  query: string,
  opts: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<{
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: JSON.stringify({ query, variables: opts.variables ?? {} }),
  });
  const body = (await res.json()) as { data?: T; errors?: never[] };
  return { status: res.status, headers: res.headers, ...body };
}
