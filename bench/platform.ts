/**
 * Starts identity, stores and the gateway as real processes on bench ports (13001, 13002, 14000) against
 * fresh bench databases, real NATS and Redis, so scenarios measure what production runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeSdl } from '../supergraph/src/compose';
import { freshDatabase, ROOT, startProcess, type Proc } from './lib';

export const PORTS = { identity: 13001, stores: 13002, gateway: 14000 } as const;
export const GATEWAY = `http://127.0.0.1:${PORTS.gateway}/graphql`;
export const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Platform {
  procs: Record<'identity' | 'stores' | 'gateway', Proc>;
  namespace: string;
}

/** Fresh databases, then identity, stores and a gateway over a supergraph pointing at the bench ports. */
export async function startPlatform(extraEnv: Record<string, string> = {}): Promise<Platform> {
  const namespace = `bench${Date.now().toString(36)}`;
  const common = {
    NATS_URL,
    REDIS_URL,
    EVENTS_NAMESPACE: namespace,
    JWKS_URL: `http://127.0.0.1:${PORTS.identity}/.well-known/jwks.json`,
    // The bench is one client signing in from one IP; the default 5/min would refuse it (and its
    // Redis counters outlive a scenario).
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    ...extraEnv,
  };
  const identityDb = await freshDatabase('identity');
  const storesDb = await freshDatabase('stores');
  const identity = await startProcess('identity', path.join(ROOT, 'subgraphs/identity'), 'src/server.ts', PORTS.identity, {
    ...common,
    DATABASE_URL: identityDb,
  });
  const stores = await startProcess('stores', path.join(ROOT, 'subgraphs/stores'), 'src/server.ts', PORTS.stores, {
    ...common,
    DATABASE_URL: storesDb,
  });
  const composed = composeSdl(
    (['identity', 'stores'] as const).map((name) => ({
      name,
      url: `http://127.0.0.1:${PORTS[name]}/graphql`,
      sdl: fs.readFileSync(path.join(ROOT, 'subgraphs', name, 'schema.graphql'), 'utf8'),
    })),
  );
  if (!composed.ok) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  const supergraphPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ecomify-bench-')), 'supergraph.graphql');
  fs.writeFileSync(supergraphPath, composed.supergraphSdl!);
  const gateway = await startProcess('gateway', ROOT, 'supergraph/src/server.ts', PORTS.gateway, {
    ...common,
    SUPERGRAPH_PATH: supergraphPath,
    // The bench is one client hammering the gateway; the limiter still runs (Redis INCR per request).
    RATE_LIMIT_PER_MINUTE: '100000000',
  });
  return { procs: { identity, stores, gateway }, namespace };
}

/** POSTs a GraphQL operation and returns `data`, throwing on errors. */
export async function call(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as { data?: any; errors?: unknown[] };
  if (json.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(json.errors)}`);
  return json.data;
}

/** Registers a user through the gateway and signs in; returns the access token. */
export async function signUp(email: string, accountType: 'MERCHANT' | 'CUSTOMER', password = 'bench-password-123'): Promise<string> {
  await call(GATEWAY, `mutation($i: RegisterInput!) { register(input: $i) { __typename } }`, {
    i: { email, password, firstName: 'Bench', lastName: 'User', accountType },
  });
  const data = await call(GATEWAY, `mutation($i: LoginInput!) { login(input: $i) { __typename ... on LoginSuccess { accessToken } } }`, {
    i: { email, password },
  });
  if (!data.login.accessToken) throw new Error(`login failed: ${JSON.stringify(data.login)}`);
  return data.login.accessToken;
}

/** Reads a Prometheus counter's summed value (optionally filtered by a label substring) from a /metrics URL. */
export async function counter(metricsUrl: string, name: string, labelFilter = ''): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(name) && l.includes(labelFilter) && !l.startsWith('#'))
    .reduce((sum, l) => sum + Number(l.trim().split(/\s+/).pop()), 0);
}
