/**
 * Test helpers: fresh databases per suite on the real PostgreSQL, and a local token issuer with the
 * same claims identity issues (so a subgraph's tests need no running identity service).
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWK } from 'jose';
import { applyMigrations, dropDatabase, withDatabase } from '../db';
import { permissionsForRoles, type Role } from '../auth/roles';
import { createTokenVerifier, type TokenVerifier } from '../auth/verifier';

/** Base URL of the PostgreSQL server tests use (TEST_DATABASE_URL, default the local server). */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

/** Connection URL of a test database named `ecomify_test_<name>` (plus the jest worker id, so workers never collide). */
export function testDatabaseUrl(name: string): string {
  const worker = process.env.JEST_WORKER_ID ? `_w${process.env.JEST_WORKER_ID}` : '';
  return withDatabase(testServerUrl(), `ecomify_test_${name.replace(/[^a-z0-9_]/gi, '_')}${worker}`);
}

/** Drops and recreates a test database, then applies the migrations in `migrationsDir`. */
export async function prepareTestDatabase(name: string, migrationsDir: string): Promise<string> {
  const url = testDatabaseUrl(name);
  await dropDatabase(url);
  await applyMigrations(url, migrationsDir);
  return url;
}

export interface TestIssuer {
  jwks: JSONWebKeySet;
  verifier: TokenVerifier;
  /** Signs an access token like identity's, for a user with these roles. */
  token(opts: {
    sub?: string;
    roles?: Role[];
    permissions?: string[];
    store?: string;
    expiresIn?: string;
    jti?: string;
    kind?: 'user' | 'plugin' | 'service';
    scopes?: string[];
  }): Promise<string>;
}

export const TEST_ISSUER = 'ecomify-identity';
export const TEST_AUDIENCE = 'ecomify';

/** A throwaway ES256 issuer: its JWKS and a verifier that trusts it. */
export async function createTestIssuer(opts: { isRevoked?: (jti: string) => Promise<boolean> } = {}): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const jwks = { keys: [jwk] };
  return {
    jwks,
    verifier: createTokenVerifier({ jwks, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, isRevoked: opts.isRevoked }),
    async token(o) {
      const roles = o.roles ?? ['CUSTOMER'];
      return new SignJWT({
        roles,
        perms: o.permissions ?? permissionsForRoles(roles),
        ...(o.store ? { store: o.store } : {}),
        ...(o.kind ? { kind: o.kind } : {}),
        ...(o.scopes ? { scopes: o.scopes } : {}),
      })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setSubject(o.sub ?? `user_${randomUUID().slice(0, 8)}`)
        .setIssuer(TEST_ISSUER)
        .setAudience(TEST_AUDIENCE)
        .setIssuedAt()
        .setJti(o.jti ?? randomUUID())
        .setExpirationTime(o.expiresIn ?? '15m')
        .sign(privateKey);
    },
  };
}

/** Sends a GraphQL operation to an in-process app (`app.fetch`) or a URL and returns the parsed body. */
export async function gql<T = any>(
  target: { fetch: (input: string, init?: RequestInit) => Promise<Response> } | string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<{ data?: T; errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[]; status: number }> {
  const init: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  };
  const res = typeof target === 'string' ? await fetch(target, init) : await target.fetch('http://subgraph.local/graphql', init);
  const body = (await res.json()) as { data?: T; errors?: never[] };
  return { ...body, status: res.status };
}
